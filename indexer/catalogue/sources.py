"""Readers that turn each source's JSON shape into `Procedure` records.

Shapes: the OpenGOV listing (catalog.jsonl), OpenGOV's normalised details, chatbot_tthc's
page crawls (run-together text, read by `pagetext` and `pagecodes`), and the portal's own API JSON
(`portal`). Each reader keeps what its source states and names fields it could not read in
`unparsed`.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from indexer.catalogue import fields as f, pagecodes, pagetext
from indexer.catalogue.fields import province_code
from indexer.catalogue.model import Channel, Fee, LegalRef, Procedure, SourceRef
from indexer.catalogue.portal import from_portal_listing_item, from_portal_record, listing_procedure

__all__ = ["detect_shape", "from_portal_listing_item", "from_portal_record", "iter_file", "province_code",
           "read_listing_line", "read_opengov_detail", "read_tthc_raw"]

LISTING_SOURCE = "OpenGOV catalog.jsonl"
DETAIL_SOURCE = "OpenGOV procedures"
TTHC_SOURCE = "chatbot_tthc raw"
# Fees below this many đồng in OpenGOV's details are other currencies whose name it dropped (5 = 5 USD).
_LEAST_VND = 1_000


def read_listing_line(obj: dict[str, Any], taken: str) -> Procedure:
    """One line of OpenGOV's catalog.jsonl (the portal's listing as OpenGOV saved it)."""
    return listing_procedure(obj, SourceRef(LISTING_SOURCE, taken))


def _opengov_fee(fee: dict[str, Any]) -> tuple[Fee, bool]:
    """A fee of an OpenGOV detail, and False when a tiny value lost its currency (5 = 5 USD)."""
    value, words = fee.get("value_vnd"), f.text(fee.get("text"))
    if value and value < _LEAST_VND and value not in pagetext.parse_fee_amounts(words):
        return Fee(None, words), False
    return Fee(pagetext.fee_amount(value, words), words), True


def _opengov_channels(obj: dict[str, Any]) -> tuple[tuple[Channel, ...], bool]:
    channels, ok = [], True
    for ch in obj.get("channels") or ():
        method = f.method(ch.get("method"))
        if method is None:
            ok = False
            continue
        processing = ch.get("processing") or {}
        fees = []
        for fee in ch.get("fees") or ():
            read, sure = _opengov_fee(fee)
            fees.append(read)
            ok &= sure
        channels.append(Channel(method, f.qty(processing.get("qty")), f.unit(processing.get("unit")), "",
                                tuple(fees)))
    return tuple(channels), ok


def read_opengov_detail(obj: dict[str, Any]) -> Procedure:
    """One of OpenGOV's data/procedures/*.json; its date is the day OpenGOV crawled the page."""
    source = obj.get("source") or {}
    channels, channels_ok = _opengov_channels(obj)
    docs = tuple(f.document(f.text(item.get("name")), item.get("original_qty"), item.get("copy_qty"),
                            pagetext.form_code(item.get("name") or ""),
                            (a.get("fileName", "") for a in item.get("attachments") or ()))
                 for group in obj.get("checklist_raw") or () for item in group.get("items") or ()
                 if f.text(item.get("name")))
    executing = f.names([obj.get("executing_agency")])
    targets = f.names(obj.get("subject_types") or ())
    steps = tuple(s for part in obj.get("steps_raw") or () for s in pagetext.parse_steps(part.get("text") or ""))
    return Procedure(
        code=f.text(obj.get("code")), name=f.text(obj.get("name")), portal_id=f.text(obj.get("source_id")),
        field=f.text((obj.get("category") or {}).get("name")), levels=f.levels(executing), agencies=executing,
        audience=f.audience(targets), targets=targets, online=f.online(channels), channels=channels,
        documents=docs, steps=steps, conditions=f.text(obj.get("requirements")),
        results=f.names(obj.get("results") or ()),
        legal_basis=tuple(LegalRef(f.text(x.get("code")), f.text(x.get("name")))
                          for x in obj.get("legal_basis") or () if f.text(x.get("code"))),
        promulgator=f.text(obj.get("promulgating_agency")),
        sources=(SourceRef(DETAIL_SOURCE, str(source.get("crawled_at") or "")[:10], source.get("url") or ""),),
        unparsed=() if channels_ok else ("channels",))


def read_tthc_raw(obj: dict[str, Any], taken: str) -> Procedure:
    """One chatbot_tthc page crawl (raw/<ministry>/<code>.json), its tables read from run-together text."""
    url = f.text(obj.get("detail_url"))
    channels, channels_ok = pagetext.parse_channels(obj.get("cach_thuc_thuc_hien") or "")
    docs, docs_ok = pagetext.parse_documents(obj.get("thanh_phan_ho_so") or "")
    legal, legal_ok = pagecodes.parse_legal_basis(obj.get("can_cu_phap_ly") or "")
    results, results_ok = pagecodes.parse_results(obj.get("ket_qua_xu_ly") or "")
    targets = f.split_targets(f.text(obj.get("doi_tuong_thuc_hien")))
    understood = {"channels": channels_ok, "documents": docs_ok, "legal_basis": legal_ok, "results": results_ok}
    return Procedure(
        code=f.text(obj.get("ma_thu_tuc")), name=f.text(obj.get("ten_thu_tuc")),
        portal_id=f.text(obj.get("formality_id")) or (url.rstrip("/").rsplit("/", 1)[-1] if url else ""),
        field=f.text(obj.get("linh_vuc")), levels=f.levels_from_words(f.text(obj.get("cap_thuc_hien"))),
        agencies=f.names((obj.get("co_quan_thuc_hien") or "").splitlines()),
        authority=f.text(obj.get("co_quan_co_tham_quyen")), where=f.text(obj.get("dia_chi_tiep_nhan")),
        audience=f.audience(targets), targets=targets, online=f.online(channels), channels=channels,
        documents=docs, steps=pagetext.parse_steps(obj.get("trinh_tu_thuc_hien") or ""),
        conditions=f.text(obj.get("yeu_cau_dieu_kien")), results=results, legal_basis=legal,
        sources=(SourceRef(TTHC_SOURCE, taken, url),),
        unparsed=tuple(name for name, ok in understood.items() if not ok))


def detect_shape(obj: object) -> str | None:
    """Which reader fits a JSON object: "listing", "opengov_detail", "tthc_raw", "portal_record" or None."""
    if not isinstance(obj, dict):
        return None
    if "ma_thu_tuc" in obj and "ten_thu_tuc" in obj:
        return "tthc_raw"
    if "source_id" in obj and "channels" in obj:
        return "opengov_detail"
    if "executionMethods" in obj or "executionCases" in obj or "legalBasisesDetails" in obj:
        return "portal_record"
    if "formalityTargetType" in obj and "departments" in obj and "code" in obj:
        return "listing"
    return None


_ENVELOPE_KEYS = ("data", "items", "rows", "content", "results", "records")


def _objects(value: object, enveloped: bool = False) -> Iterator[tuple[dict[str, Any], bool]]:
    """The records in a decoded JSON value, each with whether it came out of an API envelope."""
    if isinstance(value, list):
        for item in value:
            yield from _objects(item, enveloped)
    elif isinstance(value, dict):
        if detect_shape(value):
            yield value, enveloped
            return
        for key in _ENVELOPE_KEYS:
            if isinstance(value.get(key), (dict, list)):
                yield from _objects(value[key], True)


def _read(obj: dict[str, Any], enveloped: bool, taken: str) -> Procedure:
    shape = detect_shape(obj)
    if shape == "listing":
        return from_portal_listing_item(obj, taken) if enveloped else read_listing_line(obj, taken)
    if shape == "opengov_detail":
        record = read_opengov_detail(obj)
        return record if record.taken else replace(record, sources=(
            SourceRef(DETAIL_SOURCE, taken, record.sources[0].url),))
    if shape == "tthc_raw":
        return read_tthc_raw(obj, taken)
    return from_portal_record(obj, taken)


def iter_file(path: str | Path, taken: str) -> Iterator[Procedure]:
    """Every procedure in a .json (one object, a list, or an API envelope) or .jsonl file.

    Listing items inside an API envelope ({"data": {"items": […]}}) are the portal's own
    answer; bare listing lines are OpenGOV's saved copy. `taken` dates records that carry
    no date of their own. Objects no reader fits are passed over, so a file of no known
    shape yields nothing.
    """
    path = Path(path)
    with path.open(encoding="utf-8") as fh:
        if path.suffix == ".jsonl":
            values = [json.loads(line) for line in fh if line.strip()]
        else:
            values = [json.load(fh)]
    for value in values:
        for obj, enveloped in _objects(value):
            yield _read(obj, enveloped, taken)
