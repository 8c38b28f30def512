"""PostgreSQL's plans for the pages that must stay fast at a million cases: with sequential scans disabled and a few
thousand analysed cases, the queue and every admin search, sort and deadline filter read ``cases_case`` through an
index (a missing index shows as a Seq Scan even then), and the sorted pages take their order from it (no Sort)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from cases.models import Case, Claim, InjuredWorker, Party, Status
from cases.services.search import case_search_text, case_worker_sort
from tests import factories as f

CHANGELIST = reverse("admin:cases_case_changelist")
STATUSES = [Status.ISSUED] * 6 + [Status.IN_REVIEW, Status.AWAITING_RECORDS, Status.ASSIGNED, Status.RECEIVED]
CASES = 3000


@pytest.fixture(autouse=True)
def clock():
    with freeze_time("2014-09-02 18:30:00-07:00"):
        yield


@pytest.fixture
def many_cases(require_postgres):
    reviewers = [f.ReviewerFactory(user__username=f"dr.{n}") for n in range(5)]
    workers = InjuredWorker.objects.bulk_create(
        [InjuredWorker(first_name="Maria" if n % 50 == 0 else "Ana", last_name=f"Name{n}") for n in range(CASES)]
    )
    claims = Claim.objects.bulk_create(
        [Claim(worker=w, claim_number=f"ADJ{n:07d}", date_of_injury=datetime.date(2014, 1, 1)) for n, w in
         enumerate(workers)]
    )  # fmt: skip
    cases = []
    for n, claim in enumerate(claims):
        status = STATUSES[n % len(STATUSES)]
        number = f"CM14-{n:07d}"
        cases.append(
            Case(
                case_number=number,
                claim=claim,
                status=status,
                reviewer=reviewers[n % 5] if status != Status.RECEIVED else None,
                application_received=datetime.date(2014, 1, 1) + datetime.timedelta(days=n % 240),
                decision_due=datetime.date(2014, 8, 1) + datetime.timedelta(days=n % 60),
                records_due=datetime.datetime(2014, 9, 1, 6, 59, tzinfo=datetime.UTC) + datetime.timedelta(days=n % 9),
                review_started_at=datetime.datetime(2014, 8, 1, tzinfo=datetime.UTC) + datetime.timedelta(hours=n),
                search_text=case_search_text(
                    case_number=number,
                    claim_number=claim.claim_number,
                    first_name=claim.worker.first_name,
                    last_name=claim.worker.last_name,
                    party_names=[f"Employer {n}"],
                ),
                worker_sort=case_worker_sort(first_name=claim.worker.first_name, last_name=claim.worker.last_name),
            )
        )
    cases = Case.objects.bulk_create(cases)
    Party.objects.bulk_create([Party(case=c, role="employer", name=f"Employer {n}") for n, c in enumerate(cases)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SET enable_seqscan = off")
    yield reviewers
    with connection.cursor() as cursor:
        cursor.execute("RESET enable_seqscan")


def plans_of(client, url):
    """EXPLAIN of every query the page runs on cases_case (the row query and the count)."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if sql.startswith("SELECT") and '"cases_case"' in sql.split("WHERE")[0]:
                cursor.execute("EXPLAIN " + sql)
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
    assert plans
    return plans


SEARCHES = ["CM14-0001234", "cm14-00012", "ADJ0001234", "Maria", "name1234", "Maria Name1250", "employer 1234"]
# Every sortable column, the worker's name (2) by its stored key ``Case.worker_sort``.
SORTS = [f"{sign}{column}" for column in (1, 2, 3, 4, 5, 6, 7, 8) for sign in ("", "-")]


@pytest.mark.django_db
def test_each_admin_search_reads_cases_through_an_index(client, many_cases):
    client.force_login(f.StaffFactory())
    for query in SEARCHES:
        for plan in plans_of(client, f"{CHANGELIST}?q={query}"):
            assert "Seq Scan on cases_case" not in plan, (query, plan)


@pytest.mark.django_db
def test_each_admin_sort_takes_its_order_from_an_index(client, many_cases):
    client.force_login(f.StaffFactory())
    for o in [None, *SORTS]:
        row_plan = plans_of(client, CHANGELIST + (f"?o={o}" if o else ""))[-1]
        assert "Seq Scan on cases_case" not in row_plan and "Sort" not in row_plan, (o, row_plan)


@pytest.mark.django_db
def test_the_worker_column_reads_its_index_both_ways(client, many_cases):
    client.force_login(f.StaffFactory())
    for o in ("2", "-2"):
        row_plan = plans_of(client, f"{CHANGELIST}?o={o}")[-1]
        assert "case_sort_worker" in row_plan and "Sort" not in row_plan, (o, row_plan)


@pytest.mark.django_db
def test_the_deadline_filters_read_the_running_due_index_in_order(client, many_cases):
    client.force_login(f.StaffFactory())
    for deadline in ("overdue", "week"):
        for plan in plans_of(client, f"{CHANGELIST}?deadline={deadline}"):
            assert "Seq Scan on cases_case" not in plan, plan
            assert "case_sort_running_due" in plan, plan


@pytest.mark.django_db
def test_the_queues_take_their_order_from_an_index(client, many_cases):
    for user in (f.StaffFactory(), many_cases[0].user):
        client.force_login(user)
        row_plan = plans_of(client, "/cases/")[-1]
        assert "Seq Scan on cases_case" not in row_plan and "Sort" not in row_plan, row_plan
        assert "case_queue" in row_plan, row_plan


@pytest.mark.django_db
def test_todays_work_counts_each_case_tile_from_an_index_and_stops_at_its_cap(many_cases):
    from cases.selectors import CappedCount, today_work_cases

    parts = today_work_cases(datetime.date(2014, 9, 2))
    assert {part.name for part in parts} == {
        "records_overdue",
        "decisions_overdue",
        "decisions_due_today",
        "decisions_due_week",
        "waiting_for_reviewer",
    }
    with connection.cursor() as cursor:
        for part in parts:
            assert isinstance(part, CappedCount)
            sql, params = part.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            # Read from its index, never a scan of the cases, and stopped at the cap.
            index = "case_waiting_for_reviewer" if part.name == "waiting_for_reviewer" else "case_today_work"
            assert index in plan and "Seq Scan" not in plan and "Limit" in plan, (part.name, plan)


@pytest.mark.django_db
def test_the_reviewers_open_cases_are_counted_from_the_queue_index_alone(many_cases):
    from reviewers.models import Reviewer
    from reviewers.selectors import reviewers_with_open_cases

    queryset = reviewers_with_open_cases(Reviewer.objects.filter(pk__in=[r.pk for r in many_cases]))
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_bitmapscan = off")  # the freshly written rows are not vacuumed yet
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # Each reviewer's count reads the index's entries alone (COUNT(*)), not each case's row.
    assert "Index Only Scan using case_queue on cases_case" in plan, plan
    assert {r.pk: r.open_cases for r in queryset} == {
        r.pk: Case.objects.filter(reviewer=r, status__in=["assigned", "awaiting_records", "in_review"]).count()
        for r in many_cases
    }
