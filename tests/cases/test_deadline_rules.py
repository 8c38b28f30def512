"""One home for the deadline rules (cases.deadlines): the texts that state them are built from the constants, and
the SQL that counts days agrees with Python's Pacific dates at awkward hours (late evening, DST changes)."""

import datetime
import zoneinfo
from pathlib import Path

import pytest
from django.utils import timezone
from freezegun import freeze_time

import cases.deadlines as deadlines
from cases.admin import forms as admin_forms
from cases.deadlines import DaysBetween, PacificDate
from cases.models import Case, Status
from cases.selectors import annotate_running_deadline, cases_in_window
from tests import factories as f

PACIFIC = zoneinfo.ZoneInfo("America/Los_Angeles")


# Texts built from the constants ---------------------------------------------------------------------------------


def test_model_and_form_help_texts_state_the_constants_values():
    field = Case._meta.get_field
    d = deadlines
    assert (
        f"records complete + {d.DECISION_DAYS} days ({d.DECISION_DAYS_EXPEDITED} expedited)"
        in field("decision_due").help_text
    )
    assert (
        f"{d.RECORDS_DAYS} days after a mailed notice, {d.RECORDS_DAYS_ELECTRONIC} after an electronic one, and "
        f"{d.RECORDS_DAYS_EXPEDITED} after either when expedited"
    ) in field("notice_channel").help_text
    assert (
        f"{d.RECORDS_DAYS} days after the notice ({d.RECORDS_DAYS_ELECTRONIC} electronic"
        in field("records_due").help_text
    )
    assert f"({d.EXTENSION_MAX_DAYS} at most each)" in field("extension_days").help_text
    assert f"due {d.DECISION_DAYS} calendar days later ({d.DECISION_DAYS_EXPEDITED} when expedited)" in (
        admin_forms.RecordsCompleteForm.base_fields["on"].help_text
    )
    assert (
        f"Records are due {d.RECORDS_DAYS} calendar days later"
        in admin_forms.AssignForm.base_fields["notice_date"].help_text
    )
    assert admin_forms.ExtensionForm.base_fields["days"].max_value == d.EXTENSION_MAX_DAYS


def _deadlines_with(**constants) -> dict:
    """``cases.deadlines`` run again with other values for some constants: what its texts would then say."""
    source = Path(deadlines.__file__).read_text()
    for name, value in constants.items():
        line = f"{name} = {getattr(deadlines, name)}"
        assert line in source, f"{name} is not defined once as a plain constant"
        source = source.replace(line, f"{name} = {value}", 1)
    namespace = {"__name__": "cases.deadlines_variant"}
    exec(compile(source, "deadlines_variant", "exec"), namespace)
    return namespace


def test_changing_a_constant_changes_every_text_that_states_it():
    variant = _deadlines_with(DECISION_DAYS=45, RECORDS_DAYS_ELECTRONIC=9, DECISION_DAYS_EXPEDITED=4)
    assert variant["DECISION_DUE_HELP"] == "Computed: records complete + 45 days (4 expedited) + extension days."
    assert "30" not in variant["DECISION_DUE_HELP"]
    assert ", 9 after an electronic one" in variant["NOTICE_CHANNEL_HELP"]
    assert (
        "the decision is due 45 calendar days after the records are complete (4 when expedited)"
        in variant["DEADLINES_DESCRIPTION"]
    )
    # And the model states exactly what the module says (nothing written out again).
    assert Case._meta.get_field("decision_due").help_text == deadlines.DECISION_DUE_HELP
    assert Case._meta.get_field("notice_channel").help_text == deadlines.NOTICE_CHANNEL_HELP


def test_days_after_counts_calendar_days():
    assert deadlines.days_after(datetime.date(2026, 2, 27), 2) == datetime.date(2026, 3, 1)
    assert deadlines.days_after(datetime.date(2026, 3, 1), -1) == datetime.date(2026, 2, 28)


# The SQL that counts days, at awkward hours ---------------------------------------------------------------------


def pacific(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=PACIFIC)


# Instants around midnight and the DST changes of 2026 (March 8: 02:00 PST -> 03:00 PDT; November 1: 02:00 PDT ->
# 01:00 PST, so 01:30 happens twice).
INSTANTS = [
    pacific("2026-03-07T23:30:00"),
    pacific("2026-03-07T23:59:59"),
    pacific("2026-03-08T00:30:00"),
    pacific("2026-03-08T01:59:59"),
    pacific("2026-03-08T03:00:00"),
    pacific("2026-03-08T23:30:00"),
    pacific("2026-03-08T23:59:59"),
    pacific("2026-10-31T23:59:59"),
    pacific("2026-11-01T00:30:00"),
    pacific("2026-11-01T01:30:00").replace(fold=0),
    pacific("2026-11-01T01:30:00").replace(fold=1),
    pacific("2026-11-01T23:30:00"),
    pacific("2026-11-01T23:59:59"),
    pacific("2026-11-02T00:00:00"),
]
# "Now" at 23:30 Pacific: on each DST change day and the evening before, when UTC is already on the next day.
CLOCKS = ["2026-03-07 23:30:00-08:00", "2026-03-08 23:30:00-07:00", "2026-11-01 23:30:00-08:00"]


@pytest.mark.django_db
@pytest.mark.parametrize("now", CLOCKS)
def test_pacific_date_and_days_between_agree_with_python_at_awkward_hours(require_postgres, now):
    # PostgreSQL's time zone rules; SQLite's PacificDate is UTC-8 by design (the embedded default has no zones).
    with freeze_time(now):
        today = timezone.localdate()
        assert today == datetime.datetime.fromisoformat(now).astimezone(PACIFIC).date()
        cases = [
            f.CaseFactory(status=Status.AWAITING_RECORDS, records_due=instant, review_started_at=instant)
            for instant in INSTANTS
        ]
        rows = {
            row["pk"]: row
            for row in Case.objects.filter(pk__in=[c.pk for c in cases])
            .annotate(
                pacific_day=PacificDate("records_due"),
                days_to=DaysBetween(today, PacificDate("records_due")),
                days_since=DaysBetween(PacificDate("review_started_at"), today),
            )
            .values("pk", "pacific_day", "days_to", "days_since", "running_due")
        }
        annotated = {c.pk: c for c in annotate_running_deadline(Case.objects.all(), today)}
        for case, instant in zip(cases, INSTANTS, strict=True):
            day = timezone.localtime(instant).date()
            row = rows[case.pk]
            assert row["pacific_day"] == day, instant
            assert row["running_due"] == day, instant  # the stored column, through the same expression
            assert row["days_to"] == (day - today).days, instant
            assert row["days_since"] == (today - day).days, instant
            assert annotated[case.pk].deadline_days_left == (day - today).days, instant
            assert annotated[case.pk].days_with_reviewer == (today - day).days, instant
        # The filters count on the same days as the column.
        for window, (start, end) in {name: w.bounds(today) for name, w in deadlines.DEADLINE_WINDOWS.items()}.items():
            expected = {
                c.pk
                for c, instant in zip(cases, INSTANTS, strict=True)
                if (start is None or timezone.localtime(instant).date() >= start)
                and timezone.localtime(instant).date() < end
            }
            assert set(cases_in_window(Case.objects.all(), today, window).values_list("pk", flat=True)) == expected
