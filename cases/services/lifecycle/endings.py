"""Ending a case early (withdrawn, terminated) and what follows an issued determination at the WCAB (appeal,
dismissal, remand)."""

from django.utils import timezone

from ...models import Assignment, Case, CaseEvent, FeeTier, Status
from . import messages as say
from .core import Outcome, locked_move
from .eligibility import require_reason
from .moves import MOVES, appealed_from


def _close(case: Case, name: str, reason: str, actor) -> CaseEvent:
    target = MOVES[name].target

    def work(locked):
        text = require_reason(reason, target)
        engaged = Assignment.objects.filter(case=locked, cycle=locked.review_cycle).exists()
        locked.fee_tier = FeeTier.FULL if engaged else FeeTier.BEFORE_REVIEWER
        locked.status_reason = text
        Assignment.objects.filter(case=locked, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason=say.END_CLOSED.format(status=say.status_label(target))
        )
        return Outcome(note=text)

    return locked_move(case, name, actor=actor, work=work).event


def case_withdraw(*, case: Case, reason: str, actor=None) -> CaseEvent:
    """Any state before signing -> withdrawn (the applicant withdrew). Closed for good; fee tier recorded."""
    return _close(case, "withdraw", reason, actor)


def case_terminate(*, case: Case, reason: str, actor=None) -> CaseEvent:
    """Any state before signing -> terminated (e.g. the claims administrator authorized the treatment,
    8 CCR 9792.10.6(a)). Closed for good; fee tier recorded."""
    return _close(case, "terminate", reason, actor)


def case_appeal(*, case: Case, actor=None, note: str = "") -> CaseEvent:
    """Issued (or ineligible) -> appealed: a verified petition was filed with the WCAB (8 CCR 10575)."""
    return locked_move(case, "appeal", actor=actor, work=lambda locked: Outcome(note=note)).event


def case_dismiss_appeal(*, case: Case, actor=None, note: str = "") -> CaseEvent:
    """Appealed -> back to where it was (issued or ineligible): the WCAB upheld the determination."""
    return locked_move(
        case, "dismiss_appeal", actor=actor, work=lambda locked: Outcome(to=appealed_from(locked), note=note)
    ).event


def case_remand(*, case: Case, actor=None, note: str = "") -> CaseEvent:
    """Appealed -> remanded: the WCAB reversed the determination; the same case starts a new review cycle that needs
    a different reviewer (LC 4610.6(i)). Reviewers of every earlier cycle are excluded from the next assignment. No
    new eligibility finding is needed: the case was found eligible before its first review.

    An appealed ineligibility that is reversed goes back to eligibility review instead (appealed -> eligibility
    review): the application was never found eligible, so it cannot go to a reviewer before it is.
    """

    def work(locked):
        if appealed_from(locked) == Status.INELIGIBLE:
            locked.status_reason = ""
            locked.ineligibility_code = ""
            locked.found_eligible_at = None
            return Outcome(to=Status.ELIGIBILITY_REVIEW, note=say.join(say.REMANDED_INELIGIBILITY_NOTE, note))
        Assignment.objects.filter(case=locked, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason=say.END_REMANDED
        )
        previous = locked.reviewer
        locked.review_cycle += 1
        locked.reviewer = None
        locked.review_started_at = None
        locked.date_assigned = None
        locked.records_complete = None
        locked.extension_days = 0
        locked.extension_reason = ""
        locked.extension_approved_by = ""
        locked.status_reason = ""
        return Outcome(
            to=Status.REMANDED,
            note=say.join(
                f"Review cycle {locked.review_cycle} begins"
                + (f"; {previous} and earlier reviewers are excluded." if previous else "."),
                note,
            ),
        )

    return locked_move(case, "remand", actor=actor, work=work).event
