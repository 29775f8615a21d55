"""Fixtures campaigns' tests share with crm's."""

from tandem.crm.tests.conftest import contact  # noqa: F401
