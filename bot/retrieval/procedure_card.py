"""A catalogue record as an answer a citizen can act on, on a phone.

The card is a knowledge entry made from the record (id `tthc:<code>`), so every channel,
"Xem chi tiết", "Làm từng bước", ratings and tickets treat it like an entry staff wrote.
When the question asks one thing (giấy tờ / lệ phí / thời hạn / nơi nộp / online / ai),
that part comes first. Facts are the record's; nothing is added that it does not state.
"""
from __future__ import annotations

import datetime as dt
import re

from bot.core.wording import say
from bot.retrieval.procedure_documents import documents_in_order, is_note
from indexer.catalogue.model import Channel, Fee, Procedure
from indexer.knowledge import KnowledgeEntry, Link, Source
from indexer.vntext import fold, folded_syllables

_SHOWN_DOCUMENTS = 3
_DOCUMENT_CHARS = 140  # a document's name on the card; the whole list and names are behind "Xem chi tiết"
_STEP_HEAD = 160   # a step longer than this shows its first sentence; the rest waits for "Làm từng bước"


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đ"


def _method(method: str) -> str:
    return say(f"card_method_{method}")


def _span(amounts: list[int]) -> str:
    paid = sorted(set(a for a in amounts if a))
    if not paid:
        return say("card_free")
    shown = _money(paid[0]) if len(paid) == 1 else f"{_money(paid[0])[:-2]}–{_money(paid[-1])}"
    return shown + (say("card_some_free") if 0 in amounts else "")


def _fees(p: Procedure) -> str | None:
    """Per channel, the lowest to the highest amount the record states ("trực tuyến 5.000–7.000 đ"); a channel
    whose fee is only words says so beside them, so "qua bưu chính miễn phí" alone does not read as free
    everywhere. None when no channel states an amount."""
    parts, stated = [], False
    for c in p.channels:
        amounts = [f.amount_vnd for f in c.fees if f.amount_vnd is not None]
        stated = stated or bool(amounts)
        if amounts:
            parts.append(f"{_method(c.method)} {_span(amounts)}")
        elif any(f.text.strip() for f in c.fees):
            parts.append(f"{_method(c.method)} {say('card_fee_channel_unstated')}")
    return "; ".join(dict.fromkeys(parts)) if stated else None


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split()).lstrip("-+ ")
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


# The portal's fee cell says "Miễn phí" (its 0) while the note names what sets the fee ("Thông tư 60/2023 … quy
# định mức thu lệ phí đăng ký… biển số"): 832 fee lines of the snapshot. The note is shown, not "Miễn phí".
_FREE_CELL_WITH_NOTE = re.compile(r"^\s*Miễn phí\s*\((?P<note>.+)\)\s*$", re.S)


# a rule for a while: "Kể từ ngày 01/12/2023 đến hết ngày 31/12/2025, áp dụng mức thu lệ phí là 115.000 đồng"
_UNTIL = re.compile(r"đến (?:hết )?ngày (\d{1,2})/(\d{1,2})/(\d{4})", re.I)
_SENTENCE_END = re.compile(r"(?<=[.;])\s+")
_DURATION = re.compile(r"\d+\s*(?:ngày|tháng|năm|giờ|tuần|phút|h)(?!\w)|thời (?:hạn|gian)|hạn chót|quá hạn|hôm sau"
                       r"|(?:vài|mấy) ngày|(?<!\w)(?:ngay|lâu|chờ|đợi)(?!\w)", re.I)
_AMOUNT = re.compile(r"\d[\d.,]*\s*(?:việt nam đồng|đồng|đ\b|vnđ|vnd|usd)", re.I)


def states_amount(text: str) -> bool:
    """The text names a sum of money ("30.000 đồng", "70.000 đ")."""
    return bool(_AMOUNT.search(text))


def states_duration(text: str) -> bool:
    """The text names how long something takes or when it is due ("7 ngày làm việc", "thời gian", "quá hạn", "chờ"):
    a guide's line that only shares a time cue's everyday words ("chọn lấy từ kho", "lưu trong") says no time."""
    return bool(_DURATION.search(text))


def _ended(sentence: str, today: dt.date) -> bool:
    """The sentence sets a rule that ended before `today`."""
    ends = []
    for d, m, y in _UNTIL.findall(sentence):
        try:
            ends.append(dt.date(int(y), int(m), int(d)))
        except ValueError:
            continue
    return bool(ends) and max(ends) < today


def current_rules(text: str, today: dt.date | None = None) -> str:
    """A fee text without the sentences of its note whose rule ended before today (the snapshot keeps the portal's
    words, and a reduced fee "đến hết ngày 31/12/2025" is history in 2026); "" when only the portal's "Miễn phí"
    or nothing would be left, which would read as free."""
    today = today or dt.date.today()
    head, paren, note = text.partition("(")
    if not paren:
        head, note = "", text
    sentences = _SENTENCE_END.split(note.strip().removesuffix(")").strip())
    kept = [s for s in sentences if not _ended(s, today)]
    if len(kept) == len(sentences):
        return text
    if kept:
        return f"{head}({' '.join(kept)})" if paren else " ".join(kept)
    return "" if fold(head).strip() in ("", "mien phi") else head.strip()


def _fee_text(fee: Fee) -> str:
    """One fee line in the record's words, its expired rules left out; a "free" cell whose note names what sets
    the fee is shown by its note: "theo ghi chú" when the note states an amount, else "no amount stated"."""
    text = current_rules(fee.text)
    found = _FREE_CELL_WITH_NOTE.match(text)
    if found and fee.amount_vnd is None:
        note = found["note"].strip()
        return say("card_fee_in_note" if _AMOUNT.search(note) else "card_fee_unstated", note=note)
    return text


def _fee_words(p: Procedure, limit: int = 160) -> list[str]:
    """The record's own fee wording, each distinct text once: which case costs what, who is exempt."""
    return list(dict.fromkeys(_short(t, limit) for c in p.channels for f in c.fees
                              if f.text.strip() for t in [_fee_text(f)] if t))


def _fee_texts(p: Procedure, limit: int = 160) -> list[str]:
    """The fee wording as list lines."""
    return [f"• {t}" for t in _fee_words(p, limit)]


_BARE_TIME = re.compile(r"^\d+(?:[.,]\d+)?\s+\D{1,20}$")


def _time(c: Channel) -> str:
    if c.time_text.strip():
        text = " ".join(c.time_text.split())
        if text.replace(",", "").replace(".", "").isdigit():
            return ""   # "1" with no unit (a few records): no limit a citizen can read
        return text.lower() if _BARE_TIME.match(text) else text   # "7 Ngày làm việc" as a sentence says it
    if c.time_qty is None or c.time_unit in (None, "other"):
        return ""
    return f"{c.time_qty:g} {say(f'card_unit_{c.time_unit}')}"


def _times(p: Procedure) -> str | None:
    """Each channel's time limit once; a channel the portal lists for several cases shows them together ("trực
    tiếp 7 ngày làm việc / 1 giờ / 2 ngày làm việc (tùy trường hợp)"), not as three separate "trực tiếp"."""
    by_method: dict[str, list[str]] = {}
    for c in p.channels:
        time = _time(c)
        if time and time not in by_method.setdefault(c.method, []):
            by_method[c.method].append(time)
    parts = [f"{_method(m)} {' / '.join(ts)}" + (say("card_time_cases") if len(ts) > 1 else "")
             for m, ts in by_method.items()]
    return "; ".join(parts) or None


_DISTRICT = re.compile(r"\bhuyen\b")   # folded: an agency at a level gone since 1/7/2025


def _documents(p: Procedure, stop: int | None, limit: int = 10_000) -> list[str]:
    docs = documents_in_order(p)[:stop]
    return [f"• {_short(d.name, limit)}" + (f" ({d.copies})" if d.copies and not d.copies.startswith("0 ") else "")
            for d in docs]


def _online(p: Procedure) -> str:
    if p.online:
        return say("card_online_yes")
    if p.online is False:
        return say("card_online_no", methods=", ".join(_method(c.method) for c in p.channels) or _method("direct"))
    return say("card_online_unknown")


def _district_note(p: Procedure) -> list[str]:
    """After the figures, not among them: the portal's text names a district-level agency, and there are no
    districts since 1/7/2025 (it had pushed whether the procedure can be filed online out of the first bubble)."""
    return [say("card_no_district")] if _DISTRICT.search(fold(" ".join([*p.agencies, p.where or ""]))) else []


def _section(p: Procedure, aspect: str, full: bool) -> list[str]:
    if aspect == "where":
        levels = ", ".join(say(f"card_level_{lv}") for lv in p.levels)
        agencies = ", ".join(dict.fromkeys(a for a in p.agencies if a)) or levels
        lines = [say("card_who", agencies=agencies + (f" ({levels})" if levels and agencies != levels else ""))] \
            if agencies else []
        if p.where and fold(p.where) not in fold(agencies):
            lines.append(say("card_where", where=_short(p.where, 200)))
        return lines
    if aspect == "online":
        return [_online(p)]
    if aspect == "fee":
        fees = _fees(p)
        texts = _fee_texts(p) if full else []
        if fees:
            return [say("card_fee", fees=fees), *texts, say("card_fee_note", date=_day(p.taken))]
        words = _fee_texts(p)[:2]
        if not words:
            return [say("card_fee_none")]
        # an amount stated in words ("135.000 đồng/lần") gets the note on its date and on reductions
        dated = [say("card_fee_note", date=_day(p.taken))] if any(_AMOUNT.search(w) for w in words) else []
        return [say("card_fee_words"), *words, *dated]
    if aspect == "time":
        times = _times(p)
        return [say("card_time", times=times)] if times else [say("card_time_none")]
    if aspect == "documents":
        docs = documents_in_order(p)
        if not docs:
            return [say("card_documents_none")]
        more = [say("card_documents_more", n=str(len(docs) - _SHOWN_DOCUMENTS))] if len(docs) > _SHOWN_DOCUMENTS else []
        return [say("card_documents"), *_documents(p, _SHOWN_DOCUMENTS, _DOCUMENT_CHARS), *more]
    if aspect == "who":
        groups = ", ".join(say(f"card_audience_{a}") for a in p.audience)
        return [say("card_who_can", audience=groups)] if groups else []
    raise ValueError(aspect)


def _steps(p: Procedure) -> list[str]:
    """Numbered steps; a long step's remainder is its detail (`>` lines), shown step by step."""
    lines = []
    for n, step in enumerate(p.steps, 1):
        text = " ".join(step.split())
        head, _, rest = text.partition(". ") if len(text) > _STEP_HEAD else (text, "", "")
        lines.append(f"{n}. {head.rstrip('.')}.")
        if rest:
            lines.append(f"   > {rest}")
    return lines


def card_body(p: Procedure, month: str, aspect: str | None = None, note: str = "", also: tuple[str, ...] = ()) -> str:
    """The card's text: the asked part first (then any other part `also` asked), then what it is, where, online,
    fee, time, documents; the rest (steps, conditions, results, legal basis) after a blank line, for "Xem chi
    tiết"."""
    asked = list(dict.fromkeys(([aspect] if aspect else []) + list(also)))
    order = asked + [a for a in ("where", "online", "fee", "time", "documents") if a not in asked]
    head = [say("card_source", month=month) if month else "", say("card_code", code=p.code)]
    lines = [line for a in order for line in _section(p, a, full=a in asked)]
    lines += _district_note(p)
    if not p.detailed:
        lines.append(say("card_listing_only"))
    if note:
        lines.append(say("card_note", note=note))
    rest: list[str] = []
    if _documents(p, None) != _documents(p, _SHOWN_DOCUMENTS, _DOCUMENT_CHARS):
        rest += ["", say("card_documents_all"), *_documents(p, None)]
    notes = [f"• {_short(d.name, 400)}" for d in p.documents if is_note(d.name)]
    if notes:
        rest += ["", say("card_document_notes"), *dict.fromkeys(notes)]
    fee_texts = _fee_texts(p) if aspect != "fee" else []
    if fee_texts:
        rest += ["", say("card_fee_details"), *fee_texts]
    if p.steps:
        rest += ["", say("card_steps"), *_steps(p)]
    if p.conditions:
        rest += ["", say("card_conditions"), " ".join(p.conditions.split())[:600]]
    if p.results:
        rest += ["", say("card_results", results="; ".join(p.results))]
    if p.legal_basis:
        rest += ["", say("card_legal"), *(f"• {ref.code}" + (f": {ref.name}" if ref.name else "")
                                         for ref in p.legal_basis[:8])]
    return "\n".join([x for x in head if x] + [""] + lines + rest)


def facts_block(p: Procedure, month: str, asked: tuple[str, ...] = ()) -> list[str]:
    """The record's fee, time limit and place, for a curated entry about the procedure ("theo Cổng DVC quốc gia");
    the ones the question asks lead, in its order."""
    if not p.detailed:
        return []
    order = sorted(("fee", "time", "where"), key=lambda a: asked.index(a) if a in asked else len(asked))
    lines = [line for a in order for line in _section(p, a, full=False)] + _district_note(p)
    return [_facts_head(p, month), *lines]


def aspect_part(p: Procedure, aspects: tuple[str, ...], month: str) -> str | None:
    """What the record says about the parts asked ("mất mấy ngày?" after its card), with where the figures come
    from."""
    lines = [line for a in aspects for line in _section(p, a, full=True)] if p.detailed else []
    return "\n".join([_facts_head(p, month), *lines]) if lines else None


# parts short enough to set side by side for several procedures ("mất bao lâu" after "Có mấy thủ tục…")
COMPARABLE = ("fee", "time", "online")


def aspect_line(p: Procedure, aspect: str) -> str | None:
    """One procedure's part in a line, to set beside its siblings'; None when the record does not say."""
    if aspect not in COMPARABLE or not p.detailed:
        return None
    if aspect == "fee":   # the amounts, or else the portal's first words on them ("Theo quy định của HĐND tỉnh")
        fees = _fees(p) or next(iter(_fee_words(p, 120)), None)
        return say("card_fee", fees=fees) if fees else None
    if aspect == "time":
        times = _times(p)
        return say("card_time", times=times) if times else None
    return _online(p)


def documents_naming(p: Procedure, words: list[str], month: str) -> str | None:
    """The record's papers for the case a follow-up names ("đã ly hôn rồi thì cần thêm giấy gì": the line on the
    divorce judgment), with where they come from; None when no paper names every word of it."""
    wanted = [f" {' '.join(folded_syllables(w))} " for w in words]
    found = [d for d in documents_in_order(p) if all(w in f" {' '.join(folded_syllables(d.name))} " for w in wanted)]
    if not wanted or not found:
        return None
    return "\n".join([_facts_head(p, month),
                      *(f"• {_short(d.name, 500)}" for d in found[:2])])


def _facts_head(p: Procedure, month: str) -> str:
    """"Theo dữ liệu Cổng DVC quốc gia (cập nhật …, mã thủ tục …):" before figures quoted from a record."""
    return say("card_facts", month=month or _day(p.taken), code=p.code)


def _day(iso: str) -> str:
    try:
        return dt.date.fromisoformat(iso[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return iso


def _links(p: Procedure, search_url: str) -> tuple[Link, ...]:
    links = []
    if p.page_url:
        links.append(Link.model_construct(title=say("card_link_page"), url=p.page_url))
    if p.submit_url:
        links.append(Link.model_construct(title=say("card_link_submit"), url=p.submit_url))
    if not links:
        links.append(Link.model_construct(title=say("card_link_page"), url=search_url))
    return tuple(links)


_CODE = re.compile(r"^\d+\.\d+$")


def procedure_entry(p: Procedure, month: str, search_url: str, aspect: str | None = None,
                    note: str = "", title: str = "", also: tuple[str, ...] = ()) -> KnowledgeEntry:
    """The record as an entry: title its name (or `title`, how it is shown), body the card, links its portal
    pages, dated by its source."""
    taken = p.taken[:10]
    try:
        day = dt.date.fromisoformat(taken)
    except ValueError:
        day = dt.date.today()
    sources = tuple(Source.model_construct(title=f"Cổng DVC quốc gia ({s.name}, lấy ngày {_day(s.taken)})",
                                           url=s.url or None) for s in p.sources)
    return KnowledgeEntry(
        id=p.entry_id, title=title or p.name, topic="thu-tuc", questions=(), links=_links(p, search_url),
        sources=sources, reviewed=day, provinces=(p.province,) if p.province else (),
        body=card_body(p, month, aspect, note, also),
        path=f"catalogue/{p.code}", procedures=(p.code,) if _CODE.match(p.code) else (),
    )
