"""Searches by filters alone (no words), newest first: an index per filterable column with the order after it,
replacing the (year, decision) and (decision, year) indexes (a year is now also filtered as a range of dates)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("precedents", "0004_precedent_filter_indexes")]

    operations = [
        migrations.RemoveIndex(model_name="precedentitem", name="precedent_year_decision"),
        migrations.RemoveIndex(model_name="precedentitem", name="precedent_decision_year"),
        migrations.AddIndex(
            model_name="precedentitem",
            index=models.Index(fields=["decision", "-decision_date", "id"], name="precedent_decision_recent"),
        ),
        migrations.AddIndex(
            model_name="precedentitem",
            index=models.Index(fields=["origin", "-decision_date", "id"], name="precedent_origin_recent"),
        ),
    ]
