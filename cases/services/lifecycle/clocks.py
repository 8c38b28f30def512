"""The statutory clocks: deadlines computed from the case's facts alone (no clock, no database). Every move
recomputes them (``core.locked_move``); the moves that change a clock are in ``deadline_changes``.

Deadlines are calendar days (docs/adr/0006-case-lifecycle.md); a deadline falls at the end of its day, Pacific time.
"""

import datetime

from django.utils import timezone

from ...deadlines import (
    DECISION_DAYS,
    DECISION_DAYS_EXPEDITED,
    RECORDS_DAYS,
    RECORDS_DAYS_ELECTRONIC,
    RECORDS_DAYS_EXPEDITED,
)
from ...models import Case, NoticeChannel, Priority


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


def apply_deadlines(case: Case) -> bool:
    """Store the computed deadlines on ``case``; True if they changed."""
    records_due, decision_due = case_deadlines(case)
    changed = (case.records_due, case.decision_due) != (records_due, decision_due)
    case.records_due, case.decision_due = records_due, decision_due
    return changed


def deadline_note(case: Case) -> str:
    parts = []
    if case.records_due:
        parts.append(f"records due {timezone.localtime(case.records_due):%m/%d/%Y}")
    if case.decision_due:
        parts.append(f"decision due {case.decision_due:%m/%d/%Y}")
    return ("Deadlines: " + ", ".join(parts) + ".") if parts else ""
