"""The case state machine: the one home of ``Case.status`` changes (DESIGN.md, "Flow of a case"; DOMAIN.md section 1;
docs/adr/0018-lifecycle-table.md).

- ``moves``: every move declared once (sources, target, condition, timeline kind, service, admin form and label);
- ``core``: ``locked_move``, the one locking pattern every move runs through, and ``case_allowed_actions``;
- ``eligibility``, ``assignment``, ``deadline_changes``, ``endings``: the services, one per move;
- ``clocks``: the deadlines computed from the case's facts; ``messages``: what the lifecycle says.

Signing (``cases.services.review``), serving the letter (``cases.services.letters``, ``notices.services``) and
opening a correction (``cases.services.corrections``) are moves of the same table, made by their own services.
"""

from .assignment import (
    case_assign_reviewer,
    case_mark_records_complete,
    case_reassign_reviewer,
    case_request_records,
)
from .clocks import (
    DECISION_DAYS,
    DECISION_DAYS_EXPEDITED,
    RECORDS_DAYS,
    RECORDS_DAYS_ELECTRONIC,
    RECORDS_DAYS_EXPEDITED,
    case_deadlines,
    end_of_day,
)
from .core import (
    Outcome,
    TransitionError,
    case_allowed_actions,
    case_record_event,
    case_transition,
    event_kind_for,
    locked_move,
    move_refusal,
)
from .deadline_changes import case_convert_to_expedited, case_extend_deadline
from .eligibility import (
    case_defer,
    case_find_eligible,
    case_find_ineligible,
    case_receive,
    case_start_eligibility_review,
)
from .endings import case_appeal, case_dismiss_appeal, case_remand, case_terminate, case_withdraw
from .messages import (
    ALREADY_EXPEDITED,
    ALREADY_FOUND_ELIGIBLE,
    ALREADY_IN_STATUS,
    ASSIGNMENT_CHANGED,
    DATE_IN_FUTURE,
    END_CLOSED,
    END_REASSIGNED,
    END_REMANDED,
    EXPEDITE_NEEDS_CERTIFICATION,
    EXTENSION_DAYS_POSITIVE,
    EXTENSION_REASON_REQUIRED,
    ILLEGAL_TRANSITION,
    ITEMS_WITHOUT_SPECIALTY,
    NO_APPEAL_TO_DISMISS,
    NOT_A_FIRST_ASSIGNMENT,
    NOT_FOUND_ELIGIBLE,
    NOT_FROM_HERE,
    NOTICE_BEFORE_APPLICATION,
    NOTICE_DATE_REQUIRED,
    REASON_REQUIRED,
    RECORDS_BEFORE_NOTICE,
    REMANDED_INELIGIBILITY_NOTE,
    TERMINAL,
    UNKNOWN_INELIGIBILITY_CODE,
)
from .moves import (
    ASSIGNABLE_STATUSES,
    CLOSED_STATUSES,
    EXPEDITABLE_STATUSES,
    EXTENDABLE_STATUSES,
    MOVES,
    REASSIGNABLE_STATUSES,
    TRANSITIONS,
    Move,
)

__all__ = [
    "ALREADY_EXPEDITED",
    "ALREADY_FOUND_ELIGIBLE",
    "ALREADY_IN_STATUS",
    "ASSIGNABLE_STATUSES",
    "ASSIGNMENT_CHANGED",
    "CLOSED_STATUSES",
    "DATE_IN_FUTURE",
    "DECISION_DAYS",
    "DECISION_DAYS_EXPEDITED",
    "END_CLOSED",
    "END_REASSIGNED",
    "END_REMANDED",
    "EXPEDITABLE_STATUSES",
    "EXPEDITE_NEEDS_CERTIFICATION",
    "EXTENDABLE_STATUSES",
    "EXTENSION_DAYS_POSITIVE",
    "EXTENSION_REASON_REQUIRED",
    "ILLEGAL_TRANSITION",
    "ITEMS_WITHOUT_SPECIALTY",
    "MOVES",
    "Move",
    "NOTICE_BEFORE_APPLICATION",
    "NOTICE_DATE_REQUIRED",
    "NOT_A_FIRST_ASSIGNMENT",
    "NOT_FOUND_ELIGIBLE",
    "NOT_FROM_HERE",
    "NO_APPEAL_TO_DISMISS",
    "Outcome",
    "REASON_REQUIRED",
    "REASSIGNABLE_STATUSES",
    "RECORDS_BEFORE_NOTICE",
    "RECORDS_DAYS",
    "RECORDS_DAYS_ELECTRONIC",
    "RECORDS_DAYS_EXPEDITED",
    "REMANDED_INELIGIBILITY_NOTE",
    "TERMINAL",
    "TRANSITIONS",
    "TransitionError",
    "UNKNOWN_INELIGIBILITY_CODE",
    "case_allowed_actions",
    "case_appeal",
    "case_assign_reviewer",
    "case_convert_to_expedited",
    "case_deadlines",
    "case_defer",
    "case_dismiss_appeal",
    "case_extend_deadline",
    "case_find_eligible",
    "case_find_ineligible",
    "case_mark_records_complete",
    "case_reassign_reviewer",
    "case_receive",
    "case_record_event",
    "case_remand",
    "case_request_records",
    "case_start_eligibility_review",
    "case_terminate",
    "case_transition",
    "case_withdraw",
    "end_of_day",
    "event_kind_for",
    "locked_move",
    "move_refusal",
]
