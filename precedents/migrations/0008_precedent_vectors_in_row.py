"""PostgreSQL engine, for a million items: the search vector kept in its row, a GIN index on the titles' own vector,
the unused trigram index on titles dropped. Nothing on SQLite.

- ``search_vector`` STORAGE MAIN: a vector (2.6 kB on average) was moved out of the row into the TOAST table, so
  checking one row for a match meant an index lookup and two chunk reads there (~5 us a row); kept in the row, a
  scan that looks for the first matches of a common query reads the pages in turn (3 to 4 times faster). Existing
  rows are rewritten once (``VACUUM FULL``, then ``VACUUM ANALYZE``: minutes at a million items, the table locked
  meanwhile).
- ``precedent_title_vector``: ``to_tsvector('english', title)``, the title's part of the document vector (weight
  A), so that "Similar decisions" finds the items whose titles hold every word of a title without rechecking every
  item holding them anywhere.
- ``precedent_title_trigram`` dropped: misspellings are corrected against the title-word dictionary since
  ``precedent_title_words``; nothing reads it.
"""

from django.db import migrations

TABLE = "precedents_precedentitem"
TITLE_VECTOR_INDEX = (
    f"CREATE INDEX IF NOT EXISTS precedent_title_vector ON {TABLE} USING gin (to_tsvector('english'::regconfig, title))"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS precedent_title_trigram")
    schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN search_vector SET STORAGE MAIN")
    if apps.get_model("precedents", "PrecedentItem").objects.exists():
        schema_editor.execute(f"VACUUM FULL {TABLE}")  # the vectors of the rows already there move into them
    schema_editor.execute(TITLE_VECTOR_INDEX)
    # The statistics (the engine's estimates read them) and the visibility map, which VACUUM FULL leaves empty:
    # without it the capped counts' index-only scans visit the table.
    schema_editor.execute(f"VACUUM ANALYZE {TABLE}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS precedent_title_vector")
    schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN search_vector SET STORAGE EXTENDED")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS precedent_title_trigram ON {TABLE} USING gin (title gin_trgm_ops)")


class Migration(migrations.Migration):
    atomic = False  # VACUUM cannot run in a transaction
    dependencies = [("precedents", "0007_precedent_title_words")]
    operations = [migrations.RunPython(forwards, backwards)]
