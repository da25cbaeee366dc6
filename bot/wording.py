"""Vietnamese wording, kept in wording.yaml so staff can edit it without code."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

WORDING_FILE = Path(__file__).with_name("wording.yaml")


@lru_cache(maxsize=4)
def _load(path: Path) -> dict[str, str]:
    return {k: str(v) for k, v in yaml.safe_load(path.read_text(encoding="utf-8")).items()}


def say(key: str, path: Path = WORDING_FILE, **values: str) -> str:
    texts = _load(path)
    return texts[key].format(**{**texts, **values}) if "{" in texts[key] else texts[key]
