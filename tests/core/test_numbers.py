"""Numbers typed by people: ASCII digits within bounds, or nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from studyapp.core.numbers import parse_decimal, parse_small_int


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0", 0), ("7", 7), (" 7 ", 7), ("007", 7), ("100", 100), ("-1", None), ("101", None)],
)
def test_whole_numbers_in_ascii_digits_within_bounds(text, expected):
    assert parse_small_int(text, 0, 100) == expected


@pytest.mark.parametrize(
    "text",
    [
        "²",  # isdigit() is true, int() fails
        "٣",  # int() reads Arabic-Indic 3
        "３",  # fullwidth 3
        "1_000",
        "0x10",
        "+5",
        "1e3",
        "",
        " ",
        "NaN",
        "1\n",
        "1\x00",
        str(10**20),
        "1" * 5000,  # int() refuses more than 4300 digits with ValueError
    ],
)
def test_anything_else_is_none(text):
    assert parse_small_int(text, 0, 2**31 - 1) is None


def test_negative_numbers_only_when_the_bounds_allow_them():
    assert parse_small_int("-3", -5, 5) == -3
    assert parse_small_int("-3", 0, 5) is None


@pytest.mark.parametrize("value", [None, 5, 5.0, b"5", ["5"]])
def test_only_text_is_read(value):
    assert parse_small_int(value, 0, 10) is None


LO, HI = Decimal("0.70"), Decimal("0.97")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0.85", "0.85"), (".9", "0.9"), (" 0.70 ", "0.70"), ("0.97", "0.97"), ("0.900", "0.9")],
)
def test_decimals_within_bounds(text, expected):
    assert parse_decimal(text, LO, HI) == Decimal(expected)


@pytest.mark.parametrize(
    "text",
    ["sNaN", "NaN", "nan", "inf", "-Infinity", "9e-1", "0.98", "0.5", "٠.٩", "0,9", "", "."],
)
def test_no_nan_infinity_exponent_or_out_of_range_decimal(text):
    assert parse_decimal(text, LO, HI) is None
