"""The case file's documents: what a document may be (checked by content), the reviewer's "reviewed" marks and
the text of each page, for search."""

import hashlib
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from .case import Case

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
