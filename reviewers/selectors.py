"""Reads about reviewers: their credentials as of a date."""

import datetime

from django.db.models import Q

from .models import BoardCertification, License, Reviewer


def current_licenses(reviewer: Reviewer, on: datetime.date):
    return License.objects.filter(reviewer=reviewer, expires_on__gte=on, restricted=False).order_by("state")


def current_board_certifications(reviewer: Reviewer, on: datetime.date):
    return (
        BoardCertification.objects.filter(reviewer=reviewer)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))
        .select_related("specialty")
        .order_by("specialty__name")
    )


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
