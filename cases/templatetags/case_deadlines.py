"""The deadline summary at the top of the admin's home page: nothing overdue goes unseen."""

from django import template
from django.urls import reverse
from django.utils import timezone

from ..models import Case
from ..selectors import cases_due_within, cases_overdue

register = template.Library()


@register.inclusion_tag("admin/cases/_deadline_summary.html")
def deadline_summary():
    today = timezone.localdate()
    changelist = reverse("admin:cases_case_changelist")
    return {
        "overdue": cases_overdue(Case.objects.all(), today).count(),
        "due_this_week": cases_due_within(Case.objects.all(), today, days=7).count(),
        "overdue_url": f"{changelist}?deadline=overdue",
        "week_url": f"{changelist}?deadline=week",
    }
