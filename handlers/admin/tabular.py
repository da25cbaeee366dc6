"""CSV (UTF-8 with BOM, so Excel reads Vietnamese) and XLSX files from rows of cells.

Citizens' words end up in these files: in CSV a cell starting with = + - @ gets a leading apostrophe so
Excel never runs it as a formula; in XLSX every text cell is stored as text, unchanged.
"""
from __future__ import annotations

import csv
import io
from typing import Sequence

from openpyxl import Workbook

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | float | None


def safe_csv_cell(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
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
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
