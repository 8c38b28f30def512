"""Models of the reviewer's desk (issue 13): the text of each page of a document, for search, and the topics of
the guideline library that reviewers cite (a chapter's sections and pages under a name they search by)."""

from django.db import models
from simple_history.models import HistoricalRecords


class DocumentPage(models.Model):
    """The text layer of one page of a case document, as the extraction task found it (empty: a scanned page)."""

    document = models.ForeignKey("cases.Document", on_delete=models.CASCADE, related_name="page_texts")
    number = models.PositiveIntegerField(help_text="1-based page number.")
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="one_text_per_document_page")]

    def __str__(self):
        return f"{self.document} p. {self.number}"


class GuidelineTopic(models.Model):
    """A topic of a guideline (e.g. "Opioids, criteria for use" in the Chronic Pain Medical Treatment Guidelines):
    what reviewers search by, with the sections and pages a citation of it usually names."""

    guideline = models.ForeignKey("cases.Guideline", on_delete=models.CASCADE, related_name="topics")
    name = models.CharField(max_length=200, help_text="What reviewers search for, e.g. 'Magnetic resonance imaging'.")
    sections = models.CharField(
        max_length=500, blank=True, help_text="Filled into the citation's Section(s), e.g. 'Opioids, criteria for use'."
    )
    pages = models.CharField(max_length=100, blank=True, help_text="Filled into the citation's Page(s), e.g. '76-80'.")
    aliases = models.TextField(
        blank=True, help_text="Other words reviewers type for this topic (brand names, abbreviations), one per line."
    )
    imported_unreviewed = models.BooleanField(
        default=False,
        help_text="Seeded from published letters; not offered to reviewers until an administrator clears this.",
    )
    times_cited = models.PositiveIntegerField(
        default=0, editable=False, help_text="How often the seed letters cite it; breaks ties in the search."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["guideline", "name"]
        constraints = [models.UniqueConstraint(fields=["guideline", "name"], name="unique_topic_per_guideline")]

    def __str__(self):
        return f"{self.name} ({self.guideline.title})"
