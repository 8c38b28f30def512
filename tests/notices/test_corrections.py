"""Corrected determinations: a coordinator opens a correction with a reason; the reviewer (or a new one, under the
assignment rules) signs a new version; its letter says "Corrected" and is served; the old determination and letter
stay, linked; exports and the case's letter are the newest; listeners hear that the old version was superseded."""

import pytest
from django.utils import timezone

from cases.hooks import determination_superseded
from cases.interchange import case_export
from cases.letters import CORRECTED_LINE, us_date
from cases.models import Case, CaseEvent, Correction, Determination, Letter, Status
from cases.selectors import letter_downloadable
from cases.services.corrections import CORRECTION_REASON_REQUIRED, CorrectionError, correction_open
from cases.services.lifecycle import TransitionError, case_assign_reviewer
from cases.services.review import case_edit_refusal, determination_sign
from notices.services import document_serve
from tests.lifecycle_helpers import PSYCHIATRY, reviewer_in
from tests.notices.conftest import SIGNED_OVER_WARNINGS

from .pdf_text import stored_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


@pytest.fixture
def superseded():
    heard = []

    def listener(sender, old, new, **kwargs):
        heard.append((old.pk, new.pk))

    determination_superseded.connect(listener)
    yield heard
    determination_superseded.disconnect(listener)


def _sign(case, user, capture):
    with capture(execute=True):
        return determination_sign(case=Case.objects.get(pk=case.pk), user=user, override_note=SIGNED_OVER_WARNINGS)


def test_a_correction_keeps_both_versions_and_serves_the_new_one(
    signed, staff_user, client_a, superseded, django_capture_on_commit_callbacks
):
    case = signed.case
    first_letter = Letter.objects.get(determination=signed)
    document_serve(letter=first_letter, served_on=timezone.localdate(), actor=staff_user)

    with pytest.raises(CorrectionError) as no_reason:
        correction_open(case=Case.objects.get(pk=case.pk), reason="  ", actor=staff_user)
    assert no_reason.value.message == CORRECTION_REASON_REQUIRED
    correction = correction_open(
        case=Case.objects.get(pk=case.pk), reason="Item 1 cited the wrong chapter.", actor=staff_user
    )
    case.refresh_from_db()
    assert case.status == Status.CORRECTING
    assert case_edit_refusal(case) is None  # the reviewer's draft is open again
    assert CaseEvent.objects.filter(case=case, kind="correction_opened", actor=staff_user).exists()

    # The reviewer's case page opens the draft again and says why.
    page = client_a.get(f"/cases/{case.case_number}/").content.decode()
    assert "Review and sign…" in page and 'id="draft-form"' in page
    assert "Item 1 cited the wrong chapter." in page and "The case is read-only." not in page
    case.clinical_summary = case.clinical_summary.replace("depression", "major depressive disorder")
    case.save()
    second = _sign(case, case.reviewer.user, django_capture_on_commit_callbacks)

    signed.refresh_from_db()
    correction.refresh_from_db()
    assert (signed.version, second.version) == (1, 2)
    assert signed.superseded_by == second and correction.corrected_by == second
    assert superseded == [(signed.pk, second.pk)]
    assert Case.objects.get(pk=case.pk).status == Status.SIGNED
    assert CaseEvent.objects.filter(case=case, kind="correction_signed").exists()

    new_letter = Letter.objects.get(determination=second)
    text = stored_text(new_letter)
    assert CORRECTED_LINE.format(date=us_date(signed.decision_date), version=1) in text
    assert "major depressive disorder" in text
    # The old letter and determination stand, with what the parties received.
    first_letter.refresh_from_db()
    assert first_letter.issued_at is not None and first_letter.file
    assert "Corrected" not in stored_text(first_letter)
    assert Determination.objects.filter(case=case).count() == 2

    document_serve(letter=new_letter, served_on=timezone.localdate(), actor=staff_user)
    assert Case.objects.get(pk=case.pk).status == Status.ISSUED
    assert letter_downloadable(case) == new_letter
    exported = case_export(Case.objects.get(pk=case.pk))
    assert "major depressive disorder" in exported["clinical_summary"]


def test_a_new_reviewer_may_sign_the_correction(signed, staff_user, django_capture_on_commit_callbacks):
    case = Case.objects.get(pk=signed.case_id)
    correction_open(case=case, reason="The reviewer is unavailable.", actor=staff_user)
    other = reviewer_in(PSYCHIATRY)
    case.items.update(specialty=other.specialties.get())
    case_assign_reviewer(case=Case.objects.get(pk=case.pk), reviewer=other, actor=staff_user, note="Reassigned")
    case = Case.objects.get(pk=case.pk)
    assert (case.status, case.reviewer) == (Status.CORRECTING, other)
    for document in case.documents.all():
        document.reviews.create(reviewer=other)
    second = _sign(case, other.user, django_capture_on_commit_callbacks)
    assert second.reviewer == other and second.version == 2


def test_only_a_signed_or_issued_case_is_corrected(review_case, staff_user):
    with pytest.raises(TransitionError) as refused:
        correction_open(case=review_case, reason="Typo", actor=staff_user)
    assert refused.value.message == (
        f"Case {review_case.case_number} is in review: “Open a correction” is possible only when it is signed or "
        "issued."
    )
    assert not Correction.objects.exists()


def test_the_case_page_opens_a_correction(signed, client_staff):
    url = f"/admin/cases/case/{signed.case_id}/lifecycle/open_correction/"
    assert url in client_staff.get(f"/admin/cases/case/{signed.case_id}/change/").content.decode()
    response = client_staff.post(url, {"reason": "Wrong item title."})
    assert response.status_code == 302
    assert Correction.objects.get(case_id=signed.case_id).reason == "Wrong item title."
