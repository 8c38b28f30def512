"""The deadline rules in one place: their constants, the SQL that counts days, the windows the filters use, and the
help texts that state them (built from the constants, so a changed rule changes every text that states it).

Deadlines are calendar days on Pacific dates; a deadline falls at the end of its day (docs/adr/0006). Which clock
runs when is ``cases.selectors`` (records, then decision); the deadlines of a case are computed from its facts by
``cases.services.lifecycle.case_deadlines``. Nothing here reads the models, so the models can import it.
"""

import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import Func, Value

# The rules (DOMAIN.md section 1, states 4 and 6), in calendar days.
DEADLINE_TIME_ZONE = "America/Los_Angeles"  # California deadlines are counted in Pacific time (settings.TIME_ZONE)
RECORDS_DAYS = 15  # after a mailed assignment notice, 8 CCR 9792.10.5(a)(1)
RECORDS_DAYS_ELECTRONIC = 12  # after an electronic notice, same rule
RECORDS_DAYS_EXPEDITED = 1  # "24 hours": the day after the notice
DECISION_DAYS = 30  # after records are complete, LC 4610.6(d)
DECISION_DAYS_EXPEDITED = 3
EXTENSION_MAX_DAYS = 60  # the most one extension may add (the Administrative Director approves each)
APPEAL_DAYS = 30  # a verified petition to the WCAB within 30 days of service, LC 4610.6(h)

# Warning windows (not statutory): how far ahead the desks look.
DUE_SOON_DAYS = 5  # the reviewer's queue and case page mark a deadline this close as "due soon"
CREDENTIAL_WARNING_DAYS = 30  # licences and board certifications lapsing this soon are listed for renewal
WEEK_DAYS = 7  # "due this week": today and the next six days


def days_after(day: datetime.date, days: int) -> datetime.date:
    """The calendar day ``days`` after ``day`` (before it when negative)."""
    return day + datetime.timedelta(days=days)


# The SQL that counts days -------------------------------------------------------------------------------------


class PacificDate(Func):
    """The Pacific calendar date of a timestamp, in SQL that a generated column may hold (an immutable expression).

    SQLite has no time zones: there it subtracts eight hours, which gives the right date for the end-of-day instants
    that ``records_due`` holds in both standard and daylight time (23:59 PST/PDT is 07:59/06:59 UTC the next day).
    """

    output_field = models.DateField()

    def as_sql(self, compiler, connection, **extra):
        inner, params = compiler.compile(self.get_source_expressions()[0])
        return f"date({inner}, '-8 hours')", params

    def as_postgresql(self, compiler, connection, **extra):
        inner, params = compiler.compile(self.get_source_expressions()[0])
        return f"(({inner}) AT TIME ZONE '{DEADLINE_TIME_ZONE}')::date", params


def _date(expression):
    """A date given as a Python date becomes a typed SQL parameter; anything else is an expression or a field name."""
    if isinstance(expression, datetime.date):
        return Value(expression, output_field=models.DateField())
    return expression


class DaysBetween(Func):
    """Whole calendar days from the date ``start`` to the date ``end`` (negative when ``end`` is earlier), in SQL.

    Either may be a field name, an expression (``PacificDate("records_due")``) or a Python date (today)."""

    output_field = models.IntegerField()

    def __init__(self, start, end):
        super().__init__(_date(start), _date(end))

    def _operands(self, compiler):
        (start, start_params), (end, end_params) = (compiler.compile(e) for e in self.get_source_expressions())
        return start, end, (*end_params, *start_params)

    def as_sql(self, compiler, connection, **extra):
        start, end, params = self._operands(compiler)
        return f"({end} - {start})", params

    def as_postgresql(self, compiler, connection, **extra):
        start, end, params = self._operands(compiler)
        return f"(({end})::date - ({start})::date)", params

    def as_sqlite(self, compiler, connection, **extra):
        start, end, params = self._operands(compiler)
        return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)", params


# The windows of the "running deadline" filter and of today's work ----------------------------------------------


@dataclass(frozen=True)
class DeadlineWindow:
    """Running deadlines from ``today + start`` (unbounded when None) up to, not including, ``today + end``."""

    label: str
    start: int | None
    end: int

    def bounds(self, today: datetime.date) -> tuple[datetime.date | None, datetime.date]:
        start = None if self.start is None else days_after(today, self.start)
        return start, days_after(today, self.end)


DEADLINE_WINDOWS = {
    "overdue": DeadlineWindow("Overdue", None, 0),
    "today": DeadlineWindow("Due today", 0, 1),
    "week": DeadlineWindow(f"Due this week (today and the next {WEEK_DAYS - 1} days)", 0, WEEK_DAYS),
}


# The texts that state the rules ------------------------------------------------------------------------------

RECORDS_RULE = (
    f"records are due {RECORDS_DAYS} calendar days after the assignment notice ({RECORDS_DAYS_ELECTRONIC} if it went "
    f"electronically, {RECORDS_DAYS_EXPEDITED} when expedited)"
)
DECISION_RULE = (
    f"the decision is due {DECISION_DAYS} calendar days after the records are complete ({DECISION_DAYS_EXPEDITED} "
    "when expedited), plus any extension days"
)
DEADLINES_DESCRIPTION = f"Calendar days, Pacific time, recomputed on every event: {RECORDS_RULE}; {DECISION_RULE}."

NOTICE_CHANNEL_HELP = (
    f"How the assignment notice went out: records are due {RECORDS_DAYS} days after a mailed notice, "
    f"{RECORDS_DAYS_ELECTRONIC} after an electronic one, and {RECORDS_DAYS_EXPEDITED} after either when expedited."
)
RECORDS_DUE_HELP = (
    f"End of the day (Pacific) the claims administrator's records are due: {RECORDS_DAYS} days after the notice "
    f"({RECORDS_DAYS_ELECTRONIC} electronic, {RECORDS_DAYS_EXPEDITED} expedited). Computed."
)
DECISION_DUE_HELP = (
    f"Computed: records complete + {DECISION_DAYS} days ({DECISION_DAYS_EXPEDITED} expedited) + extension days."
)
EXTENSION_DAYS_HELP = (
    f"Calendar days added to the decision deadline by approved extensions ({EXTENSION_MAX_DAYS} at most each)."
)
NOTICE_DATE_HELP = (
    "Date the Notice of Assignment and Request for Information went out. Records are due "
    f"{RECORDS_DAYS} calendar days later ({RECORDS_DAYS_ELECTRONIC} if electronic, {RECORDS_DAYS_EXPEDITED} if "
    "expedited). Ignored for a reassignment."
)
RECORDS_COMPLETE_HELP = (
    f"The decision is due {DECISION_DAYS} calendar days later ({DECISION_DAYS_EXPEDITED} when expedited), plus any "
    "extension."
)
