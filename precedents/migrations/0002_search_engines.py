"""The search engine's own structures, by database: on PostgreSQL pg_trgm, a GIN index on the weighted tsvector and
a GIN trigram index on titles; on SQLite the FTS5 tables (precedents.search.sqlite)."""

from django.db import migrations

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS precedent_search_vector ON precedents_precedentitem USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS precedent_title_trigram ON precedents_precedentitem USING gin (title gin_trgm_ops)",
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS precedent_search_vector", "DROP INDEX IF EXISTS precedent_title_trigram"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        statements = POSTGRES
    else:
        from precedents.search.sqlite import SCHEMA as statements
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        statements = POSTGRES_DROP
    else:
        from precedents.search.sqlite import DROP as statements
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("precedents", "0001_precedent_index")]
    operations = [migrations.RunPython(forwards, backwards)]
