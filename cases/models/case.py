"""The case and who it concerns: the injured worker, the claim, the parties, the treatment history, the
statuses and the stored sort keys the queues read."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Case as SqlCase
from django.db.models import F, Q, Value, When
from simple_history.models import HistoricalRecords

from ..deadlines import (
    DECISION_DUE_HELP,
    EXTENSION_DAYS_HELP,
    NOTICE_CHANNEL_HELP,
    RECORDS_DUE_HELP,
    PacificDate,
)

CASE_NUMBER_RE = r"\ACM[0-9]{2}-[0-9]{7}\Z"
UR_DECISION_AFTER_APPLICATION = (
    "The UR decision date ({ur:%m/%d/%Y}) is after the application was received ({received:%m/%d/%Y}): an IMR "
    "application answers a UR decision already made."
)


def fold_whitespace(text):
    return re.sub(r"\s+", " ", text or "").strip()


def normalize_title(title):
    """How library titles are matched: case-insensitive, whitespace folded."""
    return fold_whitespace(title).casefold()


class Sex(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    UNKNOWN = "unknown", "Unknown"


class InjuredWorker(models.Model):
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Age at application; used only when the date of birth is unknown."
    )
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    address = models.TextField(
        blank=True,
        help_text="Mailing address, as on the envelope: the letter's distribution list and proof of service use it.",
    )
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self):
        name = f"{self.first_name} {self.last_name}".strip()
        return name or f"Worker #{self.pk}"


class Claim(models.Model):
    worker = models.ForeignKey(InjuredWorker, on_delete=models.PROTECT, related_name="claims")
    claim_number = models.CharField(max_length=60, blank=True, db_index=True)
    date_of_injury = models.DateField()
    history = HistoricalRecords()

    def __str__(self):
        """ "CLM-1 · Maria Gonzalez, injured 01/15/2014": what a coordinator picks a claim by (reads the worker)."""
        number = self.claim_number or "Claim without number"
        return f"{number} · {self.worker}, injured {self.date_of_injury:%m/%d/%Y}"


class Priority(models.TextChoices):
    STANDARD = "standard", "Standard"
    EXPEDITED = "expedited", "Expedited"


class Status(models.TextChoices):
    RECEIVED = "received", "Application received"
    ELIGIBILITY_REVIEW = "eligibility_review", "Eligibility review"
    INELIGIBLE = "ineligible", "Ineligible"
    DEFERRED = "deferred", "Deferred"
    ASSIGNED = "assigned", "Assigned"
    AWAITING_RECORDS = "awaiting_records", "Awaiting records"
    IN_REVIEW = "in_review", "In review"
    SIGNED = "signed", "Signed"
    ISSUED = "issued", "Issued"
    WITHDRAWN = "withdrawn", "Withdrawn"
    TERMINATED = "terminated", "Terminated"
    APPEALED = "appealed", "Appealed"
    REMANDED = "remanded", "Remanded"
    CORRECTING = "correcting", "Correction in progress"


OPEN_REVIEW_STATUSES = (Status.ASSIGNED, Status.AWAITING_RECORDS, Status.IN_REVIEW)
# Where a case can be before a determination is signed (it may still be withdrawn or terminated from any of them).
BEFORE_SIGNING_STATUSES = (
    Status.RECEIVED,
    Status.ELIGIBILITY_REVIEW,
    Status.DEFERRED,
    Status.ASSIGNED,
    Status.AWAITING_RECORDS,
    Status.IN_REVIEW,
    Status.REMANDED,
)


class IneligibilityCode(models.TextChoices):
    """Why an application is ineligible (DWC's published reasons, 8 CCR 9792.10.3); the free text says more."""

    LATE = "late", "Filed late (more than 30 days after the UR decision)"
    UNSIGNED = "unsigned", "Application not signed"
    UR_LETTER_MISSING = "ur_letter_missing", "UR decision letter missing"
    CNC = "cnc", "UR was conditionally non-certified (information not received)"
    PRIOR_IMR = "prior_imr", "Same treatment already decided by IMR"
    NOT_MEDICAL_NECESSITY = "not_medical_necessity", "Dispute is not about medical necessity"
    BEFORE_2013 = "before_2013", "Injury and UR decision outside IMR's dates"
    OTHER = "other", "Other (see reason)"


class NoticeChannel(models.TextChoices):
    # 8 CCR 9792.10.5(a)(1): the records are due later after a mailed notice than after an electronic one
    # (cases.deadlines).
    MAIL = "mail", "Mail"
    ELECTRONIC = "electronic", "Electronic"


class FeeTier(models.TextChoices):
    # 8 CCR 9792.10.8: a case ended before a reviewer was engaged is billed at the lower fee.
    FULL = "full", "Full review fee"
    BEFORE_REVIEWER = "before_reviewer", "Ended before a reviewer was assigned"


VIEW_ALL_CASES = "view_all_cases"
VIEW_ALL_CASES_PERMISSION = f"cases.{VIEW_ALL_CASES}"


# Stored sort keys, computed by the database from the status and deadlines on every write (whoever writes: a
# service, ``QuerySet.update`` or a bulk load), so the queues and the changelist sort through an index.
QUEUE_RANK = SqlCase(When(status__in=OPEN_REVIEW_STATUSES, then=Value(0)), default=Value(1))
RUNNING_DEADLINE = SqlCase(
    When(
        Q(status__in=(Status.ASSIGNED, Status.AWAITING_RECORDS), records_complete__isnull=True),
        then=PacificDate(F("records_due")),
    ),
    When(status=Status.IN_REVIEW, then=F("decision_due")),
    default=None,
    output_field=models.DateField(),
)


class Case(models.Model):
    case_number = models.CharField(
        max_length=12,
        unique=True,
        validators=[RegexValidator(CASE_NUMBER_RE, "Case numbers look like CM14-0000001.")],
        help_text="CMyy-nnnnnnn, as the DWC issues it.",
    )
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="cases")
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.STANDARD)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.RECEIVED, help_text="Changed only by transitions."
    )
    status_reason = models.TextField(
        blank=True, help_text="Why the case is ineligible, deferred, withdrawn or terminated."
    )
    ineligibility_code = models.CharField(
        max_length=32,
        choices=IneligibilityCode.choices,
        blank=True,
        help_text="Set when the case is found ineligible; the reason text says more.",
    )
    fee_tier = models.CharField(
        max_length=16,
        choices=FeeTier.choices,
        blank=True,
        help_text="Recorded when the case is withdrawn or terminated: lower fee if no reviewer had been assigned.",
    )
    application_received = models.DateField()
    found_eligible_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When eligibility review found the application eligible. A reviewer is first assigned only after "
        "this; a new eligibility review (after a deferral or a remanded ineligibility) clears it.",
    )
    ur_decision_date = models.DateField(null=True, blank=True, verbose_name="UR decision date")
    ur_organization = models.CharField(
        max_length=200,
        blank=True,
        verbose_name="UR organization",
        help_text="The utilization review organization whose decision is disputed, as its letter names it. Shown to "
        "the reviewer among the parties and checked against reviewers' declared affiliations. Not part of the "
        "imr-case/1 interchange format: an import leaves it blank.",
    )
    date_assigned = models.DateField(null=True, blank=True, help_text="Date of the assignment notice (NOARFI).")
    notice_channel = models.CharField(
        max_length=10,
        choices=NoticeChannel.choices,
        default=NoticeChannel.MAIL,
        help_text=NOTICE_CHANNEL_HELP,
    )
    reviewer = models.ForeignKey(
        "reviewers.Reviewer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        help_text="The current expert reviewer. Set by assignment.",
    )
    review_started_at = models.DateTimeField(
        null=True, blank=True, help_text="When the current reviewer was assigned; 'days waiting' counts from here."
    )
    records_due = models.DateTimeField(
        null=True,
        blank=True,
        help_text=RECORDS_DUE_HELP,
    )
    records_complete = models.DateField(null=True, blank=True, help_text="The decision clock starts on this day.")
    decision_due = models.DateField(null=True, blank=True, help_text=DECISION_DUE_HELP)
    extension_days = models.PositiveSmallIntegerField(default=0, help_text=EXTENSION_DAYS_HELP)
    extension_reason = models.TextField(blank=True)
    extension_approved_by = models.CharField(
        max_length=200, blank=True, help_text="Who at the DWC (Administrative Director) approved the extension."
    )
    review_cycle = models.PositiveSmallIntegerField(
        default=1, help_text="1 for the first review; each remand starts a new cycle with a different reviewer."
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="remands",
        help_text="The case this remands.",
    )
    clinical_summary = models.TextField(
        blank=True, help_text="The reviewer's draft; frozen into the determination on signing."
    )
    revision = models.PositiveIntegerField(default=0, help_text="Bumped on every saved draft; detects stale forms.")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    queue_rank = models.GeneratedField(
        expression=QUEUE_RANK,
        output_field=models.SmallIntegerField(),
        db_persist=True,
        help_text="0 while the case is open work (assigned, awaiting records, in review), else 1: the queues' first "
        "sort key.",
    )
    running_due = models.GeneratedField(
        expression=RUNNING_DEADLINE,
        output_field=models.DateField(),
        db_persist=True,
        help_text="The deadline running now: the records' due day (Pacific) while assigned or awaiting records (and "
        "the records are not complete), the decision due date while in review, else empty.",
    )
    search_text = models.TextField(
        blank=True,
        editable=False,
        help_text="What the admin search matches: case and claim numbers, the worker's name and the parties' names, "
        "lower-cased (kept current by cases.services.search).",
    )
    worker_sort = models.CharField(
        max_length=210,
        blank=True,
        editable=False,
        help_text="The worker's name as the case list sorts it: 'last, first', lower-cased (kept current with the "
        "search text by cases.services.search).",
    )
    history = HistoricalRecords(
        excluded_fields=["revision", "updated", "queue_rank", "running_due", "search_text", "worker_sort"]
    )

    class Meta:
        ordering = ["-application_received", "case_number"]
        # Least privilege for PHI: only holders of this permission (the Coordinator and Auditor groups, superusers)
        # see cases they are not assigned to, in the workspace, the downloads and the admin (cases_visible_to).
        permissions = [(VIEW_ALL_CASES, "Can see every case (its content, documents and letters)")]
        indexes = [
            # The queues: open work first, then by decision due (reviewer: own cases; staff: all).
            models.Index(
                fields=["reviewer", "queue_rank", "decision_due", "case_number"], name="case_queue_mine", include=["id"]
            ),
            models.Index(fields=["queue_rank", "decision_due", "case_number"], name="case_queue_all", include=["id"]),
            # A queue filtered by status.
            models.Index(fields=["reviewer", "status", "decision_due"], name="case_queue"),
            models.Index(fields=["status", "decision_due"], name="case_status_due"),
            models.Index(fields=["status", "records_due"], name="case_status_records_due"),
            # The admin home's "Today's work": its counts of the cases in flight read this index alone.
            models.Index(fields=["status", "running_due"], name="case_today_work", include=["found_eligible_at", "id"]),
            # Its eligible cases waiting for a reviewer (cases.selectors.WAITING_FOR_REVIEWER, the same condition):
            # counted from this small index alone, not from every case in eligibility review.
            models.Index(
                fields=["id"],
                name="case_waiting_for_reviewer",
                condition=Q(status=Status.ELIGIBILITY_REVIEW, found_eligible_at__isnull=False)
                | Q(status=Status.REMANDED),
            ),
            models.Index(fields=["priority", "status"], name="case_priority_status"),
            # The admin changelist: its default order, and each sortable column with the primary key as the tie-break
            # (cases.admin.changelist keeps the tie-break in the column's direction, so one index serves both ways).
            models.Index(fields=["-application_received", "case_number"], name="case_received", include=["id"]),
            models.Index(fields=["status", "id"], name="case_sort_status"),
            models.Index(fields=["priority", "id"], name="case_sort_priority"),
            models.Index(fields=["reviewer", "id"], name="case_sort_reviewer"),
            models.Index(fields=["decision_due", "id"], name="case_sort_decision_due"),
            models.Index(fields=["running_due", "id"], name="case_sort_running_due"),
            models.Index(fields=["review_started_at", "id"], name="case_sort_review_started"),
            models.Index(fields=["worker_sort", "id"], name="case_sort_worker"),
            # Case number prefixes ("CM14-00001") through the btree, whatever the database's collation.
            models.Index(fields=["case_number"], name="case_number_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return self.case_number

    def clean(self):
        super().clean()
        if self.ur_decision_date and self.application_received and self.ur_decision_date > self.application_received:
            raise ValidationError(
                {
                    "ur_decision_date": UR_DECISION_AFTER_APPLICATION.format(
                        ur=self.ur_decision_date, received=self.application_received
                    )
                }
            )

    @property
    def worker(self):
        return self.claim.worker


class Party(models.Model):
    class Role(models.TextChoices):
        EMPLOYER = "employer", "Employer"
        CLAIMS_ADMINISTRATOR = "claims_administrator", "Claims administrator"
        REQUESTING_PHYSICIAN = "requesting_physician", "Requesting physician"
        ATTORNEY = "attorney", "Attorney"
        EMPLOYEE_REPRESENTATIVE = "employee_representative", "Employee representative"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(max_length=32, choices=Role.choices)
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "id"]
        verbose_name_plural = "parties"

    def __str__(self):
        return f"{self.get_role_display()}: {self.name}"


# The UR organization is a field of the case, not a ``Party`` row; the conflict-of-interest check and the reviewer's
# page list it with the parties under this pseudo-role.
UR_ORGANIZATION_ROLE = "ur_organization"
UR_ORGANIZATION_LABEL = "UR organization"


def party_role_label(role: str) -> str:
    """A party's role as a sentence names it ("employer", "UR organization")."""
    return UR_ORGANIZATION_LABEL if role == UR_ORGANIZATION_ROLE else Party.Role(role).label.lower()


class TreatmentEvent(models.Model):
    class Kind(models.TextChoices):
        SURGERY = "surgery", "Surgery"
        PROCEDURE = "procedure", "Procedure"
        INJECTION = "injection", "Injection"
        THERAPY = "therapy", "Therapy"
        MEDICATION = "medication", "Medication"
        DIAGNOSTIC = "diagnostic", "Diagnostic"
        DEVICE = "device", "Device"
        REPORT = "report", "Report"
        DIAGNOSIS = "diagnosis", "Diagnosis"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="treatment_history")
    date = models.DateField(null=True, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    description = models.TextField()
    order = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "order", "id"]

    def __str__(self):
        return f"{self.date or 'undated'} {self.get_kind_display()}: {self.description[:60]}"
