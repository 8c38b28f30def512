"""The one way a case moves: ``locked_move`` (docs/adr/0018-lifecycle-table.md).

Every move, whatever it does, runs the same steps in one transaction: lock the case's row (``SELECT ... FOR
UPDATE``), check the locked copy against the move's entry in ``moves.MOVES`` (its status is one of the sources, its
condition holds), run the move's work on the locked copy, recompute the deadlines, save the row and record the
``CaseEvent``. Two coordinators moving the same case at once are served one after the other, and the second is
checked against what the first did; a refusal (``TransitionError``) leaves the row and the timeline as they were.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ...models import Case, CaseEvent, Status
from . import messages as say
from .clocks import apply_deadlines
from .moves import CLOSED_STATUSES, KIND_OF_MOVE_TO, MOVES, Move


class TransitionError(ValidationError):
    """A move the state machine refuses; the message says why."""


@dataclass
class Outcome:
    """What a move's work returns (all optional)."""

    note: str = ""  # the timeline's note
    to: Status | None = None  # where the move lands when its entry leaves a choice (``Move.other_targets``)
    kind: str = ""  # the timeline's kind when it differs from the entry's (a correction signed)
    result: Any = None  # what the service returns besides the event (an assignment...)
    event: CaseEvent | None = None  # set by locked_move


def move_refusal(case: Case, move: Move) -> str | None:
    """Why ``move`` cannot be made on ``case`` as it is, or None: the status is one of its sources and its condition
    holds. (The move's own input is checked by its work.)"""
    current = Status(case.status)
    if current in CLOSED_STATUSES:
        return say.TERMINAL.format(case=case.case_number, current=say.status_label(current))
    if current not in move.sources:
        if move.targets == {current}:
            return say.ALREADY_IN_STATUS.format(case=case.case_number, current=current.label)
        return say.NOT_FROM_HERE.format(
            case=case.case_number,
            current=say.status_label(current),
            move=move.label,
            allowed=say.statuses_label(move.sources),
        )
    return move.condition(case) if move.condition else None


def case_allowed_actions(case: Case) -> list[str]:
    """The names of the moves the case allows now, in the table's order (the admin shows those it offers as
    buttons). Read from ``moves.MOVES``: a move whose condition no longer holds is not offered."""
    return [name for name, move in MOVES.items() if move_refusal(case, move) is None]


def _copy_back(locked: Case, case: Case) -> None:
    """The caller's object shows what was saved (its cached reviewer is dropped when the reviewer changed)."""
    if locked is case:
        return
    for field in Case._meta.concrete_fields:
        setattr(case, field.attname, getattr(locked, field.attname))


def locked_move(case: Case, name: str, *, actor=None, work: Callable[[Case], Outcome | None] | None = None) -> Outcome:
    """Make move ``name`` on ``case``: lock the row, check the locked copy against the move's entry, run ``work`` on
    the locked copy, recompute the deadlines, save, record the event. ``work`` may raise ``TransitionError``: nothing
    is then changed. The caller's ``case`` is updated to what was saved."""
    move = MOVES[name]
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        refusal = move_refusal(locked, move)
        if refusal:
            raise TransitionError(refusal)
        outcome = (work(locked) if work else None) or Outcome()
        before = Status(locked.status)
        after = Status(outcome.to or move.target or before)
        if after != before and after not in move.targets:
            raise ValueError(f"The move {name!r} cannot land in {after!r}: see its entry in moves.MOVES.")
        locked.status = after
        apply_deadlines(locked)
        locked.save()
        outcome.event = CaseEvent.objects.create(
            case=locked,
            at=timezone.now(),
            actor=actor,
            kind=outcome.kind or move.kind,
            from_status=before,
            to_status=after,
            note=outcome.note,
        )
    _copy_back(locked, case)
    return outcome


def event_kind_for(target) -> str:
    """The timeline kind of a plain move to ``target`` (the kind of the table's move that lands there)."""
    return KIND_OF_MOVE_TO.get(Status(target), CaseEvent.Kind.STATUS_CHANGED)


def case_transition(*, case: Case, to: str, actor=None, note: str = "", kind: str = "") -> CaseEvent:
    """Move ``case`` along the table's edge to status ``to`` without the work of the move's service.

    For the demo and the tests, which build a case's history themselves (they store the facts the move rests on
    before calling); everything else calls the move's service. The move is the table's move from the case's
    (locked) status to ``to``, checked and recorded by ``locked_move`` like any other.
    """
    target = Status(to)
    with transaction.atomic():
        current = Status(Case.objects.select_for_update().values_list("status", flat=True).get(pk=case.pk))
        move = next((m for m in MOVES.values() if current in m.sources and target in m.targets), None)
        if move is None:
            if current in CLOSED_STATUSES:
                raise TransitionError(say.TERMINAL.format(case=case.case_number, current=say.status_label(current)))
            if current == target:
                raise TransitionError(say.ALREADY_IN_STATUS.format(case=case.case_number, current=current.label))
            raise TransitionError(
                say.ILLEGAL_TRANSITION.format(case=case.case_number, current=current.label, target=target.label)
            )
        return locked_move(
            case, move.name, actor=actor, work=lambda locked: Outcome(to=target, note=note, kind=kind)
        ).event


def case_record_event(*, case: Case, kind: str, actor=None, note: str = "") -> CaseEvent:
    """An event on the timeline that is not a move (a draft saved, a notice retried...).

    Deadlines are recomputed on every event; only they are saved here (callers save their own changes)."""
    with transaction.atomic():
        if apply_deadlines(case):
            case.save(update_fields=["records_due", "decision_due", "updated"])
        return CaseEvent.objects.create(
            case=case,
            at=timezone.now(),
            actor=actor,
            kind=kind,
            from_status=case.status,
            to_status=case.status,
            note=note,
        )
