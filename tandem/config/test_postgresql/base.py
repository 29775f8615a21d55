"""Django's PostgreSQL backend for the test suite, with a cheaper way to empty the
database after each test that commits (browser, live-server and API tests).

Django empties it with one ``TRUNCATE`` of every table, which gives each of the 200-odd
tables a new file: about half a second a test, 70 s of the suite's. A test fills a few
tables, so here only those with rows are emptied, by ``DELETE`` with foreign-key
triggers off (``session_replication_role``, which needs a superuser; without one, the
``TRUNCATE`` of every table as before). A flush that resets sequences keeps Django's
way. Only ``tandem.config.settings_test`` names this backend.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import base, operations

EMPTY_FILLED = """DO $empty$
DECLARE
  name text;
  filled boolean;
BEGIN
  IF current_setting('is_superuser') <> 'on' THEN
    EXECUTE 'TRUNCATE ' || (SELECT string_agg(format('%%I', t), ', ') FROM unnest(%(tables)s) t);
    RETURN;
  END IF;
  SET LOCAL session_replication_role = replica;
  FOREACH name IN ARRAY %(tables)s LOOP
    EXECUTE format('SELECT EXISTS (SELECT FROM %%I)', name) INTO filled;
    IF filled THEN
      EXECUTE format('DELETE FROM %%I', name);
    END IF;
  END LOOP;
  SET LOCAL session_replication_role = origin;
END
$empty$;"""


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(
        self, style: Any, tables: Any, *, reset_sequences: bool = False, allow_cascade: bool = False
    ) -> list[str]:
        if not tables or reset_sequences:
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        names = ", ".join("'" + table.replace("'", "''") + "'" for table in tables)
        return [EMPTY_FILLED % {"tables": f"ARRAY[{names}]::text[]"}]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
