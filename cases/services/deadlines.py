"""Deadlines never missed silently: every missed deadline is put on the case's timeline and in the log, once.

The running deadline is the claims administrator's records until they are complete, then the reviewer's decision
(``cases.selectors.cases_overdue``). Celery beat runs ``deadlines_flag_missed`` every hour; ``manage.py
flag_missed_deadlines`` does the same by hand. The admin's home page and case list show the overdue cases.
"""

import logging

from django.db import transaction
from django.utils import timezone

from ..models import Case, CaseEvent
from ..selectors import RECORDS_CLOCK_STATUSES, cases_overdue

logger = logging.getLogger(__name__)

EVENT_DEADLINE_MISSED = CaseEvent.Kind.DEADLINE_MISSED
RECORDS_MISSED = "The claims administrator's records were due {due:%m/%d/%Y} and are not complete."
DECISION_MISSED = "The decision was due {due:%m/%d/%Y} and the case is not signed."


def missed_deadline_note(case: Case) -> str:
    """What a case missed: the records, while they are awaited; otherwise the decision."""
    if case.status in RECORDS_CLOCK_STATUSES and case.records_complete is None:
        return RECORDS_MISSED.format(due=timezone.localtime(case.records_due))
    return DECISION_MISSED.format(due=case.decision_due)


def deadlines_flag_missed(*, today=None) -> int:
    """Record a ``deadline_missed`` event on each overdue case that has none for this deadline yet; return how many.

    Idempotent: a deadline is flagged once; an extended deadline that is missed again is flagged again (its note
    names the new date). Two queries to find the work, whatever the number of open cases.
    """
    today = today or timezone.localdate()
    overdue = list(
        cases_overdue(Case.objects.all(), today).only(
            "id", "case_number", "status", "records_due", "records_complete", "decision_due"
        )
    )
    notes = {case.pk: missed_deadline_note(case) for case in overdue}
    flagged = set(
        CaseEvent.objects.filter(case_id__in=notes, kind=EVENT_DEADLINE_MISSED).values_list("case_id", "note")
    )
    new = [case for case in overdue if (case.pk, notes[case.pk]) not in flagged]
    now = timezone.now()
    with transaction.atomic():
        CaseEvent.objects.bulk_create(
            [
                CaseEvent(
                    case=case,
                    at=now,
                    kind=EVENT_DEADLINE_MISSED,
                    from_status=case.status,
                    to_status=case.status,
                    note=notes[case.pk],
                )
                for case in new
            ]
        )
    for case in new:
        logger.warning("Deadline missed: %s: %s", case.case_number, notes[case.pk])
    return len(new)
