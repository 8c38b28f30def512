"""Rendered PDFs: the job state every rendered document shares, and the Final Determination Letter."""

from django.db import models
from simple_history.models import HistoricalRecords

from .review import Determination


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
