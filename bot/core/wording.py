"""Vietnamese wording, kept in wording.yaml so staff can edit it without code."""
from __future__ import annotations

import re
import string
from functools import lru_cache
from pathlib import Path

import yaml

WORDING_FILE = Path(__file__).with_name("wording.yaml")
_MAX_DEPTH = 3
DEFAULT_YOU = "bạn"
_YOU = re.compile(r"\b([Bb])ạn\b")


@lru_cache(maxsize=4)
def _load(path: Path) -> dict[str, str]:
    return {k: str(v) for k, v in yaml.safe_load(path.read_text(encoding="utf-8")).items()}


def speak_to(text: str, you: str) -> str:
    """Our own wording says "bạn"; say the citizen's form instead ("Bạn" → "Bác")."""
    if you == DEFAULT_YOU:
        return text
    return _YOU.sub(lambda m: you.capitalize() if m.group(1) == "B" else you, text)


def _fill(texts: dict[str, str], template: str, values: dict[str, str], you: str, depth: int) -> str:
    """{name} is a value the program passes (used as is) or another wording key (filled in turn)."""
    template = speak_to(template, you)
    if "{" not in template or depth > _MAX_DEPTH:
        return template
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    return template.format(**{n: values[n] if n in values else _fill(texts, texts[n], {}, you, depth + 1)
                              for n in names})


def say(key: str, path: Path = WORDING_FILE, you: str = DEFAULT_YOU, **values: str) -> str:
    """The wording for key, addressing the citizen as `you`; values (the citizen's words…) are used as given."""
    texts = _load(path)
    return _fill(texts, texts[key], values, you, 0)
