"""Expert reviewers: who they are (internally), what they are qualified for, and whom they must not review."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

US_STATES = [
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware",
    "District of Columbia", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas",
    "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota", "Mississippi",
    "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire", "New Jersey", "New Mexico", "New York",
    "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island",
    "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah", "Vermont", "Virginia", "Washington",
    "West Virginia", "Wisconsin", "Wyoming",
]  # fmt: skip
STATE_CHOICES = [(s, s) for s in US_STATES]


class Specialty(models.Model):
    """A medical specialty, as letters print it ("Physical Medicine & Rehabilitation")."""

    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "specialties"

    def __str__(self):
        return self.name


class Reviewer(models.Model):
    """An expert reviewer. The name lives on the linked user and never reaches a letter or an export."""

    class Degree(models.TextChoices):
        MD = "MD", "MD"
        DO = "DO", "DO"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviewer")
    reference = models.CharField(
        max_length=40, unique=True, help_text="Internal pseudonymous reference (e.g. ER-0042). Never printed."
    )
    degree = models.CharField(max_length=2, choices=Degree.choices, default=Degree.MD)
    specialties = models.ManyToManyField(
        Specialty, blank=True, related_name="reviewers", help_text="Specialties the reviewer practises and may review."
    )
    years_in_practice = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Years in active clinical practice. Letters claim 'more than five' only above 5.",
    )
    weekly_practice_hours = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Hours a week in active practice. Letters claim 'at least 24' only from 24."
    )
    active = models.BooleanField(default=True, help_text="Inactive reviewers are never suggested or assigned.")
    capacity = models.PositiveSmallIntegerField(
        default=10, help_text="How many open cases (assigned, awaiting records, in review) the reviewer may hold."
    )
    created = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["reference"]

    def __str__(self):
        return self.reference

    @property
    def label(self) -> str:
        """How a coordinator knows the reviewer: "Dr. Miriam Okafor (ER-0001, Psychiatry)". Internal only (the admin
        and the timeline): never in a letter or an export. Reads the user and the specialties, so lists select and
        prefetch them (``reviewers.selectors.reviewers_for_display``)."""
        name = self.user.get_full_name()
        specialties = [s.name for s in self.specialties.all()]
        if name:
            return f"Dr. {name} ({', '.join([self.reference, *specialties])})"
        return f"{self.reference} ({', '.join(specialties)})" if specialties else self.reference


class BoardCertification(models.Model):
    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="board_certifications")
    specialty = models.ForeignKey(Specialty, on_delete=models.PROTECT, related_name="+")
    board = models.CharField(
        max_length=160, blank=True, help_text="Certifying board, e.g. American Board of Psychiatry and Neurology."
    )
    certified_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True, help_text="Leave empty for a lifetime certification.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["reviewer", "specialty__name"]

    def __str__(self):
        return f"{self.specialty} ({self.board or 'board'})"


class License(models.Model):
    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="licenses")
    state = models.CharField(max_length=40, choices=STATE_CHOICES)
    number = models.CharField(max_length=40, blank=True)
    expires_on = models.DateField(
        help_text="A licence past this date makes the reviewer unassignable and unable to sign."
    )
    restricted = models.BooleanField(default=False, help_text="Restricted or on probation: not usable for IMR.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["reviewer", "state"]
        constraints = [models.UniqueConstraint(fields=["reviewer", "state"], name="one_license_per_state")]

    def __str__(self):
        return f"{self.state} {self.number}".strip()


class Affiliation(models.Model):
    """A declared tie: a conflict of interest with any party of a case whose name matches (whatever its role; see
    ``cases.assignment.conflicts.party_name_key``). The kind says what the tie is, for the record."""

    class Kind(models.TextChoices):
        EMPLOYER = "employer", "Employer"
        CLAIMS_ADMINISTRATOR = "claims_administrator", "Claims administrator / insurer"
        REQUESTING_PHYSICIAN = "requesting_physician", "Requesting physician or group"
        ATTORNEY = "attorney", "Attorney or law firm"
        EMPLOYEE_REPRESENTATIVE = "employee_representative", "Employee representative"

    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="affiliations")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    name = models.CharField(max_length=200, help_text="Organisation or person, as it would appear as a party.")
    note = models.CharField(max_length=200, blank=True)
    declared_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["reviewer", "kind", "name"]
        indexes = [models.Index(Lower("name"), name="affiliation_name_ci")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.name}"
