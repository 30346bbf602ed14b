"""The oversight CSV files: a BOM for Excel, the csv module's quoting, and no cell a spreadsheet
would run as a formula (OWASP "CSV Injection")."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from app.supervision.export import BOM, FORMULA_STARTS, csv_bytes, safe_cell


def parse(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_file_starts_with_a_utf8_byte_order_mark_so_excel_reads_chinese():
    data = csv_bytes(["项目"], [["甬江街道"]])
    assert data.startswith(BOM.encode("utf-8")) and data.startswith(b"\xef\xbb\xbf")
    assert parse(data) == [["项目"], ["甬江街道"]]


def test_commas_quotes_and_line_breaks_stay_inside_their_cell():
    tricky = 'a,b "quoted"\nsecond line'
    assert parse(csv_bytes(["x", "y"], [[tricky, "z"]]))[1] == [tricky, "z"]


def test_cells_that_would_be_formulas_get_a_leading_quote():
    for text in ("=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=x", "\r=x"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("1-2") == "1-2" and safe_cell(None) == "" and safe_cell(3) == "3"


@given(st.lists(st.lists(st.one_of(st.text(), st.integers(), st.none()), max_size=5), max_size=5))
def test_any_rows_read_back_as_written_and_no_cell_starts_a_formula(rows):
    width = max((len(r) for r in rows), default=0)
    rows = [r + [None] * (width - len(r)) for r in rows]
    header = [f"c{i}" for i in range(width)]
    parsed = parse(csv_bytes(header, rows))
    assert len(parsed) == 1 + len(rows)
    for written, read in zip(rows, parsed[1:], strict=True):
        for value, cell in zip(written, read, strict=True):
            text = "" if value is None else str(value)
            # csv normalises a lone \r; compare what a spreadsheet would see
            assert cell in (text, "'" + text) or cell.replace("\r\n", "\n") in (
                text.replace("\r\n", "\n"),
                "'" + text.replace("\r\n", "\n"),
            )
            assert not cell.startswith(FORMULA_STARTS)
