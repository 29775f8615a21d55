"""The test suite's PostgreSQL backend (``tandem.config.test_postgresql``) empties every
table a committing test filled, as Django's ``TRUNCATE`` of every table did. What is
left is what Django's flush leaves: the record of migrations, and the content types and
permissions its signal puts back."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from tandem.core.services import record_event

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the test suite's PostgreSQL backend"
    ),
]
KEPT = {"django_migrations", "django_content_type", "auth_permission"}


def filled_tables() -> set[str]:
    found = set()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            query = sql.SQL("SELECT EXISTS (SELECT FROM {})").format(sql.Identifier(table))
            cursor.execute(query)
            if cursor.fetchone()[0]:
                found.add(table)
    return found


def test_a_flush_empties_every_table_a_test_filled(org):
    record_event("test.flush")  # besides the people and teams of ``org``
    before = filled_tables()
    assert {"people_user", "people_team", "people_membership", "core_domainevent"} <= before

    # As pytest-django's transactional tests flush (Django's TransactionTestCase).
    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)

    assert filled_tables() == KEPT
    assert connection.settings_dict["ENGINE"] == "tandem.config.test_postgresql"


def test_without_a_superuser_it_truncates_every_table_as_django_does(org):
    """``session_replication_role`` needs a superuser: a developer's own role is not one."""
    record_event("test.flush")
    role = "tandem_test_not_superuser"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {role}")
        cursor.execute(f"CREATE ROLE {role} NOSUPERUSER")
        cursor.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}")
        cursor.execute(f"SET ROLE {role}")
    try:
        call_command("flush", verbosity=0, interactive=False, reset_sequences=False)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")
    assert filled_tables() == KEPT
