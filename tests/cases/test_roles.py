"""The staff roles (``cases.roles``) in the admin and the workspace, and what an inactive reviewer keeps (nothing)."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from cases import roles
from cases.models import CaseAccess, Status
from cases.selectors import cases_visible_to
from cases.services.review import NOT_THE_REVIEWER, ReviewError, case_save_draft, determination_sign
from reviewers.admin import INACTIVE_HOLDS_CASES
from tests.factories import CaseFactory, ReviewerFactory, UserFactory

from .conftest import make_signable

pytestmark = pytest.mark.django_db


def staff_in(group):
    user = UserFactory(username=group.lower().replace(" ", "-"), is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return user, client


def admin_url(model, view="changelist", *args, app="cases"):
    return reverse(f"admin:{app}_{model}_{view}", args=args)


def test_the_groups_hold_exactly_their_rights():
    for name, perms in roles.ROLES.items():
        held = {(p.content_type.app_label, p.codename) for p in Group.objects.get(name=name).permissions.all()}
        assert held == set(perms), name
    sees_all = {name for name, perms in roles.ROLES.items() if ("cases", "view_all_cases") in perms}
    assert sees_all == {roles.COORDINATOR, roles.AUDITOR}


def test_a_right_added_by_hand_is_taken_back_at_the_next_migrate():
    from django.contrib.auth.models import Permission

    group = Group.objects.get(name=roles.LIBRARY_EDITOR)
    group.permissions.add(Permission.objects.get(codename="view_all_cases"))
    roles.roles_ensure()
    assert not group.permissions.filter(codename="view_all_cases").exists()


def test_coordinator_runs_lifecycle_actions(review_case):
    case = CaseFactory(status=Status.RECEIVED)
    _, client = staff_in(roles.COORDINATOR)
    assert client.get(admin_url("case")).status_code == 200
    response = client.post(reverse("admin:cases_case_lifecycle", args=[case.pk, "start_eligibility_review"]))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ELIGIBILITY_REVIEW
    assert client.get(f"/cases/{review_case.case_number}/").status_code == 200


def test_auditor_reads_everything_and_changes_nothing(review_case):
    user, client = staff_in(roles.AUDITOR)
    change = admin_url("case", "change", review_case.pk)
    page = client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # the view-only page
    for url in (
        admin_url("case"),
        admin_url("case", "history", review_case.pk),
        admin_url("caseevent"),
        admin_url("caseaccess"),
        admin_url("document"),
        f"/cases/{review_case.case_number}/",
    ):
        assert client.get(url).status_code == 200, url
    assert CaseAccess.objects.filter(user=user, case=review_case).exists()  # the auditor's reads are logged too
    before = review_case.status
    response = client.post(reverse("admin:cases_case_lifecycle", args=[review_case.pk, "withdraw"]), {"reason": "x"})
    assert response.status_code == 403
    assert client.post(change, {"case_number": "CM99-9999999"}).status_code == 403
    assert client.get(admin_url("case", "add")).status_code == 403
    review_case.refresh_from_db()
    assert (review_case.status, review_case.case_number) == (before, review_case.case_number)


def test_library_editor_gets_the_library_and_no_case(review_case):
    _, client = staff_in(roles.LIBRARY_EDITOR)
    assert client.get(admin_url("guideline")).status_code == 200
    document = review_case.documents.get(doc_type="pr2")
    for url in (
        admin_url("case"),
        admin_url("case", "change", review_case.pk),
        admin_url("document"),
        admin_url("document", "change", document.pk),
        admin_url("caseaccess"),
    ):
        assert client.get(url).status_code == 403, url
    for url in (
        f"/cases/{review_case.case_number}/",
        f"/cases/{review_case.case_number}/documents/{document.pk}/file/",
        f"/cases/{review_case.case_number}/letter.pdf",
    ):
        assert client.get(url).status_code == 404, url


def test_reviewer_manager_keeps_reviewers_and_sees_no_case(review_case, reviewer_a):
    _, client = staff_in(roles.REVIEWER_MANAGER)
    assert client.get(admin_url("reviewer", "change", reviewer_a.pk, app="reviewers")).status_code == 200
    assert client.get(admin_url("license", app="reviewers")).status_code == 200
    assert client.get(admin_url("case")).status_code == 403
    assert client.get(f"/cases/{review_case.case_number}/").status_code == 404


def test_the_admin_case_list_goes_through_the_visibility_rule(review_case):
    """A view right on cases granted by hand, without view_all_cases, shows no case in the admin either."""
    from django.contrib.auth.models import Permission

    user = UserFactory(username="odd", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_case"))
    client = Client()
    client.force_login(user)
    response = client.get(admin_url("case"))
    assert response.status_code == 200
    assert review_case.case_number not in response.content.decode()
    assert client.get(admin_url("case", "change", review_case.pk)).status_code == 302  # "does not exist" redirect


# --- Inactive reviewers --------------------------------------------------------------------------------------------


@pytest.fixture
def inactive_a(reviewer_a, review_case):
    reviewer_a.active = False
    reviewer_a.save()
    review_case.refresh_from_db()
    return reviewer_a


def test_an_inactive_reviewer_sees_none_of_the_cases_still_naming_them(inactive_a, review_case):
    assert review_case.reviewer == inactive_a
    assert not cases_visible_to(inactive_a.user).exists()


def test_an_inactive_reviewer_can_neither_save_nor_sign(inactive_a, review_case):
    make_signable(review_case)
    review_case.refresh_from_db()
    revision = review_case.revision
    with pytest.raises(ReviewError) as caught:
        case_save_draft(case=review_case, user=inactive_a.user, expected_revision=revision, summary="x", items=[])
    assert caught.value.messages == [NOT_THE_REVIEWER]
    with pytest.raises(ReviewError) as caught:
        determination_sign(case=review_case, user=inactive_a.user, expected_revision=revision)
    assert NOT_THE_REVIEWER in caught.value.messages
    assert not review_case.determinations.exists()


def test_the_coordinator_is_told_which_cases_an_inactive_reviewer_holds(reviewer_a, review_case):
    signed = CaseFactory(status=Status.SIGNED, reviewer=reviewer_a)  # done: nothing to reassign
    other = CaseFactory(status=Status.ASSIGNED, reviewer=ReviewerFactory(active=False, user__username="dr.gone"))
    _, client = staff_in(roles.COORDINATOR)
    manager = Client()
    manager.force_login(UserFactory(username="super", is_staff=True, is_superuser=True))

    # Deactivating the reviewer warns, naming the open cases.
    url = admin_url("reviewer", "change", reviewer_a.pk, app="reviewers")
    form = manager.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "specialties"}
    data.update(active="", specialties=[s.pk for s in reviewer_a.specialties.all()])
    for prefix in ("licenses", "board_certifications", "affiliations"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = manager.post(url, data, follow=True)
    warnings = [str(m) for m in response.context["messages"]]
    reviewer_a.refresh_from_db()
    assert not reviewer_a.active
    assert INACTIVE_HOLDS_CASES.format(reviewer=reviewer_a, count=1, cases=review_case.case_number) in warnings

    # The reviewer page lists them; the case list filters every case held by an inactive reviewer.
    page = client.get(url).content.decode()
    assert review_case.case_number in page and signed.case_number not in page
    listing = client.get(admin_url("case") + "?reviewer_inactive=yes").content.decode()
    assert review_case.case_number in listing and other.case_number in listing
    assert signed.case_number not in listing


def test_inactive_message():
    assert INACTIVE_HOLDS_CASES.format(reviewer="ER-1", count=2, cases="CM14-0000001, CM14-0000002") == (
        "ER-1 is inactive and holds 2 open case(s): CM14-0000001, CM14-0000002. They can no longer open or sign "
        "them; reassign each from its case page."
    )
