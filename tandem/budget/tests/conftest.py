from typing import Any

import pytest

from tandem.factories.budget import make_line, make_period


@pytest.fixture
def period(org: Any) -> Any:
    return make_period(org.executive)


@pytest.fixture
def mline(org: Any, period: Any) -> Any:
    """Mia's marketing line: £1,200 planned, £100 a month."""
    return make_line(org.marketer, period, org.marketing, name="Webinars")


@pytest.fixture
def sline(org: Any, period: Any) -> Any:
    """Sam's sales line: £1,200 planned, £100 a month."""
    return make_line(
        org.sales_rep,
        period,
        org.sales,
        name="Enablement",
        category="enablement",
        funds=[org.sales_rep],
    )
