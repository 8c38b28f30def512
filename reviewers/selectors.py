"""Reads about reviewers: their credentials as of a date, their open cases, and what their labels read.

Which reviewers may take a case (the matching rules, conflicts of interest) is the case-assignment room's:
``cases.assignment``.
"""

import datetime

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from cases.deadlines import CREDENTIAL_WARNING_DAYS, days_after
from cases.models import OPEN_REVIEW_STATUSES, Case

from .models import BoardCertification, License, Reviewer

# What "current" means, the one rule of matching and sign-off alike: a credential is current through its expiry
# day (Pacific date) and lapses the day after; a board certification without an expiry date does not lapse.


def licenses_current(on: datetime.date):
    return License.objects.filter(expires_on__gte=on, restricted=False).order_by("state")


def board_certifications_current(on: datetime.date):
    return (
        BoardCertification.objects.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))
        .select_related("specialty")
        .order_by("specialty__name")
    )


def current_licenses(reviewer: Reviewer, on: datetime.date):
    return licenses_current(on).filter(reviewer=reviewer)


def current_board_certifications(reviewer: Reviewer, on: datetime.date):
    return board_certifications_current(on).filter(reviewer=reviewer)


def reviewer_credentials(reviewer: Reviewer, on: datetime.date) -> dict:
    """The credentials a letter may state, as of ``on``: only what the profile holds and is current.

    The shape is the ``determination.reviewer`` block of ``imr-case/1`` (the reference is internal, never printed).
    """
    certifications = [c.specialty.name for c in current_board_certifications(reviewer, on)]
    specialties = certifications or [s.name for s in reviewer.specialties.order_by("name")]
    # California first: it is the licence that matters for a California IMR, and the real letters list it so.
    states = sorted({lic.state for lic in current_licenses(reviewer, on)}, key=lambda s: (s != "California", s))
    return {
        "reference": reviewer.reference,
        "licensure_states": states,
        "specialties": specialties,
        "board_certified": bool(certifications),
        "years_in_practice": reviewer.years_in_practice,
        "weekly_practice_hours": reviewer.weekly_practice_hours,
    }


# Credential expiry: licences and board certifications due to lapse soon, or already lapsed, need renewing before the
# reviewer silently drops out of matching and sign-off.


def reviewers_credentials_expiring(queryset, today: datetime.date, *, within_days: int = CREDENTIAL_WARNING_DAYS):
    """Reviewers holding a licence or board certification that expires from today to ``within_days`` ahead."""
    until = days_after(today, within_days)
    return queryset.filter(
        Q(licenses__expires_on__gte=today, licenses__expires_on__lt=until)
        | Q(board_certifications__expires_on__gte=today, board_certifications__expires_on__lt=until)
    ).distinct()


def reviewers_credentials_expired(queryset, today: datetime.date):
    """Reviewers holding a licence or board certification past its expiry date (renew it or remove it)."""
    return queryset.filter(Q(licenses__expires_on__lt=today) | Q(board_certifications__expires_on__lt=today)).distinct()


def reviewers_with_open_cases(queryset=None):
    """Reviewers annotated with ``open_cases``: cases assigned to them that are assigned, awaiting records or in
    review. Counted per reviewer by a subquery that the ``case_queue`` index (reviewer, status, ...) answers alone,
    reading only that reviewer's open cases, however many cases the table holds."""
    queryset = Reviewer.objects.all() if queryset is None else queryset
    open_cases = (
        Case.objects.filter(reviewer=OuterRef("pk"), status__in=OPEN_REVIEW_STATUSES)
        .order_by()
        .values("reviewer")
        .annotate(count=Count("*"))
        .values("count")
    )
    return queryset.annotate(open_cases=Coalesce(Subquery(open_cases, output_field=IntegerField()), 0))


def reviewers_for_display(queryset=None):
    """Reviewers with what ``Reviewer.label`` reads (user, specialties): two queries for any number of them."""
    queryset = Reviewer.objects.all() if queryset is None else queryset
    return queryset.select_related("user").prefetch_related("specialties")
