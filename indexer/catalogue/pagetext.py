"""Rules for reading the portal's procedure page when its table cells arrive run together.

Page crawls (chatbot_tthc) keep each section as one string with the cell borders gone:
"Trực tuyến3 Ngày làm việc7,000 Việt Nam Đồng(…)Trực tiếp…". Each parser returns what it
can read with certainty and a flag saying whether the whole text was understood; the
importer names a field it could not fully read in `Procedure.unparsed` instead of guessing.
Lists whose codes run into the next name (legal basis, results) are read in `pagecodes`.
"""
from __future__ import annotations

import regex

from indexer.catalogue.model import Channel, Document, Fee

NO_INFO = "Không có thông tin"  # what the page prints in an empty cell

def squash(text: str) -> str:
    """Runs of whitespace as one space, as the structured sources give names."""
    return " ".join(text.split())


# --- time limits ------------------------------------------------------------------------

_UNIT_WORDS = {"ngày làm việc": "working_day", "ngày": "day", "giờ": "hour", "tháng": "month", "năm": "year"}
_TIME = regex.compile(
    r"\s*(?P<qty>\d+(?:[.,]\d+)?)\s*(?:\([^)]{0,20}\)\s*)?"
    r"(?P<unit>ngày làm việc|ngày|giờ|tháng|năm)?(?!\p{L})", regex.I)
_SAME_DAY = regex.compile(r"\s*trong\s+(?P<unit>ngày làm việc|ngày)(?!\p{L})", regex.I)


def parse_time(text: str) -> tuple[float | None, str | None]:
    """Quantity and unit (of model.UNITS) of a time limit that opens `text`; (None, None) if none.

    A bare number is how the page shows the portal's OTHER unit, so it reads as "other";
    "(năm)" after a number is the number in words, not a year.
    """
    if m := _SAME_DAY.match(text):
        return 1.0, _UNIT_WORDS[m["unit"].lower()]
    m = _TIME.match(text)
    if not m:
        return None, None
    unit = _UNIT_WORDS[m["unit"].lower()] if m["unit"] else "other"
    return float(m["qty"].replace(",", ".")), unit


# --- fee amounts --------------------------------------------------------------------------

_SCALE = {"nghìn": 1_000, "ngàn": 1_000, "triệu": 1_000_000, "tỷ": 1_000_000_000, "tỉ": 1_000_000_000}
_NUMBER = r"(?P<num>\d{1,3}(?:[.,]\d{3})+(?![.,]?\d)|\d+(?:[.,]\d{1,2}(?!\d))?)"
_CURRENCY = r"(?:việt nam đồng|đồng|vnđ|vnd|đ)(?!\p{L})"
_AMOUNT = regex.compile(
    rf"(?<![\d.,/])(?<!\p{{L}}){_NUMBER}\s*(?P<scale>nghìn|ngàn|triệu|tỷ|tỉ)?\s*"
    rf"(?:(?P<cur>{_CURRENCY})|(?P<per>/\s*\p{{L}}[\p{{L}} ]{{0,20}}?\s*{_CURRENCY})"
    rf"|(?P<bare>/\s*(?:lần|hồ sơ|giấy|người|bộ|chiếc|loại|năm|tháng|trang|bản)\b))", regex.I)
_FREE = regex.compile(r"miễn\s+(?:phí|lệ\s+phí|thu)|không\s+(?:thu|phải\s+nộp|mất)\s+(?:phí|lệ\s+phí)", regex.I)
_PROVINCE_DECIDES = regex.compile(r"hội đồng nhân dân|hđnd", regex.I)
_BLANK_NOTE = regex.compile(r"\s*(?:không có|không|\.|-)?\s*", regex.I)


def _amount(num: str, scale: str | None) -> int:
    """One written number in đồng: "7,000" and "7.000" are thousands, "1,5 triệu" is 1.5 million."""
    grouped = regex.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", num)
    value = float(regex.sub(r"[.,]", "", num)) if grouped else float(num.replace(",", "."))
    return round(value * _SCALE.get((scale or "").lower(), 1))


def parse_fee_amounts(text: str) -> list[int]:
    """Every amount in đồng that `text` states, in order, with 0 for each "miễn phí"/"không thu".

    A number counts only with a currency word or a grouped number priced per unit
    ("8.000.000/lần"), so dates, article numbers and circular codes are never read as fees.
    """
    found = [(m.start(), _amount(m["num"], m["scale"])) for m in _AMOUNT.finditer(text)
             if m["cur"] or m["per"] or (m["bare"] and (m["scale"] or regex.search(r"[.,]\d{3}", m["num"])))]
    found += [(m.start(), 0) for m in _FREE.finditer(text)]
    return [a for _, a in sorted(found)]


def fee_amount(value: float | None, text: str) -> int | None:
    """The amount of one fee from the source's value and its words; None when neither states one.

    The portal stores 0 both for "free" and for "see the text": a 0 counts only when the words
    are silent or say free, never when they say the province decides or list prices.
    """
    stated = parse_fee_amounts(text)
    priced = sorted({a for a in stated if a > 0})
    if value:
        return int(value)
    if _PROVINCE_DECIDES.search(text) or len(priced) > 1 or (priced and value == 0):
        return None
    if priced:
        return priced[0]
    return 0 if 0 in stated or (value == 0 and _BLANK_NOTE.fullmatch(text)) else None


# --- channels (Cách thức thực hiện) -----------------------------------------------------

_CHANNEL_HEAD = "Hình thức nộpThời gianPhí, lệ phíMô tả"
_METHOD_WORDS = {"Trực tuyến": "online", "Trực tiếp": "direct", "Dịch vụ bưu chính": "postal"}
_TIME_CELL = r"(?P<time>\d+(?:[.,]\d+)?(?:\s*(?:Ngày làm việc|Ngày|Giờ|Tháng|Năm))?|Trong ngày|" + NO_INFO + ")?"
_FEE_CELL = (r"(?P<fee>Miễn phí|" + NO_INFO +
             r"|(?<![\d,.])(?P<num>\d[\d,.]*)\s*(?P<cur>Việt Nam Đồng|VNĐ|VND|Đồng|USD|EUR))")
_ROW = regex.compile(r"(?P<method>Trực tuyến|Trực tiếp|Dịch vụ bưu chính)" + _TIME_CELL + _FEE_CELL)
_MORE_FEE = regex.compile(_FEE_CELL)


def _balanced(text: str, start: int) -> int | None:
    """End of the parenthesised group opening at `start`, or None when it never closes."""
    depth = 0
    for i in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return i + 1
    return None


def _cell_fee(m: regex.Match, note: str) -> Fee:
    """One fee cell and its note: "Miễn phí" is the portal's 0, a foreign currency is never đồng."""
    words = f"{m['fee']} ({note})" if note else m["fee"]
    if m["cur"] in ("USD", "EUR"):
        return Fee(None, words)
    return Fee(fee_amount(float(regex.sub(r"[,.]", "", m["num"])) if m["num"] else 0.0, note), words)


def _row_fees(m: regex.Match | None, rest: str) -> tuple[list[Fee], bool]:
    """Fees of one row: the fee cell, its "(…)" note, and any further fee cells after it."""
    fees: list[Fee] = []
    closed, pos = True, 0
    while m:
        note = ""
        if rest.startswith("(", pos):
            end = _balanced(rest, pos)
            closed &= end is not None
            note = rest[pos + 1:end - 1 if end else len(rest)].strip()
            pos = end or len(rest)
        if m["fee"] != NO_INFO:
            fees.append(_cell_fee(m, note))
        m = _MORE_FEE.match(rest, pos)
        pos = m.end() if m else pos
    return fees, closed


def parse_channels(text: str) -> tuple[tuple[Channel, ...], bool]:
    """Rows of the "Cách thức thực hiện" table: method, time limit, fees.

    A row starts only where a method name is followed by a time and a fee cell, so the
    same words inside a description ("Trực tuyến qua Cổng…") do not start a row.
    """
    body = text.strip()
    if body in ("", NO_INFO):
        return (), True
    ok = body.startswith(_CHANNEL_HEAD)
    body = body.removeprefix(_CHANNEL_HEAD)
    rows = list(_ROW.finditer(body))
    if not rows or rows[0].start() != 0:
        ok = False
    channels = []
    for i, m in enumerate(rows):
        end = rows[i + 1].start() if i + 1 < len(rows) else len(body)
        fees, fees_ok = _row_fees(m, body[m.end():end])
        time_text = "" if m["time"] in (None, NO_INFO) else m["time"]
        qty, unit = parse_time(time_text)
        ok &= fees_ok and (qty is not None or not time_text)
        channels.append(Channel(_METHOD_WORDS[m["method"]], qty, unit, time_text, tuple(fees)))
    return tuple(channels), ok


# --- documents (Thành phần hồ sơ) ---------------------------------------------------------

_DOC_HEAD = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
# The count cell is glued to the next row ("1 bản chínhĐơn…"); "01 bản chính khi…" inside a name is not.
_COPIES = regex.compile(r"(?P<orig>\d) bản chính(?:,\s*(?P<copy>\d) bản sao)?(?!\s)")
_DATE_END = regex.compile(r"(?:\d{1,2}/\d{1,2}/|năm )\d{4}$")
_FILE = regex.compile(r"\.(?:docx?|pdf|xlsx?|zip|rar|odt)$", regex.I)
_FORM_CODE = regex.compile(r"(?i:\bmẫu\s+(?:số\s+)?)(?P<code>\p{Lu}[\p{Lu}\d]*\d[\p{Lu}\d]*(?:[-/.][\p{Lu}\d]+)*"
                           r"|\d{1,3}[a-z]?(?:/[\p{Lu}\d-]+)?)(?!\p{L})")


def form_code(name: str) -> str:
    """The form a document's name points to ("Mẫu CT01" → "CT01", "Mẫu số 08" → "Mẫu số 08")."""
    m = _FORM_CODE.search(name)
    if not m:
        return ""
    return m["code"] if not m["code"][0].isdigit() else f"Mẫu số {m['code']}"


def _split_file(row: str) -> tuple[str, str, bool]:
    """A row's document name and the form file printed after it, and whether the cut is sure.

    The file name is glued to the name. The cut is sure at the first glued ";", ":", ")", "]",
    "." or "," after which the rest is unaccented (portal file names usually are), else after
    the last glued ";", ":", ")" or "]", or where a lowercase letter runs into a capital
    ("…thương mạiĐĐN.docx").
    """
    ext = _FILE.search(row)
    if not ext:
        return row.strip(), "", True
    stem = row[:ext.start()]
    glued = [i + 1 for i in range(len(stem) - 1) if not stem[i + 1].isspace()]
    hard = [i for i in glued if stem[i - 1] in ";:)]" and stem[i:].strip(". ")]
    unaccented = [i for i in glued if stem[i - 1] in ";:)].," and stem[i:].isascii() and stem[i:].strip(". ")]
    camel = [i for i in glued if stem[i - 1].islower() and stem[i].isupper()]
    for cut in (unaccented[:1] or hard[-1:] or camel[:1]):
        cut += len(row[cut:]) - len(row[cut:].lstrip("."))
        return row[:cut].strip(), row[cut:].strip(), True
    return row.strip(), "", False


def _copies(m: regex.Match) -> str:
    return f"{m['orig']} bản chính" + (f", {m['copy']} bản sao" if m["copy"] else "")


def parse_documents(text: str) -> tuple[tuple[Document, ...], bool]:
    """Rows of the "Thành phần hồ sơ" tables: name, form (code or file) and copies.

    Case headings ("* Hồ sơ đăng ký tạm trú gồm:") sit between a table's last row and the
    next header; they are dropped because a Document has no case.
    """
    body = text.strip()
    if body in ("", NO_INFO):
        return (), True
    parts = body.split(_DOC_HEAD)
    ok = len(parts) > 1
    docs: list[Document] = []
    for part in parts[1:]:
        pos = 0
        for m in _COPIES.finditer(part):
            row = part[pos:m.start()]
            pos = m.end()
            if not row.strip():
                ok = False
                continue
            # "…ngày 26/12/20251 bản chính" is sure; "…Mẫu số 181 bản chính" is not.
            ok &= not row[-1].isdigit() or bool(_DATE_END.search(row))
            name, file, sure = _split_file(row)
            ok &= sure
            docs.append(Document(squash(name), _copies(m), form_code(name) or file))
        if pos == 0 and part.strip():
            ok = False
    tail = parts[-1][pos:].strip() if len(parts) > 1 else body
    ok &= not tail  # text after the last row that is not a heading for another table
    return tuple(docs), ok


# --- steps (Trình tự thực hiện) -----------------------------------------------------------

_STEP = regex.compile(r"(?:^|(?<=\s)|(?<=[.;:]))Bước\s*\d+\s*[:.\-–]", regex.I)


def parse_steps(text: str) -> tuple[str, ...]:
    """Steps split at "Bước N:" (sub-points stay with their step); otherwise one per line."""
    body = text.strip()
    if body in ("", NO_INFO):
        return ()
    marks = [m.start() for m in _STEP.finditer(body)]
    if marks:
        cuts = ([0] if marks[0] > 0 and body[:marks[0]].strip() else []) + marks + [len(body)]
        parts = [body[a:b] for a, b in zip(cuts, cuts[1:])]
    else:
        parts = body.splitlines()
    return tuple(p for p in map(squash, parts) if p)
