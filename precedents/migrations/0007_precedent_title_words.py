"""PostgreSQL engine: the dictionary of the titles' distinct words (GIN trigram index) that misspelt query words are
corrected against, filled from the titles indexed so far. Nothing on SQLite (its trigram table is on titles)."""

from django.db import migrations

from precedents.search.postgres import TITLE_WORDS


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from precedents.search.postgres import title_words

    schema_editor.execute(f"CREATE TABLE IF NOT EXISTS {TITLE_WORDS} (word text PRIMARY KEY)")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TITLE_WORDS}_trigram ON {TITLE_WORDS} USING gin (word gin_trgm_ops)"
    )
    PrecedentItem = apps.get_model("precedents", "PrecedentItem")
    words = title_words(PrecedentItem.objects.values_list("title", flat=True).iterator(chunk_size=10_000))
    if words:
        schema_editor.execute(f"INSERT INTO {TITLE_WORDS} (word) SELECT unnest(%s::text[])", [words])


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TABLE IF EXISTS {TITLE_WORDS}")


class Migration(migrations.Migration):
    dependencies = [("precedents", "0006_precedent_index_version")]
    operations = [migrations.RunPython(forwards, backwards)]
