"""The index's version token, which keys the cached "Similar decisions"."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("precedents", "0005_precedent_filter_only_index")]

    operations = [
        migrations.CreateModel(
            name="IndexVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=32)),
            ],
        ),
    ]
