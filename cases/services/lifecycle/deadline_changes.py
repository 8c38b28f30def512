"""The moves that change a clock: conversion to expedited and an extension of the decision deadline. Neither
changes the status (``moves.MOVES``)."""

from ...models import Case, CaseEvent, Document, Priority
from . import messages as say
from .clocks import apply_deadlines, deadline_note
from .core import Outcome, TransitionError, locked_move


def case_convert_to_expedited(*, case: Case, actor=None, note: str = "") -> CaseEvent:
    """Regular -> expedited (imminent and serious threat to health, certified by the treating physician): records
    become due the day after the notice and the decision 3 days after records are complete."""

    def work(locked):
        if not Document.objects.filter(case=locked, doc_type=Document.Type.PHYSICIAN_CERTIFICATION).exists():
            raise TransitionError(say.EXPEDITE_NEEDS_CERTIFICATION)
        locked.priority = Priority.EXPEDITED
        apply_deadlines(locked)
        return Outcome(note=say.join("Converted to expedited.", deadline_note(locked), note))

    return locked_move(case, "convert_to_expedited", actor=actor, work=work).event


def case_extend_deadline(*, case: Case, days: int, reason: str, actor=None, approved_by: str = "") -> CaseEvent:
    """Add ``days`` to the decision deadline, with the reason (and who at the DWC approved it) on record."""

    def work(locked):
        text = (reason or "").strip()
        if not text:
            raise TransitionError(say.EXTENSION_REASON_REQUIRED)
        if not isinstance(days, int) or days < 1:
            raise TransitionError(say.EXTENSION_DAYS_POSITIVE)
        approver = (approved_by or "").strip()
        line = f"+{days} day(s): {text}" + (f" (approved by {approver})" if approver else "")
        locked.extension_days += days
        locked.extension_reason = "\n".join(filter(None, [locked.extension_reason, line]))
        if approver:
            locked.extension_approved_by = approver
        apply_deadlines(locked)
        return Outcome(note=say.join(f"Extended {line}.", deadline_note(locked)))

    return locked_move(case, "extend_deadline", actor=actor, work=work).event
