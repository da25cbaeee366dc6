"""Reading a place the citizen typed instead of pressing a button ("ha tinh a", "em ở Đắk Lắk", "Bình Định"),
so their ticket reaches the right team rather than being taken for a question.

The 34 provinces (after 1 July 2025) and their communes come from the vietnam-provinces package; provinces
merged then, and a few common names, map to today's province (bot/retrieval/old_provinces.yaml, staff-editable).
A message is read as a place only when nothing but a place and a few filler words ("em ở", "tỉnh", "ạ") is in it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from indexer.divisions import bare_name, name_key, nested_divisions

OLD_PROVINCES = Path(__file__).with_name("old_provinces.yaml")
_FILLERS = frozenset(
    "em toi minh chau con anh chi co chu bac ong ba o tai thuoc song la que nha dang sinh vang da a ah ak "
    "nhe nhen oi tinh thanh pho tp xa phuong dac khu thi tran huyen quan cu moi truoc day nay ben va tren "
    "of".split())


@dataclass(frozen=True)
class TypedPlace:
    province: str              # our province code, e.g. "dak-lak"
    province_name: str         # "Đắk Lắk"
    commune: str | None        # "Xã Cẩm Xuyên", when one was named
    said_as: str | None        # the old province name the citizen used ("Bình Định"), if any

    def describe(self) -> str:
        where = f"{self.commune}, {self.province_name}" if self.commune else self.province_name
        return f"{where} ({self.said_as} cũ)" if self.said_as else where


@dataclass(frozen=True)
class _Divisions:
    names: dict[str, str]                      # code → display name
    provinces: dict[str, tuple[str, str | None]]  # name key → (code, old name said)
    communes: dict[str, dict[str, str]]        # code → commune key → display name


@lru_cache(maxsize=1)
def divisions() -> _Divisions:
    names, provinces, communes = {}, {}, {}
    for p in nested_divisions():
        code = p["codename"].replace("_", "-")
        names[code] = re.sub(r"^Thành phố ", "", p["name"])
        provinces[bare_name(p["name"])] = (code, None)
        communes[code] = {bare_name(w["name"]): w["name"] for w in p["wards"]}
    extra = yaml.safe_load(OLD_PROVINCES.read_text(encoding="utf-8"))
    for old, code in (extra.get("merged") or {}).items():
        provinces[name_key(old)] = (code, old)
    for alias, code in (extra.get("aliases") or {}).items():
        provinces[name_key(alias)] = (code, None)
    return _Divisions(names, provinces, communes)


def province_display(code: str) -> str:
    """"Gia Lai" for "gia-lai"; the code itself when unknown."""
    return divisions().names.get(code, code)


def _find(words: list[str], keys: dict[str, object]) -> tuple[str, int, int] | None:
    """The longest key found as consecutive words (or written together: "daklak"), with its word span."""
    best = None
    for i in range(len(words)):
        for j in range(len(words), i, -1):
            span = words[i:j]
            for candidate in (" ".join(span), "".join(span)):
                if candidate in keys and (best is None or j - i > best[2] - best[1]):
                    best = (candidate, i, j)
    if best is None:
        compact = {k.replace(" ", ""): k for k in keys}
        for i, w in enumerate(words):
            if w in compact:
                return compact[w], i, i + 1
    return best


def read_place(text: str, team_communes: dict[str, list[str]] | None = None) -> TypedPlace | None:
    """The province (and commune) a short message names, or None when it says anything else.
    `team_communes`: province code → commune names of our teams, so a team's own spelling is understood too."""
    words = name_key(text).split()
    if not words or len(words) > 12:
        return None
    d = divisions()
    compact_keys = {k.replace(" ", ""): v for k, v in d.provinces.items()}
    found = _find(words, d.provinces) or _find(words, compact_keys)
    province, said_as, commune = None, None, None
    if found:
        key, i, j = found
        province, said_as = d.provinces.get(key) or compact_keys[key]
        words = words[:i] + words[j:]
    candidates: dict[str, dict[str, str]] = {}
    for code in ([province] if province else list(d.communes)):
        own = dict(d.communes.get(code, {}))
        own.update({bare_name(c): c for c in (team_communes or {}).get(code, [])})
        candidates[code] = own
    rest = [w for w in words if w not in _FILLERS]
    if rest:
        hits = [(code, _find(rest, names)) for code, names in candidates.items()]
        hits = [(code, hit) for code, hit in hits if hit and hit[2] - hit[1] == len(rest)]
        if len(hits) == 1 or (hits and province):
            code, (key, _, _) = hits[0]
            province, commune, rest = code, candidates[code][key], []
    if province is None or len(rest) > (1 if found else 0):
        return None
    return TypedPlace(province, d.names.get(province, province), commune, said_as)


_WHERE = frozenset({"o", "tai", "tinh", "tp", "thanh", "pho", "ve", "que", "dia", "ban"})


def provinces_named(text: str) -> frozenset[str]:
    """Province codes a question of any length names ("Ở Đà Nẵng muốn tách thửa…", "o bac ninh ho tro…").
    A one-word name (Huế) counts only after "ở/tại/tỉnh/tp", where it cannot be another word."""
    return frozenset(code for code, _ in _named(text))


def place_prior(provinces: tuple[str, ...], named: frozenset[str], deployed: str | None, boost: float) -> float:
    """A province's guide (`provinces`) is lifted when the question names that province and lowered twice as
    much when it names only others; with none named, this deployment's province is lifted. "Bình Định giờ nhập vô
    tỉnh nào" had got Đồng Nai's guide, which names Bình Phước."""
    if not provinces:
        return 0.0
    if named:
        return boost if named & set(provinces) else -2 * boost
    return boost if deployed and deployed in provinces else 0.0


def place_words(text: str) -> frozenset[str]:
    """The folded words of the provinces a question names, as said ("binh", "duong" of "ở trọ bình dương", "thua",
    "thien", "hue" of "tỉnh thừa thiên huế") and by their current names ("ho", "chi", "minh" for "tp hcm")."""
    return frozenset(w for code, said in _named(text)
                     for w in (*said.split(), *name_key(province_display(code)).split()))


def _named(text: str) -> list[tuple[str, str]]:
    """(province code, the name as said, folded) for each province name in the text."""
    words = name_key(text).split()
    keys = divisions().provinces
    found: list[tuple[str, str]] = []
    i = 0
    while i < len(words):
        hit = next(((" ".join(words[i:j]), j) for j in range(min(len(words), i + 5), i, -1)
                    if " ".join(words[i:j]) in keys), None)
        if hit and (hit[1] - i > 1 or len(hit[0]) > 4 or (i and words[i - 1] in _WHERE)):
            found.append((keys[hit[0]][0], hit[0]))
            i = hit[1]
        else:
            i += 1
    return found
