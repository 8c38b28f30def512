"""The precedent index: one row per decided item of a case's current determination, holding only public content,
plus the treatment categories and the decision counts analytics reads. Writes go through ``precedents.services``."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from cases.models import Case, Decision, Determination


class TreatmentCategory(models.Model):
    """A kind of treatment for analytics ("Medications: opioids", "Imaging"), recognised by keywords in item titles."""

    name = models.CharField(max_length=100, unique=True)
    keywords = models.TextField(
        blank=True,
        help_text=(
            "One per line, case-insensitive, matched as whole words (or phrases) in the item's title. An item falls "
            "in the first category, by position, with a keyword in its title; items matching none go to the "
            "category without keywords (Other). After editing, run `manage.py rebuild_precedent_index`."
        ),
    )
    position = models.PositiveSmallIntegerField(
        default=100, help_text="Categories are tried in this order: put specific ones (opioids) before broad ones."
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "treatment categories"

    def __str__(self):
        return self.name

    def keyword_list(self) -> list[str]:
        return [line.strip().casefold() for line in self.keywords.splitlines() if line.strip()]


class PrecedentItem(models.Model):
    """A decided item of a case's current (not superseded) determination, as public content only: never party
    names, addresses, claim numbers, documents or the reviewer's identity."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    # SET_NULL: an import --replace deletes the case's imported determinations, then re-indexes the case.
    determination = models.ForeignKey(Determination, on_delete=models.SET_NULL, null=True, related_name="+")
    position = models.PositiveSmallIntegerField(help_text="The item's place in the determination (0-based).")
    case_number = models.CharField(max_length=20)
    title = models.TextField()
    decision = models.CharField(max_length=12, choices=Decision.choices)
    decision_date = models.DateField()
    year = models.PositiveSmallIntegerField()
    origin = models.CharField(max_length=10, choices=Determination.Origin.choices)
    specialties = models.JSONField(default=list, help_text="The expert reviewer's specialties, as the letter states.")
    # "|a|b|" forms, so that one filter (contains "|a|") works on every database.
    specialty_keys = models.TextField(blank=True)
    guideline_keys = models.TextField(blank=True, help_text="Library ids of the guidelines cited (both sides).")
    category = models.ForeignKey(TreatmentCategory, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    citations = models.JSONField(default=list, help_text="Both sides' citations: side, source, title, sections, pages.")
    rationale = models.TextField(blank=True)
    # Timeliness, for cases decided here only (null for imported ones).
    days_to_decision = models.IntegerField(null=True, blank=True)
    late = models.BooleanField(null=True, blank=True)
    # PostgreSQL's full-text document; the SQLite backend keeps its own FTS5 tables instead.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-decision_date", "id"]
        indexes = [
            models.Index(fields=["case"], name="precedent_case"),
            models.Index(fields=["-decision_date", "id"], name="precedent_recent"),
            # The timeliness of cases decided here.
            models.Index(fields=["origin", "year"], name="precedent_origin_year"),
            # Searches by filters alone, newest first, read in order: a decision or an origin, a year as a range of
            # dates (of these and of precedent_recent).
            models.Index(fields=["decision", "-decision_date", "id"], name="precedent_decision_recent"),
            models.Index(fields=["origin", "-decision_date", "id"], name="precedent_origin_recent"),
        ]
        permissions = [("view_analytics", "Can view decision analytics")]

    def __str__(self):
        return f"{self.case_number}: {self.title[:60]}"


class DecisionStat(models.Model):
    """Items and overturned items per (dimension, key, origin), kept current by the index service so that analytics
    reads a few hundred rows instead of counting a million."""

    class Dimension(models.TextChoices):
        YEAR = "year", "Year"
        SPECIALTY = "specialty", "Reviewer specialty"
        GUIDELINE = "guideline", "Guideline cited"
        CATEGORY = "category", "Treatment category"

    dimension = models.CharField(max_length=12, choices=Dimension.choices)
    key = models.CharField(max_length=320)
    origin = models.CharField(max_length=10, choices=Determination.Origin.choices)
    items = models.IntegerField(default=0)
    overturned = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dimension", "key", "origin"], name="one_decision_stat_per_key")]

    def __str__(self):
        return f"{self.dimension}={self.key} ({self.origin}): {self.overturned}/{self.items}"


class IndexVersion(models.Model):
    """One row: a token replaced whenever the index changes (a determination signed, imported or superseded, an
    import's --replace, a rebuild), in the same transaction. Cached "Similar decisions" are keyed by it, so they
    are recomputed only after a change. No row (a fresh or flushed database): nothing is cached."""

    token = models.CharField(max_length=32)

    def __str__(self):
        return self.token
