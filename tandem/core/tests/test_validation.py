"""One rule each for numbers and short required text arriving from outside."""

from decimal import Decimal

import pytest

from tandem.core.errors import DomainError
from tandem.core.money import to_penny
from tandem.core.validation import decimal_number, required_text, whole_number


@pytest.mark.parametrize("value", ["x", "", None, "1.5", "NaN", [1]])
def test_no_whole_number_is_refused_naming_the_field(value):
    with pytest.raises(DomainError) as caught:
        whole_number(value, "position", 0, 10)
    assert (caught.value.code, caught.value.field) == ("invalid", "position")
    assert caught.value.message == "Enter a whole number."


def test_a_whole_number_is_held_to_its_range_and_a_given_message_covers_both():
    assert whole_number(" 7 ", "n", 0, 10) == 7
    with pytest.raises(DomainError, match="from 0 to 10"):
        whole_number(11, "n", 0, 10)
    for value in ("abc", 0, 400):
        with pytest.raises(DomainError) as caught:
            whole_number(value, "days", 1, 365, message="Give 1 to 365 days.")
        assert caught.value.message == "Give 1 to 365 days."


@pytest.mark.parametrize("value", ["x", "NaN", "Infinity", "0.05", "721"])
def test_a_decimal_outside_its_range_or_no_number_is_refused(value):
    with pytest.raises(DomainError) as caught:
        decimal_number(value, "hours", "0.25", "720")
    assert caught.value.field == "hours"


def test_a_decimal_in_range_is_kept_exactly():
    assert decimal_number(" 0.25 ", "hours", "0.25", "720") == Decimal("0.25")


@pytest.mark.parametrize("value", [None, "", "   ", "x" * 81])
def test_required_text_refuses_nothing_and_too_much_with_one_message(value):
    with pytest.raises(DomainError) as caught:
        required_text(value, "name", 80, message="Name the view (at most 80 characters).")
    assert (caught.value.field, caught.value.message) == (
        "name",
        "Name the view (at most 80 characters).",
    )


def test_required_text_is_trimmed():
    assert required_text("  North  ", "name", 5, message="?") == "North"


def test_a_float_sum_becomes_money_to_the_penny():
    assert to_penny(0.1 + 0.2) == Decimal("0.30")
