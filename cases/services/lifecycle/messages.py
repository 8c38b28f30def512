"""What the lifecycle says: its refusals, the notes it writes on the timeline and the labels it gives.

Kept apart from the code so a coordinator's wording is read and changed in one place (the tests quote these).
"""

from ...models import Status

# Refusals of the table's check (``core.check_move``).
ILLEGAL_TRANSITION = "Cannot move case {case} from {current} to {target}."
ALREADY_IN_STATUS = 'Case {case} already has the status "{current}".'
TERMINAL = "Case {case} is {current}: it is closed and cannot change."
NOT_FROM_HERE = "Case {case} is {current}: “{move}” is possible only when it is {allowed}."

# Refusals of a move's condition or of its own work.
REASON_REQUIRED = "Say why the case becomes {target}: a reason is required."
UNKNOWN_INELIGIBILITY_CODE = "Unknown ineligibility code {code!r}."
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
EXPEDITE_NEEDS_CERTIFICATION = (
    "Expediting needs the treating physician's certification of an imminent and serious threat to health: "
    "add it to the case documents first."
)
EXTENSION_REASON_REQUIRED = "An extension needs a recorded reason."
EXTENSION_DAYS_POSITIVE = "An extension adds at least one day."
NO_APPEAL_TO_DISMISS = "Case {case} has no appeal on record to dismiss."

# Notes on the timeline.
REMANDED_INELIGIBILITY_NOTE = "The ineligibility finding was reversed: the application goes back to eligibility review."

# What each end of an assignment is called on the assignment row.
END_REASSIGNED = "Reassigned"
END_REMANDED = "Remanded: a new cycle needs a different reviewer"
END_CLOSED = "Case {status}"


def status_label(status) -> str:
    """A status as it reads inside a sentence ("awaiting records")."""
    return Status(status).label.lower()


def statuses_label(statuses) -> str:
    """Statuses as they read in a sentence, in the order of ``Status``: "assigned, awaiting records or in review"."""
    labels = [status_label(s) for s in Status if s in statuses]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def join(*notes) -> str:
    """Timeline notes run together, empty ones left out."""
    return " ".join(n.strip() for n in notes if n and n.strip())
