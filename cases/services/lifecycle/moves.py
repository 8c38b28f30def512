"""Every move of a case, declared once (docs/adr/0018-lifecycle-table.md).

A ``Move`` says from which statuses it may be made, where it lands, what else the case must satisfy, what the
timeline calls it, which service does its work, and how the admin offers it (button label, confirmation text, form,
bulk action). ``core.locked_move`` checks a move against its entry; ``case_allowed_actions``, the admin's buttons,
pages and bulk actions (``cases.admin.case_lifecycle``) and ``TRANSITIONS`` are all read from ``MOVES``.

A new move is one entry here plus its service function (which calls ``core.locked_move`` with the entry's name).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.module_loading import import_string

from ...deadlines import APPEAL_DAYS, DECISION_DAYS, DECISION_DAYS_EXPEDITED
from ...models import BEFORE_SIGNING_STATUSES, OPEN_REVIEW_STATUSES, Case, CaseEvent, Priority, Status
from . import messages as say

S = Status
K = CaseEvent.Kind


@dataclass(frozen=True)
class Move:
    name: str
    label: str  # the button, the page's title and submit button, the bulk action
    sources: frozenset[Status]  # the statuses the move may be made from
    target: Status | None  # where it lands; None: the status stays (a finding, a clock change, a reassignment)
    kind: str  # the timeline's CaseEvent.Kind
    service: str  # dotted path of the service function that makes the move
    help: str  # what the move does, shown on its page before the coordinator confirms
    # The case -> None if the move may be made, else the refusal. Checked on the locked row before the work, and by
    # case_allowed_actions (so a move that no longer applies is not offered). Input-dependent checks (a reason, a
    # date, the reviewer's match) stay in the service's work.
    condition: Callable[[Case], str | None] | None = None
    form: str | None = None  # the admin page's form (a class of cases.admin.forms); None: not offered in the admin
    bulk: bool = False  # offered as a changelist action
    bulk_form: str | None = None  # the input a bulk action asks for once for all the cases; None: none
    bulk_label: str = ""  # the bulk action's name when it differs from the label
    done: str = ""  # the bulk action's message per case ("{case}: " + done), formatted with the form's data
    other_targets: frozenset[Status] = frozenset()  # where it may land instead, as the case's history decides

    @property
    def targets(self) -> frozenset[Status]:
        return frozenset({self.target} if self.target else ()) | self.other_targets

    @property
    def run(self) -> Callable:
        """The service function (keyword arguments: ``case``, ``actor`` and the move's input)."""
        return import_string(self.service)


# Conditions -----------------------------------------------------------------------------------------------------


def _not_found_eligible_yet(case: Case) -> str | None:
    if case.found_eligible_at is not None:
        return say.ALREADY_FOUND_ELIGIBLE.format(case=case.case_number, on=timezone.localtime(case.found_eligible_at))
    return None


def _found_eligible_if_in_eligibility_review(case: Case) -> str | None:
    if case.status == S.ELIGIBILITY_REVIEW and case.found_eligible_at is None:
        return say.NOT_FOUND_ELIGIBLE.format(case=case.case_number)
    return None


def _not_expedited_yet(case: Case) -> str | None:
    return say.ALREADY_EXPEDITED.format(case=case.case_number) if case.priority == Priority.EXPEDITED else None


def appealed_from(case: Case) -> Status | None:
    """The status the case was appealed from (issued or ineligible), from the latest appeal on the timeline."""
    appeal = (
        CaseEvent.objects.filter(case=case, to_status=S.APPEALED)
        .exclude(from_status=S.APPEALED)
        .order_by("-at", "-id")
        .first()
    )
    return Status(appeal.from_status) if appeal else None


def _has_an_appeal_on_record(case: Case) -> str | None:
    return None if appealed_from(case) else say.NO_APPEAL_TO_DISMISS.format(case=case.case_number)


# The table ------------------------------------------------------------------------------------------------------

_LIFECYCLE = "cases.services.lifecycle."
BEFORE_SIGNING = frozenset(BEFORE_SIGNING_STATUSES)
# A reassignment keeps the case's stage: an open review, or a correction a new reviewer signs.
REASSIGNABLE = frozenset({*OPEN_REVIEW_STATUSES, S.CORRECTING})

MOVES: dict[str, Move] = {
    move.name: move
    for move in (
        Move(
            "start_eligibility_review",
            "Start eligibility review",
            frozenset({S.RECEIVED, S.DEFERRED}),
            S.ELIGIBILITY_REVIEW,
            K.ELIGIBILITY_REVIEW,
            _LIFECYCLE + "case_start_eligibility_review",
            "Received (or deferred, once the liability dispute is resolved) → eligibility review: check timeliness, "
            "completeness, a prior IMR of the same treatment and liability defences.",
            form="NoteForm",
            bulk=True,
            done="eligibility review started.",
        ),
        Move(
            "find_eligible",
            "Find eligible",
            frozenset({S.ELIGIBILITY_REVIEW}),
            None,
            K.ELIGIBLE,
            _LIFECYCLE + "case_find_eligible",
            "Records that the application is eligible (on the case and its timeline): only then can a reviewer be "
            "assigned. The assignment notice is due within one business day.",
            condition=_not_found_eligible_yet,
            form="NoteForm",
            bulk=True,
            done="found eligible.",
        ),
        Move(
            "find_ineligible",
            "Find ineligible",
            frozenset({S.ELIGIBILITY_REVIEW}),
            S.INELIGIBLE,
            K.INELIGIBLE,
            _LIFECYCLE + "case_find_ineligible",
            "Eligibility review → ineligible (closed; the ineligibility itself may be appealed). A reason is required.",
            form="IneligibleForm",
        ),
        Move(
            "defer",
            "Defer",
            frozenset({S.ELIGIBILITY_REVIEW}),
            S.DEFERRED,
            K.DEFERRED,
            _LIFECYCLE + "case_defer",
            "Eligibility review → deferred while the claims administrator disputes liability on other grounds than "
            "medical necessity. A reason is required; resume with 'Start eligibility review'.",
            form="ReasonForm",
        ),
        Move(
            "assign_reviewer",
            "Assign reviewer",
            frozenset({S.ELIGIBILITY_REVIEW, S.REMANDED}),
            S.ASSIGNED,
            K.ASSIGNED,
            _LIFECYCLE + "case_assign_reviewer",
            "Eligibility review (once found eligible) or remanded → assigned: the reviewer must pass every matching "
            "rule (specialty, current licence and board certification, active, under capacity, no affiliation with "
            "any party, not an earlier reviewer after a remand). The notice date starts the records clock. A case "
            "that already has a reviewer is reassigned from its own page.",
            condition=_found_eligible_if_in_eligibility_review,
            form="AssignForm",
            bulk=True,
            bulk_form="BulkAssignForm",
            done="assigned to {reviewer.label}.",
        ),
        Move(
            "reassign_reviewer",
            "Reassign reviewer",
            REASSIGNABLE,
            None,
            K.REASSIGNED,
            _LIFECYCLE + "case_reassign_reviewer",
            "Assigned, awaiting records, in review or correction in progress: another reviewer takes the case under "
            "the same matching rules. The case keeps its stage and deadlines (the statutory clocks run for the case, "
            "not the reviewer); the previous reviewer's open form is refused as stale.",
            form="AssignForm",
        ),
        Move(
            "request_records",
            "Request records",
            frozenset({S.ASSIGNED}),
            S.AWAITING_RECORDS,
            K.RECORDS_REQUESTED,
            _LIFECYCLE + "case_request_records",
            "Assigned → awaiting records: the claims administrator owes the medical records by the records deadline.",
            form="NoteForm",
            bulk=True,
            done="records requested.",
        ),
        Move(
            "mark_records_complete",
            "Records complete",
            frozenset({S.AWAITING_RECORDS}),
            S.IN_REVIEW,
            K.RECORDS_COMPLETE,
            _LIFECYCLE + "case_mark_records_complete",
            f"Awaiting records → in review: the decision clock starts ({DECISION_DAYS} calendar days, "
            f"{DECISION_DAYS_EXPEDITED} when expedited).",
            form="RecordsCompleteForm",
            bulk=True,
            bulk_label="Records complete today",
            done="records complete; in review.",
        ),
        Move(
            "convert_to_expedited",
            "Convert to expedited",
            BEFORE_SIGNING,
            None,
            K.EXPEDITED,
            _LIFECYCLE + "case_convert_to_expedited",
            "Needs the treating physician's certification among the documents. Records become due the day after the "
            f"notice, the decision {DECISION_DAYS_EXPEDITED} days after the records are complete.",
            condition=_not_expedited_yet,
            form="NoteForm",
            bulk=True,
            done="now expedited.",
        ),
        Move(
            "extend_deadline",
            "Extend deadline",
            frozenset(OPEN_REVIEW_STATUSES),
            None,
            K.EXTENDED,
            _LIFECYCLE + "case_extend_deadline",
            "Adds calendar days to the decision deadline. The reason is required and recorded, with the DWC approver.",
            form="ExtensionForm",
        ),
        Move(
            "sign",
            "Sign the determination",
            frozenset({S.IN_REVIEW, S.CORRECTING}),
            S.SIGNED,
            K.DETERMINATION_SIGNED,
            "cases.services.review.determination_sign",
            "The reviewer signs on their desk: the draft is frozen into a determination and its letter is queued.",
        ),
        Move(
            "serve_letter",
            "Serve the letter",
            frozenset({S.SIGNED}),
            S.ISSUED,
            K.LETTER_ISSUED,
            "notices.services.serve_current_letter",
            "Signed → issued: serve the newest ready letter on every recipient of its distribution list (proof of "
            "service per recipient, cover pages for mail). Each recipient served by mail needs an address.",
            form="ServeForm",
        ),
        Move(
            "open_correction",
            "Open a correction",
            frozenset({S.SIGNED, S.ISSUED}),
            S.CORRECTING,
            K.CORRECTION_OPENED,
            "cases.services.corrections.correction_open",
            "Signed or issued → correction in progress: the reviewer (or a new one, assigned under the same rules) "
            "signs a new version; its letter is marked Corrected and served like the first. Nothing is deleted.",
            form="ReasonForm",
        ),
        Move(
            "appeal",
            "Record appeal",
            frozenset({S.ISSUED, S.INELIGIBLE}),  # ineligibility is itself appealable (8 CCR 10575(a))
            S.APPEALED,
            K.APPEALED,
            _LIFECYCLE + "case_appeal",
            "Issued or ineligible → appealed: a verified petition was filed with the WCAB "
            f"(within {APPEAL_DAYS} days of service).",
            form="NoteForm",
        ),
        Move(
            "dismiss_appeal",
            "Appeal dismissed",
            frozenset({S.APPEALED}),
            S.ISSUED,
            K.APPEAL_DISMISSED,
            _LIFECYCLE + "case_dismiss_appeal",
            "Appealed → back to issued (or ineligible): the WCAB let the determination stand.",
            condition=_has_an_appeal_on_record,
            form="NoteForm",
            other_targets=frozenset({S.INELIGIBLE}),
        ),
        Move(
            "remand",
            "Remand",
            frozenset({S.APPEALED}),
            S.REMANDED,
            K.REMANDED,
            _LIFECYCLE + "case_remand",
            "Appealed → remanded: a new review cycle; the earlier reviewers are excluded from the next assignment. A "
            "reversed ineligibility finding goes back to eligibility review instead.",
            form="NoteForm",
            other_targets=frozenset({S.ELIGIBILITY_REVIEW}),
        ),
        Move(
            "withdraw",
            "Withdraw",
            BEFORE_SIGNING,
            S.WITHDRAWN,
            K.WITHDRAWN,
            _LIFECYCLE + "case_withdraw",
            "Any state before signing → withdrawn (closed). A reason is required; the fee tier is recorded.",
            form="ReasonForm",
            bulk=True,
            bulk_form="ReasonForm",
            done="withdrawn.",
        ),
        Move(
            "terminate",
            "Terminate",
            BEFORE_SIGNING,
            S.TERMINATED,
            K.TERMINATED,
            _LIFECYCLE + "case_terminate",
            "Any state before signing → terminated (closed), e.g. the claims administrator authorized the treatment. "
            "A reason is required; the fee tier is recorded.",
            form="ReasonForm",
            bulk=True,
            bulk_form="ReasonForm",
            done="terminated.",
        ),
    )
}

# Read from the table -------------------------------------------------------------------------------------------

# Which status changes are legal: status -> the statuses a move from it may land in.
TRANSITIONS: dict[Status, set[Status]] = {
    status: {target for move in MOVES.values() if status in move.sources for target in move.targets}
    for status in Status
}
# Closed for good: no move starts there.
CLOSED_STATUSES = frozenset(s for s in Status if not any(s in move.sources for move in MOVES.values()))
# Where a reviewer is given to the case (a first assignment or a reassignment).
ASSIGNABLE_STATUSES = MOVES["assign_reviewer"].sources | MOVES["reassign_reviewer"].sources
REASSIGNABLE_STATUSES = MOVES["reassign_reviewer"].sources
EXTENDABLE_STATUSES = MOVES["extend_deadline"].sources
EXPEDITABLE_STATUSES = MOVES["convert_to_expedited"].sources
# The timeline kind of a plain move to a status: the kind of the move that lands there.
KIND_OF_MOVE_TO = {move.target: move.kind for move in reversed(MOVES.values()) if move.target}
