"""Intake and eligibility: the application received, its eligibility review and the finding (eligible, ineligible,
or deferred while liability is disputed)."""

from django.db import transaction
from django.utils import timezone

from ...models import Case, CaseEvent, IneligibilityCode, Status
from . import messages as say
from .clocks import apply_deadlines
from .core import Outcome, TransitionError, locked_move


def case_receive(*, case: Case, actor=None, note: str = "") -> CaseEvent:
    """Store a newly received application (status received) and start its timeline. Not a move: the case has no
    row to lock yet."""
    with transaction.atomic():
        case.status = Status.RECEIVED
        apply_deadlines(case)
        case.save()
        return CaseEvent.objects.create(
            case=case,
            at=timezone.now(),
            actor=actor,
            kind=CaseEvent.Kind.RECEIVED,
            from_status="",
            to_status=case.status,
            note=say.join(f"Application received {case.application_received:%m/%d/%Y}.", note),
        )


def require_reason(reason: str, target: Status) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError(say.REASON_REQUIRED.format(target=say.status_label(target)))
    return reason


def case_start_eligibility_review(*, case: Case, actor=None, note: str = "") -> CaseEvent:
    """Received (or deferred, once the liability dispute is resolved) -> eligibility review. A finding of an earlier
    review does not carry over: the case must be found eligible again."""

    def work(locked):
        locked.status_reason = ""
        locked.found_eligible_at = None
        return Outcome(note=note)

    return locked_move(case, "start_eligibility_review", actor=actor, work=work).event


def case_find_eligible(*, case: Case, actor=None, note: str = "") -> CaseEvent:
    """Record that the application passed eligibility review (``Case.found_eligible_at``, and an event): the case may
    now be assigned, and the assignment notice is due within a business day. Each disputed item needs its specialty
    first (it decides which reviewers can be matched)."""

    def work(locked):
        missing = list(
            locked.items.filter(specialty__isnull=True).order_by("order", "id").values_list("title", flat=True)
        )
        if missing:
            items = "; ".join(f"“{title[:60]}”" for title in missing)
            raise TransitionError(say.ITEMS_WITHOUT_SPECIALTY.format(case=locked.case_number, items=items))
        locked.found_eligible_at = timezone.now()
        return Outcome(note=say.join("Found eligible.", note))

    return locked_move(case, "find_eligible", actor=actor, work=work).event


def case_find_ineligible(*, case: Case, reason: str, actor=None, code: str = "") -> CaseEvent:
    """Eligibility review -> ineligible, with the reason (and optionally a reason code). Appealable."""

    def work(locked):
        text = require_reason(reason, Status.INELIGIBLE)
        if code and code not in IneligibilityCode.values:
            raise TransitionError(say.UNKNOWN_INELIGIBILITY_CODE.format(code=code))
        locked.status_reason = text
        locked.ineligibility_code = code
        label = f"{IneligibilityCode(code).label}: " if code else ""
        return Outcome(note=label + text)

    return locked_move(case, "find_ineligible", actor=actor, work=work).event


def case_defer(*, case: Case, reason: str, actor=None) -> CaseEvent:
    """Eligibility review -> deferred while the claims administrator's liability dispute is resolved."""

    def work(locked):
        locked.status_reason = require_reason(reason, Status.DEFERRED)
        return Outcome(note=locked.status_reason)

    return locked_move(case, "defer", actor=actor, work=work).event
