"""Split an answer into the steps "Làm từng bước" sends one at a time."""
from __future__ import annotations

import re

_NUMBERED = re.compile(r"^\s*\d+[.)]\s+")


def split_steps(body: str) -> list[str]:
    """Numbered lines start steps; an intro joins step 1 and trailing notes join the last step."""
    steps: list[str] = []
    intro: list[str] = []
    for line in body.strip().splitlines():
        if _NUMBERED.match(line):
            steps.append(_NUMBERED.sub("", line).strip())
        elif not line.strip():
            continue
        elif steps:
            steps[-1] += "\n" + line.strip()
        else:
            intro.append(line.strip())
    if not steps:
        return ["\n".join(intro)] if intro else []
    if intro:
        steps[0] = "\n".join(intro + [steps[0]])
    return steps
