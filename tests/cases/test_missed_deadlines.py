"""Missed deadlines are flagged once on the timeline and shown on the admin's home page."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time

from cases.models import CaseEvent, Status
from cases.services.deadlines import DECISION_MISSED, EVENT_DEADLINE_MISSED, RECORDS_MISSED, deadlines_flag_missed
from tests.factories import CaseFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)


def _aware(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


@pytest.fixture
def cases():
    reviewer = ReviewerFactory()
    late_decision = CaseFactory(
        status=Status.IN_REVIEW, reviewer=reviewer, records_complete=TODAY, decision_due=datetime.date(2026, 3, 9)
    )
    late_records = CaseFactory(
        status=Status.AWAITING_RECORDS, reviewer=reviewer, records_due=_aware(datetime.date(2026, 3, 5))
    )
    on_time = CaseFactory(status=Status.IN_REVIEW, reviewer=reviewer, decision_due=datetime.date(2026, 3, 12))
    signed_late = CaseFactory(status=Status.SIGNED, reviewer=reviewer, decision_due=datetime.date(2026, 3, 1))
    return late_decision, late_records, on_time, signed_late


@freeze_time("2026-03-10 12:00:00")
def test_each_missed_deadline_is_flagged_once_with_what_was_missed(cases):
    late_decision, late_records, on_time, signed_late = cases
    assert deadlines_flag_missed(today=TODAY) == 2
    assert deadlines_flag_missed(today=TODAY) == 0
    events = CaseEvent.objects.filter(kind=EVENT_DEADLINE_MISSED)
    assert {(e.case_id, e.note) for e in events} == {
        (late_decision.pk, DECISION_MISSED.format(due=datetime.date(2026, 3, 9))),
        (late_records.pk, RECORDS_MISSED.format(due=_aware(datetime.date(2026, 3, 5)))),
    }


@freeze_time("2026-03-10 12:00:00")
def test_an_extended_deadline_missed_again_is_flagged_again(cases):
    late_decision = cases[0]
    deadlines_flag_missed(today=TODAY)
    late_decision.decision_due = datetime.date(2026, 3, 8)  # as after a recomputation that still lies in the past
    late_decision.save()
    assert deadlines_flag_missed(today=TODAY) == 1
    assert CaseEvent.objects.filter(case=late_decision, kind=EVENT_DEADLINE_MISSED).count() == 2


@freeze_time("2026-03-10 12:00:00")
def test_the_command_reports_how_many(cases, capsys):
    call_command("flag_missed_deadlines")
    assert "2 newly missed deadline(s) flagged." in capsys.readouterr().out


@freeze_time("2026-03-10 12:00:00")
def test_the_admin_home_page_shows_the_overdue_records_and_decisions(cases, admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert (
        '<a href="/admin/cases/case/?deadline=overdue&amp;clock=records" class="attention">'
        '<span class="count">1</span> records overdue from the claims administrator</a>' in page
    )
    assert (
        '<a href="/admin/cases/case/?deadline=overdue&amp;clock=decision" class="attention">'
        '<span class="count">1</span> decisions overdue</a>' in page
    )
    assert '<span class="count">1</span> decisions due within 7 days' in page


@pytest.mark.parametrize(
    "moment",
    [
        "2026-03-10 18:30:00-07:00",  # an evening (PDT): already 01:30 on 03-11 in UTC
        "2026-03-08 17:05:00-07:00",  # the day clocks spring forward, just after 17:00 PDT (00:05 UTC next day)
        "2026-11-01 16:30:00-08:00",  # the day clocks fall back, 16:30 PST (00:30 UTC next day)
        "2026-11-01 23:59:00-08:00",  # the last minute of that 25-hour day
    ],
)
def test_the_hourly_sweep_counts_days_in_pacific_time(moment):
    """The beat task takes "today" from the Pacific clock: in the evening, when UTC has moved to tomorrow, a
    deadline due today (Pacific) is not missed yet; the one due yesterday is."""
    from cases import tasks

    with freeze_time(moment):
        today = datetime.datetime.fromisoformat(moment).date()
        yesterday = today - datetime.timedelta(days=1)
        reviewer = ReviewerFactory()
        due_today = CaseFactory(status=Status.IN_REVIEW, reviewer=reviewer, decision_due=today)
        records_today = CaseFactory(status=Status.AWAITING_RECORDS, reviewer=reviewer, records_due=_aware(today))
        due_yesterday = CaseFactory(status=Status.IN_REVIEW, reviewer=reviewer, decision_due=yesterday)
        records_yesterday = CaseFactory(
            status=Status.AWAITING_RECORDS, reviewer=reviewer, records_due=_aware(yesterday)
        )
        assert tasks.deadlines_flag_missed() == 2
        flagged = set(CaseEvent.objects.filter(kind=EVENT_DEADLINE_MISSED).values_list("case_id", flat=True))
        assert flagged == {due_yesterday.pk, records_yesterday.pk}
        assert not flagged & {due_today.pk, records_today.pk}
