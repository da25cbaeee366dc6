"""CSV (UTF-8 with BOM, so Excel reads Vietnamese) and XLSX files from rows of cells.

Citizens' words end up in these files: in CSV every cell is quoted and = + - @ at the start of a cell or after a
separator (; , | tab, new line) gets an apostrophe, so Excel never runs it as a formula whatever its list separator; in XLSX every text cell is stored as text, unchanged.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Sequence

from openpyxl import Workbook

# = + - @ at the start of a cell, or after anything Excel may split a cell at (a vi-VN Excel splits at ";")
_FORMULA = re.compile(r"(^|[;,|\t\r\n])([ \u00a0]*)([=+\-@])")
Cell = str | int | float | dt.datetime | None
DATE_TIME = "%d/%m/%Y %H:%M"      # Vietnam time, as on the pages


def safe_csv_cell(value: Cell) -> Cell:
    if isinstance(value, dt.datetime):
        return value.strftime(DATE_TIME)
    if not isinstance(value, str):
        return value
    if value.startswith(("\t", "\r")):
        value = "'" + value
    return _FORMULA.sub(lambda m: f"{m.group(1)}{m.group(2)}'{m.group(3)}", value)


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    writer.writerows([safe_csv_cell(c) for c in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(header: Sequence[str], rows: Sequence[Sequence[Cell]], title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text, even "=…"
            elif isinstance(cell.value, dt.datetime):
                cell.number_format = "dd/mm/yyyy hh:mm"  # a date Excel can sort and filter
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
