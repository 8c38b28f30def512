"""Matching a reviewer to a case: credentials, capacity, conflicts of interest, remand exclusion, ranking."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from cases.assignment.conflicts import LEGAL_SUFFIXES, party_name_key
from cases.assignment.matching import reviewer_match, reviewer_suggestions
from cases.models import Assignment, Party, Status
from cases.services import lifecycle as lc
from reviewers.models import Affiliation
from tests import factories as f
from tests.lifecycle_helpers import case_needing, reviewer_in

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2014, 9, 2)
CASE = "CM14-0000042"


@pytest.fixture(autouse=True)
def clock():
    with freeze_time("2014-09-02 10:00:00-07:00"):
        yield


def refused(case, reviewer):
    with pytest.raises(lc.TransitionError) as exc:
        lc.case_assign_reviewer(case=case, reviewer=reviewer, notice_date=TODAY)
    case.refresh_from_db()
    assert case.status == Status.ELIGIBILITY_REVIEW and case.reviewer is None
    assert not Assignment.objects.filter(case=case).exists()
    return exc.value.messages


def test_a_qualified_reviewer_passes_every_rule():
    case = case_needing(case_number=CASE)
    match = reviewer_match(case=case, reviewer=reviewer_in(reference="ER-0001"), on=TODAY)
    assert match.eligible
    assert [c.detail for c in match.checks] == [
        "Active.",
        "Practises Psychiatry.",
        "Current licence: California.",
        "Board certified: Psychiatry.",
        "0 open cases of 10.",
        "No declared affiliation with the 0 parties of the case.",
        "Has not reviewed this case in an earlier cycle.",
        "Not the current reviewer.",
    ]


# Conflicts of interest: one per kind of affiliation -------------------------------------------------------------


@pytest.mark.parametrize("kind", list(Affiliation.Kind))
def test_an_affiliation_with_a_party_of_the_same_role_blocks_the_assignment(kind):
    case = case_needing(case_number=CASE)
    f.PartyFactory(case=case, role=kind.value, name="Golden State Health  Partners")
    reviewer = reviewer_in(reference="ER-0001")
    # Names compare case-insensitively with whitespace folded.
    f.AffiliationFactory(reviewer=reviewer, kind=kind.value, name="  golden state   HEALTH partners ")
    role = Party.Role(kind.value).label.lower()
    assert refused(case, reviewer) == [
        "Reviewer ER-0001 declared an affiliation (  golden state   HEALTH partners ) that matches the "
        f"{role} of case {CASE}: Golden State Health  Partners."
    ]


@pytest.mark.parametrize("kind", list(Affiliation.Kind))
def test_an_affiliation_matches_a_party_of_any_role(kind):
    case = case_needing(case_number=CASE)
    other_roles = [role for role in Party.Role if role.value != kind.value]
    for role in other_roles:
        f.PartyFactory(case=case, role=role.value, name=f"Unrelated {role.value}")
    f.PartyFactory(case=case, role=other_roles[0].value, name="Acme Stores")
    reviewer = reviewer_in(reference="ER-0001")
    f.AffiliationFactory(reviewer=reviewer, kind=kind.value, name="Acme Stores")
    assert refused(case, reviewer) == [
        "Reviewer ER-0001 declared an affiliation (Acme Stores) that matches the "
        f"{other_roles[0].label.lower()} of case {CASE}: Acme Stores."
    ]


@pytest.mark.parametrize(
    "declared,party",
    [
        ("Acme Stores, Inc.", "ACME STORES"),
        ("Acme Stores", "Acme Stores Inc"),
        ("Smith & Jones LLP", "Smith and Jones"),
        ("Golden State Orthopaedic Medical Group, P.C.", "golden state orthopaedic medical"),
        ("Pacific Claims Co.", "Pacific Claims Company"),
        ("Kaiser Corp.", "KAISER CORPORATION, LTD."),
        ("Bay Area Spine, PLLC", "Bay-Area Spine"),
        ("O'Neil Law Offices, L.L.P.", "ONeil Law Offices"),
    ],
)
def test_names_match_whatever_their_punctuation_case_and_legal_suffix(declared, party):
    case = case_needing(case_number=CASE)
    f.PartyFactory(case=case, role="employer", name=party)
    reviewer = reviewer_in(reference="ER-0001")
    f.AffiliationFactory(reviewer=reviewer, kind="employer", name=declared)
    assert refused(case, reviewer) == [
        f"Reviewer ER-0001 declared an affiliation ({declared}) that matches the employer of case {CASE}: {party}."
    ]


@pytest.mark.parametrize(
    "declared,party",
    [("Acme Stores", "Acme Storage"), ("Smith Law", "Smith Jones Law"), ("Group", "Acme Group"), ("Inc.", "Acme")],
)
def test_different_names_do_not_match(declared, party):
    case = case_needing(case_number=CASE)
    f.PartyFactory(case=case, role="employer", name=party)
    reviewer = reviewer_in(reference="ER-0001")
    f.AffiliationFactory(reviewer=reviewer, kind="employer", name=declared)
    assert reviewer_match(case=case, reviewer=reviewer, on=TODAY).eligible


def test_the_name_key_drops_only_trailing_suffixes_and_keeps_a_name_made_of_suffixes():
    assert "inc." in LEGAL_SUFFIXES and "p.c." in LEGAL_SUFFIXES and "group" in LEGAL_SUFFIXES
    assert party_name_key("  The Company Store, Inc. ") == "the company store"
    assert party_name_key("Group") == "group"
    assert party_name_key("Acme Co. LLC") == "acme"


def test_the_conflict_check_is_recorded_with_the_parties_compared():
    case = case_needing(case_number=CASE)
    f.PartyFactory(case=case, role="employer", name="Acme Stores")
    f.PartyFactory(case=case, role="attorney", name="Smith & Jones")
    reviewer = reviewer_in()
    f.AffiliationFactory(reviewer=reviewer, kind="employer", name="Other Corp")
    f.AffiliationFactory(reviewer=reviewer, kind="claims_administrator", name="Acme Storage")
    assignment = lc.case_assign_reviewer(case=case, reviewer=reviewer, notice_date=TODAY)
    assert assignment.conflict_check["outcome"] == "clear"
    assert assignment.conflict_check["parties"] == [
        {"role": "employer", "name": "Acme Stores"},
        {"role": "attorney", "name": "Smith & Jones"},
    ]
    assert assignment.conflict_check["affiliations"] == [
        {"kind": "claims_administrator", "name": "Acme Storage"},
        {"kind": "employer", "name": "Other Corp"},
    ]
    conflict = next(r for r in assignment.conflict_check["rules"] if r["rule"] == "conflict")
    assert conflict == {
        "rule": "conflict",
        "passed": True,
        "detail": "No declared affiliation with the 2 parties of the case.",
    }


# Credentials, activity, capacity, specialty ---------------------------------------------------------------------


def test_an_expired_licence_is_refused():
    case = case_needing(case_number=CASE)
    reviewer = reviewer_in(reference="ER-0001")
    reviewer.licenses.update(expires_on=datetime.date(2014, 9, 1))
    assert refused(case, reviewer) == ["Reviewer ER-0001 holds no current unrestricted licence."]


def test_a_restricted_licence_is_refused():
    case = case_needing(case_number=CASE)
    reviewer = reviewer_in(reference="ER-0001")
    reviewer.licenses.update(restricted=True)
    assert refused(case, reviewer) == ["Reviewer ER-0001 holds no current unrestricted licence."]


def test_a_licence_expiring_today_is_still_current():
    case = case_needing(case_number=CASE)
    reviewer = reviewer_in()
    reviewer.licenses.update(expires_on=TODAY)
    assert reviewer_match(case=case, reviewer=reviewer, on=TODAY).eligible


def test_an_expired_board_certification_is_refused():
    case = case_needing(case_number=CASE)
    reviewer = reviewer_in(reference="ER-0001")
    reviewer.board_certifications.update(expires_on=datetime.date(2013, 12, 31))
    assert refused(case, reviewer) == ["Reviewer ER-0001 holds no current board certification in Psychiatry."]


def test_a_board_certification_in_another_specialty_does_not_count():
    case = case_needing(case_number=CASE)
    reviewer = reviewer_in(reference="ER-0001")
    reviewer.board_certifications.update(specialty=f.SpecialtyFactory(name="Neurology"))
    assert refused(case, reviewer) == ["Reviewer ER-0001 holds no current board certification in Psychiatry."]


def test_an_inactive_reviewer_is_refused():
    case = case_needing(case_number=CASE)
    reviewer = reviewer_in(reference="ER-0001", active=False)
    assert refused(case, reviewer) == ["Reviewer ER-0001 is inactive."]


def test_a_reviewer_at_capacity_is_refused_and_closed_cases_do_not_count():
    case = case_needing(case_number=CASE)
    reviewer = reviewer_in(reference="ER-0001", capacity=2)
    f.CaseFactory(reviewer=reviewer, status=Status.AWAITING_RECORDS)
    f.CaseFactory(reviewer=reviewer, status=Status.IN_REVIEW)
    f.CaseFactory(reviewer=reviewer, status=Status.SIGNED)
    f.CaseFactory(reviewer=reviewer, status=Status.WITHDRAWN)
    assert refused(case, reviewer) == ["Reviewer ER-0001 is at capacity: 2 open cases of 2."]


def test_a_specialty_mismatch_is_refused():
    case = case_needing("Orthopedic Surgery", case_number=CASE)
    f.DisputedItemFactory(case=case, specialty=f.SpecialtyFactory(name="Pain Medicine"))
    reviewer = reviewer_in(reference="ER-0001")
    assert refused(case, reviewer) == [
        "Reviewer ER-0001 does not practise Orthopedic Surgery and Pain Medicine.",
        "Reviewer ER-0001 holds no current board certification in Orthopedic Surgery and Pain Medicine.",
    ]


def test_a_case_without_an_item_specialty_cannot_be_matched():
    case = f.CaseFactory(status=Status.ELIGIBILITY_REVIEW, case_number=CASE, found_eligible_at=timezone.now())
    f.DisputedItemFactory(case=case)
    reviewer = reviewer_in(reference="ER-0001")
    assert refused(case, reviewer) == [
        f"No disputed item of case {CASE} names a specialty, so no reviewer can be matched to it."
    ]


def test_every_failing_rule_is_reported_at_once():
    case = case_needing(case_number=CASE)
    reviewer = reviewer_in(reference="ER-0001", active=False, capacity=0)
    reviewer.licenses.update(restricted=True)
    assert refused(case, reviewer) == [
        "Reviewer ER-0001 is inactive.",
        "Reviewer ER-0001 holds no current unrestricted licence.",
        "Reviewer ER-0001 is at capacity: 0 open cases of 0.",
    ]


def test_the_current_reviewer_cannot_be_reassigned_to_the_same_case():
    case = case_needing(case_number=CASE)
    reviewer = reviewer_in(reference="ER-0001", capacity=1)
    lc.case_assign_reviewer(case=case, reviewer=reviewer, notice_date=TODAY)
    with pytest.raises(lc.TransitionError) as exc:
        lc.case_assign_reviewer(case=case, reviewer=reviewer)
    # The reviewer's own case does not make them "over capacity"; being the current reviewer is the reason.
    assert exc.value.messages == [f"Reviewer ER-0001 is already assigned to case {CASE}."]


# Remand exclusion -----------------------------------------------------------------------------------------------


def _through_remand(case, reviewer):
    lc.case_assign_reviewer(case=case, reviewer=reviewer, notice_date=TODAY)
    lc.case_request_records(case=case)
    lc.case_mark_records_complete(case=case, on=TODAY)
    lc.case_transition(case=case, to=Status.SIGNED)
    lc.case_transition(case=case, to=Status.ISSUED)
    lc.case_appeal(case=case)
    lc.case_remand(case=case)


def test_a_remanded_case_never_goes_back_to_any_earlier_reviewer():
    case = case_needing(case_number=CASE)
    first, second, third = (reviewer_in(reference=f"ER-000{n}") for n in (1, 2, 3))
    lc.case_assign_reviewer(case=case, reviewer=first, notice_date=TODAY)
    lc.case_assign_reviewer(case=case, reviewer=second)  # reassigned within the first cycle
    lc.case_request_records(case=case)
    lc.case_mark_records_complete(case=case, on=TODAY)
    lc.case_transition(case=case, to=Status.SIGNED)
    lc.case_transition(case=case, to=Status.ISSUED)
    lc.case_appeal(case=case)
    lc.case_remand(case=case)
    for earlier in (first, second):
        with pytest.raises(lc.TransitionError) as exc:
            lc.case_assign_reviewer(case=case, reviewer=earlier, notice_date=TODAY)
        assert exc.value.messages == [
            f"Reviewer {earlier} reviewed case {CASE} in an earlier cycle; "
            "after a remand it needs a different reviewer."
        ]
    lc.case_assign_reviewer(case=case, reviewer=third, notice_date=TODAY)
    # A reassignment within the new cycle still cannot go back to the first cycle's reviewers.
    with pytest.raises(lc.TransitionError):
        lc.case_assign_reviewer(case=case, reviewer=first)
    suggestions = {m.reviewer: m for m in reviewer_suggestions(case=case, on=TODAY)}
    assert not suggestions[first].eligible and not suggestions[second].eligible


def test_reviewers_of_the_parent_case_are_excluded_from_a_remand_filed_as_a_new_case():
    original = case_needing(case_number="CM14-0000001")
    first = reviewer_in(reference="ER-0001")
    _through_remand(original, first)
    imported_signer = reviewer_in(reference="ER-0009")
    f.DeterminationFactory(case=original, reviewer=imported_signer, version=9)
    grandchild_parent = case_needing(case_number="CM14-0000002", parent=original)
    remand = case_needing(case_number=CASE, parent=grandchild_parent)
    for earlier in (first, imported_signer):
        match = reviewer_match(case=remand, reviewer=earlier, on=TODAY)
        assert match.failures == [
            f"Reviewer {earlier} reviewed case {CASE} in an earlier cycle; "
            "after a remand it needs a different reviewer."
        ]


# Ranking --------------------------------------------------------------------------------------------------------


def test_suggestions_rank_eligible_first_then_load_then_california_then_experience():
    case = case_needing(case_number=CASE)
    busy = reviewer_in(reference="ER-BUSY", years_in_practice=30)
    f.CaseFactory(reviewer=busy, status=Status.IN_REVIEW)
    nevada = reviewer_in(reference="ER-NV", years_in_practice=30)
    nevada.licenses.update(state="Nevada")
    senior = reviewer_in(reference="ER-SENIOR", years_in_practice=25)
    junior = reviewer_in(reference="ER-JUNIOR", years_in_practice=6)
    inactive = reviewer_in(reference="ER-AWAY", active=False)
    ranked = reviewer_suggestions(case=case, on=TODAY)
    assert [m.reviewer for m in ranked] == [senior, junior, nevada, busy, inactive]
    assert [m.eligible for m in ranked] == [True, True, True, True, False]
    assert ranked[-1].failures == ["Reviewer ER-AWAY is inactive."]


def test_suggestions_cost_a_constant_number_of_queries():
    case = case_needing(case_number=CASE)
    f.PartyFactory(case=case)

    def count(reviewers):
        for _ in range(reviewers):
            reviewer = reviewer_in()
            f.AffiliationFactory(reviewer=reviewer, name="Somewhere else")
            f.CaseFactory(reviewer=reviewer, status=Status.IN_REVIEW)
        with CaptureQueriesContext(connection) as queries:
            assert reviewer_suggestions(case=case, on=TODAY)
        return len(queries)

    assert count(3) == count(12)
