"""The admin home page's "Today's work": what needs a coordinator today, each count a link to the list it counts.

All the counts in ONE query whatever the number of cases, letters and reviewers (``counts_in_one_query``: the
cases' tiles each counted up to ``TODAY_WORK_CAP`` from an index, one conditional aggregation per other table, side
by side).
"""

from django import template
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from reviewers.models import Reviewer
from reviewers.selectors import reviewers_credentials_expired, reviewers_credentials_expiring

from ..deadlines import CREDENTIAL_WARNING_DAYS
from ..selectors import (
    count_shown,
    counts_in_one_query,
    letters_failed,
    letters_to_issue,
    one_row_of,
    today_work_cases,
)

register = template.Library()


@register.inclusion_tag("admin/cases/_todays_work.html")
def todays_work():
    today = timezone.localdate()
    cases = reverse("admin:cases_case_changelist")
    letters = reverse("admin:cases_letter_changelist")
    reviewers_url = reverse("admin:reviewers_reviewer_changelist")
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
    case_counts = today_work_cases(today)
    counts = counts_in_one_query(
        *case_counts,
        one_row_of(letters_failed(), letters_failed=Count("pk")),
        one_row_of(letters_to_issue(), letters_to_issue=Count("pk")),
        # A reviewer with two lapsed credentials is one reviewer (the lists join licences and certifications).
        one_row_of(reviewers_credentials_expired(reviewers, today), credentials_expired=Count("pk", distinct=True)),
        one_row_of(reviewers_credentials_expiring(reviewers, today), credentials_expiring=Count("pk", distinct=True)),
    )
    caps = {part.name: part.cap for part in case_counts}
    # Overdue work and failures in red; the rest is the day's plan.
    urgent = {"records_overdue", "decisions_overdue", "decisions_due_today", "letters_failed", "credentials_expired"}
    return {
        "today": today,
        "work": [
            {
                "key": key,
                "count": counts[key],
                "shown": count_shown(counts[key], caps.get(key)),
                "label": label,
                "url": url,
                "urgent": key in urgent and counts[key],
            }
            for key, label, url in rows
        ],
    }
