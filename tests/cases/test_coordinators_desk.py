"""The coordinator's desk: the case list's running deadline and the filters that agree with it (Pacific dates, an
evening hour when UTC is already tomorrow), "Today's work" on the admin home with its links, at a constant number
of queries, and the home page grouped by task."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from cases import models as m
from cases.admin.intake import CLAIM_AND_NEW_WORKER, CLAIM_OR_NEW_WORKER
from cases.services.lifecycle import end_of_day
from cases.templatetags.case_deadlines import todays_work as todays_work_tag
from reviewers.models import License
from tests import factories as f

pytestmark = pytest.mark.django_db

# 9:30 pm Pacific on 03/10/2026 is already 03/11 in UTC: every "today" below must be the Pacific one.
NOW = "2026-03-11 05:30:00+00:00"
TODAY = datetime.date(2026, 3, 10)
CHANGELIST = "/admin/cases/case/"


def day(offset):
    return TODAY + datetime.timedelta(days=offset)


@pytest.fixture(autouse=True)
def clock():
    with freeze_time(NOW):
        yield


@pytest.fixture
def admin_client(client):
    client.force_login(f.StaffFactory(username="coordinator"))
    return client


@pytest.fixture
def cases():
    """One case per situation, named by what it is; the running deadline of each is known."""

    def records(number, due):
        return f.CaseFactory(
            case_number=number, status=m.Status.AWAITING_RECORDS, date_assigned=day(-15), records_due=end_of_day(due)
        )

    def decision(number, due, status=m.Status.IN_REVIEW):
        return f.CaseFactory(
            case_number=number,
            status=status,
            records_due=end_of_day(day(-40)),
            records_complete=day(-30),
            decision_due=due,
        )

    return {
        "records_today": records("CM26-0000001", day(0)),
        "records_overdue": records("CM26-0000002", day(-1)),
        "records_in_3": records("CM26-0000003", day(3)),
        "decision_today": decision("CM26-0000004", day(0)),
        "decision_in_6": decision("CM26-0000005", day(6)),
        "decision_in_7": decision("CM26-0000006", day(7)),
        "decision_overdue": decision("CM26-0000007", day(-2)),
        "signed_long_ago": decision("CM26-0000008", day(-300), status=m.Status.SIGNED),
        "found_eligible": f.CaseFactory(
            case_number="CM26-0000009",
            status=m.Status.ELIGIBILITY_REVIEW,
            found_eligible_at=datetime.datetime(2026, 3, 9, tzinfo=datetime.UTC),
        ),
        "remanded": f.CaseFactory(case_number="CM26-0000010", status=m.Status.REMANDED),
        "not_yet_eligible": f.CaseFactory(case_number="CM26-0000011", status=m.Status.ELIGIBILITY_REVIEW),
    }


def listed(admin_client, **params):
    response = admin_client.get(CHANGELIST, params)
    assert response.status_code == 200
    return {case.case_number: case for case in response.context["cl"].result_list}


def numbers(cases, *names):
    return {cases[name].case_number for name in names}


def test_the_list_shows_the_running_deadline_with_days_left(admin_client, cases):
    page = admin_client.get(CHANGELIST).content.decode()

    def row(name):
        number = cases[name].case_number
        return page[page.index(f">{number}</a>") :].split("</tr>")[0]

    assert "Records due 03/10/2026" in row("records_today") and "due today" in row("records_today")
    assert "Records due 03/09/2026" in row("records_overdue") and "1 day overdue" in row("records_overdue")
    assert "Records due 03/13/2026" in row("records_in_3") and "3 days left" in row("records_in_3")
    assert "Decision due 03/10/2026" in row("decision_today") and "due today" in row("decision_today")
    assert "Decision due 03/08/2026" in row("decision_overdue") and "2 days overdue" in row("decision_overdue")
    assert "Decision due" not in row("signed_long_ago") and "overdue" not in row("signed_long_ago")
    assert "Alex Worker" in row("records_today")  # the worker by name


@pytest.mark.parametrize(
    ("value", "expected", "agrees"),
    [
        ("overdue", ("records_overdue", "decision_overdue"), lambda days: days < 0),
        ("today", ("records_today", "decision_today"), lambda days: days == 0),
        ("week", ("records_today", "records_in_3", "decision_today", "decision_in_6"), lambda days: 0 <= days <= 6),
    ],
)
def test_each_deadline_filter_agrees_with_the_column(admin_client, cases, value, expected, agrees):
    shown = listed(admin_client, deadline=value)
    assert set(shown) == numbers(cases, *expected)
    everything = listed(admin_client)
    for number, case in everything.items():
        in_filter = case.deadline_days_left is not None and agrees(case.deadline_days_left)
        assert in_filter == (number in shown), number


def test_the_clock_filter_splits_records_from_decisions(admin_client, cases):
    assert set(listed(admin_client, deadline="overdue", clock="records")) == numbers(cases, "records_overdue")
    assert set(listed(admin_client, deadline="overdue", clock="decision")) == numbers(cases, "decision_overdue")


def todays_work(page):
    """{key: (count, url)} of the home page's "Today's work"."""
    found = re.findall(r'<li id="work-(\w+)"><a href="([^"]+)"[^>]*><span class="count">(\d+)</span>', page)
    return {key: (int(count), url.replace("&amp;", "&")) for key, url, count in found}


@pytest.fixture
def letters(cases):
    signed = f.CaseFactory(case_number="CM26-0000020", status=m.Status.SIGNED)
    f.LetterFactory(determination=f.DeterminationFactory(case=signed), status=m.Letter.Status.READY)
    failed = f.CaseFactory(case_number="CM26-0000021", status=m.Status.SIGNED)
    f.LetterFactory(determination=f.DeterminationFactory(case=failed), status=m.Letter.Status.FAILED)
    issued = f.CaseFactory(case_number="CM26-0000022", status=m.Status.ISSUED)
    f.LetterFactory(
        determination=f.DeterminationFactory(case=issued),
        status=m.Letter.Status.READY,
        issued_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC),
    )
    # A re-rendered letter: only the newest ready version is to be issued.
    rerendered = f.CaseFactory(case_number="CM26-0000023", status=m.Status.SIGNED)
    determination = f.DeterminationFactory(case=rerendered)
    f.LetterFactory(determination=determination, version=1, status=m.Letter.Status.READY)
    newest = f.LetterFactory(determination=determination, version=2, status=m.Letter.Status.READY)
    return {"newest": newest}


def test_todays_work_counts_what_each_link_lists(admin_client, cases, letters):
    lapsing = f.ReviewerFactory()
    License.objects.filter(reviewer=lapsing).update(expires_on=day(29))
    f.ReviewerFactory()  # current credentials: not counted
    work = todays_work(admin_client.get("/admin/").content.decode())
    assert {key: count for key, (count, _) in work.items()} == {
        "records_overdue": 1,
        "decisions_overdue": 1,
        "decisions_due_today": 1,
        "decisions_due_week": 2,
        "waiting_for_reviewer": 2,
        "letters_failed": 1,
        "letters_to_issue": 2,
        "credentials_expired": 0,
        "credentials_expiring": 1,
    }
    for key, (count, url) in work.items():
        response = admin_client.get(url)
        assert response.status_code == 200, key
        assert len(response.context["cl"].result_list) == count, key
    waiting = listed(admin_client, reviewer_wait="waiting")
    assert set(waiting) == numbers(cases, "found_eligible", "remanded")
    to_issue = admin_client.get(work["letters_to_issue"][1]).context["cl"].result_list
    assert letters["newest"] in to_issue and {letter.version for letter in to_issue} == {1, 2}


def test_todays_work_costs_the_same_queries_however_much_work_there_is(admin_client, cases, letters):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get("/admin/").status_code == 200
        return len(captured)

    before = queries()
    for n in range(5):
        f.CaseFactory(status=m.Status.AWAITING_RECORDS, records_due=end_of_day(day(-n - 1)))
        f.CaseFactory(status=m.Status.IN_REVIEW, records_complete=day(-30), decision_due=day(n))
        f.CaseFactory(status=m.Status.REMANDED)
        signed = f.CaseFactory(status=m.Status.SIGNED)
        f.LetterFactory(determination=f.DeterminationFactory(case=signed), status=m.Letter.Status.FAILED)
        reviewer = f.ReviewerFactory()
        License.objects.filter(reviewer=reviewer).update(expires_on=day(n))
    assert queries() == before


def test_todays_work_is_one_query_and_each_tile_lists_its_count_at_half_past_eleven_pacific(
    admin_client, cases, letters
):
    lapsing = f.ReviewerFactory()
    License.objects.filter(reviewer=lapsing).update(expires_on=day(29))
    expired = f.ReviewerFactory()
    License.objects.filter(reviewer=expired).update(expires_on=day(-1))
    with freeze_time("2026-03-11 06:30:00+00:00"):  # 11:30 pm Pacific (PDT) on 03/10: UTC is well into 03/11
        with CaptureQueriesContext(connection) as captured:
            work = todays_work_tag()["work"]
        assert len(captured) == 1  # every tile, cases, letters and reviewers, in one query
        counts = {row["key"]: row["count"] for row in work}
        assert counts == {
            "records_overdue": 1,
            "decisions_overdue": 1,
            "decisions_due_today": 1,
            "decisions_due_week": 2,
            "waiting_for_reviewer": 2,
            "letters_failed": 1,
            "letters_to_issue": 2,
            "credentials_expired": 1,
            "credentials_expiring": 1,
        }
        for row in work:
            response = admin_client.get(row["url"])
            assert len(response.context["cl"].result_list) == row["count"], row["key"]


def test_the_home_page_names_the_system_and_groups_models_by_task(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "<title>The coordinator&#x27;s desk | IMR case management</title>" in page
    assert "Independent Medical Review" in page
    captions = re.findall(r'<caption>\s*<a href="[^"]+" class="section"[^>]*>([^<]+)</a>', page)
    assert captions == [
        "Intake and cases",
        "Review",
        "Letters and notices",
        "Reviewers",
        "Guideline library",
        "Audit",
        "Users and groups",
    ]
    intake = page[page.index("Intake and cases") : page.index(">Review<")]
    for model in ("Cases", "Injured workers", "Claims", "Parties", "Disputed items", "Citations", "Documents"):
        assert f">{model}<" in intake


# Intake validation: exact messages, nothing saved -----------------------------------------------------------------


def intake(admin_client, **fields):
    management = {}
    for prefix in ("parties", "items", "treatment_history", "documents"):
        management |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    data = {
        "case_number": "CM26-0000400",
        "priority": "standard",
        "application_received": "03/02/2026",
        "ur_decision_date": "02/20/2026",
        "claim": "",
        "worker_last_name": "Gonzalez",
        "date_of_injury": "01/15/2026",
        **management,
        "_save": "Save",
    }
    data.update(fields)
    return admin_client.post("/admin/cases/case/add/", data)


def test_intake_refuses_a_ur_decision_after_the_application(admin_client):
    response = intake(admin_client, ur_decision_date="03/03/2026")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "ur_decision_date": [
            "The UR decision date (03/03/2026) is after the application was received (03/02/2026): an IMR application "
            "answers a UR decision already made."
        ]
    }
    assert not m.Case.objects.exists() and not m.InjuredWorker.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"worker_last_name": ""}, CLAIM_OR_NEW_WORKER),
        ({"date_of_injury": ""}, CLAIM_OR_NEW_WORKER),
        ({"claim": "CLAIM"}, CLAIM_AND_NEW_WORKER),
    ],
)
def test_intake_needs_a_claim_on_file_or_a_new_worker_and_claim(admin_client, fields, message):
    if fields.get("claim") == "CLAIM":
        fields = {"claim": f.ClaimFactory().pk}
    before = m.Claim.objects.count()
    response = intake(admin_client, **fields)
    assert response.context["adminform"].form.non_field_errors() == [message]
    assert m.Claim.objects.count() == before and not m.Case.objects.exists()


def test_intake_messages_say_what_to_do():
    assert CLAIM_OR_NEW_WORKER == (
        "Pick the worker's claim on file, or enter the injured worker (at least a last name) and the date of injury "
        "of a new claim."
    )
    assert CLAIM_AND_NEW_WORKER == "Pick a claim on file or enter a new worker and claim, not both."


def test_intake_on_a_claim_on_file_adds_no_worker(admin_client):
    claim = f.ClaimFactory()
    response = intake(admin_client, claim=claim.pk, worker_last_name="", date_of_injury="")
    assert response.status_code == 302
    case = m.Case.objects.get(case_number="CM26-0000400")
    assert case.claim == claim and m.InjuredWorker.objects.count() == 1
    assert case.events.get().get_kind_display() == "Application received"


def test_a_case_tile_counts_up_to_its_cap_then_says_more_than_the_cap(admin_client, cases, letters, monkeypatch):
    from cases import selectors

    work = todays_work(admin_client.get("/admin/").content.decode())
    assert work["decisions_due_week"][0] == 2 and work["waiting_for_reviewer"][0] == 2
    monkeypatch.setattr(selectors, "TODAY_WORK_CAP", 1)  # as 1,000 is for a million cases
    page = admin_client.get("/admin/").content.decode()
    assert re.search(r'id="work-decisions_due_week">.*?<span class="count">more than 1</span>', page)
    assert re.search(r'id="work-waiting_for_reviewer">.*?<span class="count">more than 1</span>', page)
    assert re.search(r'id="work-records_overdue">.*?<span class="count">1</span>', page)  # at its cap: exact
    assert todays_work(page)["letters_to_issue"][0] == 2  # letters and reviewers are counted in full
