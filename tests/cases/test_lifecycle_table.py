"""The table of moves drives the lifecycle: every (move, status) pair, what is offered, what the admin shows, and the
row lock every move takes (docs/adr/0018-lifecycle-table.md)."""

import datetime
import re
import threading

import psycopg
import pytest
from django.contrib.admin.sites import site
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from cases.models import Assignment, Case, CaseEvent, Document, Priority, Status
from cases.services import lifecycle as lc
from cases.services.lifecycle import MOVES
from tests import factories as f
from tests.lifecycle_helpers import case_needing, reviewer_in

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2014, 9, 2)

# What each move is given: valid input, so that a refusal can only come from the table's check. The assignment is
# asked as a first assignment (its service reassigns a case that has a reviewer, which is the other move).
INPUT = {
    "find_ineligible": {"reason": "Filed late.", "code": "late"},
    "defer": {"reason": "Liability disputed."},
    "assign_reviewer": {"notice_date": TODAY, "allow_reassignment": False},
    "mark_records_complete": {"on": TODAY},
    "extend_deadline": {"days": 5, "reason": "Complex records.", "approved_by": "DWC"},
    "open_correction": {"reason": "Typo in the rationale."},
    "withdraw": {"reason": "The applicant withdrew."},
    "terminate": {"reason": "The treatment was authorized."},
}
# Signing and serving are made by the reviewer's and the letters' services, which check their own documents (the
# draft, a ready letter) before the move (tests/notices, tests/e2e/test_serve_from_the_case.py drive them end to
# end); here their table entry is checked through the same call those services make.
THROUGH_LOCKED_MOVE = {"sign", "serve_letter"}
PAIRS = [(name, status) for name in MOVES for status in Status]


@pytest.fixture(autouse=True)
def clock():
    with freeze_time("2014-09-02 10:00:00-07:00"):
        yield


@pytest.fixture
def staff():
    return f.StaffFactory(username="coordinator")


def case_ready_for(name: str, status: Status) -> Case:
    """A case in ``status`` with what move ``name`` needs besides its status (its condition, its documents)."""
    found = None if name == "find_eligible" else datetime.datetime(2014, 9, 1, 17, tzinfo=datetime.UTC)
    case = case_needing(status=status, found_eligible_at=found, date_assigned=datetime.date(2014, 9, 1))
    if name == "convert_to_expedited":
        f.DocumentFactory(case=case, doc_type=Document.Type.PHYSICIAN_CERTIFICATION)
    if name == "open_correction":
        f.DeterminationFactory(case=case)
    if status == Status.APPEALED:
        f.CaseEventFactory(case=case, kind=CaseEvent.Kind.APPEALED, from_status=Status.ISSUED, to_status=status)
    return case


def make(name: str, case: Case, actor):
    if name in THROUGH_LOCKED_MOVE:
        return lc.locked_move(case, name, actor=actor)
    kwargs = dict(INPUT.get(name, {}))
    if name in ("assign_reviewer", "reassign_reviewer"):
        kwargs["reviewer"] = reviewer_in()
    return MOVES[name].run(case=case, actor=actor, **kwargs)


def expected_refusal(name: str, case: Case) -> str:
    move, status = MOVES[name], Status(case.status)
    if status in lc.CLOSED_STATUSES:
        return lc.TERMINAL.format(case=case.case_number, current=status.label.lower())
    if name == "assign_reviewer" and status in lc.REASSIGNABLE_STATUSES:
        return lc.NOT_A_FIRST_ASSIGNMENT.format(case=case.case_number, current=status.label.lower())
    if move.targets == {status}:
        return lc.ALREADY_IN_STATUS.format(case=case.case_number, current=status.label)
    allowed = [s.label.lower() for s in Status if s in move.sources]
    allowed = allowed[0] if len(allowed) == 1 else ", ".join(allowed[:-1]) + " or " + allowed[-1]
    return f"Case {case.case_number} is {status.label.lower()}: “{move.label}” is possible only when it is {allowed}."


def row(case: Case) -> dict:
    return Case.objects.filter(pk=case.pk).values().get()


@pytest.mark.parametrize(("name", "status"), PAIRS, ids=[f"{n}-{s.value}" for n, s in PAIRS])
def test_every_move_from_every_status(name, status, staff):
    move = MOVES[name]
    case = case_ready_for(name, status)
    before, events, assignments = row(case), CaseEvent.objects.count(), Assignment.objects.count()
    if status not in move.sources:
        with pytest.raises(lc.TransitionError) as refused:
            make(name, case, staff)
        assert refused.value.messages == [expected_refusal(name, case)]
        assert row(case) == before
        assert (CaseEvent.objects.count(), Assignment.objects.count()) == (events, assignments)
        return

    with CaptureQueriesContext(connection) as queries:
        make(name, case, staff)
    saved = Case.objects.get(pk=case.pk)
    assert saved.status == (move.target or status)
    assert case.status == saved.status  # the caller's object shows what was saved
    event = CaseEvent.objects.filter(case=case).order_by("-id").first()
    assert (event.kind, event.from_status, event.to_status, event.actor) == (move.kind, status, saved.status, staff)
    # The row was locked (read FOR UPDATE) before anything was written to it. SQLite has no row locks (a write locks
    # the whole file, Django leaves FOR UPDATE out): there the row is read afresh before the write.
    sql = [q["sql"] for q in queries.captured_queries]
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    locked = next(i for i, q in enumerate(sql) if q.startswith('SELECT "cases_case"') and q.endswith(lock))
    written = next(i for i, q in enumerate(sql) if q.startswith('UPDATE "cases_case"'))
    assert locked < written


def test_the_history_decides_where_an_appeal_dismissed_or_remanded_lands(staff):
    for name, landing in (("dismiss_appeal", Status.INELIGIBLE), ("remand", Status.ELIGIBILITY_REVIEW)):
        case = f.CaseFactory(status=Status.INELIGIBLE)
        lc.case_appeal(case=case, actor=staff)
        make(name, case, staff)
        assert Case.objects.get(pk=case.pk).status == landing
        assert landing in MOVES[name].other_targets


# What is offered ------------------------------------------------------------------------------------------------

FACTS = {
    "plain": {},
    "found eligible": {"found_eligible_at": datetime.datetime(2014, 9, 1, 17, tzinfo=datetime.UTC)},
    "expedited": {"priority": Priority.EXPEDITED},
}
# What the facts rule out, as the table's conditions say it (a case not found eligible is not assigned).
RULED_OUT = {
    "plain": {Status.ELIGIBILITY_REVIEW: {"assign_reviewer"}},
    "found eligible": {Status.ELIGIBILITY_REVIEW: {"find_eligible"}},
    "expedited": {
        status: {"convert_to_expedited"} | ({"assign_reviewer"} if status == Status.ELIGIBILITY_REVIEW else set())
        for status in Status
    },
}
OFFER_CASES = [(fact, status) for fact in FACTS for status in Status]


@pytest.mark.parametrize(("fact", "status"), OFFER_CASES, ids=[f"{a}-{s.value}" for a, s in OFFER_CASES])
def test_the_allowed_actions_are_the_legal_moves(fact, status):
    case = f.CaseFactory(status=status, **FACTS[fact])
    if status == Status.APPEALED:
        f.CaseEventFactory(case=case, kind=CaseEvent.Kind.APPEALED, from_status=Status.ISSUED, to_status=status)
    legal = {name for name, move in MOVES.items() if status in move.sources}
    assert set(lc.case_allowed_actions(case)) == legal - RULED_OUT[fact].get(status, set())


def test_find_eligible_is_not_offered_after_the_finding(staff):
    case = case_needing(found_eligible_at=None)
    assert "find_eligible" in lc.case_allowed_actions(case)
    assert "assign_reviewer" not in lc.case_allowed_actions(case)
    lc.case_find_eligible(case=case, actor=staff)
    assert "find_eligible" not in lc.case_allowed_actions(case)
    assert "assign_reviewer" in lc.case_allowed_actions(case)


def test_an_appeal_without_its_record_cannot_be_dismissed():
    case = f.CaseFactory(status=Status.APPEALED)
    assert "dismiss_appeal" not in lc.case_allowed_actions(case)
    with pytest.raises(lc.TransitionError) as refused:
        lc.case_dismiss_appeal(case=case)
    assert refused.value.messages == [lc.NO_APPEAL_TO_DISMISS.format(case=case.case_number)]


# The admin ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", list(Status), ids=[s.value for s in Status])
def test_the_case_page_buttons_are_the_allowed_moves_with_a_page(status):
    case = f.CaseFactory(status=status)
    html = str(site._registry[Case].lifecycle_buttons(case))
    shown = re.findall(rf"/admin/cases/case/{case.pk}/lifecycle/(\w+)/\">([^<]+)</a>", html)
    assert shown == [(name, MOVES[name].label) for name in lc.case_allowed_actions(case) if MOVES[name].form]


def test_the_bulk_actions_are_the_tables():
    request = RequestFactory().get("/admin/cases/case/")
    request.user = f.UserFactory(is_staff=True, is_superuser=True)
    actions = site._registry[Case].get_actions(request)
    assert {name: description for name, (_, _, description) in actions.items()} == {
        f"{name}_action": (move.bulk_label or move.label) + ("…" if move.bulk_form else "")
        for name, move in MOVES.items()
        if move.bulk
    }


def test_every_page_form_and_service_of_the_table_exists():
    from cases.admin import forms as admin_forms

    for move in MOVES.values():
        assert callable(move.run), move.name
        for form in (move.form, move.bulk_form):
            assert form is None or hasattr(admin_forms, form), (move.name, form)


# The lock -------------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_move_waits_for_another_coordinators_move_and_is_checked_against_it(require_postgres):
    """Another transaction holds the row and withdraws the case; the move waits for it, then sees the case
    withdrawn and is refused. (A move that read the status without the lock would start the review of a withdrawn
    case: its UPDATE would wait, then write over the withdrawal.)"""
    case = f.CaseFactory(status=Status.RECEIVED)
    params = connection.settings_dict
    other = psycopg.connect(
        dbname=params["NAME"], user=params["USER"], host=params["HOST"], port=params["PORT"] or 5432
    )
    other.execute("SELECT id FROM cases_case WHERE id = %s FOR UPDATE", [case.pk])
    other.execute("UPDATE cases_case SET status = 'withdrawn' WHERE id = %s", [case.pk])
    timer = threading.Timer(0.5, other.commit)
    timer.start()
    try:
        with pytest.raises(lc.TransitionError) as refused:
            lc.case_start_eligibility_review(case=case)
    finally:
        timer.join()
        other.close()
    assert refused.value.messages == [lc.TERMINAL.format(case=case.case_number, current="withdrawn")]
    assert Case.objects.get(pk=case.pk).status == Status.WITHDRAWN
    assert not CaseEvent.objects.filter(case=case).exists()
