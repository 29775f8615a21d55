"""One rule for amounts of money: NaN is not a number, not a negative amount."""

import pytest

from tandem.core.errors import DomainError
from tandem.core.money import parse_amount


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("NaN", "is not a number"),
        ("-nan", "is not a number"),
        ("sNaN", "is not a number"),
        (float("nan"), "is not a number"),
        ("Infinity", "not infinity"),
        ("-Infinity", "not infinity"),
        (float("inf"), "not infinity"),
        ("-1", "cannot be negative"),
        ("1e30", "too large"),
        ("999999999999.999", "too large"),
        ("twelve", "must be a number"),
        (True, "must be a number"),
    ],
)
def test_each_bad_amount_gets_its_own_message(value, says):
    with pytest.raises(DomainError) as refused:
        parse_amount(value, "amount")
    assert refused.value.field == "amount"
    assert says in refused.value.message


def test_amounts_are_kept_to_the_penny():
    assert str(parse_amount("12.346", "amount")) == "12.35"
    assert str(parse_amount(0, "amount")) == "0.00"
    assert str(parse_amount("999999999999.99", "amount")) == "999999999999.99"
