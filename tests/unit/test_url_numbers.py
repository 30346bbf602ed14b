"""A number in a URL is read in ASCII digits only (app.urls.whole_number): Python's int() also reads
fullwidth "２", other scripts' digits, spaces, a sign and "1_0"."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.urls import MAX_ID, record_id, whole_number


@given(st.integers(0, 10**30))
def test_a_number_in_ascii_digits_is_read_as_itself(n):
    assert whole_number(str(n)) == n


@given(st.text().filter(lambda s: not (s.isascii() and s.isdigit())))
def test_anything_else_is_not_a_number(text):
    with pytest.raises(ValueError):
        whole_number(text)


#: What int() reads as a number and a URL's number is not.
INT_BUT_NOT_A_URL_NUMBER = ("２", "１２", "٢", "𝟐", " 2", "2 ", "+2", "-2", "1_0")


def test_the_texts_int_reads_as_numbers_are_not():
    for text in (*INT_BUT_NOT_A_URL_NUMBER, "²", "", "2.0"):
        for parse in (whole_number, record_id):
            with pytest.raises(ValueError):
                parse(text)


def test_an_id_is_a_whole_number_a_database_id_can_be():
    assert record_id("1") == 1 and record_id(str(MAX_ID)) == MAX_ID
    for text in ("0", str(MAX_ID + 1)):
        with pytest.raises(ValueError):
            record_id(text)
