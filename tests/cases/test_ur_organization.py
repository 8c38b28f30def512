"""The UR organization of a case (issue 13, item 2): entered at intake, shown to the reviewer among the parties,
checked against reviewers' affiliations at assignment and at sign-off, outside the imr-case/1 format and the letter."""

import datetime

import pytest
from django.utils import timezone
from freezegun import freeze_time

from cases.assignment.conflicts import reviewer_case_conflicts
from cases.assignment.matching import reviewer_match
from cases.interchange import case_export
from cases.models import Case, Status
from cases.services import lifecycle as lc
from cases.services.interchange import case_import
from cases.services.review import case_signoff_problems, determination_sign
from tests import factories as f
from tests.cases.test_coordinators_desk import intake
from tests.lifecycle_helpers import case_needing, reviewer_in
from tests.support import seed_case

pytestmark = pytest.mark.django_db

UR_ORG = "Coastal Utilization Review, Inc."


def test_intake_records_the_ur_organization(client):
    client.force_login(f.StaffFactory(username="coordinator"))
    with freeze_time("2026-03-11 05:30:00+00:00"):
        response = intake(client, ur_organization=UR_ORG)
    assert response.status_code == 302
    assert Case.objects.get(case_number="CM26-0000400").ur_organization == UR_ORG


def test_the_ur_organization_is_optional_at_intake(client):
    client.force_login(f.StaffFactory(username="coordinator"))
    with freeze_time("2026-03-11 05:30:00+00:00"):
        assert intake(client).status_code == 302
    assert Case.objects.get(case_number="CM26-0000400").ur_organization == ""


def test_an_affiliation_with_the_ur_organization_blocks_the_assignment():
    with freeze_time("2014-09-02 10:00:00-07:00"):
        case = case_needing(case_number="CM14-0000042")
        case.ur_organization = UR_ORG
        case.save()
        f.PartyFactory(case=case, role="employer", name="Acme Stores")
        reviewer = reviewer_in(reference="ER-0001")
        f.AffiliationFactory(reviewer=reviewer, kind="employer", name="COASTAL UTILIZATION REVIEW")
        match = reviewer_match(case=case, reviewer=reviewer, on=datetime.date(2014, 9, 2))
        assert not match.eligible
        assert [c.detail for c in match.checks if c.rule == "conflict"] == [
            "Reviewer ER-0001 declared an affiliation (COASTAL UTILIZATION REVIEW) that matches the UR organization "
            f"of case CM14-0000042: {UR_ORG}."
        ]
        with pytest.raises(lc.TransitionError):
            lc.case_assign_reviewer(case=case, reviewer=reviewer, notice_date=datetime.date(2014, 9, 2))


def test_the_recorded_conflict_check_lists_the_ur_organization_with_the_parties():
    with freeze_time("2014-09-02 10:00:00-07:00"):
        case = case_needing(case_number="CM14-0000042")
        case.ur_organization = UR_ORG
        case.save()
        f.PartyFactory(case=case, role="employer", name="Acme Stores")
        assignment = lc.case_assign_reviewer(case=case, reviewer=reviewer_in(), notice_date=datetime.date(2014, 9, 2))
    assert assignment.conflict_check["parties"] == [
        {"role": "employer", "name": "Acme Stores"},
        {"role": "ur_organization", "name": UR_ORG},
    ]


def test_a_blank_ur_organization_is_no_party():
    case = f.CaseFactory(ur_organization="  ")
    reviewer = f.ReviewerFactory()
    f.AffiliationFactory(reviewer=reviewer, kind="employer", name="  ")
    assert reviewer_case_conflicts(reviewer=reviewer, case=case) == []


def test_signoff_is_refused_for_an_affiliation_with_the_ur_organization(signable_case):
    reviewer = signable_case.reviewer
    f.AffiliationFactory(reviewer=reviewer, kind="claims_administrator", name="Coastal Utilization Review")
    assert case_signoff_problems(case=signable_case, user=reviewer.user, on=timezone.localdate()) == []
    signable_case.ur_organization = UR_ORG
    signable_case.save()
    assert case_signoff_problems(case=signable_case, user=reviewer.user, on=timezone.localdate()) == [
        f"Your declared affiliation with the UR organization of this case ({UR_ORG}) is a conflict of interest: "
        "ask the coordinator to reassign the case."
    ]


def test_the_case_page_lists_the_ur_organization_among_the_parties(client_a, review_case):
    f.PartyFactory(case=review_case, role="employer", name="Acme Stores")
    review_case.ur_organization = UR_ORG
    review_case.save()
    page = client_a.get(f"/cases/{review_case.case_number}/").content.decode()
    parties = page[page.index('id="parties"') : page.index("</dl>", page.index('id="parties"'))]
    assert '<dt class="col-6">Employer</dt><dd class="col-6">Acme Stores</dd>' in parties
    assert f'<dt class="col-6">UR organization</dt><dd class="col-6" data-ur-organization>{UR_ORG}</dd>' in parties


def test_a_case_with_only_a_ur_organization_shows_it(client_a, review_case):
    review_case.ur_organization = UR_ORG
    review_case.save()
    page = client_a.get(f"/cases/{review_case.case_number}/").content.decode()
    assert "No parties recorded." not in page and "data-ur-organization" in page


def test_the_letter_and_its_snapshot_leave_the_ur_organization_out(client_a, signable_case):
    """The field changes nothing the reviewer signs: the letter (its DRAFT preview) and the signed snapshot carry
    neither the UR organization nor the reviewer's name."""
    signable_case.ur_organization = UR_ORG
    signable_case.save()
    preview = client_a.get(f"/cases/{signable_case.case_number}/sign/preview/").content.decode()
    assert "HOW THE IMR FINAL DETERMINATION WAS MADE" in preview.upper()
    assert "Coastal Utilization" not in preview
    assert signable_case.reviewer.user.last_name not in preview
    determination = determination_sign(case=signable_case, user=signable_case.reviewer.user)
    assert "Coastal Utilization" not in str(determination.snapshot)
    signable_case.refresh_from_db()
    assert signable_case.status == Status.SIGNED


def test_the_interchange_format_leaves_the_ur_organization_out():
    document = seed_case()
    assert "ur_organization" not in document
    case = case_import(document=document)
    assert case.ur_organization == ""
    case.ur_organization = UR_ORG
    case.save()
    exported = case_export(case)
    assert "ur_organization" not in exported and UR_ORG not in str(exported)
