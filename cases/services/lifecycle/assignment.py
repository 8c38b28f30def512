"""The reviewer and the records: a first assignment (the notice starts the records clock), a reassignment (the
case keeps its stage and deadlines), the records requested, then complete (the decision clock starts)."""

import datetime

from django.db import transaction
from django.utils import timezone

from ...models import Assignment, Case, CaseEvent, NoticeChannel, Status
from . import messages as say
from .clocks import apply_deadlines, deadline_note
from .core import Outcome, TransitionError, locked_move
from .moves import REASSIGNABLE_STATUSES

# ``expected_reviewer_id`` left out: no check of who held the case when the coordinator decided.
_UNCHECKED = object()


def _check_expected(locked: Case, expected_reviewer_id) -> None:
    """The reviewer as stored now (under the lock): another coordinator may have assigned one since it was read."""
    if expected_reviewer_id is not _UNCHECKED and locked.reviewer_id != expected_reviewer_id:
        raise TransitionError(
            say.ASSIGNMENT_CHANGED.format(
                case=locked.case_number, reviewer=locked.reviewer.label if locked.reviewer else "nobody"
            )
        )


def _give_to(locked: Case, reviewer, actor) -> Assignment:
    """Check every matching rule, end the open assignment and start the reviewer's."""
    from ...assignment.matching import conflict_check_record, reviewer_match

    today = timezone.localdate()
    match = reviewer_match(case=locked, reviewer=reviewer, on=today)
    if not match.eligible:
        raise TransitionError(match.failures)
    now = timezone.now()
    Assignment.objects.filter(case=locked, ended_at__isnull=True).update(ended_at=now, end_reason=say.END_REASSIGNED)
    assignment = Assignment.objects.create(
        case=locked,
        reviewer=reviewer,
        assigned_at=now,
        assigned_by=actor,
        conflict_check=conflict_check_record(match, today),
        cycle=locked.review_cycle,
    )
    locked.reviewer = reviewer
    locked.review_started_at = now
    return assignment


def case_assign_reviewer(
    *,
    case: Case,
    reviewer,
    actor=None,
    notice_date: datetime.date | None = None,
    notice_channel: str = NoticeChannel.MAIL,
    note: str = "",
    allow_reassignment: bool = True,
    expected_reviewer_id=_UNCHECKED,
) -> Assignment:
    """Give the case to ``reviewer`` after checking every matching rule (``cases.assignment``).

    From eligibility review (once the case was found eligible) or a remand: the case becomes assigned,
    ``notice_date`` (required) is the date of the assignment notice and starts the records clock. From assigned,
    awaiting records, in review or a correction: a reassignment (``case_reassign_reviewer``; refused with
    ``allow_reassignment=False``).

    ``expected_reviewer_id``: the reviewer (None: nobody) the coordinator saw on the case when deciding. If the case
    has another one by now (a second coordinator assigned it meanwhile), nothing changes: two coordinators
    assigning the same case at once give one assignment, and the later one is told.
    """
    with transaction.atomic():
        current = Status(Case.objects.select_for_update().values_list("status", flat=True).get(pk=case.pk))
        if current in REASSIGNABLE_STATUSES:
            if not allow_reassignment:
                raise TransitionError(
                    say.NOT_A_FIRST_ASSIGNMENT.format(case=case.case_number, current=say.status_label(current))
                )
            return case_reassign_reviewer(
                case=case, reviewer=reviewer, actor=actor, note=note, expected_reviewer_id=expected_reviewer_id
            )

        def work(locked):
            _check_expected(locked, expected_reviewer_id)
            if notice_date is None:
                raise TransitionError(say.NOTICE_DATE_REQUIRED)
            if notice_date < locked.application_received:
                raise TransitionError(
                    say.NOTICE_BEFORE_APPLICATION.format(notice=notice_date, received=locked.application_received)
                )
            if notice_date > timezone.localdate():
                raise TransitionError(say.DATE_IN_FUTURE.format(what="assignment notice", on=notice_date))
            assignment = _give_to(locked, reviewer, actor)
            locked.date_assigned = notice_date
            locked.notice_channel = notice_channel
            locked.status_reason = ""
            apply_deadlines(locked)
            channel = NoticeChannel(notice_channel).label.lower()
            return Outcome(
                note=say.join(
                    f"Assigned to {reviewer.label}; notice sent {notice_date:%m/%d/%Y} by {channel}.",
                    deadline_note(locked),
                    note,
                ),
                result=assignment,
            )

        return locked_move(case, "assign_reviewer", actor=actor, work=work).result


def case_reassign_reviewer(
    *, case: Case, reviewer, actor=None, note: str = "", expected_reviewer_id=_UNCHECKED
) -> Assignment:
    """Another reviewer takes an open review (or a correction): the previous assignment ends, the case keeps its
    stage and deadlines (the statutory clocks run for the case, not the reviewer), "days waiting" restarts, and the
    draft's revision moves on (the previous reviewer's open form and browser backups no longer match)."""

    def work(locked):
        _check_expected(locked, expected_reviewer_id)
        previous = locked.reviewer
        assignment = _give_to(locked, reviewer, actor)
        # A new reviewer starts on a new revision: a form the previous reviewer still has open is refused as stale,
        # and no draft backup they left in a browser (keyed by revision) matches.
        locked.revision += 1
        return Outcome(
            note=say.join(f"Reassigned from {previous.label if previous else '—'} to {reviewer.label}.", note),
            result=assignment,
        )

    return locked_move(case, "reassign_reviewer", actor=actor, work=work).result


def case_request_records(*, case: Case, actor=None, note: str = "") -> CaseEvent:
    """Assigned -> awaiting records: the claims administrator and parties are asked for the medical records."""

    def work(locked):
        apply_deadlines(locked)
        return Outcome(note=say.join(deadline_note(locked), note))

    return locked_move(case, "request_records", actor=actor, work=work).event


def case_mark_records_complete(*, case: Case, on: datetime.date | None = None, actor=None, note: str = "") -> CaseEvent:
    """Awaiting records -> in review: records complete on ``on`` (default today); the decision clock starts."""

    def work(locked):
        day = on or timezone.localdate()
        if day > timezone.localdate():
            raise TransitionError(say.DATE_IN_FUTURE.format(what="records completion date", on=day))
        if locked.date_assigned and day < locked.date_assigned:
            raise TransitionError(say.RECORDS_BEFORE_NOTICE.format(on=day, notice=locked.date_assigned))
        locked.records_complete = day
        apply_deadlines(locked)
        return Outcome(note=say.join(f"Records complete {day:%m/%d/%Y}.", deadline_note(locked), note))

    return locked_move(case, "mark_records_complete", actor=actor, work=work).event
