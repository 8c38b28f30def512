"""Intake: a new application with its worker and claim, received in one step (the admin's one-page intake)."""

from django.db import transaction

from ..models import Case, CaseEvent, Claim, InjuredWorker
from .lifecycle import case_receive


def case_intake(
    *, case: Case, claim: Claim | None = None, worker: dict | None = None, new_claim: dict | None = None, actor=None
) -> CaseEvent:
    """Receive ``case`` on an existing ``claim``, or on a new claim (``new_claim``: claim_number, date_of_injury) of a
    new worker (``worker``: first_name, last_name, date_of_birth, age, sex). All or nothing."""
    with transaction.atomic():
        if claim is None:
            claim = Claim.objects.create(worker=InjuredWorker.objects.create(**worker), **new_claim)
        case.claim = claim
        return case_receive(case=case, actor=actor)
