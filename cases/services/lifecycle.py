"""The case state machine: the one home of ``Case.status`` changes (DESIGN.md, "Flow of a case")."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import Case, CaseEvent, Status

# Which moves are legal. Anything before signing may also end as withdrawn or terminated.
_BEFORE_SIGNING = (
    Status.RECEIVED,
    Status.ELIGIBILITY_REVIEW,
    Status.DEFERRED,
    Status.ASSIGNED,
    Status.AWAITING_RECORDS,
    Status.IN_REVIEW,
    Status.REMANDED,
)
TRANSITIONS = {
    Status.RECEIVED: {Status.ELIGIBILITY_REVIEW},
    Status.ELIGIBILITY_REVIEW: {Status.INELIGIBLE, Status.DEFERRED, Status.ASSIGNED},
    Status.DEFERRED: {Status.ELIGIBILITY_REVIEW},
    Status.INELIGIBLE: {Status.APPEALED},
    Status.ASSIGNED: {Status.AWAITING_RECORDS, Status.ASSIGNED},
    Status.AWAITING_RECORDS: {Status.IN_REVIEW, Status.ASSIGNED},
    Status.IN_REVIEW: {Status.SIGNED, Status.ASSIGNED},
    Status.SIGNED: {Status.ISSUED},
    Status.ISSUED: {Status.APPEALED},
    Status.APPEALED: {Status.REMANDED, Status.ISSUED, Status.INELIGIBLE},
    Status.REMANDED: {Status.ASSIGNED},
    Status.WITHDRAWN: set(),
    Status.TERMINATED: set(),
}
for _status in _BEFORE_SIGNING:
    TRANSITIONS[_status] |= {Status.WITHDRAWN, Status.TERMINATED}

ILLEGAL_TRANSITION = "A case that is {current} cannot become {target}."
TERMINAL = "Case {case} is {current}: it is closed and cannot change."


class TransitionError(ValidationError):
    """A move the state machine refuses; the message says why."""


def case_transition(*, case: Case, to: str, actor=None, note: str = "", kind: str = "") -> CaseEvent:
    """Move ``case`` to status ``to`` if legal, record the event, and save the case.

    Callers set any other fields the move needs on ``case`` before calling; this saves them too.
    """
    current = Status(case.status)
    target = Status(to)
    if not TRANSITIONS[current]:
        raise TransitionError(TERMINAL.format(case=case.case_number, current=current.label.lower()))
    if target not in TRANSITIONS[current]:
        raise TransitionError(ILLEGAL_TRANSITION.format(current=current.label.lower(), target=target.label.lower()))
    with transaction.atomic():
        case.status = target
        case.save()
        return CaseEvent.objects.create(
            case=case,
            at=timezone.now(),
            actor=actor,
            kind=kind or f"status:{target.value}",
            from_status=current,
            to_status=target,
            note=note,
        )


def case_record_event(*, case: Case, kind: str, actor=None, note: str = "") -> CaseEvent:
    """An event on the timeline that does not change the status (a draft saved, a letter issued...)."""
    return CaseEvent.objects.create(
        case=case, at=timezone.now(), actor=actor, kind=kind, from_status=case.status, to_status=case.status, note=note
    )
