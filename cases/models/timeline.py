"""The case's assignments, its timeline of events and the PHI access log."""

from django.conf import settings
from django.db import models

from .case import Case, Status


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
