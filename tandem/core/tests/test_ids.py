"""Ids from outside: only whole numbers the database can hold get through."""

import pytest

from tandem.core.ids import MAX_ID, is_id, parse_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        (" 7 ", 7),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("9" * 40, None),
        ("0", None),
        ("-3", None),
        ("\u00b2", None),  # superscript two: isdigit() is true, int() fails
        ("\u0663", None),  # Arabic-Indic three: a digit, not an id anyone typed
        ("4.0", None),
        ("", None),
        (None, None),
        ("1; DROP TABLE", None),
    ],
)
def test_parse_id(text, expected):
    assert parse_id(text) == expected


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (7, True),
        (MAX_ID, True),
        (MAX_ID + 1, False),
        (0, False),
        (True, False),
        ("7", False),
        (7.0, False),
    ],
)
def test_is_id(value, ok):
    assert is_id(value) is ok
