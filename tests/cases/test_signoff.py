"""Sign-off: each rule with its exact message, every problem listed at once, and what signing produces."""

import datetime

import pytest
from django.utils import timezone

from cases.models import CaseEvent, Citation, Determination, Document, DocumentReview, Letter, Status
from cases.services import review
from cases.services.review import ReviewError, case_signoff_problems, determination_sign
from reviewers.models import BoardCertification, License
from tests.cases.conftest import SIGNABLE_SUMMARY
from tests.factories import AffiliationFactory, DisputedItemFactory, PartyFactory

ITEM = "Psychotherapy, 10 sessions"


def problems(case, user=None):
    case.refresh_from_db()
    return case_signoff_problems(case=case, user=user or case.reviewer.user, on=timezone.localdate())


def test_a_complete_case_has_no_problems(signable_case):
    assert problems(signable_case) == []


def test_summary_is_required(signable_case):
    signable_case.clinical_summary = "   \n"
    signable_case.save()
    assert problems(signable_case) == [review.SIGNOFF_SUMMARY_MISSING]
    assert review.SIGNOFF_SUMMARY_MISSING == "Write the clinical case summary."


def test_every_item_needs_a_decision(signable_case):
    signable_case.items.update(decision="")
    assert problems(signable_case) == [f"Item 1 ({ITEM}): choose Upheld or Overturned."]


def test_every_item_needs_a_rationale(signable_case):
    signable_case.items.update(rationale=" ")
    assert problems(signable_case) == [f"Item 1 ({ITEM}): write the decision rationale."]


def test_every_item_needs_an_imro_citation(signable_case):
    # The claims administrator's citation does not count.
    Citation.objects.filter(item__case=signable_case, side=Citation.Side.IMRO).delete()
    assert problems(signable_case) == [f"Item 1 ({ITEM}): cite at least one guideline from the library."]


def test_a_non_ur_document_must_be_marked_reviewed(signable_case):
    DocumentReview.objects.all().delete()
    ur_letter = signable_case.documents.get(doc_type=Document.Type.UR_LETTER)
    DocumentReview.objects.create(document=ur_letter, reviewer=signable_case.reviewer)
    assert problems(signable_case) == [
        "Mark at least one clinical document (a progress report, imaging, operative report, therapy notes, a QME/AME "
        "report or other medical records) as reviewed: a determination cannot rest on the application and UR letter "
        "alone."
    ]


def test_another_reviewers_marks_do_not_count(signable_case, reviewer_b):
    DocumentReview.objects.filter(reviewer=signable_case.reviewer).update(reviewer=reviewer_b)
    assert problems(signable_case) == [review.SIGNOFF_NO_DOCUMENT_REVIEWED]


@pytest.mark.parametrize(
    "change",
    [{"expires_on": datetime.date(2000, 1, 1)}, {"restricted": True}],
    ids=["expired", "restricted"],
)
def test_a_current_unrestricted_licence_is_required(signable_case, change):
    License.objects.filter(reviewer=signable_case.reviewer).update(**change)
    assert problems(signable_case) == ["Your profile has no current, unrestricted medical licence."]


def test_a_current_board_certification_is_required(signable_case):
    BoardCertification.objects.filter(reviewer=signable_case.reviewer).update(expires_on=datetime.date(2001, 1, 1))
    assert problems(signable_case) == ["Your profile has no current board certification."]


def test_an_affiliation_with_a_party_added_after_the_assignment_blocks_signing(signable_case):
    AffiliationFactory(reviewer=signable_case.reviewer, kind="employer", name="Pacific Claims Services, Inc.")
    assert problems(signable_case) == []
    # Added after the assignment, under another role and with another spelling: still the same organisation.
    PartyFactory(case=signable_case, role="claims_administrator", name="PACIFIC CLAIMS SERVICES")
    assert problems(signable_case) == [
        "Your declared affiliation with the claims administrator of this case (PACIFIC CLAIMS SERVICES) is a "
        "conflict of interest: ask the coordinator to reassign the case."
    ]
    assert review.SIGNOFF_CONFLICT == (
        "Your declared affiliation with the {role} of this case ({name}) is a conflict of interest: "
        "ask the coordinator to reassign the case."
    )
    with pytest.raises(ReviewError):
        determination_sign(case=signable_case, user=signable_case.reviewer.user)
    signable_case.refresh_from_db()
    assert signable_case.status == Status.IN_REVIEW


def test_only_a_case_in_review_can_be_signed(signable_case):
    signable_case.status = Status.AWAITING_RECORDS
    signable_case.save()
    assert problems(signable_case) == ["Only a case in review can be signed; this case is awaiting records."]


def test_only_the_assigned_reviewer_signs(signable_case, staff_user, reviewer_b):
    assert problems(signable_case, user=staff_user) == ["Only the expert reviewer assigned to this case can do this."]
    assert problems(signable_case, user=reviewer_b.user) == [review.NOT_THE_REVIEWER]


def test_every_problem_is_listed_at_once(review_case):
    DisputedItemFactory(case=review_case, title="TENS unit", order=2)
    License.objects.filter(reviewer=review_case.reviewer).delete()
    BoardCertification.objects.filter(reviewer=review_case.reviewer).delete()
    assert problems(review_case) == [
        "Write the clinical case summary.",
        f"Item 1 ({ITEM}): choose Upheld or Overturned.",
        f"Item 1 ({ITEM}): write the decision rationale.",
        f"Item 1 ({ITEM}): cite at least one guideline from the library.",
        "Item 2 (TENS unit): choose Upheld or Overturned.",
        "Item 2 (TENS unit): write the decision rationale.",
        "Item 2 (TENS unit): cite at least one guideline from the library.",
        review.SIGNOFF_NO_DOCUMENT_REVIEWED,
        review.SIGNOFF_NO_CURRENT_LICENSE,
        review.SIGNOFF_NO_CURRENT_BOARD_CERTIFICATION,
    ]
    with pytest.raises(ReviewError) as refused:
        determination_sign(case=review_case, user=review_case.reviewer.user)
    assert len(refused.value.messages) == 10
    assert not Determination.objects.exists()


def test_signing_freezes_the_case_and_queues_the_letter(signable_case):
    user = signable_case.reviewer.user
    determination = determination_sign(case=signable_case, user=user, expected_revision=signable_case.revision)
    signable_case.refresh_from_db()
    determination.refresh_from_db()
    assert signable_case.status == Status.SIGNED
    assert determination.origin == "signed" and determination.reviewer == signable_case.reviewer
    assert determination.signed_by == user and determination.decision_date == timezone.localdate()
    snapshot = determination.snapshot
    assert snapshot["clinical_summary"] == SIGNABLE_SUMMARY
    assert snapshot["items"][0]["decision"] == "upheld"
    assert snapshot["items"][0]["citations"] == [
        {"source": "MTUS", "title": "Chronic Pain Medical Treatment Guidelines", "sections": None, "pages": "23"}
    ]
    assert snapshot["items"][0]["claims_administrator_citations"][0]["title"] == "Official Disability Guidelines (ODG)"
    assert snapshot["documents_reviewed"] == [
        {
            "title": "PR-2 of 07/25/2014",
            "type": "Progress report (PR-2)",
            "author": "Dr. Treating",
            "date": "2014-07-25",
        }
    ]
    assert snapshot["reviewer"]["licensure_states"] == ["California"]
    assert snapshot["reviewer"]["board_certified"] is True
    event = CaseEvent.objects.get(case=signable_case, kind="determination_signed")
    assert (event.from_status, event.to_status, event.actor) == (Status.IN_REVIEW, Status.SIGNED, user)
    letter = Letter.objects.get(determination=determination)
    assert letter.status == Letter.Status.QUEUED and letter.queued_at is not None


def test_a_case_is_never_signed_twice(signable_case):
    user = signable_case.reviewer.user
    determination_sign(case=signable_case, user=user)
    with pytest.raises(ReviewError) as refused:
        determination_sign(case=signable_case, user=user)
    assert refused.value.messages == [review.CASE_SIGNED]
    assert Determination.objects.count() == 1 and Letter.objects.count() == 1


def test_signing_a_draft_changed_since_confirmation_is_refused(signable_case):
    with pytest.raises(review.StaleRevisionError):
        determination_sign(case=signable_case, user=signable_case.reviewer.user, expected_revision=99)
    signable_case.refresh_from_db()
    assert signable_case.status == Status.IN_REVIEW and not Determination.objects.exists()


@pytest.mark.parametrize(("lapse", "current"), [(0, True), (-1, False)], ids=["expiry day", "day after"])
def test_credentials_are_current_on_their_expiry_day_in_matching_and_sign_off_alike(signable_case, lapse, current):
    """In the evening of the expiry day (Pacific; UTC is already on the next day) the licence and the board
    certification still count, for assigning the reviewer and for signing; the next day, for neither."""
    from freezegun import freeze_time

    from cases.assignment.matching import reviewer_match

    reviewer = signable_case.reviewer
    with freeze_time("2014-09-02 20:30:00-07:00"):
        today = timezone.localdate()
        License.objects.filter(reviewer=reviewer).update(expires_on=today + datetime.timedelta(days=lapse))
        BoardCertification.objects.filter(reviewer=reviewer).update(expires_on=today + datetime.timedelta(days=lapse))
        match = reviewer_match(case=signable_case, reviewer=reviewer, on=today)
        credentials = {c.rule: c.passed for c in match.checks if c.rule in ("license", "board_certification")}
        assert credentials == {"license": current, "board_certification": current}
        expected = [] if current else [review.SIGNOFF_NO_CURRENT_LICENSE, review.SIGNOFF_NO_CURRENT_BOARD_CERTIFICATION]
        assert problems(signable_case) == expected
        if current:
            determination = determination_sign(case=signable_case, user=reviewer.user)
            assert determination.snapshot["reviewer"]["licensure_states"] == ["California"]
            assert determination.snapshot["reviewer"]["board_certified"] is True


def test_the_snapshot_never_holds_the_reviewers_name_and_a_case_signed_here_exports_and_imports(signable_case):
    """The snapshot (what the letter and the export are made of) identifies the reviewer by credentials only; the
    export of a case signed here is a valid imr-case/1 document that imports as another case."""
    import json

    from cases.interchange import case_export
    from cases.services.interchange import case_import

    reviewer = signable_case.reviewer
    reviewer.user.first_name, reviewer.user.last_name = "Hieronymus", "Quackenbush"
    reviewer.user.save()
    determination = determination_sign(case=signable_case, user=reviewer.user)
    stored = json.dumps(Determination.objects.get(pk=determination.pk).snapshot, ensure_ascii=False)
    for name in filter(None, ("Hieronymus", "Quackenbush", reviewer.user.username, reviewer.user.email)):
        assert name not in stored
    assert set(determination.snapshot["reviewer"]) == {
        "reference",
        "licensure_states",
        "specialties",
        "board_certified",
        "years_in_practice",
        "weekly_practice_hours",
    }

    signable_case.refresh_from_db()
    document = json.loads(json.dumps(case_export(signable_case)))
    document["case_number"] = "CM14-0999999"
    imported = case_import(document=document)
    copy = imported.determinations.get()
    assert (copy.origin, copy.snapshot["reviewer"]) == (
        Determination.Origin.IMPORTED,
        determination.snapshot["reviewer"],
    )
    assert copy.snapshot["items"] == determination.snapshot["items"]
