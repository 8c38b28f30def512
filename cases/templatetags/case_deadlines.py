"""The summary at the top of the admin's home page: overdue cases and lapsing credentials, so nothing goes unseen."""

from django import template
from django.urls import reverse
from django.utils import timezone

from reviewers.models import Reviewer
from reviewers.selectors import CREDENTIAL_WARNING_DAYS, reviewers_credentials_expired, reviewers_credentials_expiring

from ..models import Case
from ..selectors import cases_due_within, cases_overdue

register = template.Library()


@register.inclusion_tag("admin/cases/_deadline_summary.html")
def deadline_summary():
    today = timezone.localdate()
    changelist = reverse("admin:cases_case_changelist")
    reviewers = Reviewer.objects.filter(active=True)
    reviewer_changelist = reverse("admin:reviewers_reviewer_changelist")
    return {
        "credentials_expired": reviewers_credentials_expired(reviewers, today).count(),
        "credentials_expiring": reviewers_credentials_expiring(reviewers, today).count(),
        "credential_days": CREDENTIAL_WARNING_DAYS,
        "expired_url": f"{reviewer_changelist}?active__exact=1&credentials=expired",
        "expiring_url": f"{reviewer_changelist}?active__exact=1&credentials=expiring",
        "overdue": cases_overdue(Case.objects.all(), today).count(),
        "due_this_week": cases_due_within(Case.objects.all(), today, days=7).count(),
        "overdue_url": f"{changelist}?deadline=overdue",
        "week_url": f"{changelist}?deadline=week",
    }
