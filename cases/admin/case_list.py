"""The case list's columns and filters. The "running deadline" column and the deadline filters agree by
construction: the same selectors (``cases.selectors``) decide which clock runs and when it falls due, on Pacific
dates."""

from django.contrib import admin
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.html import format_html

from ..deadlines import DEADLINE_WINDOWS
from ..selectors import (
    RECORDS_CLOCK_STATUSES,
    cases_held_by_inactive_reviewers,
    cases_in_window,
    cases_on_clock,
    cases_waiting_for_reviewer,
)


class CaseListColumnsMixin:
    """Columns of the case list: the worker and the reviewer by name, the running deadline with its days left.
    The queryset carries ``deadline_days_left`` and ``days_with_reviewer``, counted in SQL on Pacific dates
    (``cases.selectors.annotate_running_deadline``)."""

    # Sorted by the stored ``Case.worker_sort`` ("last, first"), which the ``case_sort_worker`` index returns in order;
    # sorting by the worker's table would join and sort every case.
    @admin.display(description="worker", ordering="worker_sort")
    def worker_name(self, obj):
        return str(obj.claim.worker)

    # Both deadline columns sort by the stored ``Case.running_due`` (same order as the days left), which an index
    # returns in order at a million cases; sorting by the annotation would sort every case.
    @admin.display(description="running deadline", ordering="running_due")
    def running_deadline(self, obj):
        """Records due while the records are awaited, then the decision due (as the deadline filters count)."""
        if getattr(obj, "deadline_days_left", None) is None:
            return "—"
        if obj.status in RECORDS_CLOCK_STATUSES:
            return f"Records due {timezone.localtime(obj.records_due):%m/%d/%Y}"
        return f"Decision due {obj.decision_due:%m/%d/%Y}"

    @admin.display(description="days left", ordering="running_due")
    def deadline_days_left(self, obj):
        days = getattr(obj, "deadline_days_left", None)
        if days is None:
            return "—"
        if days < 0:
            return format_html('<span class="deadline-overdue">{} day{} overdue</span>', -days, pluralize(-days))
        if days == 0:
            return format_html('<span class="deadline-today">{}</span>', "due today")
        return f"{days} day{pluralize(days)} left"

    @admin.display(description="days with reviewer", ordering="review_started_at")
    def days_waiting(self, obj):
        return getattr(obj, "days_with_reviewer", None)


class DeadlineFilter(admin.SimpleListFilter):
    """The deadline running now: the records until they are complete, then the decision. Open cases only."""

    title = "running deadline"
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [(name, window.label) for name, window in DEADLINE_WINDOWS.items()]

    def queryset(self, request, queryset):
        if self.value() in DEADLINE_WINDOWS:
            return cases_in_window(queryset, timezone.localdate(), self.value())
        return queryset


class ClockFilter(admin.SimpleListFilter):
    """Whose deadline runs: the claims administrator's records (assigned, awaiting records) or the decision."""

    title = "clock"
    parameter_name = "clock"

    def lookups(self, request, model_admin):
        return [("records", "Records awaited"), ("decision", "Decision (in review)")]

    def queryset(self, request, queryset):
        if self.value() in ("records", "decision"):
            return cases_on_clock(queryset, self.value())
        return queryset


class ReviewerWaitFilter(admin.SimpleListFilter):
    """Eligible cases that still need a reviewer: found eligible, or remanded for a new review cycle."""

    title = "reviewer"
    parameter_name = "reviewer_wait"

    def lookups(self, request, model_admin):
        return [("waiting", "Eligible, not yet assigned")]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return cases_waiting_for_reviewer(queryset)
        return queryset


class InactiveReviewerFilter(admin.SimpleListFilter):
    """Open cases whose reviewer was made inactive: the reviewer can no longer open or sign them; reassign them."""

    title = "reviewer inactive"
    parameter_name = "reviewer_inactive"

    def lookups(self, request, model_admin):
        return [("yes", "Held by an inactive reviewer (reassign)")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return cases_held_by_inactive_reviewers(queryset)
        return queryset
