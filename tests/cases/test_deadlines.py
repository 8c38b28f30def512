"""Deadlines: calendar days from the events, Pacific time, recomputed on every event (docs/adr/0006)."""

import datetime
import zoneinfo

import pytest
from freezegun import freeze_time

from cases.models import Case, Document, Priority, Status
from cases.selectors import annotate_days_left, cases_due_within, cases_overdue
from cases.services import lifecycle as lc
from tests import factories as f
from tests.lifecycle_helpers import case_needing, reviewer_in

PACIFIC = zoneinfo.ZoneInfo("America/Los_Angeles")


def end_of(day: str) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(23, 59, 59), tzinfo=PACIFIC)


@pytest.fixture(autouse=True)
def clock():
    with freeze_time("2014-09-20 10:00:00-07:00") as frozen:
        yield frozen


# The pure function ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "priority,channel,records_due",
    [
        (Priority.STANDARD, "mail", "2014-09-17"),  # 15 days after a mailed notice
        (Priority.STANDARD, "electronic", "2014-09-14"),  # 12 after an electronic one
        (Priority.EXPEDITED, "mail", "2014-09-03"),  # "24 hours": the end of the next day
        (Priority.EXPEDITED, "electronic", "2014-09-03"),
    ],
)
def test_records_are_due_days_after_the_notice_at_the_end_of_the_pacific_day(priority, channel, records_due):
    case = Case(priority=priority, notice_channel=channel, date_assigned=datetime.date(2014, 9, 2))
    assert lc.case_deadlines(case) == (end_of(records_due), None)


@pytest.mark.parametrize(
    "priority,extension,decision_due",
    [
        (Priority.STANDARD, 0, datetime.date(2014, 10, 10)),  # 30 days after records complete
        (Priority.EXPEDITED, 0, datetime.date(2014, 9, 13)),  # 3 days
        (Priority.STANDARD, 5, datetime.date(2014, 10, 15)),  # plus the extension
        (Priority.EXPEDITED, 2, datetime.date(2014, 9, 15)),
    ],
)
def test_the_decision_is_due_days_after_records_complete_plus_extensions(priority, extension, decision_due):
    case = Case(
        priority=priority,
        date_assigned=datetime.date(2014, 9, 2),
        records_complete=datetime.date(2014, 9, 10),
        extension_days=extension,
    )
    assert lc.case_deadlines(case)[1] == decision_due


def test_no_deadline_before_the_notice():
    assert lc.case_deadlines(Case(priority=Priority.STANDARD)) == (None, None)


def test_calendar_days_run_through_weekends_month_ends_and_the_dst_change():
    # Notice on Friday 2014-10-24; 15 calendar days later crosses the end of daylight time (2014-11-02).
    case = Case(priority=Priority.STANDARD, date_assigned=datetime.date(2014, 10, 24))
    records_due, _ = lc.case_deadlines(case)
    assert records_due == end_of("2014-11-08")
    assert records_due.utcoffset() == datetime.timedelta(hours=-8)


# Through the services, with a fixed clock -----------------------------------------------------------------------


@pytest.fixture
def staff(db):
    return f.StaffFactory()


def assigned(staff, **kwargs):
    case = case_needing(**kwargs)
    lc.case_assign_reviewer(case=case, reviewer=reviewer_in(), actor=staff, notice_date=datetime.date(2014, 9, 2))
    return case


def test_deadlines_follow_the_case_from_notice_to_records_complete(staff):
    case = assigned(staff)
    assert (case.records_due, case.decision_due) == (end_of("2014-09-17"), None)
    lc.case_request_records(case=case, actor=staff)
    lc.case_mark_records_complete(case=case, actor=staff, on=datetime.date(2014, 9, 10))
    case.refresh_from_db()
    assert (case.records_due, case.decision_due) == (end_of("2014-09-17"), datetime.date(2014, 10, 10))


def test_electronic_notice_gives_twelve_days(staff):
    case = case_needing()
    lc.case_assign_reviewer(
        case=case,
        reviewer=reviewer_in(),
        actor=staff,
        notice_date=datetime.date(2014, 9, 2),
        notice_channel="electronic",
    )
    case.refresh_from_db()
    assert case.records_due == end_of("2014-09-14")


def test_converting_to_expedited_recomputes_both_deadlines(staff):
    case = assigned(staff)
    lc.case_request_records(case=case, actor=staff)
    lc.case_mark_records_complete(case=case, actor=staff, on=datetime.date(2014, 9, 10))
    f.DocumentFactory(case=case, doc_type=Document.Type.PHYSICIAN_CERTIFICATION)
    event = lc.case_convert_to_expedited(case=case, actor=staff)
    case.refresh_from_db()
    assert case.priority == Priority.EXPEDITED
    assert (case.records_due, case.decision_due) == (end_of("2014-09-03"), datetime.date(2014, 9, 13))
    assert event.note == "Converted to expedited. Deadlines: records due 09/03/2014, decision due 09/13/2014."


def test_expediting_needs_the_physician_certification(staff, db):
    case = f.CaseFactory(status=Status.ELIGIBILITY_REVIEW)
    with pytest.raises(lc.TransitionError) as refused:
        lc.case_convert_to_expedited(case=case, actor=staff)
    assert refused.value.messages == [lc.EXPEDITE_NEEDS_CERTIFICATION]
    assert refused.value.messages == [
        "Expediting needs the treating physician's certification of an imminent and serious threat to health: "
        "add it to the case documents first."
    ]


def test_an_expedited_case_cannot_be_expedited_again(staff):
    case = f.CaseFactory(status=Status.ELIGIBILITY_REVIEW, priority=Priority.EXPEDITED, case_number="CM14-0000007")
    with pytest.raises(lc.TransitionError) as refused:
        lc.case_convert_to_expedited(case=case, actor=staff)
    assert refused.value.messages == ["Case CM14-0000007 is already expedited."]


def test_an_extension_adds_days_with_its_reason_and_approver(staff):
    case = assigned(staff)
    lc.case_request_records(case=case, actor=staff)
    lc.case_mark_records_complete(case=case, actor=staff, on=datetime.date(2014, 9, 10))
    event = lc.case_extend_deadline(case=case, days=3, reason="Complex case", actor=staff, approved_by="DWC IMR Unit")
    lc.case_extend_deadline(case=case, days=2, reason="More records", actor=staff)
    case.refresh_from_db()
    assert case.decision_due == datetime.date(2014, 10, 15)
    assert case.extension_days == 5
    assert case.extension_reason == "+3 day(s): Complex case (approved by DWC IMR Unit)\n+2 day(s): More records"
    assert case.extension_approved_by == "DWC IMR Unit"
    assert event.note == (
        "Extended +3 day(s): Complex case (approved by DWC IMR Unit). "
        "Deadlines: records due 09/17/2014, decision due 10/13/2014."
    )


def test_an_extension_granted_while_awaiting_records_applies_once_they_are_complete(staff):
    case = assigned(staff)
    lc.case_extend_deadline(case=case, days=4, reason="Interpreter needed", actor=staff)
    assert case.decision_due is None
    lc.case_request_records(case=case, actor=staff)
    lc.case_mark_records_complete(case=case, actor=staff, on=datetime.date(2014, 9, 10))
    assert case.decision_due == datetime.date(2014, 10, 14)


@pytest.mark.parametrize(
    "days,reason,message",
    [
        (3, "", "An extension needs a recorded reason."),
        (3, "   ", "An extension needs a recorded reason."),
        (0, "Complex", "An extension adds at least one day."),
        (-2, "Complex", "An extension adds at least one day."),
    ],
)
def test_an_extension_needs_a_reason_and_days(staff, days, reason, message):
    case = assigned(staff)
    with pytest.raises(lc.TransitionError) as refused:
        lc.case_extend_deadline(case=case, days=days, reason=reason, actor=staff)
    assert refused.value.messages == [message]
    case.refresh_from_db()
    assert case.extension_days == 0


# Days left, overdue and due this week ---------------------------------------------------------------------------


def test_days_left_is_annotated_in_sql(db):
    today = datetime.date(2014, 9, 20)
    due_later = f.CaseFactory(status=Status.IN_REVIEW, decision_due=datetime.date(2014, 9, 29))
    overdue = f.CaseFactory(status=Status.IN_REVIEW, decision_due=datetime.date(2014, 9, 18))
    awaiting = f.CaseFactory(status=Status.AWAITING_RECORDS, records_due=end_of("2014-09-23"))
    signed = f.CaseFactory(status=Status.SIGNED, decision_due=datetime.date(2014, 9, 1))
    rows = {c.pk: c for c in annotate_days_left(Case.objects.all(), today)}
    assert rows[signed.pk].days_left is None
    assert rows[due_later.pk].days_left == 9
    assert rows[overdue.pk].days_left == -2
    assert rows[awaiting.pk].days_left is None
    assert rows[awaiting.pk].records_days_left == 3
    annotated = annotate_days_left(Case.objects.all(), today)
    assert [c.pk for c in annotated.filter(days_left__lt=0)] == [overdue.pk]
    assert [c.pk for c in annotated.filter(days_left__isnull=False).order_by("days_left")] == [overdue.pk, due_later.pk]


def test_overdue_and_due_this_week_consider_the_running_deadline_of_open_cases(db):
    today = datetime.date(2014, 9, 20)
    decision_overdue = f.CaseFactory(status=Status.IN_REVIEW, decision_due=datetime.date(2014, 9, 19))
    records_overdue = f.CaseFactory(status=Status.AWAITING_RECORDS, records_due=end_of("2014-09-19"))
    decision_today = f.CaseFactory(status=Status.IN_REVIEW, decision_due=datetime.date(2014, 9, 20))
    records_in_a_week = f.CaseFactory(status=Status.ASSIGNED, records_due=end_of("2014-09-26"))
    f.CaseFactory(status=Status.IN_REVIEW, decision_due=datetime.date(2014, 9, 27))  # 7 days out: next week
    f.CaseFactory(status=Status.SIGNED, decision_due=datetime.date(2014, 9, 1))  # closed: not overdue
    f.CaseFactory(status=Status.WITHDRAWN, records_due=end_of("2014-09-01"))
    # Records in, decision not yet due: the old records deadline no longer counts.
    f.CaseFactory(
        status=Status.IN_REVIEW,
        records_due=end_of("2014-09-01"),
        records_complete=datetime.date(2014, 9, 5),
        decision_due=datetime.date(2014, 10, 5),
    )
    assert set(cases_overdue(Case.objects.all(), today)) == {decision_overdue, records_overdue}
    assert set(cases_due_within(Case.objects.all(), today, days=7)) == {decision_today, records_in_a_week}
