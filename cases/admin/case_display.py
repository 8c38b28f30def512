"""The read-only parts of the case page, rendered from templates: who the case is about, the timeline, the reviewer
suggestions and the access log. Reviewers appear by name, reference and specialty (``Reviewer.label``)."""

from django.contrib import admin
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from ..assignment.matching import matches_for_display, reviewer_suggestions
from ..models import CaseAccess, CaseEvent
from ..selectors import worker_age
from ..services import lifecycle
from .common import RECENT_ACCESSES_SHOWN, SUGGESTIONS_SHOWN
from .letters import letter_live_status

SUGGESTIONS_NOT_NOW = "Suggestions appear while the case can be assigned (eligibility review, remanded) or reassigned."
NO_REVIEWER_ON_FILE = "No reviewer on file."


def injured_worker_html(case) -> str:
    worker = case.claim.worker
    return render_to_string(
        "admin/cases/case/_worker.html",
        {
            "worker": worker,
            "age": worker_age(worker, timezone.localdate()),
            "url": reverse("admin:cases_injuredworker_change", args=[worker.pk]),
        },
    )


def timeline_html(case) -> str:
    events = CaseEvent.objects.filter(case=case).select_related("actor").order_by("at", "id")
    return render_to_string("admin/cases/case/_timeline.html", {"events": events})


def suggestions_html(case) -> str:
    if case.status not in lifecycle.ASSIGNABLE_STATUSES:
        return SUGGESTIONS_NOT_NOW
    matches = matches_for_display(reviewer_suggestions(case=case, on=timezone.localdate(), limit=SUGGESTIONS_SHOWN))
    if not matches:
        return NO_REVIEWER_ON_FILE
    return render_to_string(
        "admin/cases/case/_suggestions.html",
        {"matches": matches, "assign_url": reverse("admin:cases_case_lifecycle", args=[case.pk, "assign_reviewer"])},
    )


def recent_accesses_html(case) -> str:
    accesses = CaseAccess.objects.filter(case=case).select_related("user").order_by("-at")[:RECENT_ACCESSES_SHOWN]
    log_url = reverse("admin:cases_caseaccess_changelist") + f"?case__id__exact={case.pk}"
    return render_to_string("admin/cases/case/_accesses.html", {"accesses": accesses, "log_url": log_url})


# The heavy parts of the page are panels (``panels``) fetched by htmx once the page is shown.
LOADING = "Loading…"


def panel_placeholder(case, name: str) -> str:
    """What the page shows in place of the panel until htmx has fetched it (its link works without htmx too)."""
    if case is None or not case.pk:
        return "-"
    url = reverse("admin:cases_case_panel", args=[case.pk, name])
    return format_html(
        '<div class="case-panel" id="panel-{}" hx-get="{}" hx-trigger="load" hx-swap="innerHTML">'
        '<a href="{}">{}</a></div>',
        name,
        url,
        url,
        LOADING,
    )


class CaseDisplaysMixin:
    """The read-only displays of the case's change page (``case_fieldsets.DISPLAY_FIELDS``)."""

    @admin.display(description="injured worker")
    def injured_worker(self, obj):
        return injured_worker_html(obj)

    @admin.display(description="current reviewer")
    def current_reviewer(self, obj):
        return self.reviewer_label(obj)

    @admin.display(description="documents sent")
    def documents(self, obj):
        return panel_placeholder(obj, "documents")

    @admin.display(description="letter")
    def letter_status(self, obj):
        if obj is None or not obj.pk:
            return "-"
        return letter_live_status(obj)

    @admin.display(description="timeline")
    def timeline(self, obj):
        return panel_placeholder(obj, "timeline")

    @admin.display(description="assignment suggestions")
    def assignment_suggestions(self, obj):
        return panel_placeholder(obj, "suggestions")

    @admin.display(description="records")
    def case_records(self, obj):
        return panel_placeholder(obj, "records")

    @admin.display(description="recent accesses")
    def recent_accesses(self, obj):
        return panel_placeholder(obj, "accesses")
