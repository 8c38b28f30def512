"""The admin home page's "Today's work": what needs a coordinator today, each count a link to the list it counts.

A constant number of queries whatever the number of cases, letters and reviewers (one aggregate per table).
"""

from django import template
from django.urls import reverse
from django.utils import timezone

from reviewers.models import Reviewer
from reviewers.selectors import reviewers_credentials_expired, reviewers_credentials_expiring

from ..deadlines import CREDENTIAL_WARNING_DAYS
from ..selectors import cases_today_work, letters_failed, letters_to_issue

register = template.Library()


@register.inclusion_tag("admin/cases/_todays_work.html")
def todays_work():
    today = timezone.localdate()
    cases = reverse("admin:cases_case_changelist")
    letters = reverse("admin:cases_letter_changelist")
    reviewers_url = reverse("admin:reviewers_reviewer_changelist")
    counts = cases_today_work(today)
    reviewers = Reviewer.objects.filter(active=True)
    rows = [
        ("records_overdue", "records overdue from the claims administrator", f"{cases}?deadline=overdue&clock=records"),
        ("decisions_overdue", "decisions overdue", f"{cases}?deadline=overdue&clock=decision"),
        ("decisions_due_today", "decisions due today", f"{cases}?deadline=today&clock=decision"),
        ("decisions_due_week", "decisions due within 7 days", f"{cases}?deadline=week&clock=decision"),
        ("waiting_for_reviewer", "eligible cases not yet assigned", f"{cases}?reviewer_wait=waiting"),
        ("letters_failed", "letters failed to render", f"{letters}?to_do=failed"),
        ("letters_to_issue", "letters ready to issue", f"{letters}?to_do=issue"),
        (
            "credentials_expired",
            "active reviewers with an expired licence or certification",
            f"{reviewers_url}?active__exact=1&credentials=expired",
        ),
        (
            "credentials_expiring",
            f"active reviewers whose credentials lapse within {CREDENTIAL_WARNING_DAYS} days",
            f"{reviewers_url}?active__exact=1&credentials=expiring",
        ),
    ]
    counts |= {
        "letters_failed": letters_failed().count(),
        "letters_to_issue": letters_to_issue().count(),
        "credentials_expired": reviewers_credentials_expired(reviewers, today).count(),
        "credentials_expiring": reviewers_credentials_expiring(reviewers, today).count(),
    }
    # Overdue work and failures in red; the rest is the day's plan.
    urgent = {"records_overdue", "decisions_overdue", "decisions_due_today", "letters_failed", "credentials_expired"}
    return {
        "today": today,
        "work": [
            {"key": key, "count": counts[key], "label": label, "url": url, "urgent": key in urgent and counts[key]}
            for key, label, url in rows
        ],
    }
