"""The labelled privacy corpus and how a leak is judged, shared by its test and bench/privacy.py."""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.privacy.redact import PLACEHOLDERS, normalise

CORPUS = Path(__file__).with_name("data") / "privacy_corpus.jsonl"
_TOKEN = re.compile(r"\w+")
_DIGITS = re.compile(r"\d{4,}")


@dataclass(frozen=True)
class Labelled:
    id: str
    text: str
    secrets: tuple[tuple[str, str], ...]   # (category, text that must disappear)
    keep: tuple[tuple[str, str], ...]      # (category, text that must stay as it is)


def load_corpus(path: Path = CORPUS) -> list[Labelled]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Labelled(r["id"], r["text"], tuple((s["category"], s["text"]) for s in r["secrets"]),
                     tuple((k["category"], k["text"]) for k in r["keep"])) for r in rows]


def _tokens(text: str) -> Counter:
    return Counter(t.lower() for t in _TOKEN.findall(text))


def leaked(text: str, secret: str, redacted: str) -> list[str]:
    """Pieces of `secret` still readable in `redacted`.

    A word or number of the secret leaks when it appears in the output more often than in the rest of the
    message; a run of 4+ digits leaks when it is part of the secret's digits and not found elsewhere.
    """
    text, secret = normalise(text), normalise(secret)
    rest = text.replace(secret, " ", 1)
    for placeholder in PLACEHOLDERS.values():
        redacted = redacted.replace(placeholder, " ")
    out, before = _tokens(redacted), _tokens(rest)
    pieces = [t for t in _tokens(secret) if out[t] > before[t]]
    secret_digits = "".join(c for c in secret if c.isdigit())
    rest_runs = set(_DIGITS.findall(rest))
    pieces += [run for run in _DIGITS.findall(redacted) if run in secret_digits and run not in rest_runs]
    return pieces


def kept(keep: str, redacted: str) -> bool:
    return normalise(keep) in redacted
