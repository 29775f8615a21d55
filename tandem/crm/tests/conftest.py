"""Fixtures the customer-record tests share."""

import pytest
from django.db import connection

from tandem.crm import services


@pytest.fixture
def contact(org):
    """Ann at Acme, the marketer's."""
    account = services.create_account(actor=org.marketer, name="Acme")
    return services.create_contact(
        actor=org.marketer, email="ann@example.test", first_name="Ann", account=account
    )


def query_plan(queryset) -> str:
    """The database's plan for ``queryset`` (index scans preferred on PostgreSQL), as text."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " ".join(str(row) for row in cursor.fetchall())
