"""The administrators' tool, through the Django test client as a superuser: the case flow from application to
issued letter, every admin page of every registered model, constant-query changelists, and the lifecycle actions."""

import datetime
import itertools

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time
from rest_framework.authtoken.models import Token, TokenProxy

from cases import models as m
from cases.admin.common import CaseAccessLogMixin
from cases.services import lifecycle as lc
from cases.services.review import determination_sign, document_mark_reviewed
from letterimport.models import LetterImport
from notices.models import Notice
from precedents.models import TreatmentCategory
from reviewers import models as r
from tests import factories as f
from tests.lifecycle_helpers import case_needing, reviewer_in
from tests.support.case_page import case_page_with_panels

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2014, 9, 2)


@pytest.fixture(autouse=True)
def clock():
    with freeze_time("2014-09-02 10:00:00-07:00") as frozen:
        yield frozen


@pytest.fixture
def admin_user():
    return f.StaffFactory(username="coordinator")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


def lifecycle_url(case, action):
    return reverse("admin:cases_case_lifecycle", args=[case.pk, action])


def change_url(case):
    return reverse("admin:cases_case_change", args=[case.pk])


def inline_management(prefix, total=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


# The case flow, end to end --------------------------------------------------------------------------------------


def test_a_case_goes_from_application_to_issued_through_the_admin(admin_client, admin_user):
    psychiatry = f.SpecialtyFactory(name="Psychiatry")
    reviewer = reviewer_in(reference="ER-PSY")
    conflicted = reviewer_in(reference="ER-CONFLICT")
    f.AffiliationFactory(reviewer=conflicted, kind="employer", name="ACME stores")
    guideline = f.GuidelineFactory(title="Chronic Pain Medical Treatment Guidelines")

    # Received: the application is entered on one page, with a new worker and claim, a party with its address, and
    # a disputed item with the claims administrator's citation (dates as MM/DD/YYYY, as the page shows them).
    response = admin_client.post(
        reverse("admin:cases_case_add"),
        {
            "case_number": "CM14-0000100",
            "claim": "",
            "worker_first_name": "Maria",
            "worker_last_name": "Gonzalez",
            "worker_date_of_birth": "03/02/1970",
            "worker_sex": "female",
            "claim_number": "CLM-77",
            "date_of_injury": "01/15/2014",
            "priority": "standard",
            "application_received": "08/20/2014",
            "ur_decision_date": "08/04/2014",
            "parent": "",
            **inline_management("parties", 1),
            "parties-0-role": "employer",
            "parties-0-name": "Acme Stores",
            "parties-0-address": "1 Market St\nSan Francisco, CA 94105",
            **inline_management("items", 1),
            "items-0-order": "1",
            "items-0-title": "Psychotherapy, 6 sessions",
            "items-0-specialty": psychiatry.pk,
            **inline_management("items-0-citations", 1),
            "items-0-citations-0-order": "1",
            "items-0-citations-0-guideline": guideline.pk,
            "items-0-citations-0-sections": "Cognitive behavioral therapy",
            "items-0-citations-0-pages": "23",
            **inline_management("items-empty-citations"),
            **inline_management("treatment_history"),
            **inline_management("documents"),
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    case = m.Case.objects.get(case_number="CM14-0000100")
    assert case.status == m.Status.RECEIVED
    worker = case.claim.worker
    assert (worker.first_name, worker.last_name, worker.date_of_birth) == (
        "Maria",
        "Gonzalez",
        datetime.date(1970, 3, 2),
    )
    assert (case.claim.claim_number, case.claim.date_of_injury) == ("CLM-77", datetime.date(2014, 1, 15))
    assert case.parties.get().address == "1 Market St\nSan Francisco, CA 94105"
    citation = m.Citation.objects.get(item__case=case)
    assert (citation.side, citation.guideline, citation.pages) == (
        m.Citation.Side.CLAIMS_ADMINISTRATOR,
        guideline,
        "23",
    )
    page = admin_client.get(change_url(case)).content.decode()
    assert "Maria Gonzalez</span>, born 03/02/1970 (age 44), female" in page
    assert "CLM-77 · Maria Gonzalez, injured 01/15/2014" in page

    def act(action, data=None, follow=True):
        response = admin_client.post(lifecycle_url(case, action), data or {}, follow=follow)
        assert response.status_code == 200
        case.refresh_from_db()
        return response

    act("start_eligibility_review")
    assert case.status == m.Status.ELIGIBILITY_REVIEW
    assert lifecycle_url(case, "find_eligible") in admin_client.get(change_url(case)).content.decode()
    act("find_eligible", {"note": "Timely, signed, UR letter attached."})

    # The suggestions on the case page: the qualified reviewer first, by name, reference and specialty; the
    # conflicted one refused with why. "Find eligible" is no longer offered.
    page = case_page_with_panels(admin_client, case)
    assert lifecycle_url(case, "find_eligible") not in page
    assert "Assignment suggestions" in page
    assert f"Dr. {reviewer.user.get_full_name()} (ER-PSY, Psychiatry)" in page
    assert page.index("ER-PSY") < page.index("ER-CONFLICT")
    assert (
        "Reviewer ER-CONFLICT declared an affiliation (ACME stores) that matches the employer of case CM14-0000100: "
        "Acme Stores." in page
    )
    assert f"{lifecycle_url(case, 'assign_reviewer')}?reviewer={reviewer.pk}" in page

    # Refused assignment: the service's message, nothing changed.
    refused = act("assign_reviewer", {"reviewer": conflicted.pk, "notice_date": "2014-09-02", "notice_channel": "mail"})
    assert messages_of(refused) == [
        "Reviewer ER-CONFLICT declared an affiliation (ACME stores) that matches the employer of case CM14-0000100: "
        "Acme Stores."
    ]
    assert case.status == m.Status.ELIGIBILITY_REVIEW

    form_page = admin_client.get(lifecycle_url(case, "assign_reviewer") + f"?reviewer={reviewer.pk}")
    assert form_page.status_code == 200
    assert form_page.context["form"].initial["reviewer"] == str(reviewer.pk)
    assert (
        f"Dr. {reviewer.user.get_full_name()} (ER-PSY, Psychiatry) — eligible, 0/10 open" in form_page.content.decode()
    )
    act("assign_reviewer", {"reviewer": reviewer.pk, "notice_date": "2014-09-02", "notice_channel": "mail"})
    assert (case.status, case.reviewer, case.date_assigned) == (m.Status.ASSIGNED, reviewer, TODAY)

    act("request_records")
    assert case.status == m.Status.AWAITING_RECORDS
    act("mark_records_complete", {"on": "2014-09-02"})
    assert (case.status, case.decision_due) == (m.Status.IN_REVIEW, datetime.date(2014, 10, 2))

    # Signed: the reviewer's draft, then the workspace's own signing service (it moves the case to signed).
    case.clinical_summary = "The injured worker is a 51-year-old man with chronic low back pain."
    case.save()
    item = case.items.get()
    item.decision, item.rationale = m.Decision.UPHELD, "Guidelines do not support more sessions."
    item.save()
    f.CitationFactory(item=item, side=m.Citation.Side.IMRO)
    report = f.DocumentFactory(case=case, doc_type=m.Document.Type.PR2)
    document_mark_reviewed(document=report, user=reviewer.user)
    determination_sign(case=case, user=reviewer.user, override_note="Admin flow test: warnings acknowledged.")
    lc.case_transition(case=case, to=m.Status.ISSUED, actor=admin_user, note="Served on all parties")

    page = case_page_with_panels(admin_client, case)
    timeline = page[page.index('class="case-timeline"') :]
    kinds = [
        "received",
        "eligibility_review",
        "eligible",
        "assigned",
        "records_requested",
        "records_complete",
        "determination_signed",
        "letter_issued",
    ]
    labels = [
        "Application received",
        "Eligibility review started",
        "Found eligible",
        "Reviewer assigned",
        "Records requested",
        "Records complete",
        "Determination signed",
        "Letter issued",
    ]
    positions = [timeline.index(f"<td>{label}</td>") for label in labels]
    assert positions == sorted(positions)
    assert "records_complete" not in timeline and "status:" not in timeline
    assert f"Assigned to Dr. {reviewer.user.get_full_name()} (ER-PSY, Psychiatry); notice sent 09/02/2014" in timeline
    assert f"<td>{admin_user.get_full_name()}</td>" in timeline
    assert "Application received → Eligibility review" in timeline
    assert "In review → Signed" in timeline
    assert "Signed → Issued" in timeline
    assert list(m.CaseEvent.objects.filter(case=case).values_list("kind", flat=True)) == kinds
    # Opening the case in the admin is a PHI access too.
    assert m.CaseAccess.objects.filter(case=case, user=admin_user).exists()


def test_a_note_typed_for_a_refused_assignment_does_not_carry_over_to_the_next_one(admin_client):
    case = case_needing()
    f.PartyFactory(case=case, role="employer", name="Acme Stores")
    conflicted, good = reviewer_in(reference="ER-BAD"), reviewer_in(reference="ER-GOOD")
    f.AffiliationFactory(reviewer=conflicted, kind="employer", name="Acme Stores")
    refused = admin_client.post(
        lifecycle_url(case, "assign_reviewer"),
        {"reviewer": conflicted.pk, "notice_date": "2014-08-29", "notice_channel": "electronic", "note": "Dr. Bad ok"},
    )
    form = refused.context["form"]
    assert not form.is_bound and "Dr. Bad ok" not in refused.content.decode()
    assert form.initial == {
        "notice_date": datetime.date(2014, 8, 29),
        "notice_channel": "electronic",
        "current_reviewer": None,  # the case as it stands now: still without a reviewer
    }
    # Submitting the form as shown again, with the other reviewer chosen.
    admin_client.post(
        lifecycle_url(case, "assign_reviewer"),
        {"reviewer": good.pk, "notice_date": "2014-08-29", "notice_channel": "electronic", "note": ""},
    )
    event = m.CaseEvent.objects.get(case=case, kind="assigned")
    assert event.note == (
        f"Assigned to {good.label}; notice sent 08/29/2014 by electronic. Deadlines: records due 09/10/2014."
    )


def test_other_refused_actions_keep_what_was_typed(admin_client):
    case = f.CaseFactory(status=m.Status.IN_REVIEW, records_complete=TODAY)
    response = admin_client.post(
        lifecycle_url(case, "extend_deadline"), {"days": "3", "reason": "", "approved_by": "AD"}
    )
    assert response.context["form"].is_bound and response.context["form"]["approved_by"].value() == "AD"


def test_lifecycle_buttons_follow_the_status(admin_client):
    case = f.CaseFactory(status=m.Status.AWAITING_RECORDS)
    page = admin_client.get(change_url(case)).content.decode()
    for action in ("mark_records_complete", "reassign_reviewer", "extend_deadline", "withdraw", "terminate"):
        assert lifecycle_url(case, action) in page
    for action in ("start_eligibility_review", "assign_reviewer", "request_records", "appeal", "remand"):
        assert lifecycle_url(case, action) not in page


def test_a_refused_lifecycle_action_shows_the_service_message(admin_client):
    case = f.CaseFactory(status=m.Status.IN_REVIEW, records_complete=TODAY)
    response = admin_client.post(lifecycle_url(case, "extend_deadline"), {"days": "3", "reason": ""})
    assert response.status_code == 200
    assert messages_of(response) == ["An extension needs a recorded reason."]
    response = admin_client.post(lifecycle_url(case, "withdraw"), {"reason": ""}, follow=True)
    assert messages_of(response) == ["Say why the case becomes withdrawn: a reason is required."]
    response = admin_client.post(
        lifecycle_url(case, "extend_deadline"), {"days": "3", "reason": "Complex"}, follow=True
    )
    case.refresh_from_db()
    assert case.decision_due == datetime.date(2014, 10, 5)


def test_saving_the_case_form_cannot_change_what_transitions_own(admin_client):
    case = f.CaseFactory(status=m.Status.RECEIVED)
    response = admin_client.get(change_url(case))
    form = response.context["adminform"].form
    assert "status" not in form.fields and "decision_due" not in form.fields and "reviewer" not in form.fields
    assert "priority" not in form.fields


# Changelist actions ---------------------------------------------------------------------------------------------


def test_bulk_assignment_checks_each_case_and_reports_each(admin_client):
    reviewer = reviewer_in(reference="ER-PSY")
    good = case_needing(case_number="CM14-0000001")
    conflicted = case_needing(case_number="CM14-0000002")
    f.PartyFactory(case=conflicted, role="attorney", name="Smith Law")
    f.AffiliationFactory(reviewer=reviewer, kind="attorney", name="smith law")
    closed = f.CaseFactory(case_number="CM14-0000003", status=m.Status.WITHDRAWN)
    changelist = reverse("admin:cases_case_changelist")
    selected = {"action": "assign_reviewer_action", "_selected_action": [good.pk, conflicted.pk, closed.pk]}

    page = admin_client.post(changelist, selected)
    assert page.status_code == 200
    assert "Assign reviewer: the selected cases" in page.content.decode()

    done = admin_client.post(
        changelist,
        {**selected, "apply": "1", "reviewer": reviewer.pk, "notice_date": "2014-09-02", "notice_channel": "mail"},
        follow=True,
    )
    assert messages_of(done) == [
        f"CM14-0000001: assigned to {reviewer.label}.",
        "CM14-0000002: Reviewer ER-PSY declared an affiliation (smith law) that matches the attorney of case "
        "CM14-0000002: Smith Law.",
        "CM14-0000003: Case CM14-0000003 is withdrawn: it is closed and cannot change.",
    ]
    good.refresh_from_db()
    assert good.reviewer == reviewer


def test_bulk_assignment_makes_first_assignments_only(admin_client):
    first, second = reviewer_in(reference="ER-FIRST"), reviewer_in(reference="ER-SECOND")
    new = case_needing(case_number="CM14-0000001")
    taken = {}
    for n, status in enumerate((m.Status.ASSIGNED, m.Status.AWAITING_RECORDS, m.Status.IN_REVIEW), start=2):
        case = case_needing(case_number=f"CM14-000000{n}")
        lc.case_assign_reviewer(case=case, reviewer=first, notice_date=TODAY)
        if status != m.Status.ASSIGNED:
            lc.case_request_records(case=case)
        if status == m.Status.IN_REVIEW:
            lc.case_mark_records_complete(case=case, on=TODAY)
        taken[case.case_number] = case
    changelist = reverse("admin:cases_case_changelist")
    selected = {"action": "assign_reviewer_action", "_selected_action": [new.pk, *(c.pk for c in taken.values())]}
    page = admin_client.post(changelist, selected).content.decode()
    assert lc.MOVES["assign_reviewer"].help in page
    done = admin_client.post(
        changelist,
        {**selected, "apply": "1", "reviewer": second.pk, "notice_date": "2014-09-02", "notice_channel": "mail"},
        follow=True,
    )
    assert messages_of(done) == [
        f"CM14-0000001: assigned to {second.label}.",
        *(
            f"{number}: " + lc.NOT_A_FIRST_ASSIGNMENT.format(case=number, current=m.Status(case.status).label.lower())
            for number, case in taken.items()
        ),
    ]
    assert messages_of(done)[1] == (
        "CM14-0000002: Case CM14-0000002 is assigned: it already has a reviewer. Only a first assignment is made "
        "here; reassign it from the case's own page."
    )
    for case in taken.values():
        case.refresh_from_db()
        assert case.reviewer == first
        assert m.Assignment.objects.filter(case=case).count() == 1
    new.refresh_from_db()
    assert new.reviewer == second


def test_bulk_actions_without_input_call_the_service_per_case(admin_client):
    received = f.CaseFactory(case_number="CM14-0000001", status=m.Status.RECEIVED)
    assigned = f.CaseFactory(case_number="CM14-0000002", status=m.Status.ASSIGNED)
    response = admin_client.post(
        reverse("admin:cases_case_changelist"),
        {"action": "start_eligibility_review_action", "_selected_action": [received.pk, assigned.pk]},
        follow=True,
    )
    assert messages_of(response) == [
        "CM14-0000001: eligibility review started.",
        "CM14-0000002: Case CM14-0000002 is assigned: “Start eligibility review” is possible only when it is "
        "application received or deferred.",
    ]


def test_bulk_withdrawal_asks_for_a_reason(admin_client):
    case = f.CaseFactory(case_number="CM14-0000001", status=m.Status.ELIGIBILITY_REVIEW)
    changelist = reverse("admin:cases_case_changelist")
    selected = {"action": "withdraw_action", "_selected_action": [case.pk]}
    assert "Withdraw: the selected cases" in admin_client.post(changelist, selected).content.decode()
    response = admin_client.post(changelist, {**selected, "apply": "1", "reason": ""}, follow=True)
    assert messages_of(response) == ["CM14-0000001: Say why the case becomes withdrawn: a reason is required."]
    response = admin_client.post(changelist, {**selected, "apply": "1", "reason": "Applicant withdrew"}, follow=True)
    assert messages_of(response) == ["CM14-0000001: withdrawn."]
    case.refresh_from_db()
    assert case.status == m.Status.WITHDRAWN


# Changelist filters ---------------------------------------------------------------------------------------------


def test_case_changelist_filters_overdue_and_due_this_week_and_shows_days_left(admin_client):
    overdue = f.CaseFactory(
        case_number="CM14-0000001", status=m.Status.IN_REVIEW, decision_due=TODAY - datetime.timedelta(1)
    )
    this_week = f.CaseFactory(case_number="CM14-0000002", status=m.Status.IN_REVIEW, decision_due=TODAY)
    f.CaseFactory(case_number="CM14-0000003", status=m.Status.SIGNED, decision_due=TODAY - datetime.timedelta(9))
    url = reverse("admin:cases_case_changelist")
    assert list(admin_client.get(url + "?deadline=overdue").context["cl"].result_list) == [overdue]
    assert list(admin_client.get(url + "?deadline=week").context["cl"].result_list) == [this_week]
    rows = {c.case_number: c.days_left for c in admin_client.get(url).context["cl"].result_list}
    assert rows == {"CM14-0000001": -1, "CM14-0000002": 0, "CM14-0000003": None}  # signed: no clock runs


def test_case_search_by_number_claim_and_worker_last_name(admin_client):
    case = f.CaseFactory(
        case_number="CM14-0000555",
        claim=f.ClaimFactory(claim_number="ZX-9", worker=f.WorkerFactory(last_name="Quintero")),
    )
    f.CaseFactory()
    url = reverse("admin:cases_case_changelist")
    for term in ("CM14-0000555", "ZX-9", "quintero"):
        assert list(admin_client.get(url, {"q": term}).context["cl"].result_list) == [case]


# The PHI access log ---------------------------------------------------------------------------------------------


def test_the_access_log_is_read_only_filterable_and_searchable(admin_client, admin_user):
    case = f.CaseFactory(case_number="CM14-0000777")
    other = f.CaseFactory()
    reader = f.UserFactory(username="dr.reader")
    access = f.CaseAccessFactory(case=case, user=reader)
    f.CaseAccessFactory(case=other, user=admin_user)
    url = reverse("admin:cases_caseaccess_changelist")
    assert list(admin_client.get(url, {"q": "CM14-0000777"}).context["cl"].result_list) == [access]
    assert list(admin_client.get(url, {"user__id__exact": reader.pk}).context["cl"].result_list) == [access]
    assert admin_client.get(reverse("admin:cases_caseaccess_add")).status_code == 403
    assert admin_client.get(reverse("admin:cases_caseaccess_delete", args=[access.pk])).status_code == 403
    change = admin_client.get(reverse("admin:cases_caseaccess_change", args=[access.pk]))
    assert change.status_code == 200 and not change.context["has_change_permission"]
    assert (
        admin_client.post(reverse("admin:cases_caseaccess_change", args=[access.pk]), {"path": "/x"}).status_code == 403
    )
    # The case page shows its recent accesses.
    page = case_page_with_panels(admin_client, case)
    assert reader.get_full_name() in page and f"/cases/{case.case_number}/" in page


def test_a_staff_member_without_permission_cannot_see_the_access_log(client):
    clerk = f.UserFactory(username="clerk", is_staff=True)
    client.force_login(clerk)
    assert client.get(reverse("admin:cases_caseaccess_changelist")).status_code == 403


# Every admin page of every registered model ---------------------------------------------------------------------

_seq = itertools.count(1)


def _case_with_everything():
    case = case_needing(status=m.Status.ELIGIBILITY_REVIEW)
    f.PartyFactory(case=case)
    f.TreatmentEventFactory(case=case)
    f.DocumentFactory(case=case)
    f.CaseEventFactory(case=case)
    f.CaseAccessFactory(case=case)
    f.ServiceFactory(notice=f.NoticeFactory(case=case))
    reviewer_in()
    return case


BUILDERS = {
    Group: lambda: Group.objects.create(name=f"Coordinators {next(_seq)}"),
    get_user_model(): f.UserFactory,
    AccessAttempt: lambda: AccessAttempt.objects.create(
        user_agent="pytest",
        ip_address="127.0.0.1",
        username=f"someone{next(_seq)}",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=1,
    ),
    AccessLog: lambda: AccessLog.objects.create(
        user_agent="pytest", ip_address="127.0.0.1", username="someone", http_accept="*/*", path_info="/"
    ),
    AccessFailureLog: lambda: AccessFailureLog.objects.create(
        user_agent="pytest", ip_address="127.0.0.1", username="someone", http_accept="*/*", path_info="/"
    ),
    r.Specialty: lambda: f.SpecialtyFactory(name=f"Specialty {next(_seq)}"),
    r.Reviewer: f.ReviewerFactory,
    r.License: f.LicenseFactory,
    r.BoardCertification: f.BoardCertificationFactory,
    r.Affiliation: f.AffiliationFactory,
    m.InjuredWorker: f.WorkerFactory,
    m.Claim: f.ClaimFactory,
    m.Case: _case_with_everything,
    m.Party: f.PartyFactory,
    m.TreatmentEvent: f.TreatmentEventFactory,
    m.Document: f.DocumentFactory,
    m.DocumentReview: f.DocumentReviewFactory,
    m.DisputedItem: lambda: f.DisputedItemFactory(specialty=f.SpecialtyFactory()),
    m.Citation: f.CitationFactory,
    m.Guideline: f.GuidelineFactory,
    m.Determination: f.DeterminationFactory,
    m.Letter: f.LetterFactory,
    m.Assignment: lambda: f.AssignmentFactory(conflict_check={"outcome": "clear"}),
    m.CaseEvent: f.CaseEventFactory,
    m.CaseAccess: f.CaseAccessFactory,
    Notice: f.NoticeFactory,
    LetterImport: f.LetterImportFactory,
    TokenProxy: lambda: TokenProxy.objects.get(key=Token.objects.create(user=f.UserFactory()).key),
    TreatmentCategory: lambda: TreatmentCategory.objects.create(name=f"Category {next(_seq)}", keywords="brace"),
}
REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.mark.parametrize("model,model_admin", REGISTERED, ids=[model._meta.label for model, _ in REGISTERED])
def test_every_admin_page_opens_for_an_administrator(admin_client, rf, admin_user, model, model_admin):
    builder = BUILDERS.get(model)
    assert builder, f"No builder for {model._meta.label}: add one to BUILDERS so its admin pages are crawled."
    obj = builder()
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    assert admin_client.get(reverse(f"{name}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"{name}_changelist"), {"q": "x"}).status_code == 200
    request = rf.get("/")
    request.user = admin_user
    add = admin_client.get(reverse(f"{name}_add"))
    assert add.status_code == (200 if model_admin.has_add_permission(request) else 403)
    assert admin_client.get(reverse(f"{name}_change", args=[obj.pk])).status_code == 200
    assert admin_client.get(reverse(f"{name}_history", args=[obj.pk])).status_code == 200


def _leads_to_case(model, depth=3):
    """True when ``model`` is the case or reaches it through foreign keys (a case-linked record: PHI)."""
    if model is m.Case:
        return True
    if depth == 0:
        return False
    return any(
        _leads_to_case(field.related_model, depth - 1)
        for field in model._meta.get_fields()
        if field.many_to_one and field.concrete and field.related_model is not model
    )


# The access log itself names cases but holds no PHI; opening it is not a case access.
CASE_LINKED = [(mdl, ma) for mdl, ma in REGISTERED if _leads_to_case(mdl) and mdl is not m.CaseAccess]


def test_every_case_linked_admin_logs_phi_access():
    assert {mdl for mdl, _ in CASE_LINKED} >= {
        m.Case,
        m.Party,
        m.TreatmentEvent,
        m.Document,
        m.DisputedItem,
        m.Citation,
        m.Determination,
        m.Letter,
        m.Assignment,
        m.CaseEvent,
        m.DocumentReview,
    }
    for mdl, model_admin in CASE_LINKED:
        assert isinstance(model_admin, CaseAccessLogMixin), f"{mdl._meta.label} admin does not log PHI access"


@pytest.mark.parametrize("model,model_admin", CASE_LINKED, ids=[mdl._meta.label for mdl, _ in CASE_LINKED])
def test_opening_a_case_linked_record_in_the_admin_is_logged(admin_client, admin_user, model, model_admin):
    obj = BUILDERS[model]()
    case = model_admin.case_of(obj)
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    urls = [reverse(f"{name}_change", args=[obj.pk]), reverse(f"{name}_history", args=[obj.pk])]
    for url in urls:
        assert admin_client.get(url).status_code == 200
    logged = sorted(m.CaseAccess.objects.filter(user=admin_user).values_list("case_id", "path"))
    assert logged == sorted((case.pk, url) for url in urls)


def test_a_lifecycle_page_and_a_historical_version_are_logged(admin_client, admin_user):
    case = case_needing()
    url = lifecycle_url(case, "assign_reviewer")
    assert admin_client.get(url).status_code == 200
    assert m.CaseAccess.objects.filter(case=case, user=admin_user, path=url).exists()
    version = case.history.first()
    url = reverse("admin:cases_case_simple_history", args=[case.pk, version.history_id])
    assert admin_client.get(url).status_code == 200
    assert m.CaseAccess.objects.filter(case=case, user=admin_user, path=url).exists()


def test_a_posted_form_is_not_logged_twice(admin_client, admin_user):
    case = f.CaseFactory(status=m.Status.ELIGIBILITY_REVIEW)
    admin_client.post(lifecycle_url(case, "defer"), {"reason": "Liability disputed"})
    assert not m.CaseAccess.objects.filter(user=admin_user).exists()


@pytest.mark.parametrize("status", [s for s in m.Status if s != m.Status.RECEIVED])
def test_case_number_claim_and_parent_are_fixed_once_the_case_is_past_received(admin_client, status):
    case = f.CaseFactory(status=status, case_number="CM14-0000042")
    form = admin_client.get(change_url(case)).context["adminform"].form
    assert not {"case_number", "claim", "parent"} & set(form.fields)
    admin_client.post(
        change_url(case),
        {"case_number": "CM14-0000099", "claim": f.ClaimFactory().pk, "application_received": "2014-08-20"},
    )
    case.refresh_from_db()
    assert case.case_number == "CM14-0000042"


def test_case_number_claim_and_parent_are_editable_while_received(admin_client):
    case = f.CaseFactory(status=m.Status.RECEIVED)
    form = admin_client.get(change_url(case)).context["adminform"].form
    assert {"case_number", "claim", "parent"} <= set(form.fields)


def test_every_foreign_key_to_a_big_table_uses_autocomplete():
    big = {m.Case, r.Reviewer, m.Guideline, m.Claim, m.InjuredWorker, m.DisputedItem, m.Document}
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("cases", "reviewers"):
            continue
        request = _superuser_request()
        if not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)):
            continue  # written by services only: nothing to pick
        editable = set(flatten_fieldsets(model_admin.get_fieldsets(request))) - set(
            model_admin.get_readonly_fields(request)
        )
        for field in model._meta.get_fields():
            if field.many_to_one and field.related_model in big and field.name in editable:
                assert field.name in model_admin.autocomplete_fields, f"{model._meta.label}.{field.name}"


def _superuser_request():
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = get_user_model()(is_superuser=True, is_staff=True)
    return request


# Constant queries -----------------------------------------------------------------------------------------------

COUNTED = [model for model, _ in REGISTERED if model._meta.app_label in ("cases", "reviewers")]


def _changelist_queries(client, model, n):
    for _ in range(n):
        BUILDERS[model]()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", COUNTED, ids=[model._meta.label for model in COUNTED])
def test_changelists_cost_the_same_number_of_queries_for_5_and_25_rows(admin_client, model):
    few = _changelist_queries(admin_client, model, 5)
    many = _changelist_queries(admin_client, model, 20)
    assert few == many


def test_the_case_changelist_is_constant_for_5_and_25_cases_with_reviewers(admin_client):
    def cases(n):
        for _ in range(n):
            f.CaseFactory(status=m.Status.IN_REVIEW, reviewer=f.ReviewerFactory(), decision_due=TODAY)
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(reverse("admin:cases_case_changelist"))
        assert response.status_code == 200
        return len(queries), response.context["cl"].result_count

    few, count = cases(5)
    assert count == 5
    many, count = cases(20)
    assert count == 25
    assert few == many
