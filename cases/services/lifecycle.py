"""The case state machine: the one home of ``Case.status`` changes (DESIGN.md, "Flow of a case"; DOMAIN.md section 1).

Every transition is a function here with keyword-only arguments: it checks the move is legal (and says why not),
records a ``CaseEvent`` and recomputes the deadlines from the case's facts (``case_deadlines``). Signing and issuing
are driven by the determination and letter services through ``case_transition``.

Deadlines are calendar days (docs/adr/0006-case-lifecycle.md); a deadline falls at the end of its day, Pacific time.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..deadlines import (
    DECISION_DAYS,
    DECISION_DAYS_EXPEDITED,
    RECORDS_DAYS,
    RECORDS_DAYS_ELECTRONIC,
    RECORDS_DAYS_EXPEDITED,
)
from ..models import (
    BEFORE_SIGNING_STATUSES,
    OPEN_REVIEW_STATUSES,
    Assignment,
    Case,
    CaseEvent,
    Document,
    FeeTier,
    IneligibilityCode,
    NoticeChannel,
    Priority,
    Status,
)

ILLEGAL_TRANSITION = "Cannot move case {case} from {current} to {target}."
ALREADY_IN_STATUS = 'Case {case} already has the status "{current}".'
TERMINAL = "Case {case} is {current}: it is closed and cannot change."
REASON_REQUIRED = "Say why the case becomes {target}: a reason is required."
UNKNOWN_INELIGIBILITY_CODE = "Unknown ineligibility code {code!r}."
NOT_IN_ELIGIBILITY_REVIEW = "Case {case} is {current}: only a case in eligibility review can be found eligible."
ALREADY_FOUND_ELIGIBLE = "Case {case} was already found eligible on {on:%m/%d/%Y}: assign a reviewer."
ITEMS_WITHOUT_SPECIALTY = (
    "Case {case} cannot be found eligible yet: give each disputed item its specialty first ({items}). The specialty "
    "decides which reviewers can be matched."
)
NOTICE_DATE_REQUIRED = "The date the assignment notice was sent is required."
NOTICE_BEFORE_APPLICATION = (
    "The assignment notice ({notice:%m/%d/%Y}) cannot precede the application ({received:%m/%d/%Y})."
)
DATE_IN_FUTURE = "The {what} ({on:%m/%d/%Y}) cannot be in the future."
RECORDS_BEFORE_NOTICE = "Records cannot be complete ({on:%m/%d/%Y}) before the assignment notice ({notice:%m/%d/%Y})."
CANNOT_ASSIGN = "Case {case} is {current}: a reviewer is assigned only after eligibility review or a remand."
NOT_FOUND_ELIGIBLE = (
    "Case {case} has not been found eligible in this eligibility review: record the finding (Find eligible) before "
    "assigning a reviewer."
)
ASSIGNMENT_CHANGED = (
    "Case {case} changed while this page was open: its reviewer is now {reviewer}. Nothing was changed; check the "
    "case, then assign again if it is still needed."
)
NOT_A_FIRST_ASSIGNMENT = (
    "Case {case} is {current}: it already has a reviewer. Only a first assignment is made here; reassign it from the "
    "case's own page."
)
ALREADY_EXPEDITED = "Case {case} is already expedited."
CANNOT_EXPEDITE = "Case {case} is {current}: only a case not yet signed can be expedited."
EXPEDITE_NEEDS_CERTIFICATION = (
    "Expediting needs the treating physician's certification of an imminent and serious threat to health: "
    "add it to the case documents first."
)
CANNOT_EXTEND = (
    "Case {case} is {current}: only a case under review (assigned, awaiting records or in review) can be extended."
)
EXTENSION_REASON_REQUIRED = "An extension needs a recorded reason."
EXTENSION_DAYS_POSITIVE = "An extension adds at least one day."
NO_APPEAL_TO_DISMISS = "Case {case} has no appeal on record to dismiss."
NOT_APPEALED = "Case {case} is {current}: only an appealed case has an appeal to dismiss."


REMANDED_INELIGIBILITY_NOTE = "The ineligibility finding was reversed: the application goes back to eligibility review."

# What each end of an assignment is called on the assignment row.
END_REASSIGNED = "Reassigned"
END_REMANDED = "Remanded: a new cycle needs a different reviewer"
END_CLOSED = "Case {status}"

# Which moves are legal. Anything before signing may also end as withdrawn or terminated. A reassignment is not a
# status change: the case keeps its stage and its deadlines (the statutory clocks run for the case, not the
# reviewer), so it is recorded as an event, not a transition.
TRANSITIONS = {
    Status.RECEIVED: {Status.ELIGIBILITY_REVIEW},
    Status.ELIGIBILITY_REVIEW: {Status.INELIGIBLE, Status.DEFERRED, Status.ASSIGNED},
    Status.DEFERRED: {Status.ELIGIBILITY_REVIEW},
    Status.INELIGIBLE: {Status.APPEALED},  # ineligibility is itself appealable (8 CCR 10575(a))
    Status.ASSIGNED: {Status.AWAITING_RECORDS},
    Status.AWAITING_RECORDS: {Status.IN_REVIEW},
    Status.IN_REVIEW: {Status.SIGNED},
    # A signed or issued determination may be corrected (cases.services.corrections): the new version is signed from
    # "correction in progress", and its letter is served like the first.
    Status.SIGNED: {Status.ISSUED, Status.CORRECTING},
    Status.ISSUED: {Status.APPEALED, Status.CORRECTING},
    Status.CORRECTING: {Status.SIGNED},
    # An appeal is dismissed (back to issued or ineligible) or the WCAB remands it: a determination for a new review
    # (remanded), an ineligibility finding for a new eligibility review.
    Status.APPEALED: {Status.REMANDED, Status.ELIGIBILITY_REVIEW, Status.ISSUED, Status.INELIGIBLE},
    Status.REMANDED: {Status.ASSIGNED},
    Status.WITHDRAWN: set(),
    Status.TERMINATED: set(),
}
for _status in BEFORE_SIGNING_STATUSES:
    TRANSITIONS[_status] |= {Status.WITHDRAWN, Status.TERMINATED}

# Where an eligibility review starts by its own service (a remanded ineligibility goes back there by case_remand).
ELIGIBILITY_REVIEW_STARTS_FROM = (Status.RECEIVED, Status.DEFERRED)

# Moves that are not status changes, and where they are allowed.
# A reassignment keeps the case's stage: an open review, or a correction a new reviewer signs.
REASSIGNABLE_STATUSES = (*OPEN_REVIEW_STATUSES, Status.CORRECTING)
ASSIGNABLE_STATUSES = (Status.ELIGIBILITY_REVIEW, Status.REMANDED, *REASSIGNABLE_STATUSES)
EXTENDABLE_STATUSES = OPEN_REVIEW_STATUSES
EXPEDITABLE_STATUSES = BEFORE_SIGNING_STATUSES


class TransitionError(ValidationError):
    """A move the state machine refuses; the message says why."""


# Deadlines ------------------------------------------------------------------------------------------------------


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last second of ``day`` in the project's time zone (Pacific): when a day-counted deadline expires."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


def case_deadlines(case: Case) -> tuple[datetime.datetime | None, datetime.date | None]:
    """``(records_due, decision_due)`` from the case's facts alone; no clock, no database.

    Records are due 15 calendar days after the assignment notice (12 when it went electronically, the next day when
    expedited); the decision 30 days after the records are complete (3 when expedited), plus any extension days.
    """
    expedited = case.priority == Priority.EXPEDITED
    records_due = None
    if case.date_assigned:
        if expedited:
            days = RECORDS_DAYS_EXPEDITED
        elif case.notice_channel == NoticeChannel.ELECTRONIC:
            days = RECORDS_DAYS_ELECTRONIC
        else:
            days = RECORDS_DAYS
        records_due = end_of_day(case.date_assigned + datetime.timedelta(days=days))
    decision_due = None
    if case.records_complete:
        days = (DECISION_DAYS_EXPEDITED if expedited else DECISION_DAYS) + case.extension_days
        decision_due = case.records_complete + datetime.timedelta(days=days)
    return records_due, decision_due


def _apply_deadlines(case: Case) -> bool:
    """Store the computed deadlines on ``case``; True if they changed."""
    records_due, decision_due = case_deadlines(case)
    changed = (case.records_due, case.decision_due) != (records_due, decision_due)
    case.records_due, case.decision_due = records_due, decision_due
    return changed


def _deadline_note(case: Case) -> str:
    parts = []
    if case.records_due:
        parts.append(f"records due {timezone.localtime(case.records_due):%m/%d/%Y}")
    if case.decision_due:
        parts.append(f"decision due {case.decision_due:%m/%d/%Y}")
    return ("Deadlines: " + ", ".join(parts) + ".") if parts else ""


def _join(*notes) -> str:
    return " ".join(n.strip() for n in notes if n and n.strip())


# The core -------------------------------------------------------------------------------------------------------


def _label(status) -> str:
    return Status(status).label.lower()


def _lock(case: Case) -> Status:
    """Re-read the status under a row lock so two coordinators cannot move the same case at once; and the reviewer's
    draft fields too, so that saving the case afterwards never writes back a summary older than the reviewer's."""
    if case.pk:
        case.status, case.clinical_summary, case.revision = (
            Case.objects.select_for_update().values_list("status", "clinical_summary", "revision").get(pk=case.pk)
        )
    return Status(case.status)


# ``expected_reviewer_id`` left out: no check of who held the case when the coordinator decided.
_UNCHECKED = object()


def _check_move(case: Case, target: Status) -> Status:
    current = Status(case.status)
    if not TRANSITIONS[current]:
        raise TransitionError(TERMINAL.format(case=case.case_number, current=_label(current)))
    if target == current:
        raise TransitionError(ALREADY_IN_STATUS.format(case=case.case_number, current=current.label))
    if target not in TRANSITIONS[current]:
        raise TransitionError(
            ILLEGAL_TRANSITION.format(case=case.case_number, current=Status(current).label, target=target.label)
        )
    return current


def _require_reason(reason: str, target: Status) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError(REASON_REQUIRED.format(target=_label(target)))
    return reason


# The timeline kind of a plain move to a status (a caller that knows better names its own kind).
KIND_OF_MOVE_TO = {
    Status.ELIGIBILITY_REVIEW: CaseEvent.Kind.ELIGIBILITY_REVIEW,
    Status.INELIGIBLE: CaseEvent.Kind.INELIGIBLE,
    Status.DEFERRED: CaseEvent.Kind.DEFERRED,
    Status.ASSIGNED: CaseEvent.Kind.ASSIGNED,
    Status.AWAITING_RECORDS: CaseEvent.Kind.RECORDS_REQUESTED,
    Status.IN_REVIEW: CaseEvent.Kind.RECORDS_COMPLETE,
    Status.SIGNED: CaseEvent.Kind.DETERMINATION_SIGNED,
    Status.ISSUED: CaseEvent.Kind.LETTER_ISSUED,
    Status.WITHDRAWN: CaseEvent.Kind.WITHDRAWN,
    Status.TERMINATED: CaseEvent.Kind.TERMINATED,
    Status.APPEALED: CaseEvent.Kind.APPEALED,
    Status.REMANDED: CaseEvent.Kind.REMANDED,
}


def event_kind_for(target) -> CaseEvent.Kind:
    return KIND_OF_MOVE_TO.get(Status(target), CaseEvent.Kind.STATUS_CHANGED)


def _event(case: Case, *, kind: str, actor, note: str, from_status: str) -> CaseEvent:
    """A timeline entry, now, ending in the case's current status."""
    return CaseEvent.objects.create(
        case=case, at=timezone.now(), actor=actor, kind=kind, from_status=from_status, to_status=case.status, note=note
    )


def case_transition(*, case: Case, to: str, actor=None, note: str = "", kind: str = "") -> CaseEvent:
    """Move ``case`` to status ``to`` if legal, recompute its deadlines, record the event, and save the case.

    Callers set any other fields the move needs on ``case`` before calling; this saves them too.
    """
    target = Status(to)
    with transaction.atomic():
        _lock(case)
        current = _check_move(case, target)
        case.status = target
        _apply_deadlines(case)
        case.save()
        return _event(case, kind=kind or event_kind_for(target), actor=actor, note=note, from_status=current)


def case_record_event(*, case: Case, kind: str, actor=None, note: str = "") -> CaseEvent:
    """An event on the timeline that does not change the status (a draft saved, a reviewer replaced...).

    Deadlines are recomputed on every event; only they are saved here (callers save their own changes)."""
    with transaction.atomic():
        if _apply_deadlines(case):
            case.save(update_fields=["records_due", "decision_due", "updated"])
        return _event(case, kind=kind, actor=actor, note=note, from_status=case.status)


# Intake and eligibility -----------------------------------------------------------------------------------------


def case_receive(*, case: Case, actor=None, note: str = "") -> CaseEvent:
    """Store a newly received application (status received) and start its timeline."""
    with transaction.atomic():
        case.status = Status.RECEIVED
        _apply_deadlines(case)
        case.save()
        note = _join(f"Application received {case.application_received:%m/%d/%Y}.", note)
        return _event(case, kind=CaseEvent.Kind.RECEIVED, actor=actor, note=note, from_status="")


def case_start_eligibility_review(*, case: Case, actor=None, note: str = "") -> CaseEvent:
    """Received (or deferred, once the liability dispute is resolved) -> eligibility review. A finding of an earlier
    review does not carry over: the case must be found eligible again."""
    with transaction.atomic():
        current = _lock(case)
        _check_move(case, Status.ELIGIBILITY_REVIEW)
        if current not in ELIGIBILITY_REVIEW_STARTS_FROM:
            raise TransitionError(
                ILLEGAL_TRANSITION.format(
                    case=case.case_number, current=current.label, target=Status.ELIGIBILITY_REVIEW.label
                )
            )
        case.status_reason = ""
        case.found_eligible_at = None
        return case_transition(
            case=case, to=Status.ELIGIBILITY_REVIEW, actor=actor, note=note, kind=CaseEvent.Kind.ELIGIBILITY_REVIEW
        )


def case_find_eligible(*, case: Case, actor=None, note: str = "") -> CaseEvent:
    """Record that the application passed eligibility review (``Case.found_eligible_at``, and an event): the case may
    now be assigned, and the assignment notice is due within a business day."""
    with transaction.atomic():
        current = _lock(case)
        if current != Status.ELIGIBILITY_REVIEW:
            raise TransitionError(NOT_IN_ELIGIBILITY_REVIEW.format(case=case.case_number, current=_label(current)))
        found = Case.objects.values_list("found_eligible_at", flat=True).get(pk=case.pk)
        if found is not None:
            raise TransitionError(
                ALREADY_FOUND_ELIGIBLE.format(case=case.case_number, on=timezone.localtime(found).date())
            )
        missing = list(
            case.items.filter(specialty__isnull=True).order_by("order", "id").values_list("title", flat=True)
        )
        if missing:
            items = "; ".join(f"“{title[:60]}”" for title in missing)
            raise TransitionError(ITEMS_WITHOUT_SPECIALTY.format(case=case.case_number, items=items))
        case.found_eligible_at = timezone.now()
        case.save(update_fields=["found_eligible_at", "updated"])
        return case_record_event(
            case=case, kind=CaseEvent.Kind.ELIGIBLE, actor=actor, note=_join("Found eligible.", note)
        )


def case_find_ineligible(*, case: Case, reason: str, actor=None, code: str = "") -> CaseEvent:
    """Eligibility review -> ineligible, with the reason (and optionally a reason code). Appealable."""
    with transaction.atomic():
        _lock(case)
        _check_move(case, Status.INELIGIBLE)
        reason = _require_reason(reason, Status.INELIGIBLE)
        if code and code not in IneligibilityCode.values:
            raise TransitionError(UNKNOWN_INELIGIBILITY_CODE.format(code=code))
        case.status_reason = reason
        case.ineligibility_code = code
        label = f"{IneligibilityCode(code).label}: " if code else ""
        return case_transition(
            case=case, to=Status.INELIGIBLE, actor=actor, note=label + reason, kind=CaseEvent.Kind.INELIGIBLE
        )


def case_defer(*, case: Case, reason: str, actor=None) -> CaseEvent:
    """Eligibility review -> deferred while the claims administrator's liability dispute is resolved."""
    with transaction.atomic():
        _lock(case)
        _check_move(case, Status.DEFERRED)
        case.status_reason = _require_reason(reason, Status.DEFERRED)
        return case_transition(
            case=case, to=Status.DEFERRED, actor=actor, note=case.status_reason, kind=CaseEvent.Kind.DEFERRED
        )


# Assignment -----------------------------------------------------------------------------------------------------


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
    awaiting records or in review: a reassignment (refused with ``allow_reassignment=False``); the previous
    assignment ends, the case keeps its stage and deadlines, "days waiting" restarts, and the draft's revision moves
    on (the previous reviewer's open form and browser backups no longer match).

    ``expected_reviewer_id``: the reviewer (None: nobody) the coordinator saw on the case when deciding. If the case
    has another one by now (a second coordinator assigned it meanwhile), nothing changes: two coordinators
    assigning the same case at once give one assignment, and the later one is told.
    """
    from ..assignment.matching import conflict_check_record, reviewer_match

    with transaction.atomic():
        current = _lock(case)
        # The reviewer as stored now (under the lock): another coordinator may have assigned one since it was read.
        case.reviewer_id = Case.objects.values_list("reviewer_id", flat=True).get(pk=case.pk)
        if expected_reviewer_id is not _UNCHECKED and case.reviewer_id != expected_reviewer_id:
            raise TransitionError(ASSIGNMENT_CHANGED.format(case=case.case_number, reviewer=case.reviewer or "nobody"))
        if current not in ASSIGNABLE_STATUSES:
            if not TRANSITIONS[current]:
                raise TransitionError(TERMINAL.format(case=case.case_number, current=_label(current)))
            raise TransitionError(CANNOT_ASSIGN.format(case=case.case_number, current=_label(current)))
        today = timezone.localdate()
        reassignment = current in REASSIGNABLE_STATUSES
        if reassignment and not allow_reassignment:
            raise TransitionError(NOT_A_FIRST_ASSIGNMENT.format(case=case.case_number, current=_label(current)))
        if current == Status.ELIGIBILITY_REVIEW:
            case.found_eligible_at = Case.objects.values_list("found_eligible_at", flat=True).get(pk=case.pk)
            if case.found_eligible_at is None:
                raise TransitionError(NOT_FOUND_ELIGIBLE.format(case=case.case_number))
        if not reassignment:
            if notice_date is None:
                raise TransitionError(NOTICE_DATE_REQUIRED)
            if notice_date < case.application_received:
                raise TransitionError(
                    NOTICE_BEFORE_APPLICATION.format(notice=notice_date, received=case.application_received)
                )
            if notice_date > today:
                raise TransitionError(DATE_IN_FUTURE.format(what="assignment notice", on=notice_date))
        match = reviewer_match(case=case, reviewer=reviewer, on=today)
        if not match.eligible:
            raise TransitionError(match.failures)

        now = timezone.now()
        previous = case.reviewer
        Assignment.objects.filter(case=case, ended_at__isnull=True).update(ended_at=now, end_reason=END_REASSIGNED)
        assignment = Assignment.objects.create(
            case=case,
            reviewer=reviewer,
            assigned_at=now,
            assigned_by=actor,
            conflict_check=conflict_check_record(match, today),
            cycle=case.review_cycle,
        )
        case.reviewer = reviewer
        case.review_started_at = now
        if reassignment:
            # A new reviewer starts on a new revision: a form the previous reviewer still has open is refused as
            # stale, and no draft backup they left in a browser (keyed by revision) matches. (``_lock`` re-read it.)
            case.revision += 1
            case.save()
            case_record_event(
                case=case,
                kind=CaseEvent.Kind.REASSIGNED,
                actor=actor,
                note=_join(f"Reassigned from {previous.label if previous else '—'} to {reviewer.label}.", note),
            )
        else:
            case.date_assigned = notice_date
            case.notice_channel = notice_channel
            case.status_reason = ""
            _apply_deadlines(case)
            channel = NoticeChannel(notice_channel).label.lower()
            case_transition(
                case=case,
                to=Status.ASSIGNED,
                actor=actor,
                kind=CaseEvent.Kind.ASSIGNED,
                note=_join(
                    f"Assigned to {reviewer.label}; notice sent {notice_date:%m/%d/%Y} by {channel}.",
                    _deadline_note(case),
                    note,
                ),
            )
        return assignment


def case_request_records(*, case: Case, actor=None, note: str = "") -> CaseEvent:
    """Assigned -> awaiting records: the claims administrator and parties are asked for the medical records."""
    with transaction.atomic():
        _lock(case)
        _check_move(case, Status.AWAITING_RECORDS)
        _apply_deadlines(case)
        return case_transition(
            case=case,
            to=Status.AWAITING_RECORDS,
            actor=actor,
            kind=CaseEvent.Kind.RECORDS_REQUESTED,
            note=_join(_deadline_note(case), note),
        )


def case_mark_records_complete(*, case: Case, on: datetime.date | None = None, actor=None, note: str = "") -> CaseEvent:
    """Awaiting records -> in review: records complete on ``on`` (default today); the decision clock starts."""
    with transaction.atomic():
        _lock(case)
        _check_move(case, Status.IN_REVIEW)
        on = on or timezone.localdate()
        if on > timezone.localdate():
            raise TransitionError(DATE_IN_FUTURE.format(what="records completion date", on=on))
        if case.date_assigned and on < case.date_assigned:
            raise TransitionError(RECORDS_BEFORE_NOTICE.format(on=on, notice=case.date_assigned))
        case.records_complete = on
        _apply_deadlines(case)
        return case_transition(
            case=case,
            to=Status.IN_REVIEW,
            actor=actor,
            kind=CaseEvent.Kind.RECORDS_COMPLETE,
            note=_join(f"Records complete {on:%m/%d/%Y}.", _deadline_note(case), note),
        )


# Ending a case early --------------------------------------------------------------------------------------------


def _close(case: Case, target: Status, reason: str, actor) -> CaseEvent:
    with transaction.atomic():
        _lock(case)
        _check_move(case, target)
        reason = _require_reason(reason, target)
        engaged = Assignment.objects.filter(case=case, cycle=case.review_cycle).exists()
        case.fee_tier = FeeTier.FULL if engaged else FeeTier.BEFORE_REVIEWER
        case.status_reason = reason
        Assignment.objects.filter(case=case, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason=END_CLOSED.format(status=_label(target))
        )
        return case_transition(case=case, to=target, actor=actor, note=reason, kind=CaseEvent.Kind(target.value))


def case_withdraw(*, case: Case, reason: str, actor=None) -> CaseEvent:
    """Any state before signing -> withdrawn (the applicant withdrew). Closed for good; fee tier recorded."""
    return _close(case, Status.WITHDRAWN, reason, actor)


def case_terminate(*, case: Case, reason: str, actor=None) -> CaseEvent:
    """Any state before signing -> terminated (e.g. the claims administrator authorized the treatment,
    8 CCR 9792.10.6(a)). Closed for good; fee tier recorded."""
    return _close(case, Status.TERMINATED, reason, actor)


# Appeal and remand ----------------------------------------------------------------------------------------------


def case_appeal(*, case: Case, actor=None, note: str = "") -> CaseEvent:
    """Issued (or ineligible) -> appealed: a verified petition was filed with the WCAB (8 CCR 10575)."""
    with transaction.atomic():
        _lock(case)
        _check_move(case, Status.APPEALED)
        return case_transition(case=case, to=Status.APPEALED, actor=actor, note=note, kind=CaseEvent.Kind.APPEALED)


def _appealed_from(case: Case) -> Status | None:
    """The status the case was appealed from (issued or ineligible), from the latest appeal on the timeline."""
    appeal = (
        CaseEvent.objects.filter(case=case, to_status=Status.APPEALED)
        .exclude(from_status=Status.APPEALED)
        .order_by("-at", "-id")
        .first()
    )
    return Status(appeal.from_status) if appeal else None


def case_dismiss_appeal(*, case: Case, actor=None, note: str = "") -> CaseEvent:
    """Appealed -> back to where it was (issued or ineligible): the WCAB upheld the determination."""
    with transaction.atomic():
        current = _lock(case)
        if current != Status.APPEALED:
            if not TRANSITIONS[current]:
                raise TransitionError(TERMINAL.format(case=case.case_number, current=_label(current)))
            raise TransitionError(NOT_APPEALED.format(case=case.case_number, current=_label(current)))
        back = _appealed_from(case)
        if back is None:
            raise TransitionError(NO_APPEAL_TO_DISMISS.format(case=case.case_number))
        _check_move(case, back)
        return case_transition(case=case, to=back, actor=actor, note=note, kind=CaseEvent.Kind.APPEAL_DISMISSED)


def case_remand(*, case: Case, actor=None, note: str = "") -> CaseEvent:
    """Appealed -> remanded: the WCAB reversed the determination; the same case starts a new review cycle that needs
    a different reviewer (LC 4610.6(i)). Reviewers of every earlier cycle are excluded from the next assignment. No
    new eligibility finding is needed: the case was found eligible before its first review.

    An appealed ineligibility that is reversed goes back to eligibility review instead (appealed -> eligibility
    review): the application was never found eligible, so it cannot go to a reviewer before it is.
    """
    with transaction.atomic():
        current = _lock(case)
        if current == Status.APPEALED and _appealed_from(case) == Status.INELIGIBLE:
            return _remand_ineligibility(case, actor, note)
        _check_move(case, Status.REMANDED)
        Assignment.objects.filter(case=case, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason=END_REMANDED
        )
        previous = case.reviewer
        case.review_cycle += 1
        case.reviewer = None
        case.review_started_at = None
        case.date_assigned = None
        case.records_complete = None
        case.extension_days = 0
        case.extension_reason = ""
        case.extension_approved_by = ""
        case.status_reason = ""
        return case_transition(
            case=case,
            to=Status.REMANDED,
            actor=actor,
            kind=CaseEvent.Kind.REMANDED,
            note=_join(
                f"Review cycle {case.review_cycle} begins"
                + (f"; {previous} and earlier reviewers are excluded." if previous else "."),
                note,
            ),
        )


def _remand_ineligibility(case: Case, actor, note: str) -> CaseEvent:
    _check_move(case, Status.ELIGIBILITY_REVIEW)
    case.status_reason = ""
    case.ineligibility_code = ""
    case.found_eligible_at = None
    return case_transition(
        case=case,
        to=Status.ELIGIBILITY_REVIEW,
        actor=actor,
        kind=CaseEvent.Kind.REMANDED,
        note=_join(REMANDED_INELIGIBILITY_NOTE, note),
    )


# Deadline changes -----------------------------------------------------------------------------------------------


def case_convert_to_expedited(*, case: Case, actor=None, note: str = "") -> CaseEvent:
    """Regular -> expedited (imminent and serious threat to health, certified by the treating physician): records
    become due the day after the notice and the decision 3 days after records are complete."""
    with transaction.atomic():
        current = _lock(case)
        if current not in EXPEDITABLE_STATUSES:
            raise TransitionError(CANNOT_EXPEDITE.format(case=case.case_number, current=_label(current)))
        if case.priority == Priority.EXPEDITED:
            raise TransitionError(ALREADY_EXPEDITED.format(case=case.case_number))
        if not Document.objects.filter(case=case, doc_type=Document.Type.PHYSICIAN_CERTIFICATION).exists():
            raise TransitionError(EXPEDITE_NEEDS_CERTIFICATION)
        case.priority = Priority.EXPEDITED
        _apply_deadlines(case)
        case.save()
        return case_record_event(
            case=case,
            kind=CaseEvent.Kind.EXPEDITED,
            actor=actor,
            note=_join("Converted to expedited.", _deadline_note(case), note),
        )


def case_extend_deadline(*, case: Case, days: int, reason: str, actor=None, approved_by: str = "") -> CaseEvent:
    """Add ``days`` to the decision deadline, with the reason (and who at the DWC approved it) on record."""
    with transaction.atomic():
        current = _lock(case)
        if current not in EXTENDABLE_STATUSES:
            raise TransitionError(CANNOT_EXTEND.format(case=case.case_number, current=_label(current)))
        reason = (reason or "").strip()
        if not reason:
            raise TransitionError(EXTENSION_REASON_REQUIRED)
        if not isinstance(days, int) or days < 1:
            raise TransitionError(EXTENSION_DAYS_POSITIVE)
        approved_by = (approved_by or "").strip()
        line = f"+{days} day(s): {reason}" + (f" (approved by {approved_by})" if approved_by else "")
        case.extension_days += days
        case.extension_reason = "\n".join(filter(None, [case.extension_reason, line]))
        if approved_by:
            case.extension_approved_by = approved_by
        _apply_deadlines(case)
        case.save()
        return case_record_event(
            case=case, kind=CaseEvent.Kind.EXTENDED, actor=actor, note=_join(f"Extended {line}.", _deadline_note(case))
        )


# What the admin offers ------------------------------------------------------------------------------------------


def case_allowed_actions(case: Case) -> list[str]:
    """The names of the services above that the case's status allows (the admin shows these as buttons)."""
    status = Status(case.status)
    moves = TRANSITIONS[status]
    allowed = []
    if status in ELIGIBILITY_REVIEW_STARTS_FROM:
        allowed.append("start_eligibility_review")
    if status == Status.ELIGIBILITY_REVIEW and not case.found_eligible_at:
        allowed.append("find_eligible")
    if Status.INELIGIBLE in moves and status == Status.ELIGIBILITY_REVIEW:
        allowed.append("find_ineligible")
    if Status.DEFERRED in moves:
        allowed.append("defer")
    if status in ASSIGNABLE_STATUSES and (status != Status.ELIGIBILITY_REVIEW or case.found_eligible_at):
        allowed.append("assign_reviewer")
    if Status.AWAITING_RECORDS in moves:
        allowed.append("request_records")
    if Status.IN_REVIEW in moves:
        allowed.append("mark_records_complete")
    if status in EXPEDITABLE_STATUSES and case.priority != Priority.EXPEDITED:
        allowed.append("convert_to_expedited")
    if status in EXTENDABLE_STATUSES:
        allowed.append("extend_deadline")
    if Status.APPEALED in moves:
        allowed.append("appeal")
    if status == Status.APPEALED:
        allowed += ["dismiss_appeal", "remand"]
    if Status.CORRECTING in moves:
        allowed.append("open_correction")
    if status == Status.SIGNED:
        allowed.append("serve_letter")
    if Status.WITHDRAWN in moves:
        allowed += ["withdraw", "terminate"]
    return allowed
