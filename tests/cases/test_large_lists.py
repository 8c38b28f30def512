"""Lists built for a million cases: a page costs the same queries for 10 rows as for 100, sorting follows an index
(the tie-break goes the column's way, a foreign key sorts by its key), deep pages read keys first and return the same
rows, the stored sort keys follow every status change, and the change page fetches its case once."""

import datetime
import re

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from cases import pagination
from cases.models import Case, Status
from cases.pagination import LargeTablePaginator
from tests import factories as f
from tests.lifecycle_helpers import case_needing, reviewer_in

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2014, 9, 2)
CHANGELIST = reverse("admin:cases_case_changelist")
STATUSES = [Status.ASSIGNED, Status.AWAITING_RECORDS, Status.IN_REVIEW, Status.SIGNED, Status.ISSUED, Status.RECEIVED]


@pytest.fixture(autouse=True)
def clock():
    with freeze_time("2014-09-02 18:30:00-07:00"):  # evening, Pacific: the UTC date is already tomorrow
        yield


@pytest.fixture
def staff():
    return f.StaffFactory(username="coordinator")


@pytest.fixture
def reviewer():
    return f.ReviewerFactory(user__username="dr.busy")


def add_cases(n, reviewer, start=0):
    for i in range(start, start + n):
        status = STATUSES[i % len(STATUSES)]
        case = f.CaseFactory(
            status=status,
            reviewer=reviewer if status != Status.RECEIVED else None,
            priority="expedited" if i % 7 == 0 else "standard",
            decision_due=TODAY + datetime.timedelta(days=i % 20 - 5),
            records_due=datetime.datetime(2014, 9, 1 + i % 20, 6, 59, 59, tzinfo=datetime.UTC),
            review_started_at=datetime.datetime(2014, 8, 1 + i % 28, 17, tzinfo=datetime.UTC),
            claim__worker__last_name="Gonzalez" if i % 2 else "Okafor",
        )
        f.PartyFactory(case=case, name=f"Acme {i}")


ADMIN_PAGES = [
    "",
    "?q=CM14-0",
    "?q=gonzalez",
    "?q=acme",
    *[f"?o={sign}{column}" for column in range(1, 9) for sign in ("", "-")],
    "?status__exact=in_review",
    "?priority__exact=expedited",
    "?deadline=overdue",
    "?deadline=week",
]


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_admin_changelist_pages_cost_the_same_queries_for_10_and_100_cases(client, staff, reviewer):
    client.force_login(staff)
    add_cases(10, reviewer)
    few = {page: queries(client, CHANGELIST + page) for page in ADMIN_PAGES}
    add_cases(90, reviewer, start=10)
    many = {page: queries(client, CHANGELIST + page) for page in ADMIN_PAGES}
    assert few == many
    assert max(many.values()) <= 2 + 10  # session and user, then at most ten


@pytest.mark.parametrize("who", ["staff", "reviewer"])
@pytest.mark.parametrize("query", ["", "?status=in_review", "?priority=expedited"])
def test_queue_pages_cost_the_same_queries_for_10_and_100_cases(client, staff, reviewer, who, query):
    client.force_login(staff if who == "staff" else reviewer.user)
    add_cases(10, reviewer)
    few = queries(client, "/cases/" + query)
    add_cases(90, reviewer, start=10)
    assert queries(client, "/cases/" + query) == few


@pytest.mark.parametrize(
    "url", [CHANGELIST + "?p=2", CHANGELIST + "?o=-5&p=2", "/cases/?page=2", "/cases/?priority=standard&page=2"]
)
def test_a_deep_page_costs_the_same_queries_however_deep(client, staff, reviewer, monkeypatch, url):
    monkeypatch.setattr(pagination, "KEYS_FIRST_FROM", 25)  # page 2 on is read keys first
    client.force_login(staff)
    add_cases(60, reviewer)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    # The page's keys are read by a subquery (sorted and offset alone), its rows fetched by key in the same statement.
    keys_read = [q["sql"] for q in captured.captured_queries if re.search(r'"id" IN \(SELECT \S+ AS "pk"', q["sql"])]
    assert len(keys_read) == 1 and "OFFSET 25)" in keys_read[0]
    shallow = len(captured)
    add_cases(90, reviewer, start=60)
    assert queries(client, url) == shallow


def test_the_change_page_costs_the_same_queries_with_10_and_100_reviewers_and_fetches_the_case_once(client, staff):
    client.force_login(staff)
    case = case_needing(case_number="CM14-0000777")
    url = reverse("admin:cases_case_change", args=[case.pk])

    def page_queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return [q["sql"] for q in captured.captured_queries]

    page_queries()  # the first visit also fills per-process caches (content types)
    for _ in range(10):
        reviewer_in()
        f.ReviewerFactory()  # another specialty: never a candidate
    few = page_queries()
    for _ in range(90):
        reviewer_in()
        f.ReviewerFactory()
    many = page_queries()
    assert len(few) == len(many)
    case_reads = [sql for sql in many if sql.startswith('SELECT "cases_case"."id"') and f"= {case.pk}" in sql]
    assert len(case_reads) == 1


def order_by_clause(client, url):
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    rows = [q["sql"] for q in captured.captured_queries if q["sql"].startswith('SELECT "cases_case"."id"')]
    return rows[-1].split("ORDER BY")[1].split("LIMIT")[0].strip()


@pytest.mark.parametrize(
    "o, expected",
    [
        ("3", '"cases_case"."status" ASC, "cases_case"."id" ASC'),
        ("-3", '"cases_case"."status" DESC, "cases_case"."id" DESC'),
        ("5", '"cases_case"."reviewer_id" ASC, "cases_case"."id" ASC'),
        ("6", '"cases_case"."running_due" ASC, "cases_case"."id" ASC'),
        ("-7", '"cases_case"."running_due" DESC, "cases_case"."id" DESC'),
        ("8", '"cases_case"."review_started_at" ASC, "cases_case"."id" ASC'),
        ("1", '"cases_case"."case_number" ASC'),  # unique: no tie-break needed
    ],
)
def test_each_sort_orders_by_indexed_columns_with_the_tie_break_in_its_direction(client, staff, reviewer, o, expected):
    client.force_login(staff)
    add_cases(3, reviewer)
    assert order_by_clause(client, f"{CHANGELIST}?o={o}") == expected


def test_a_deadline_filter_lists_the_most_pressing_first(client, staff, reviewer):
    client.force_login(staff)
    add_cases(24, reviewer)
    response = client.get(CHANGELIST, {"deadline": "overdue"})
    deadlines = [case.running_due for case in response.context["cl"].result_list]
    assert deadlines and all(d < TODAY for d in deadlines)
    assert deadlines == sorted(deadlines)


@pytest.mark.parametrize("ordering", [("-application_received", "case_number"), ("status", "-id"), ("reviewer_id",)])
def test_a_page_read_keys_first_holds_the_rows_a_plain_offset_would(reviewer, monkeypatch, ordering):
    add_cases(23, reviewer)
    monkeypatch.setattr(pagination, "KEYS_FIRST_FROM", 0)
    cases = Case.objects.order_by(*ordering, "pk")
    for number in range(1, 6):
        keys_first = LargeTablePaginator(cases, 5).page(number)
        plain = Paginator(cases, 5).page(number)
        assert list(keys_first.object_list) == list(plain.object_list)
        assert (keys_first.has_next(), keys_first.start_index()) == (plain.has_next(), plain.start_index())


def test_the_stored_sort_keys_follow_the_status_however_it_is_written(reviewer):
    case = f.CaseFactory(
        status=Status.AWAITING_RECORDS,
        reviewer=reviewer,
        records_due=datetime.datetime(2014, 9, 16, 6, 59, 59, tzinfo=datetime.UTC),  # 23:59:59 PDT on the 15th
        decision_due=None,
    )
    case.refresh_from_db()
    assert (case.queue_rank, case.running_due) == (0, datetime.date(2014, 9, 15))
    Case.objects.filter(pk=case.pk).update(records_complete=datetime.date(2014, 9, 10))
    case.refresh_from_db()
    assert (case.queue_rank, case.running_due) == (0, None)  # records in: their clock no longer runs
    Case.objects.filter(pk=case.pk).update(status=Status.IN_REVIEW, decision_due=datetime.date(2014, 10, 15))
    case.refresh_from_db()
    assert (case.queue_rank, case.running_due) == (0, datetime.date(2014, 10, 15))
    case.status = Status.SIGNED
    case.save()
    case.refresh_from_db()
    assert (case.queue_rank, case.running_due) == (1, None)
