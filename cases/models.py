"""The case file: worker, claim, parties, case, history, documents, disputed items, the guideline library and
citations, signed determinations, letters, and the timeline. Writes go through ``cases.services``."""

import hashlib
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Case as SqlCase
from django.db.models import F, Q, Value, When
from simple_history.models import HistoricalRecords

from .deadlines import (
    DECISION_DUE_HELP,
    EXTENSION_DAYS_HELP,
    NOTICE_CHANNEL_HELP,
    RECORDS_DUE_HELP,
    PacificDate,
)

# ASCII digits only (``\d`` would take any script's digits) and ``\Z``, not ``$`` (which allows a final newline).
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


# What a case document may be: the formats records arrive in. The content is checked, not just the name.
DOCUMENT_FORMATS = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".tif": ("image/tiff", (b"II*\x00", b"MM\x00*")),
    ".tiff": ("image/tiff", (b"II*\x00", b"MM\x00*")),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}
DOCUMENT_EMPTY = "The file {name} is empty."
DOCUMENT_TOO_LARGE = "The file {name} is {size:,} bytes; a document may be at most {limit:,} bytes."
DOCUMENT_WRONG_EXTENSION = (
    "The file {name} is not a PDF, TIFF, PNG or JPEG file (.pdf, .tif, .tiff, .png, .jpg, .jpeg)."
)
DOCUMENT_WRONG_CONTENT = "The file {name} is named {extension} but its content is not {kind}."


def document_content_type(name: str) -> str:
    """The content type a stored document is served with, from its (validated) extension."""
    return DOCUMENT_FORMATS.get(Path(name).suffix.lower(), ("application/octet-stream", ()))[0]


def validate_document_file(file):
    """Size and type checks for an uploaded case document: the extension and the leading bytes must agree."""
    name = Path(file.name).name
    size = file.size
    if not size:
        raise ValidationError(DOCUMENT_EMPTY.format(name=name), code="empty")
    limit = settings.IMR_DOCUMENT_MAX_BYTES
    if size > limit:
        raise ValidationError(DOCUMENT_TOO_LARGE.format(name=name, size=size, limit=limit), code="too_large")
    extension = Path(name).suffix.lower()
    if extension not in DOCUMENT_FORMATS:
        raise ValidationError(DOCUMENT_WRONG_EXTENSION.format(name=name), code="extension")
    content_type, signatures = DOCUMENT_FORMATS[extension]
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if not any(head.startswith(signature) for signature in signatures):
        kind = content_type.split("/")[1].upper()
        raise ValidationError(
            DOCUMENT_WRONG_CONTENT.format(name=name, extension=extension, kind=f"a {kind} file"), code="content"
        )


def document_upload_to(document, filename):
    """A random stored name: uploads never collide or overwrite, and the name carries no PHI from the sender."""
    return f"documents/{document.case.case_number}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Document(models.Model):
    class Type(models.TextChoices):
        PR2 = "pr2", "Progress report (PR-2)"
        CONSULT = "consult", "Consultation"
        IMAGING = "imaging", "Imaging / diagnostic report"
        OPERATIVE_REPORT = "operative_report", "Operative report"
        THERAPY_NOTES = "therapy_notes", "Therapy notes (PT, chiropractic, acupuncture)"
        MEDICAL_LEGAL = "medical_legal", "QME / AME / PQME report"
        MEDICAL_RECORDS = "medical_records", "Other medical records"
        RFA = "rfa", "Request for authorization (RFA)"
        UR_LETTER = "ur_letter", "Utilization review letter"
        IMR_APPLICATION = "imr_application", "IMR application"
        CORRESPONDENCE = "correspondence", "Correspondence"
        EMPLOYEE_SUBMISSION = "employee_submission", "Employee submission"
        PHYSICIAN_CERTIFICATION = "physician_certification", "Physician certification (expedited)"
        OTHER = "other", "Other"

    class TextStatus(models.TextChoices):
        PENDING = "pending", "Text not extracted yet"
        SEARCHABLE = "searchable", "Searchable"
        SCANNED = "scanned", "Scanned, not searchable"
        FAILED = "failed", "Text extraction failed"
        NONE = "none", "No file"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    doc_type = models.CharField("type", max_length=32, choices=Type.choices)
    title = models.CharField(max_length=200)
    author = models.CharField(max_length=200, blank=True)
    document_date = models.DateField(null=True, blank=True, help_text="Date of the report or service.")
    received_date = models.DateField(null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(
        upload_to=document_upload_to,
        blank=True,
        validators=[validate_document_file],
        help_text="PDF, TIFF, PNG or JPEG, at most IMR_DOCUMENT_MAX_BYTES (50 MB by default); the content is checked.",
    )
    size = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    text_status = models.CharField(
        max_length=12,
        choices=TextStatus.choices,
        default=TextStatus.NONE,
        editable=False,
        help_text="Set by the text extraction task after each upload; scanned pages have no text layer (no OCR yet).",
    )
    created = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["text_status"])

    class Meta:
        ordering = ["case", "document_date", "id"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.file_prepare()
        super().save(*args, **kwargs)

    def file_prepare(self):
        """Before the row is written (``save``, or a bulk insert, which then calls
        ``text_extraction_enqueue_on_commit``): a newly attached file's size and hash (the file's identity in the
        record), and its text extraction due."""
        if self.file and not self.file._committed:
            digest = hashlib.sha256()
            for chunk in self.file.chunks():
                digest.update(chunk)
            self.sha256 = digest.hexdigest()
            self.size = self.file.size
            self.text_status = self.TextStatus.PENDING
            self._text_extraction_due = True  # cases.signals queues the extraction once the transaction commits
        elif not self.file:
            self.sha256, self.size, self.text_status = "", None, self.TextStatus.NONE

    def text_extraction_enqueue_on_commit(self):
        """Queue the text extraction of a newly stored file once the transaction commits (``cases.signals`` does it
        after ``save``; a bulk insert sends no signal)."""
        from .signals import document_file_stored

        document_file_stored(Document, self)

    @property
    def is_clinical(self) -> bool:
        return self.doc_type in CLINICAL_DOCUMENT_TYPES

    @property
    def is_pdf(self) -> bool:
        return bool(self.file) and self.file.name.lower().endswith(".pdf")


# Clinical records (what a determination rests on), as against the administrative papers of the dispute (the
# application, the UR letter, notices, correspondence). Sign-off needs a clinical document reviewed.
CLINICAL_DOCUMENT_TYPES = frozenset(
    {
        Document.Type.PR2,
        Document.Type.CONSULT,
        Document.Type.IMAGING,
        Document.Type.OPERATIVE_REPORT,
        Document.Type.THERAPY_NOTES,
        Document.Type.MEDICAL_LEGAL,
        Document.Type.MEDICAL_RECORDS,
    }
)


class DocumentReview(models.Model):
    """A reviewer's "reviewed" mark on a document; feeds the letter's list of documents reviewed."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey("reviewers.Reviewer", on_delete=models.PROTECT, related_name="document_reviews")
    reviewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "reviewer"], name="one_review_mark_per_reviewer")]

    def __str__(self):
        return f"{self.document} reviewed by {self.reviewer}"


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


def letter_upload_to(letter, filename):
    return f"letters/{letter.determination.case.case_number}/{filename}"


class RenderStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RENDERING = "rendering", "Rendering"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class RenderedDocument(models.Model):
    """A PDF the system renders in a worker: its job state (queued -> rendering -> ready | failed), never in Celery,
    the stored file and its SHA-256. Letters and every notice share these fields and ``cases.services.render_jobs``."""

    Status = RenderStatus

    status = models.CharField(max_length=10, choices=RenderStatus.choices, default=RenderStatus.QUEUED, db_index=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    render_started_at = models.DateTimeField(
        null=True, blank=True, help_text="When the latest render attempt began; the sweeper re-queues stale ones."
    )
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class Letter(RenderedDocument):
    """A rendered Final Determination Letter. Job state lives here, not in Celery."""

    determination = models.ForeignKey(Determination, on_delete=models.PROTECT, related_name="letters")
    version = models.PositiveSmallIntegerField(default=1)
    file = models.FileField(upload_to=letter_upload_to, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["determination", "-version"]
        constraints = [models.UniqueConstraint(fields=["determination", "version"], name="one_letter_version")]
        indexes = [models.Index(fields=["status", "queued_at"], name="letter_sweep")]

    def __str__(self):
        return f"Letter {self.determination.case} v{self.version} ({self.status})"


class Assignment(models.Model):
    """One reviewer's turn on a case, with the conflict check made when it began."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assignments")
    reviewer = models.ForeignKey("reviewers.Reviewer", on_delete=models.PROTECT, related_name="assignments")
    assigned_at = models.DateTimeField()
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    conflict_check = models.JSONField(default=dict, help_text="The rules checked and their outcome, as recorded.")
    cycle = models.PositiveSmallIntegerField(
        default=1, help_text="The case's review cycle; reviewers of earlier cycles are excluded after a remand."
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["case", "assigned_at"]
        indexes = [models.Index(fields=["reviewer", "ended_at"], name="assignment_open")]

    def __str__(self):
        return f"{self.case} → {self.reviewer}"


UNKNOWN_EVENT_KIND = "Unknown timeline event kind {kind!r}: add it to CaseEvent.Kind first."


class CaseEvent(models.Model):
    """The timeline a coordinator reads: who did what to the case, when. ``kind`` is a closed set: every service
    writes one of ``CaseEvent.Kind`` and the timeline shows its label."""

    class Kind(models.TextChoices):
        RECEIVED = "received", "Application received"
        IMPORTED = "imported", "Imported"
        ELIGIBILITY_REVIEW = "eligibility_review", "Eligibility review started"
        ELIGIBLE = "eligible", "Found eligible"
        INELIGIBLE = "ineligible", "Found ineligible"
        DEFERRED = "deferred", "Deferred"
        ASSIGNED = "assigned", "Reviewer assigned"
        REASSIGNED = "reassigned", "Reviewer reassigned"
        RECORDS_REQUESTED = "records_requested", "Records requested"
        RECORDS_COMPLETE = "records_complete", "Records complete"
        EXPEDITED = "expedited", "Converted to expedited"
        EXTENDED = "extended", "Deadline extended"
        DEADLINE_MISSED = "deadline_missed", "Deadline missed"
        DETERMINATION_SIGNED = "determination_signed", "Determination signed"
        LETTER_RERENDERED = "letter_rerendered", "Letter re-rendered"
        LETTER_RETRIED = "letter_retried", "Letter render retried"
        LETTER_ISSUED = "letter_issued", "Letter issued"
        APPEALED = "appealed", "Appeal filed"
        APPEAL_DISMISSED = "appeal_dismissed", "Appeal dismissed"
        REMANDED = "remanded", "Remanded"
        WITHDRAWN = "withdrawn", "Withdrawn"
        TERMINATED = "terminated", "Terminated"
        STATUS_CHANGED = "status_changed", "Status changed"
        # Notices, proof of service and corrections (issue 14).
        SERVED = "served", "Served (proof of service)"
        NOTICE_RETRIED = "notice_retried", "Notice render retried"
        CORRECTION_OPENED = "correction_opened", "Correction opened"
        CORRECTION_SIGNED = "correction_signed", "Corrected determination signed"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["case", "at", "id"]

    def __str__(self):
        return f"{self.case} {self.get_kind_display()} {self.at:%m/%d/%Y %H:%M}"

    def save(self, *args, **kwargs):
        if self.kind not in self.Kind.values:
            raise ValueError(UNKNOWN_EVENT_KIND.format(kind=self.kind))
        super().save(*args, **kwargs)


class CaseAccess(models.Model):
    """Who opened which case (PHI access log)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    path = models.CharField(max_length=300)

    class Meta:
        ordering = ["-at"]
        verbose_name_plural = "case accesses"
        indexes = [
            models.Index(fields=["case", "-at"], name="access_by_case"),
            models.Index(fields=["user", "-at"], name="access_by_user"),
        ]

    def __str__(self):
        return f"{self.user} opened {self.case} at {self.at:%m/%d/%Y %H:%M}"


from .desk_models import DocumentPage, GuidelineTopic  # noqa: E402,F401  (the reviewer's desk: page text, topics)
