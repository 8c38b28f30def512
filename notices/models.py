"""Everything the IMRO sends besides the Final Determination Letter, and who each document was served on.

A ``Notice`` is a rendered document (``cases.models.RenderedDocument``: the same job, file and SHA-256 as a letter)
with the facts it prints recorded when its event happened (``content``): a Notice of Assignment and Request for
Information, a notice of ineligibility, the redacted public copy of a letter (with its redaction report), or the
cover pages for mailing a served document. A ``Service`` row is one recipient of one letter or notice: planned
when the document is queued (its distribution list prints from these rows), served with a date and who served it.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from cases.models import Case, CaseEvent, Letter, RenderedDocument


def notice_upload_to(notice, filename):
    return f"notices/{notice.case.case_number}/{filename}"


class Notice(RenderedDocument):
    class Kind(models.TextChoices):
        NOARFI = "noarfi", "Notice of Assignment and Request for Information"
        INELIGIBILITY = "ineligibility", "Notice of ineligibility"
        PUBLIC_COPY = "public_copy", "Redacted public copy"
        COVER_PAGES = "cover_pages", "Cover pages for mailing"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    version = models.PositiveSmallIntegerField(default=1, help_text="Per case and kind: 1, 2, ...")
    event = models.ForeignKey(
        CaseEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="The event it records."
    )
    letter = models.ForeignKey(
        Letter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
        help_text="The letter a public copy or cover pages belong to.",
    )
    of_notice = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cover_pages",
        help_text="The notice these cover pages go with.",
    )
    content = models.JSONField(default=dict, help_text="What it prints, recorded when its event happened.")
    report = models.JSONField(
        default=list, blank=True, help_text="Public copy: what the redaction removed, for checking before publishing."
    )
    file = models.FileField(upload_to=notice_upload_to, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "created", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "kind", "version"], name="one_notice_version")]
        indexes = [models.Index(fields=["status", "queued_at"], name="notice_sweep")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.case} v{self.version} ({self.status})"


class Service(models.Model):
    """Proof of service: one recipient of one letter or notice."""

    class Method(models.TextChoices):
        MAIL = "mail", "Mail"
        EMAIL = "email", "E-mail"
        PORTAL = "portal", "Portal"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="services")
    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, null=True, blank=True, related_name="services")
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, null=True, blank=True, related_name="services")
    order = models.PositiveSmallIntegerField(default=0)
    role = models.CharField(max_length=32, help_text="injured_worker, a party's role, or dwc (the DWC's copy).")
    recipient = models.CharField(max_length=200)
    address = models.TextField(blank=True, help_text="The address used, as recorded when the document was queued.")
    email = models.CharField(max_length=254, blank=True)
    method = models.CharField(max_length=8, choices=Method.choices, default=Method.MAIL)
    served_on = models.DateField(null=True, blank=True)
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True, help_text="When the service was recorded.")

    class Meta:
        ordering = ["case", "letter", "notice", "order", "id"]
        verbose_name = "proof of service"
        verbose_name_plural = "proofs of service"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(letter__isnull=False, notice__isnull=True)
                | models.Q(letter__isnull=True, notice__isnull=False),
                name="service_of_one_document",
            )
        ]

    def __str__(self):
        return f"{self.recipient} ({self.get_method_display()})"
