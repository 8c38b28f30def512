"""Builders shared by the lifecycle, deadline, matching and admin tests."""

import datetime

from cases.models import Status
from tests import factories as f

PSYCHIATRY = "Psychiatry"


def case_needing(specialty: str = PSYCHIATRY, *, status=Status.ELIGIBILITY_REVIEW, **kwargs):
    """A case whose disputed item needs ``specialty``, in ``status`` (eligibility review: found eligible, ready to
    assign; pass ``found_eligible_at=None`` for one not found eligible yet)."""
    if status == Status.ELIGIBILITY_REVIEW:
        kwargs.setdefault("found_eligible_at", datetime.datetime(2014, 9, 1, 17, 0, tzinfo=datetime.UTC))
    case = f.CaseFactory(status=status, **kwargs)
    f.DisputedItemFactory(case=case, specialty=f.SpecialtyFactory(name=specialty))
    return case


def reviewer_in(specialty: str = PSYCHIATRY, **kwargs):
    """A reviewer practising ``specialty`` with a current California licence and board certification in it."""
    spec = f.SpecialtyFactory(name=specialty)
    reviewer = f.ReviewerFactory(credentials=False, **kwargs)
    reviewer.specialties.add(spec)
    f.LicenseFactory(reviewer=reviewer, state="California", expires_on=datetime.date(2099, 1, 1))
    f.BoardCertificationFactory(reviewer=reviewer, specialty=spec)
    return reviewer
