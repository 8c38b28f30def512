"""The read-only parts of the case page, rendered from templates: who the case is about, the timeline, the reviewer
suggestions and the access log. Reviewers appear by name, reference and specialty (``Reviewer.label``)."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ..assignment.matching import matches_for_display, reviewer_suggestions
from ..models import CaseAccess, CaseEvent
from ..selectors import worker_age
from ..services import lifecycle
from .common import RECENT_ACCESSES_SHOWN, SUGGESTIONS_SHOWN

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
