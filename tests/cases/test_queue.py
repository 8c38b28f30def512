"""The queue: own cases only (staff: all), soonest due first, filters, server-side pages, overdue flag, and a
constant number of queries per page."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Priority, Status
from cases.selectors import QUEUE_PAGE_SIZE
from tests.factories import CaseFactory


def rows(response):
    return re.findall(r'data-case="(CM\d{2}-\d{7})"', response.content.decode())


def due(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def test_a_reviewer_sees_only_own_cases(client_a, reviewer_a, reviewer_b):
    mine = CaseFactory(reviewer=reviewer_a, status=Status.IN_REVIEW)
    CaseFactory(reviewer=reviewer_b, status=Status.IN_REVIEW)
    CaseFactory(reviewer=None)
    assert rows(client_a.get("/cases/")) == [mine.case_number]


def test_staff_see_every_case(client_staff, reviewer_a, reviewer_b):
    cases = [CaseFactory(reviewer=reviewer_a), CaseFactory(reviewer=reviewer_b), CaseFactory(reviewer=None)]
    assert sorted(rows(client_staff.get("/cases/"))) == sorted(c.case_number for c in cases)


def test_soonest_decision_due_first_and_undated_last(client_a, reviewer_a):
    undated = CaseFactory(reviewer=reviewer_a, status=Status.ASSIGNED, decision_due=None)
    later = CaseFactory(reviewer=reviewer_a, status=Status.IN_REVIEW, decision_due=due(20))
    sooner = CaseFactory(reviewer=reviewer_a, status=Status.IN_REVIEW, decision_due=due(2))
    assert rows(client_a.get("/cases/")) == [sooner.case_number, later.case_number, undated.case_number]


def test_filters_by_status_and_priority(client_a, reviewer_a):
    in_review = CaseFactory(reviewer=reviewer_a, status=Status.IN_REVIEW)
    expedited = CaseFactory(reviewer=reviewer_a, status=Status.IN_REVIEW, priority=Priority.EXPEDITED)
    signed = CaseFactory(reviewer=reviewer_a, status=Status.SIGNED)
    assert rows(client_a.get("/cases/", {"status": "signed"})) == [signed.case_number]
    assert rows(client_a.get("/cases/", {"priority": "expedited"})) == [expedited.case_number]
    both = rows(client_a.get("/cases/", {"status": "in_review", "priority": "standard"}))
    assert both == [in_review.case_number]


def test_an_unknown_filter_value_filters_nothing(client_a, reviewer_a):
    case = CaseFactory(reviewer=reviewer_a)
    assert rows(client_a.get("/cases/", {"status": "bogus"})) == [case.case_number]


def test_pages_are_cut_on_the_server(client_a, reviewer_a):
    cases = [CaseFactory(reviewer=reviewer_a, decision_due=due(n)) for n in range(QUEUE_PAGE_SIZE + 5)]
    first, second = rows(client_a.get("/cases/")), rows(client_a.get("/cases/", {"page": 2}))
    assert first == [c.case_number for c in cases[:QUEUE_PAGE_SIZE]]
    assert second == [c.case_number for c in cases[QUEUE_PAGE_SIZE:]]
    assert "Page 1 of 2 (30 cases)" in client_a.get("/cases/").content.decode()


def test_page_links_keep_the_filters(client_a, reviewer_a):
    for _ in range(QUEUE_PAGE_SIZE + 1):
        CaseFactory(reviewer=reviewer_a, status=Status.IN_REVIEW)
    page = client_a.get("/cases/", {"status": "in_review"}).content.decode()
    assert "?status=in_review&amp;page=2" in page


def test_days_left_and_overdue_in_red(client_a, reviewer_a):
    overdue = CaseFactory(reviewer=reviewer_a, status=Status.IN_REVIEW, decision_due=due(-3))
    on_time = CaseFactory(reviewer=reviewer_a, status=Status.IN_REVIEW, decision_due=due(4))
    signed_late = CaseFactory(reviewer=reviewer_a, status=Status.SIGNED, decision_due=due(-10))
    page = client_a.get("/cases/").content.decode()
    assert f'<tr class="overdue" data-case="{overdue.case_number}">' in page
    assert '<span class="text-danger">-3 (overdue)</span>' in page
    assert f'<tr class="due-soon" data-case="{on_time.case_number}">' in page
    assert '4 <span class="badge badge-due-soon">Due soon</span>' in page
    # A signed case is no longer counting down.
    assert f'<tr class="" data-case="{signed_late.case_number}">' in page


def _queries_for_queue(client):
    with CaptureQueriesContext(connection) as context:
        assert client.get("/cases/").status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("who", ["client_a", "client_staff"])
def test_a_page_costs_a_constant_number_of_queries(request, who, reviewer_a):
    client = request.getfixturevalue(who)
    for n in range(5):
        CaseFactory(reviewer=reviewer_a, status=Status.IN_REVIEW, decision_due=due(n))
    with_five = _queries_for_queue(client)
    for n in range(25):
        CaseFactory(reviewer=reviewer_a, status=Status.IN_REVIEW, decision_due=due(n))
    assert _queries_for_queue(client) == with_five


def test_open_work_comes_first_then_the_rest_each_by_due_date(client_a, reviewer_a):
    signed_soonest = CaseFactory(reviewer=reviewer_a, status=Status.SIGNED, decision_due=due(-30))
    issued = CaseFactory(reviewer=reviewer_a, status=Status.ISSUED, decision_due=due(1))
    in_review = CaseFactory(reviewer=reviewer_a, status=Status.IN_REVIEW, decision_due=due(10))
    awaiting = CaseFactory(reviewer=reviewer_a, status=Status.AWAITING_RECORDS, decision_due=None)
    assigned = CaseFactory(reviewer=reviewer_a, status=Status.ASSIGNED, decision_due=due(3))
    assert rows(client_a.get("/cases/")) == [
        assigned.case_number,
        in_review.case_number,
        awaiting.case_number,
        signed_soonest.case_number,
        issued.case_number,
    ]


def test_an_invalid_filter_does_not_drop_a_valid_one(client_a, reviewer_a):
    expedited = CaseFactory(reviewer=reviewer_a, status=Status.IN_REVIEW, priority=Priority.EXPEDITED)
    CaseFactory(reviewer=reviewer_a, status=Status.IN_REVIEW, priority=Priority.STANDARD)
    response = client_a.get("/cases/", {"status": "bogus", "priority": "expedited"})
    assert rows(response) == [expedited.case_number]
    page = response.content.decode()
    assert "Select a valid choice. bogus is not one of the available choices." in page
    assert 'id="id_status" class="form-select form-select-sm is-invalid"' in page


def test_an_assigned_or_awaiting_records_case_shows_its_records_deadline(client_a, reviewer_a):
    records_due = timezone.make_aware(datetime.datetime.combine(due(5), datetime.time(23, 59, 59)))
    for status in (Status.ASSIGNED, Status.AWAITING_RECORDS):
        CaseFactory(reviewer=reviewer_a, status=status, records_due=records_due)
    late = CaseFactory(
        reviewer=reviewer_a, status=Status.AWAITING_RECORDS, records_due=records_due - datetime.timedelta(days=7)
    )
    page = client_a.get("/cases/").content.decode()
    deadline = f'<td data-label="Deadline">Records due {due(5):%m/%d/%Y}</td>'
    assert page.count(f'{deadline}\n  <td data-label="Days left">5 <span class="badge badge-due-soon">') == 2
    assert f'<tr class="overdue" data-case="{late.case_number}">' in page
    assert '<span class="text-danger">-2 (overdue)</span>' in page


def test_a_case_in_review_shows_its_decision_deadline(client_a, reviewer_a):
    CaseFactory(reviewer=reviewer_a, status=Status.IN_REVIEW, decision_due=due(4), records_due=None)
    page = client_a.get("/cases/").content.decode()
    assert (
        f'<td data-label="Deadline">Decision due {due(4):%m/%d/%Y}</td>\n  <td data-label="Days left">4 <span' in page
    )
