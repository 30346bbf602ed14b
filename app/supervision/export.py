"""CSV files of the oversight pages: UTF-8 with a byte-order mark (Excel then reads the Chinese),
written by the `csv` module, and safe from formula injection. Pure: no flask, no database."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

#: Excel reads a CSV file without it as the local code page (GBK on a Chinese Windows).
BOM = "\ufeff"
#: A cell starting with one of these is read by spreadsheets as a formula (=HYPERLINK(…), +cmd|…,
#: -2+3, @SUM(…)), or, after a tab or carriage return, may become one: OWASP "CSV Injection".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The text of one cell, with a leading quote if a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(header: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    """The whole file: BOM, header, rows; every cell made safe, CRLF line ends (RFC 4180)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(c) for c in header])
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
    return (BOM + out.getvalue()).encode("utf-8")
