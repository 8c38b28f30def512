"""The case's read-only history: its assignments and its signed determinations, reviewers by name. The case page
shows them as tables of these inlines' columns in its records panel (``cases.admin.records``)."""

from ..models import Assignment, Determination
from .common import ReadOnlyInline, ReviewerLabelMixin


class AssignmentInline(ReviewerLabelMixin, ReadOnlyInline):
    model = Assignment
    fields = ("reviewer_label", "cycle", "assigned_at", "assigned_by", "ended_at", "end_reason")
    readonly_fields = fields
    verbose_name_plural = "assignments (history)"


class DeterminationInline(ReviewerLabelMixin, ReadOnlyInline):
    model = Determination
    fields = ("version", "origin", "reviewer_label", "signed_at", "decision_date", "content_hash", "superseded_by")
    readonly_fields = fields
