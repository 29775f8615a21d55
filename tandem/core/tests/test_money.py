"""One rule for amounts of money: NaN is not a number, not a negative amount; and one way
to show them."""

from decimal import Decimal

import pytest

from tandem.core.errors import DomainError
from tandem.core.money import format_money, format_money_short, parse_amount


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


# --- Shown: one way everywhere ------------------------------------------------------------
@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (Decimal("310000"), "GBP", "£310,000.00"),
        (Decimal("878700.5"), "GBP", "£878,700.50"),
        (Decimal("1234.5"), "EUR", "€1,234.50"),
        (Decimal("1200"), "JPY", "JP¥1,200"),  # the yen has no minor unit
        (Decimal("-5.5"), "GBP", "-£5.50"),
        (0, "USD", "US$0.00"),
        (None, "GBP", "—"),
    ],
)
def test_money_is_written_with_symbol_separators_and_the_currencys_decimals(
    amount, currency, shown
):
    assert format_money(amount, currency) == shown


def test_a_code_babel_does_not_know_is_written_not_refused():
    assert format_money(Decimal("10"), "ÄÖÜ").endswith("10.00")
    assert format_money(Decimal("310000"), "XYZ") == "XYZ310,000.00"


def test_short_figures_for_charts_and_cards():
    assert format_money_short(Decimal("310000"), "GBP") == "£310K"
    assert format_money_short(Decimal("1250000"), "EUR") == "€1.2M"
    assert format_money_short(None, "GBP") == "—"


def test_templates_use_the_filter_without_loading_it():
    from django.template import Context, Template

    html = Template("{{ a|money:c }} / {{ a|money_short:c }}").render(
        Context({"a": Decimal("310000"), "c": "GBP"})
    )
    assert html == "£310,000.00 / £310K"
