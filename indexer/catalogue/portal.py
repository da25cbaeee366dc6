"""Readers for the portal's own API JSON (what `dvcbot catalogue sync` fetches).

Listing: POST /api/v1/submitting/formality/list-all-public-formality-by-citizen answers
{"data": {"items": [...], "total", "lastId"}}, items shaped like OpenGOV's catalog.jsonl lines.
One record: POST …/get-formality-by-citizen answers {"code": "OK", "data": {...}} with
executionMethods, executionCases[].profileComponents, legalBasisesDetails, resultsDetails and
isWard/isProvince/isMinistry. Field names were learnt from public crawlers' saved answers.
"""
from __future__ import annotations

from typing import Any

from indexer.catalogue import fields as f, pagetext
from indexer.catalogue.model import PORTAL_PAGE, Channel, Document, Fee, LegalRef, Procedure, SourceRef

PORTAL_SOURCE = "portal API"
PORTAL_LISTING_SOURCE = "portal API listing"
_VND = ("", "Việt Nam Đồng", "VNĐ", "VND", "Đồng")


def listing_procedure(obj: dict[str, Any], source: SourceRef) -> Procedure:
    """A listing item: name, agencies, field, target types and kind; no channels or documents."""
    agencies = f.names(obj.get("departments") or ())
    targets = f.names(obj.get("formalityTargetType") or ())
    promulgator = f.text(obj.get("departmentPromulgate"))
    kind = f.kind(obj.get("type"))
    return Procedure(
        code=f.text(obj.get("code")), name=f.text(obj.get("name")), portal_id=f.text(obj.get("id")),
        field="; ".join(f.names(obj.get("categories") or ())), levels=f.levels(agencies), agencies=agencies,
        audience=f.audience(targets), targets=targets, kind=kind,
        province=_province(promulgator, agencies) if kind == "province" else "",
        promulgator=promulgator, sources=(source,))


def _province(promulgator: str, agencies: tuple[str, ...]) -> str:
    """The province of a province-specific procedure: its promulgator's, else its agencies' if one."""
    found = {f.province_code(a) for a in agencies} - {""}
    return f.province_code(promulgator) or (found.pop() if len(found) == 1 else "")


def from_portal_listing_item(obj: dict[str, Any], taken: str) -> Procedure:
    """One item of the portal's listing answer."""
    return listing_procedure(obj, SourceRef(PORTAL_LISTING_SOURCE, taken))


def _fee(fee: dict[str, Any]) -> Fee:
    """A portal fee; a value in another currency is kept in the words, never as đồng."""
    value, words = fee.get("value"), f.text(fee.get("description"))
    currency = f.text(fee.get("currencyName"))
    if currency not in _VND:
        stated = f"{value:g} {currency}" if isinstance(value, (int, float)) else ""
        return Fee(None, " – ".join(x for x in (stated, words) if x))
    return Fee(pagetext.fee_amount(value, words), words)


def _channels(data: dict[str, Any]) -> tuple[tuple[Channel, ...], bool]:
    """Channels of a record, and False when one has a submission method we do not know."""
    channels, ok = [], True
    for m in data.get("executionMethods") or ():
        method = f.method(m.get("submissionMethod"))
        if method is None:
            ok = False
            continue
        channels.append(Channel(method, f.qty(m.get("processingTime")), f.unit(m.get("processingTimeUnit")), "",
                                tuple(_fee(fee) for fee in m.get("fees") or ())))
    return tuple(channels), ok


def _documents(data: dict[str, Any]) -> tuple[Document, ...]:
    components = [c for case in data.get("executionCases") or () for c in case.get("profileComponents") or ()]
    components += list(data.get("profileComponents") or ())
    return tuple(f.document(f.text(c.get("name")), c.get("originalQty"), c.get("copyQty"),
                            pagetext.form_code(c.get("name") or ""),
                            (a.get("fileName", "") for a in c.get("attachments") or ()))
                 for c in components if f.text(c.get("name")))


def _levels(data: dict[str, Any], agencies: tuple[str, ...]) -> tuple[str, ...]:
    """Levels from the record's flags, else from its agencies' names."""
    flags = {"xa": data.get("isWard"), "tinh": data.get("isProvince"), "bo": data.get("isMinistry")}
    return tuple(level for level, on in flags.items() if on) or f.levels(agencies)


def from_portal_record(obj: dict[str, Any], taken: str) -> Procedure:
    """One get-formality-by-citizen answer (or its `data` object)."""
    data = obj["data"] if isinstance(obj.get("data"), dict) else obj
    agencies = (f.names(d.get("name") for d in data.get("departmentsExecuting") or ())
                or f.names((data.get("executingAgencies") or "").splitlines()))
    targets = (f.names(data.get("formalityTargetType") or ())
               or f.names(d.get("name") for d in data.get("subjectTypesDetails") or ()))
    fields_ = f.names(d.get("name") for d in data.get("categoriesDetails") or ())
    promulgator = f.text(data.get("departmentPromulgateName"))
    kind = f.kind(data.get("type"))
    channels, channels_ok = _channels(data)
    portal_id = f.text(data.get("id"))
    return Procedure(
        code=f.text(data.get("code")), name=f.text(data.get("name")), portal_id=portal_id,
        field="; ".join(fields_) or f.text((data.get("category") or {}).get("name")),
        levels=_levels(data, agencies), agencies=agencies,
        authority="; ".join(f.names(d.get("name") for d in data.get("departmentsAuthority") or ())),
        where="; ".join(f.names((data.get("dossierReceivingAddresses") or "").splitlines())),
        audience=f.audience(targets), targets=targets, online=f.online(channels), channels=channels,
        documents=_documents(data),
        steps=tuple(s for step in data.get("executionSteps") or ()
                    for s in pagetext.parse_steps(step.get("description") or "")),
        conditions=f.text(data.get("requirementsAndConditions")),
        results=f.names(d.get("name") for d in data.get("resultsDetails") or ()),
        legal_basis=tuple(LegalRef(f.text(d.get("code")), f.text(d.get("name")))
                          for d in data.get("legalBasisesDetails") or () if f.text(d.get("code"))),
        kind=kind, province=_province(promulgator, agencies) if kind == "province" else "",
        promulgator=promulgator,
        sources=(SourceRef(PORTAL_SOURCE, taken, PORTAL_PAGE.format(id=portal_id) if portal_id else ""),),
        unparsed=() if channels_ok else ("channels",))
