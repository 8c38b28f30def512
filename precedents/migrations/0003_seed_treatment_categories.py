"""Treatment categories to start with (``precedents.categories``)."""

from django.db import migrations


def seed(apps, schema_editor):
    from precedents.categories import categories_seed

    categories_seed(apps)


class Migration(migrations.Migration):
    dependencies = [("precedents", "0002_search_engines")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
