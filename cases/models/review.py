"""What the reviewer decides: the disputed items, the guideline library and its topics, the citations, the signed
determination and its corrections."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from .case import Case, fold_whitespace, normalize_title


class Decision(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    OVERTURNED = "overturned", "Overturned"


class UROutcome(models.TextChoices):
    DENIED = "denied", "Denied"
    MODIFIED = "modified", "Modified"
    DELAYED = "delayed", "Delayed"


class DisputedItem(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField(default=0)
    title = models.TextField(help_text="The item as the letter heads it, without ': Upheld'.")
    specialty = models.ForeignKey(
        "reviewers.Specialty",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Specialty that evaluates or treats this item; drives reviewer matching.",
    )
    ur_outcome = models.CharField(
        "UR outcome", max_length=10, choices=UROutcome.choices, blank=True, help_text="What utilization review did."
    )
    ur_modified_to = models.TextField(
        "UR modified to", blank=True, help_text="When UR modified the request: what it approved instead."
    )
    decision = models.CharField(max_length=12, choices=Decision.choices, blank=True)
    rationale = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "order", "id"]

    def __str__(self):
        return self.title[:80]


class Guideline(models.Model):
    """An entry of the guideline library that citations point to."""

    class Source(models.TextChoices):
        MTUS = "MTUS", "MTUS"
        NON_MTUS = "Non-MTUS", "Non-MTUS"

    class EvidenceRank(models.TextChoices):
        # LC 4610.5(c)(2): standards applied strictly in order.
        A = "A", "A: MTUS"
        B = "B", "B: peer-reviewed scientific and medical evidence"
        C = "C", "C: nationally recognized professional standards"
        D = "D", "D: expert opinion"
        E = "E", "E: generally accepted standards of medical practice"
        F = "F", "F: treatments likely to provide a benefit"

    source = models.CharField(max_length=10, choices=Source.choices)
    title = models.CharField(max_length=300, help_text="As a letter prints it, e.g. 'Low Back Complaints 2004'.")
    normalized_title = models.CharField(max_length=300, editable=False)
    evidence_rank = models.CharField(max_length=1, choices=EvidenceRank.choices, blank=True)
    aliases = models.TextField(blank=True, help_text="Other names reviewers search by, one per line.")
    active = models.BooleanField(default=True, help_text="Inactive entries stay on old citations but are not offered.")
    imported_unreviewed = models.BooleanField(
        default=False, help_text="Added by a case import; an administrator should check the title and rank."
    )
    created = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["source", "title"]
        constraints = [
            models.UniqueConstraint(fields=["source", "normalized_title"], name="unique_guideline_title_per_source")
        ]
        indexes = [models.Index(fields=["active", "source", "normalized_title"], name="guideline_lookup")]

    def __str__(self):
        return f"{self.source}: {self.title}"

    def save(self, *args, **kwargs):
        self.normalize()
        super().save(*args, **kwargs)

    def normalize(self):
        """Fold the title's whitespace and set the form it is matched by (what ``save`` does; a bulk insert calls
        it itself). Returns the entry."""
        self.title = fold_whitespace(self.title)
        self.normalized_title = normalize_title(self.title)
        return self


class Citation(models.Model):
    class Side(models.TextChoices):
        CLAIMS_ADMINISTRATOR = "claims_administrator", "Claims administrator"
        IMRO = "imro", "IMRO (expert reviewer)"

    item = models.ForeignKey(DisputedItem, on_delete=models.CASCADE, related_name="citations")
    side = models.CharField(max_length=24, choices=Side.choices)
    guideline = models.ForeignKey(Guideline, on_delete=models.PROTECT, related_name="citations")
    # No length limit: a published letter cites up to five sections in one citation (584 characters seen).
    sections = models.TextField(blank=True)
    pages = models.CharField(max_length=100, blank=True)
    order = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "side", "order", "id"]

    def __str__(self):
        return f"{self.guideline.title} {self.sections} {self.pages}".strip()


class Determination(models.Model):
    """A signed, frozen determination. Never edited: a correction is a new version superseding it."""

    class Origin(models.TextChoices):
        SIGNED = "signed", "Signed in this system"
        IMPORTED = "imported", "Imported (historical)"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="determinations")
    version = models.PositiveSmallIntegerField(default=1)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.SIGNED)
    reviewer = models.ForeignKey(
        "reviewers.Reviewer", on_delete=models.PROTECT, null=True, blank=True, related_name="determinations"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField()
    decision_date = models.DateField()
    snapshot = models.JSONField(help_text="Summary, items, citations and credentials exactly as signed.")
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the canonical snapshot.")
    superseded_by = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="supersedes"
    )
    warnings_overridden = models.JSONField(
        default=list,
        blank=True,
        help_text="The pre-signing warnings the reviewer signed over, each with the reviewer's note.",
    )

    class Meta:
        ordering = ["case", "-version"]
        constraints = [models.UniqueConstraint(fields=["case", "version"], name="one_determination_version")]

    def __str__(self):
        return f"{self.case} v{self.version}"


class Correction(models.Model):
    """A coordinator's correction of a signed determination: opened with a reason, closed when the reviewer (or a
    new one) signs the new version that supersedes it. Both versions and their letters stay, linked."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="corrections")
    determination = models.ForeignKey(
        Determination, on_delete=models.PROTECT, related_name="corrections", help_text="The version being corrected."
    )
    reason = models.TextField(help_text="Why the determination is corrected (kept on the record, not printed).")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    opened_at = models.DateTimeField()
    corrected_by = models.OneToOneField(
        Determination,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
        help_text="The new version, once signed.",
    )

    class Meta:
        ordering = ["case", "opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(corrected_by__isnull=True), name="one_open_correction_per_case"
            )
        ]

    def __str__(self):
        return f"Correction of {self.determination}"


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
