"""One procedure of the national catalogue, normalised from whichever source described it.

A record keeps only what a source stated: a field no source gave stays empty, and
text that could not be parsed is named in `unparsed` rather than guessed.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

PORTAL_PAGE = "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/{id}"
SUBMIT_PAGE = "https://dichvucong.gov.vn/nop-ho-so?formalityId={id}"

# Levels after 1/7/2025 (no districts): commune, province, ministry (central).
LEVELS = ("xa", "tinh", "bo")
# Who may use a procedure, as the portal's target types group them.
AUDIENCES = ("cong-dan", "doanh-nghiep", "to-chuc")
# How a dossier can be handed in.
METHODS = ("online", "direct", "postal")
# Units of a time limit as the portal states them.
UNITS = ("working_day", "day", "month", "year", "hour", "other")


@dataclass(frozen=True)
class Fee:
    amount_vnd: int | None  # a stated amount; None when the text gives none (decided by the province, exempt…)
    text: str               # the source's own words, kept whole


@dataclass(frozen=True)
class Channel:
    """One way of handing in a dossier, with its time limit and fees."""
    method: str                      # one of METHODS
    time_qty: float | None = None    # e.g. 3
    time_unit: str | None = None     # one of UNITS
    time_text: str = ""              # the source's description of the time limit
    fees: tuple[Fee, ...] = ()

    @property
    def free(self) -> bool:
        return bool(self.fees) and all(f.amount_vnd == 0 for f in self.fees)


@dataclass(frozen=True)
class Document:
    name: str
    copies: str = ""  # "1 bản chính", "01 bản sao"
    form: str = ""    # a form's name or code (CT01), when the source names one


@dataclass(frozen=True)
class LegalRef:
    code: str  # "53/2025/TT-BCA"
    name: str = ""


@dataclass(frozen=True)
class SourceRef:
    """Where a record's facts come from and when they were taken."""
    name: str        # "OpenGOV catalog.jsonl", "chatbot_tthc raw", "portal API"
    taken: str       # ISO date the source read the portal (or the file's date)
    url: str = ""


@dataclass(frozen=True)
class Procedure:
    code: str                                 # national code, e.g. "1.004194"
    name: str
    portal_id: str = ""                       # the UUID of the portal page
    field: str = ""                           # lĩnh vực
    levels: tuple[str, ...] = ()              # of LEVELS
    agencies: tuple[str, ...] = ()            # cơ quan thực hiện
    authority: str = ""                       # cơ quan có thẩm quyền
    where: str = ""                           # địa chỉ tiếp nhận
    audience: tuple[str, ...] = ()            # of AUDIENCES
    targets: tuple[str, ...] = ()             # the portal's own target types, as written
    online: bool | None = None                # can a dossier be handed in online? None: not stated
    channels: tuple[Channel, ...] = ()
    documents: tuple[Document, ...] = ()
    steps: tuple[str, ...] = ()
    conditions: str = ""
    results: tuple[str, ...] = ()
    legal_basis: tuple[LegalRef, ...] = ()
    kind: str = "national"                    # national | province (SPECIFIC) | internal (STANDARD_INTERNAL)
    province: str = ""                        # province code for a province-specific procedure
    promulgator: str = ""                     # ministry or province People's Committee that published it
    sources: tuple[SourceRef, ...] = ()
    unparsed: tuple[str, ...] = ()            # fields whose text the import could not read (never guessed)

    @property
    def entry_id(self) -> str:
        return f"tthc:{self.code}"

    @property
    def page_url(self) -> str:
        return PORTAL_PAGE.format(id=self.portal_id) if self.portal_id else ""

    @property
    def submit_url(self) -> str:
        return SUBMIT_PAGE.format(id=self.portal_id) if self.portal_id and self.online else ""

    @property
    def detailed(self) -> bool:
        """True when a detail page was read (more than the listing's name, agency and field)."""
        return bool(self.channels or self.documents or self.steps)

    @property
    def taken(self) -> str:
        """The latest date any source read this record."""
        return max((s.taken for s in self.sources), default="")

    def channel(self, method: str) -> Channel | None:
        return next((c for c in self.channels if c.method == method), None)

    def to_json(self) -> dict[str, Any]:
        """Compact JSON: empty fields are left out."""
        return {k: v for k, v in asdict(self).items() if v not in ("", (), [], None) or k in ("code", "name")}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Procedure":
        kw = dict(d)
        kw["channels"] = tuple(
            Channel(**{**c, "fees": tuple(Fee(**f) for f in c.get("fees", ()))}) for c in d.get("channels", ()))
        kw["documents"] = tuple(Document(**x) for x in d.get("documents", ()))
        kw["legal_basis"] = tuple(LegalRef(**x) for x in d.get("legal_basis", ()))
        kw["sources"] = tuple(SourceRef(**x) for x in d.get("sources", ()))
        for name in ("levels", "agencies", "audience", "targets", "steps", "results", "unparsed"):
            kw[name] = tuple(d.get(name, ()))
        return cls(**kw)

    def merged(self, other: "Procedure") -> "Procedure":
        """This record with the fields it lacks taken from `other` (same code); sources and unparsed joined."""
        kw: dict[str, Any] = {}
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if f.name in ("sources", "unparsed"):
                kw[f.name] = tuple(dict.fromkeys(mine + theirs))
            elif f.name == "kind":
                kw[f.name] = mine if mine != "national" else theirs
            elif mine in ("", (), None):
                kw[f.name] = theirs
        return replace(self, **kw)

