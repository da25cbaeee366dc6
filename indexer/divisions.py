"""Vietnam's 34 provinces and their communes since 1 July 2025, as the vietnam-provinces package ships them.

Read once per process: the place reader (bot/retrieval/places.py) routes tickets by them, and the name reader
(bot/privacy/people.py) knows "Cao Bằng" or the ward "Lê Lợi" is a place, not a person.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from vietnam_provinces import NESTED_DIVISIONS_JSON_PATH

from indexer.vntext import fold

_KIND = re.compile(r"^(thanh pho|tinh|xa|phuong|dac khu|thi tran)\s+")


@lru_cache(maxsize=1)
def nested_divisions() -> list[dict]:
    """Each province with its `wards` (communes), as the package ships them."""
    return json.loads(Path(NESTED_DIVISIONS_JSON_PATH).read_text(encoding="utf-8"))


def name_key(name: str) -> str:
    """A name folded to letters, digits and single spaces: "Đắk Lắk" → "dak lak"."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(name)).split())


def bare_name(name: str) -> str:
    """A division's name without its kind: "Thành phố Hà Nội" → "ha noi", "Xã Cẩm Xuyên" → "cam xuyen"."""
    return _KIND.sub("", name_key(name))


@lru_cache(maxsize=1)
def division_names() -> frozenset[str]:
    """The bare name of every province and commune."""
    return frozenset(bare_name(d["name"]) for p in nested_divisions() for d in (p, *p["wards"]))
