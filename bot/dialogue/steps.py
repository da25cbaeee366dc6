"""An answer's numbered steps, and the detail staff give a step for "Làm từng bước".

In a knowledge file, lines starting with ">" under a numbered step (indented)
are that step's detail — which screen, which button, a common mistake. The
answer itself shows the steps without details; step-by-step mode shows both.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBERED = re.compile(r"^\s*\d+[.)]\s+")
_DETAIL = re.compile(r"^\s*>\s?")


@dataclass(frozen=True)
class Step:
    text: str
    detail: str = ""


def is_detail(line: str) -> bool:
    return bool(_DETAIL.match(line))


def detail_of(line: str) -> str:
    """A detail line without the mark staff put before it."""
    return _DETAIL.sub("", line).strip()


def summary(body: str) -> str:
    """The body as the answer shows it: detail lines left for step-by-step mode."""
    return "\n".join(line for line in body.strip().splitlines() if not is_detail(line))


def split_steps(body: str) -> list[Step]:
    """Numbered lines start steps; an intro joins step 1, later plain lines join the step before them."""
    steps: list[Step] = []
    intro: list[str] = []
    for line in body.strip().splitlines():
        if _NUMBERED.match(line):
            steps.append(Step(_NUMBERED.sub("", line).strip()))
        elif not line.strip():
            continue
        elif steps and is_detail(line):
            last = steps[-1]
            steps[-1] = Step(last.text, "\n".join(filter(None, [last.detail, detail_of(line)])))
        elif steps:
            steps[-1] = Step(steps[-1].text + "\n" + line.strip(), steps[-1].detail)
        elif not is_detail(line):
            intro.append(line.strip())
    if intro and steps:
        steps[0] = Step("\n".join(intro + [steps[0].text]), steps[0].detail)
    return steps


def is_procedural(body: str) -> bool:
    """Worth walking through one step at a time: numbered steps, and staff wrote detail for at least one."""
    steps = split_steps(body)
    return len(steps) >= 2 and any(s.detail for s in steps)
