"""load_demo: idempotent, DEBUG-only unless forced, the seed case as dr.psych's draft, dr.ortho's own cases."""

import datetime
import io
import json

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from cases.assignment.matching import reviewer_match
from cases.assignment.rules import ALREADY_ASSIGNED
from cases.interchange import case_export
from cases.management.commands.load_demo import NOT_IN_DEBUG
from cases.models import Assignment, Case, Citation, Guideline, Letter, Status
from cases.selectors import cases_today_work, cases_visible_to, letters_to_issue
from cases.services import demo
from cases.services.demo_workload import workload_case_numbers
from reviewers.models import Reviewer
from reviewers.selectors import reviewer_credentials, reviewers_credentials_expiring
from tests.support import SEED_CASE_PATH, row_counts, seed_case

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def loaded_once(django_db_setup, django_db_blocker):
    """The demo is loaded once for this module (it renders letters: seconds, not milliseconds); each test runs in a
    transaction on top of it, and the module leaves an empty database behind."""
    with django_db_blocker.unblock():
        call_command("load_demo", "--force", stdout=io.StringIO())
        yield
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def load(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    before = row_counts()
    with pytest.raises(CommandError) as caught:
        load()
    assert str(caught.value) == NOT_IN_DEBUG
    assert NOT_IN_DEBUG == (
        "load_demo creates users whose password is published (imr-demo); it runs only with DEBUG on. "
        "Pass --force to load it anyway."
    )
    assert row_counts() == before


def test_force_loads_when_debug_is_off(settings):
    settings.DEBUG = False
    load("--force")
    assert Case.objects.filter(case_number="CM14-0000001").exists()


def test_second_run_changes_nothing(debug):
    load()
    after_first = row_counts()
    output = load()
    assert row_counts() == after_first
    assert "Demo data already loaded; nothing changed." in output


def test_prints_the_demo_logins(debug):
    output = load()
    assert "Demo logins (every password is imr-demo):" in output
    assert "  admin       / imr-demo  administrator: Django admin at /admin/" in output
    assert "  coordinator / imr-demo  coordinator: /admin/: intake, lifecycle actions and letters" in output
    assert "  auditor     / imr-demo  auditor: /admin/: every case, its timeline, access log and history" in output
    assert "  dr.psych    / imr-demo  expert reviewer: /cases/: CM14-0000001" in output
    assert "  dr.ortho    / imr-demo  expert reviewer: /cases/: CM16-0301234, CM16-0301877, CM16-0302410" in output


def test_demo_users_log_in_with_the_demo_password(debug):
    load()
    users = {user.username: user for user in get_user_model().objects.all() if user.has_usable_password()}
    assert sorted(users) == ["admin", "auditor", "coordinator", "dr.ortho", "dr.psych"]
    assert all(user.check_password("imr-demo") for user in users.values())
    assert users["admin"].is_staff and users["admin"].is_superuser
    # The coordinator and the auditor hold their group's rights, nothing more.
    for username, group in (("coordinator", "Coordinator"), ("auditor", "Auditor")):
        user = users[username]
        assert user.is_staff and not user.is_superuser
        assert [g.name for g in user.groups.all()] == [group]
        assert user.has_perm("cases.view_all_cases")
    assert users["coordinator"].has_perm("cases.change_case") and not users["auditor"].has_perm("cases.change_case")
    assert not users["dr.psych"].is_staff and users["dr.psych"].get_full_name()


def test_seed_case_is_the_fixture_as_an_unsigned_draft(debug):
    load()
    case = Case.objects.get(case_number="CM14-0000001")
    expected = seed_case()
    expected["determination"] = None
    assert json.loads(json.dumps(case_export(case))) == expected
    assert not case.determinations.exists()
    assert case.status == Status.IN_REVIEW
    assert case.reviewer.reference == "ER-0001"
    assert case.decision_due == timezone.localdate() + datetime.timedelta(days=demo.DECISION_DUE_IN_DAYS)
    assert Assignment.objects.filter(case=case, reviewer=case.reviewer, ended_at__isnull=True).count() == 1
    assert sorted(case.documents.values_list("doc_type", "document_date")) == [
        ("imr_application", datetime.date(2014, 8, 18)),
        ("pr2", datetime.date(2014, 7, 25)),
        ("ur_letter", datetime.date(2014, 8, 4)),
    ]
    assert list(case.events.values_list("kind", flat=True)) == [
        "imported",
        "eligibility_review",
        "assigned",
        "records_requested",
        "records_complete",
    ]


def test_each_reviewer_sees_only_their_own_cases(debug):
    load()
    psych = Reviewer.objects.get(reference="ER-0001").user
    ortho = Reviewer.objects.get(reference="ER-0002").user
    assert list(cases_visible_to(psych).values_list("case_number", flat=True)) == ["CM14-0000001"]
    assert sorted(cases_visible_to(ortho).values_list("case_number", flat=True)) == [
        "CM16-0301234",
        "CM16-0301877",
        "CM16-0302410",
    ]
    statuses = dict(Case.objects.filter(reviewer__reference="ER-0002").values_list("case_number", "status"))
    assert statuses == {
        "CM16-0301234": Status.ASSIGNED,
        "CM16-0301877": Status.AWAITING_RECORDS,
        "CM16-0302410": Status.IN_REVIEW,
    }
    assert all(Case.objects.get(case_number=n).documents.exists() for n in statuses)


def test_dr_psych_credentials_are_the_seed_letters(debug):
    load()
    credentials = reviewer_credentials(Reviewer.objects.get(reference="ER-0001"), timezone.localdate())
    seed_reviewer = seed_case()["determination"]["reviewer"]
    for key in ("licensure_states", "specialties", "board_certified"):
        assert credentials[key] == seed_reviewer[key]
    assert credentials["years_in_practice"] > 5 and credentials["weekly_practice_hours"] >= 24
    ortho = reviewer_credentials(Reviewer.objects.get(reference="ER-0002"), timezone.localdate())
    assert (ortho["licensure_states"], ortho["specialties"]) == (["California", "Oregon"], ["Orthopedic Surgery"])


def test_guideline_library_is_loaded_and_cited(debug):
    load()
    assert Guideline.objects.filter(source="MTUS", imported_unreviewed=False).count() == 18
    odg = Guideline.objects.get(title="Official Disability Guidelines (ODG)")
    assert (odg.evidence_rank, odg.aliases.splitlines()[0]) == ("C", "ODG")
    seed_citations = Citation.objects.filter(item__case__case_number="CM14-0000001", side=Citation.Side.IMRO)
    assert not seed_citations.filter(guideline__imported_unreviewed=True).exists()
    # The claims administrator's free-text citation is not a library title: added for an administrator to review.
    assert Guideline.objects.get(imported_unreviewed=True).title == "ODG ; psychotherpy for affective disorders"


def test_app_copy_of_the_seed_is_the_shared_fixture():
    assert demo.SEED_CASE_PATH.read_text(encoding="utf-8") == SEED_CASE_PATH.read_text(encoding="utf-8")


def test_demo_documents_can_be_opened_and_items_name_their_specialty(debug):
    load()
    for case in Case.objects.filter(case_number__in=["CM14-0000001", "CM16-0302410"]):
        assert case.documents.exists()
        for document in case.documents.all():
            with document.file.open("rb") as handle:
                assert handle.read(5) == b"%PDF-"
            assert document.sha256
        specialties = {item.specialty.name for item in case.items.select_related("specialty")}
        assert specialties == {s.name for s in case.reviewer.specialties.all()}


def test_the_assigned_demo_reviewer_passes_every_matching_rule_but_already_having_the_case(debug):
    load()
    case = Case.objects.get(case_number="CM16-0301234")
    match = reviewer_match(case=case, reviewer=case.reviewer, on=timezone.localdate())
    assert match.failures == [ALREADY_ASSIGNED.format(reviewer=case.reviewer, case=case)]


# A working day: deadlines from the load date, every status, several reviewers ---------------------------------


def test_no_deadline_is_years_old_and_today_has_work(debug):
    today = timezone.localdate()
    open_cases = Case.objects.filter(status__in=[Status.ASSIGNED, Status.AWAITING_RECORDS, Status.IN_REVIEW])
    assert open_cases.count() >= 20
    for case in open_cases:
        running = timezone.localtime(case.records_due).date() if case.status != Status.IN_REVIEW else case.decision_due
        assert abs((running - today).days) <= 30, case.case_number
    assert cases_today_work(today) == {
        "records_overdue": 2,
        "decisions_overdue": 1,
        "decisions_due_today": 2,
        "decisions_due_week": 6,
        "waiting_for_reviewer": 2,
    }
    seed = Case.objects.get(case_number="CM14-0000001")
    assert (seed.status, seed.reviewer.user.username, seed.determinations.exists()) == (
        Status.IN_REVIEW,
        "dr.psych",
        False,
    )


def test_the_workload_holds_every_status_for_several_reviewers(debug):
    assert set(Case.objects.values_list("status", flat=True)) == set(Status.values)
    assert Case.objects.count() == 45
    reviewers = set(Case.objects.exclude(reviewer=None).values_list("reviewer__reference", flat=True))
    assert {"ER-0001", "ER-0002", "ER-0003", "ER-0004", "ER-0005"} <= reviewers
    # Signed and later cases went through real signing: a determination, and a rendered letter to issue or issued.
    # The third signed case's letter is queued for the worker; without a broker (SQLite, no REDIS_URL) tasks run at
    # once and it is rendered too.
    assert letters_to_issue().count() == (3 if settings.CELERY_TASK_ALWAYS_EAGER else 2)
    # Two issued, one appealed, one remanded, one being corrected.
    assert Letter.objects.filter(issued_at__isnull=False).count() == 5
    lapsing = reviewers_credentials_expiring(Reviewer.objects.filter(active=True), timezone.localdate())
    assert [r.reference for r in lapsing] == ["ER-0005"]


def test_every_workload_case_went_through_the_services(debug):
    for case in Case.objects.filter(case_number__in=workload_case_numbers()).prefetch_related("events"):
        kinds = [event.kind for event in case.events.all()]
        assert kinds[0] == "received", case.case_number
        assert case.claim.worker.last_name and case.items.get().specialty is not None
