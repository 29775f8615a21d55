"""The library's full-text index, on each database's own engine (see collateral.search):
an FTS5 table on SQLite, a GIN index on AssetText.document on PostgreSQL."""

from django.db import migrations

SQLITE_UP = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS collateral_asset_fts "
    "USING fts5(title, tags, body, tokenize = 'porter unicode61 remove_diacritics 2')"
)
SQLITE_DOWN = "DROP TABLE IF EXISTS collateral_asset_fts"
POSTGRES_UP = (
    "CREATE INDEX IF NOT EXISTS collateral_assettext_document "
    "ON collateral_assettext USING GIN (document)"
)
POSTGRES_DOWN = "DROP INDEX IF EXISTS collateral_assettext_document"


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)


class Migration(migrations.Migration):
    dependencies = [("collateral", "0001_initial")]

    operations = [migrations.RunPython(up, down)]
