"""Small field rules shared by every catalogue reader: levels, audiences, provinces, online.

They read what a source names and return nothing when a name is not obviously one thing,
so a record never carries a level, audience or province the source did not state.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from indexer.catalogue.model import Channel, Document
from indexer.catalogue.pagetext import NO_INFO
from indexer.vntext import clean, fold

# Audience by the start of a portal target type (folded): citizens, businesses, organisations.
_AUDIENCE_PREFIXES = (
    ("cong dan", "cong-dan"), ("nguoi nuoc ngoai", "cong-dan"), ("nguoi viet nam dinh cu", "cong-dan"),
    ("can bo", "cong-dan"), ("dang vien", "cong-dan"),
    ("doanh nghiep", "doanh-nghiep"), ("hop tac xa", "doanh-nghiep"),
    ("to chuc", "to-chuc"),
)
# Level by what an agency's name says (folded); a name matching two levels gives none.
_LEVEL_RULES = (
    ("xa", re.compile(r"\bcap xa\b|^(?:ubnd|uy ban nhan dan) (?:phuong|xa|dac khu)\b")),
    ("tinh", re.compile(r"\bcap tinh\b|^so\b|\b(?:ubnd|uy ban nhan dan) (?:tinh|thanh pho)\b")),
    ("bo", re.compile(r"^(?:bo|tong cuc|cuc|vu)\b(?! chi huy| tu lenh| tham muu| phan)")),
)
_LEVEL_WORDS = {"cap bo": "bo", "cap tinh": "tinh", "cap xa": "xa"}
# Words before a province's own name: "UBND tỉnh Đắk Lắk", "Sở Xây dựng - tỉnh Quảng Ngãi".
_PROVINCE = re.compile(r"(?:^|\W)(?:tinh|thanh pho|tp\.?)\s*([a-z][a-z ]*?)\s*(?:\(.*\))?$")
_ADMIN_WORDS = re.compile(r"^(?:ubnd|uy ban nhan dan|trung tam phuc vu hanh chinh cong)\s+")
_METHODS = {"ONLINE": "online", "DIRECT": "direct", "POSTAL": "postal"}
_UNITS = {"WORKING_DAY": "working_day", "DAY": "day", "HOUR": "hour", "MONTH": "month", "YEAR": "year",
          "OTHER": "other"}


def text(value: object) -> str:
    """A source's text field cleaned; the page's "Không có thông tin" and null become ""."""
    s = clean(value) if isinstance(value, str) else ""
    return "" if s == NO_INFO else s


def names(values: Iterable[object]) -> tuple[str, ...]:
    """Non-empty cleaned strings, in order, without repeats."""
    return tuple(dict.fromkeys(t for t in map(text, values) if t))


def split_targets(value: str) -> tuple[str, ...]:
    """Target types from a comma list whose items may hold commas themselves.

    "Tổ chức (không bao gồm doanh nghiệp, HTX), Cán bộ, công chức, viên chức": a comma inside
    brackets or before a lowercase word does not start a new item.
    """
    items, depth, current = [], 0, ""
    for ch in value:
        if ch == "," and depth == 0:
            items.append(current)
            current = ""
            continue
        depth += (ch == "(") - (ch == ")")
        current += ch
    merged: list[str] = []
    for item in (i.strip() for i in items + [current]):
        if merged and item[:1].islower():
            merged[-1] += ", " + item
        elif item:
            merged.append(item)
    return names(merged)


def audience(targets: Iterable[str]) -> tuple[str, ...]:
    """Our audiences for the portal's target types, in the order of model.AUDIENCES."""
    found = {a for t in targets for prefix, a in _AUDIENCE_PREFIXES if fold(t).startswith(prefix)}
    return tuple(a for a in ("cong-dan", "doanh-nghiep", "to-chuc") if a in found)


def agency_level(agency: str) -> str | None:
    """The level an agency's name states ("Công an cấp Xã" → xa, "Sở Y tế" → tinh), or None."""
    folded = " ".join(fold(agency).split())
    found = {level for level, rule in _LEVEL_RULES if rule.search(folded)}
    return found.pop() if len(found) == 1 else None


def levels(agencies: Iterable[str]) -> tuple[str, ...]:
    """Levels named by any of the agencies, in the order of model.LEVELS."""
    found = {agency_level(a) for a in agencies}
    return tuple(x for x in ("xa", "tinh", "bo") if x in found)


def levels_from_words(value: str) -> tuple[str, ...]:
    """Levels from the page's "Cấp thực hiện" ("Cấp bộ, Cấp tỉnh"); "Cơ quan khác" gives none."""
    found = {_LEVEL_WORDS.get(" ".join(fold(p).split())) for p in value.split(",")}
    return tuple(x for x in ("xa", "tinh", "bo") if x in found)


def province_code(value: str) -> str:
    """A slug of the province an agency names ("UBND tỉnh Đắk Lắk" → "dak-lak"), or "" if none.

    Folding drops diacritics and đ→d; the administrative words before the name are dropped.
    """
    folded = " ".join(fold(value).replace("-", " - ").split())
    m = _PROVINCE.search(folded)
    if m and m[1].strip():
        place = m[1]
    else:
        place = _ADMIN_WORDS.sub("", folded) if _ADMIN_WORDS.match(folded) else ""
        if re.search(r"\b(?:cap|tinh|thanh pho|so|bo)\b", place):
            return ""
    return re.sub(r"[^a-z0-9]+", "-", place).strip("-")


def kind(portal_type: object) -> str:
    """Our kind for the portal's procedure type (STANDARD, SPECIFIC, STANDARD_INTERNAL)."""
    return {"SPECIFIC": "province", "STANDARD_INTERNAL": "internal"}.get(str(portal_type or ""), "national")


def method(value: object) -> str | None:
    """Our method for the portal's submission method, or None for an unknown one."""
    return _METHODS.get(str(value or "").upper())


def unit(value: object) -> str | None:
    """Our unit for the portal's time unit, or None for an unknown one."""
    return _UNITS.get(str(value or "").upper())


def qty(value: object) -> float | None:
    """A time limit's quantity as a float (the portal sends ints), or None when absent."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def online(channels: tuple[Channel, ...]) -> bool | None:
    """True with an online channel, False when channels exist but none is online, None without any."""
    return any(c.method == "online" for c in channels) if channels else None


def copies(original: object, copy: object) -> str:
    """The page's words for a document's counts: "1 bản chính", "0 bản chính, 1 bản sao"."""
    out = f"{int(original or 0)} bản chính"
    return out + (f", {int(copy)} bản sao" if copy else "")


def document(name: str, original: object, copy: object, form: str, files: Iterable[str]) -> Document:
    """A document from structured fields: the form named in its text, else its first attached file."""
    return Document(name, copies(original, copy), form or next(iter(f for f in files if f), ""))
