"""Fixtures the customer-record tests share."""

import pytest

from tandem.crm import services


@pytest.fixture
def contact(org):
    """Ann at Acme, the marketer's."""
    account = services.create_account(actor=org.marketer, name="Acme")
    return services.create_contact(
        actor=org.marketer, email="ann@example.test", first_name="Ann", account=account
    )
