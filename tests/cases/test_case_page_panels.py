"""The admin's case change page at a fixed cost: the case and its inlines' rows in a constant number of queries
whatever the number of items, citations, documents, events and parties, each inline's empty form built once; the
heavy parts (suggestions, timeline, letters and notices, the read-only records, access log) as panels loaded after
the page, each behind the page's own permission rules."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from cases.admin.panels import PANELS
from cases.models import CaseAccess, Citation, Determination
from tests import factories as f
from tests.lifecycle_helpers import case_needing, reviewer_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with freeze_time("2014-09-02 18:30:00-07:00"):
        yield


@pytest.fixture
def staff(client):
    user = f.StaffFactory(username="coordinator")
    client.force_login(user)
    return user


def change_url(case):
    return reverse("admin:cases_case_change", args=[case.pk])


def panel_url(case, name):
    return reverse("admin:cases_case_panel", args=[case.pk, name])


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in captured.captured_queries]


def add_content(case, n):
    """``n`` more of everything the page's inlines show, each item with a claims administrator citation."""
    specialty = case.items.first().specialty
    for _ in range(n):
        item = f.DisputedItemFactory(case=case, specialty=specialty)
        f.CitationFactory(item=item, side=Citation.Side.CLAIMS_ADMINISTRATOR)
        f.DocumentFactory(case=case)
        f.TreatmentEventFactory(case=case)
        f.PartyFactory(case=case)
        f.CaseEventFactory(case=case)


def test_the_change_page_costs_the_same_queries_with_1_and_10_items_documents_and_events(client, staff):
    case = case_needing(case_number="CM14-0000777")
    queries(client, change_url(case))  # the first visit fills per-process caches (content types)
    add_content(case, 1)
    one = queries(client, change_url(case))
    add_content(case, 9)
    ten = queries(client, change_url(case))
    assert len(one) == len(ten)
    assert len(ten) <= 12  # session, user, the case, 4 inlines, the citations, the access log and its transaction
    case_reads = [sql for sql in ten if sql.startswith('SELECT "cases_case"."id"') and f"= {case.pk}" in sql]
    assert len(case_reads) == 1
    page = client.get(change_url(case)).content.decode()
    for document in case.documents.all():  # every row is on the page
        assert f'value="{document.title}"' in page
    for item in case.items.all():
        assert item.title in page


def test_the_page_shows_each_panel_as_a_placeholder_that_loads_it(client, staff):
    case = case_needing(case_number="CM14-0000778")
    page = client.get(change_url(case)).content.decode()
    for name in PANELS:
        assert f'id="panel-{name}" hx-get="{panel_url(case, name)}" hx-trigger="load"' in page, name


def test_each_panel_shows_its_part_of_the_case(client, staff):
    case = case_needing(case_number="CM14-0000779")
    reviewer_in(user__first_name="Miriam", user__last_name="Okafor")
    f.CaseEventFactory(case=case, note="Application checked for timeliness")
    client.get(change_url(case))  # recorded in the access log
    assert "Okafor" in client.get(panel_url(case, "suggestions")).content.decode()
    assert "Application checked for timeliness" in client.get(panel_url(case, "timeline")).content.decode()
    assert f"{change_url(case)}</td>" in client.get(panel_url(case, "accesses")).content.decode()
    assert client.get(panel_url(case, "documents")).status_code == 200
    assert client.get(panel_url(case, "nothing")).status_code == 404


def test_the_suggestions_panel_costs_the_same_queries_with_10_and_100_reviewers(client, staff):
    case = case_needing(case_number="CM14-0000780")
    url = panel_url(case, "suggestions")
    queries(client, url)
    for _ in range(10):
        reviewer_in()
        f.ReviewerFactory()  # another specialty: never a candidate
    few = queries(client, url)
    for _ in range(90):
        reviewer_in()
        f.ReviewerFactory()
    assert len(queries(client, url)) == len(few)


def test_a_reviewer_or_anonymous_user_cannot_load_a_panel(client):
    case = case_needing(case_number="CM14-0000781")
    reviewer = reviewer_in()
    case.reviewer = reviewer
    case.save()
    for name in PANELS:
        response = client.get(panel_url(case, name))  # anonymous: to the admin's login
        assert response.status_code == 302 and "/login/" in response["Location"], name
    client.force_login(reviewer.user)  # not staff, even on the reviewer's own case
    for name in PANELS:
        response = client.get(panel_url(case, name))
        assert response.status_code == 302 and "/login/" in response["Location"], name


def test_staff_without_the_case_permissions_are_refused(client):
    case = case_needing(case_number="CM14-0000782")
    clerk = f.UserFactory(username="clerk", is_staff=True)  # staff, but no permission on cases
    client.force_login(clerk)
    assert client.get(change_url(case)).status_code == 403
    for name in PANELS:
        assert client.get(panel_url(case, name)).status_code == 403, name
    # Allowed to view cases but not every case (no "see every case" permission): the case is not there, as on the page.
    clerk.user_permissions.add(Permission.objects.get(codename="view_case"))
    client.force_login(clerk)
    assert client.get(change_url(case)).status_code == 302  # Django's admin: "doesn't exist", back to the list
    for name in PANELS:
        assert client.get(panel_url(case, name)).status_code == 404, name
    assert not CaseAccess.objects.filter(case=case).exists()


def add_records(case, n):
    """``n`` more of each read-only record: assignments, determinations, notices with a proof-of-service row."""
    for _ in range(n):
        f.AssignmentFactory(case=case, reviewer=reviewer_in(user__last_name="Okafor"))
        f.DeterminationFactory(case=case, version=Determination.objects.filter(case=case).count() + 1)
        f.ServiceFactory(notice=f.NoticeFactory(case=case), recipient="Alex Worker")


def test_the_records_are_a_panel_of_tables_at_a_constant_number_of_queries(client, staff):
    case = case_needing(case_number="CM14-0000783")
    add_records(case, 1)
    page = client.get(change_url(case)).content.decode()
    for prefix in ("assignments", "determinations", "notices", "services"):  # no formset of them on the page
        assert f'name="{prefix}-TOTAL_FORMS"' not in page, prefix
    url = panel_url(case, "records")
    one = queries(client, url)
    add_records(case, 4)
    assert len(queries(client, url)) == len(one)
    panel = client.get(url).content.decode()
    for heading in (
        "Assignments (history)",
        "Determinations",
        "Notices and public copies (documents sent)",
        "Proof of service (one row per recipient of each letter and notice)",
    ):
        assert f"<h3>{heading}</h3>" in panel, heading
    assert "Imported from published letters" not in panel  # only for a case that was
    assert panel.count("Okafor") == 5 and panel.count("<td>Alex Worker</td>") == 5
    assert "Redacted public copy" in panel and "redaction report (check before publishing)" in panel.lower()
    for assignment in case.assignments.all():  # each row links to its own (read-only) admin page
        assert reverse("admin:cases_assignment_change", args=[assignment.pk]) in panel


def test_a_case_without_records_says_so(client, staff):
    case = case_needing(case_number="CM14-0000784")
    panel = client.get(panel_url(case, "records")).content.decode()
    assert panel.count("None yet.") == 4


def test_each_inline_builds_its_empty_form_once(client, staff):
    case = case_needing(case_number="CM14-0000785")
    add_content(case, 2)
    response = client.get(change_url(case))
    formsets = [inline.formset for inline in response.context["inline_admin_formsets"]]
    nested = [
        child.formset
        for inline in response.context["inline_admin_formsets"]
        for form in inline
        for child in getattr(form.form, "inlines", None) or []
    ]
    assert len(formsets) == 4 and len(nested) == 4  # the citations of each of the three items and the empty item
    for formset in formsets + nested:
        assert formset.empty_form is formset.empty_form, formset.prefix
