"""The case page, its htmx partials, the sign pages, and the read-only signed case."""

import datetime
import html

import pytest
from django.urls import get_resolver, reverse

from cases.models import CaseAccess, Determination, Document, DocumentReview, Status, TreatmentEvent
from cases.services import review
from cases.services.review import determination_sign
from cases.views import workspace
from tests.cases.conftest import SIGNABLE_SUMMARY
from tests.factories import GuidelineFactory

HTMX = {"HX-Request": "true"}


def page_of(response):
    return html.unescape(response.content.decode())


# The case page


def test_case_page_shows_the_case_file(client_a, review_case):
    worker = review_case.claim.worker
    worker.date_of_birth, worker.age = None, 51
    worker.save()
    TreatmentEvent.objects.create(case=review_case, kind="other", date=None, description="Physical therapy", order=0)
    TreatmentEvent.objects.create(
        case=review_case, kind="other", date=datetime.date(2004, 2, 17), description="Nerve ablation", order=1
    )
    TreatmentEvent.objects.create(
        case=review_case, kind="other", date=datetime.date(2000, 4, 17), description="Cervical fusion", order=2
    )
    page = page_of(client_a.get(f"/cases/{review_case.case_number}/"))
    for fact in ("Application received", "08/20/2014", "UR decision date", "08/04/2014", "Date assigned", "08/25/2014"):
        assert fact in page
    assert "Decision due" in page and "10/10/2014" in page and "Records due" in page
    assert 'Age</dt><dd class="col-6">51<' in page and "Male" in page and "01/15/2014" in page
    # A dated timeline, the undated events after it.
    assert page.index("Cervical fusion") < page.index("Nerve ablation") < page.index("Physical therapy")
    assert "PR-2 of 07/25/2014" in page and "UR determination" in page
    assert "Psychotherapy, 10 sessions" in page
    # Claims administrator citations are shown read-only, as the letter will print them.
    assert (
        "The Claims Administrator based their decision on recommendation(s) outside of the MTUS Guidelines. "
        "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG), Psychotherapy." in page
    )
    assert "Letter:</strong> not yet signed" in page


def test_age_comes_from_the_date_of_birth_when_known(client_a, review_case):
    worker = review_case.claim.worker
    today = datetime.date.today()
    worker.date_of_birth, worker.age = today.replace(year=today.year - 40) - datetime.timedelta(days=1), 99
    worker.save()
    assert 'Age</dt><dd class="col-6">40<' in page_of(client_a.get(f"/cases/{review_case.case_number}/"))


def test_every_open_of_a_case_page_is_logged(client_a, client_staff, review_case, reviewer_a, staff_user):
    client_a.get(f"/cases/{review_case.case_number}/")
    client_staff.get(f"/cases/{review_case.case_number}/")
    client_a.get(f"/cases/{review_case.case_number}/")
    accesses = CaseAccess.objects.filter(case=review_case).order_by("at", "id")
    assert [(a.user, a.path) for a in accesses] == [
        (reviewer_a.user, f"/cases/{review_case.case_number}/"),
        (staff_user, f"/cases/{review_case.case_number}/"),
        (reviewer_a.user, f"/cases/{review_case.case_number}/"),
    ]


def test_a_refused_case_page_is_not_logged(client_b, review_case):
    client_b.get(f"/cases/{review_case.case_number}/")
    assert not CaseAccess.objects.exists()


# Documents reviewed (htmx)


def test_the_reviewer_ticks_and_unticks_a_document(client_a, review_case):
    document = review_case.documents.get(doc_type=Document.Type.PR2)
    url = f"/cases/{review_case.case_number}/documents/{document.pk}/reviewed/"
    response = client_a.post(url, {"reviewed": "1"}, headers=HTMX)
    assert response.status_code == 200
    assert f'id="document-{document.pk}"' in page_of(response) and " checked" in page_of(response)
    assert DocumentReview.objects.filter(document=document, reviewer=review_case.reviewer).exists()
    response = client_a.post(url, {}, headers=HTMX)
    assert " checked" not in page_of(response)
    assert not DocumentReview.objects.exists()


def test_staff_cannot_tick_for_the_reviewer(client_staff, review_case):
    document = review_case.documents.get(doc_type=Document.Type.PR2)
    response = client_staff.post(
        f"/cases/{review_case.case_number}/documents/{document.pk}/reviewed/", {"reviewed": "1"}, headers=HTMX
    )
    assert review.NOT_THE_REVIEWER in page_of(response)
    assert not DocumentReview.objects.exists()


# The guideline picker (htmx)


def test_the_picker_searches_titles_and_aliases_case_insensitively(client_a, review_case, guideline, odg):
    GuidelineFactory(title="Chronic pain retired edition", active=False)
    item = review_case.items.get()
    search = f"/cases/{review_case.case_number}/items/{item.pk}/guidelines/"
    page = page_of(client_a.get(search, {"q": "CHRONIC pain"}, headers=HTMX))
    assert "Chronic Pain Medical Treatment Guidelines" in page and "retired edition" not in page
    assert "Chronic Pain Medical Treatment Guidelines" in page_of(client_a.get(search, {"q": "behavioral INTER"}))
    assert "Official Disability Guidelines (ODG)" in page_of(client_a.get(search, {"q": "odg"}))
    assert "No guideline or topic matches" in page_of(client_a.get(search, {"q": "zzz"}))


def test_the_picker_offers_at_most_fifteen(client_a, review_case):
    for n in range(25):
        GuidelineFactory(title=f"Knee guideline {n:02d}")
    item = review_case.items.get()
    page = page_of(client_a.get(f"/cases/{review_case.case_number}/items/{item.pk}/guidelines/", {"q": "knee"}))
    assert page.count("data-picker-choice") == 15


def test_a_picked_guideline_becomes_a_form_row(client_a, review_case, guideline):
    item = review_case.items.get()
    response = client_a.get(
        f"/cases/{review_case.case_number}/items/{item.pk}/citations/new/", {"guideline": guideline.pk}, headers=HTMX
    )
    page = page_of(response)
    assert f'name="item-{item.pk}-cit-guideline" value="{guideline.pk}"' in page
    assert f'name="item-{item.pk}-cit-id" value=""' in page
    inactive = GuidelineFactory(title="Retired", active=False)
    url = f"/cases/{review_case.case_number}/items/{item.pk}/citations/new/?guideline={inactive.pk}"
    assert client_a.get(url).status_code == 404


# Signing through the browser


def test_the_sign_page_lists_every_problem(client_a, review_case):
    page = page_of(client_a.get(f"/cases/{review_case.case_number}/sign/"))
    assert review.SIGNOFF_SUMMARY_MISSING in page and review.SIGNOFF_NO_DOCUMENT_REVIEWED in page
    assert 'id="confirm-sign"' not in page


def test_confirming_signs_the_case(client_a, signable_case):
    page = page_of(client_a.get(f"/cases/{signable_case.case_number}/sign/"))
    assert 'id="confirm-sign"' in page and 'id="signoff-warnings"' not in page
    preview = page_of(client_a.get(f"/cases/{signable_case.case_number}/sign/preview/"))
    assert SIGNABLE_SUMMARY in preview and "DRAFT (not signed)" in preview
    assert "State(s) of Licensure: California" in page
    response = client_a.post(f"/cases/{signable_case.case_number}/sign/confirm/", {"revision": signable_case.revision})
    assert response.status_code == 302
    signable_case.refresh_from_db()
    assert signable_case.status == Status.SIGNED
    page = page_of(client_a.get(response["Location"]))
    assert "The determination is signed" in page and "Letter:</strong> queued" in page
    assert 'id="draft-form"' not in page and "Upheld" in page


def test_confirming_a_draft_changed_after_the_page_was_shown_is_refused(client_a, signable_case):
    response = client_a.post(f"/cases/{signable_case.case_number}/sign/confirm/", {"revision": 7})
    assert review.STALE_REVISION in page_of(response)
    assert not Determination.objects.exists()


@pytest.mark.parametrize("data", [{}, {"revision": ""}, {"revision": "x"}, {"revision": "-1"}], ids=str)
def test_confirming_without_the_revision_the_page_showed_is_refused(client_a, signable_case, data):
    """A confirmation that does not say which draft it confirms (a forged or truncated form) signs nothing."""
    response = client_a.post(f"/cases/{signable_case.case_number}/sign/confirm/", data)
    assert response.status_code == 200
    assert review.STALE_REVISION in page_of(response)
    assert not Determination.objects.exists()
    signable_case.refresh_from_db()
    assert signable_case.status == Status.IN_REVIEW


# A signed case is read-only for everyone, on every edit endpoint


# POST endpoints that act on the signed outcome, not on the case's content: allowed after signing.
NOT_CASE_EDITS = {"letter_retry"}


def _edit_endpoints():
    """Every case URL that accepts POST, from the URL configuration (a new edit URL is covered here too)."""
    _prefix, resolver = get_resolver().namespace_dict["cases"]
    posts = [p.name for p in resolver.url_patterns if "POST" in getattr(p.callback, "case_methods", ())]
    return [name for name in posts if name not in NOT_CASE_EDITS]


def _edit_request(name, case):
    document = case.documents.get(doc_type=Document.Type.UR_LETTER)
    item = case.items.get()
    requests = {
        "draft_save": ({}, {"revision": case.revision, "clinical_summary": "Changed after signing"}),
        "document_reviewed": ({"document_pk": document.pk}, {"reviewed": "1"}),
        "sign_confirm": ({}, {"revision": case.revision}),
    }
    assert name in requests, f"Add {name} to the signed-case edit checks"
    kwargs, data = requests[name]
    data.update({f"item-{item.pk}-decision": "overturned", f"item-{item.pk}-rationale": "Changed"})
    return reverse(f"cases:{name}", kwargs={"case_number": case.case_number, **kwargs}), data


def test_the_edit_endpoints_are_known():
    assert sorted(_edit_endpoints()) == ["document_reviewed", "draft_save", "sign_confirm"]


@pytest.mark.parametrize("name", _edit_endpoints())
@pytest.mark.parametrize("who", ["client_a", "client_staff"])
def test_a_signed_case_refuses_every_edit(request, name, who, signable_case):
    determination_sign(case=signable_case, user=signable_case.reviewer.user)
    signable_case.refresh_from_db()
    before = (signable_case.clinical_summary, signable_case.revision, DocumentReview.objects.count())
    url, data = _edit_request(name, signable_case)
    response = request.getfixturevalue(who).post(url, data, headers=HTMX)
    # The draft form is a page (409: the case moved on); the htmx partial and the sign page answer 200 to be shown.
    assert response.status_code == (409 if name == "draft_save" else 200)
    assert review.CASE_SIGNED in page_of(response)
    signable_case.refresh_from_db()
    assert (signable_case.clinical_summary, signable_case.revision, DocumentReview.objects.count()) == before
    assert signable_case.items.get().decision == "upheld"
    assert Determination.objects.count() == 1


def test_a_signed_case_offers_no_new_citation_rows(client_staff, signable_case, guideline):
    determination_sign(case=signable_case, user=signable_case.reviewer.user)
    item = signable_case.items.get()
    url = f"/cases/{signable_case.case_number}/items/{item.pk}/citations/new/?guideline={guideline.pk}"
    assert review.CASE_SIGNED in page_of(client_staff.get(url))


def test_the_services_refuse_a_signed_case_too(signable_case):
    determination_sign(case=signable_case, user=signable_case.reviewer.user)
    with pytest.raises(review.ReviewError) as refused:
        review.case_save_draft(
            case=signable_case, user=signable_case.reviewer.user, expected_revision=0, summary="x", items=[]
        )
    assert refused.value.messages == [review.CASE_SIGNED]
    with pytest.raises(review.ReviewError):
        review.document_mark_reviewed(
            document=signable_case.documents.first(), user=signable_case.reviewer.user, reviewed=False
        )


def test_text_typed_after_the_case_was_signed_elsewhere_is_shown_to_copy(client_a, signable_case):
    """The reviewer signed in another tab, then saved this one: refused, but what they typed is on the page."""
    determination_sign(case=signable_case, user=signable_case.reviewer.user)
    item = signable_case.items.get()
    typed = {
        "revision": signable_case.revision,
        "clinical_summary": "A summary typed <after> signing, kept to copy.",
        f"item-{item.pk}-decision": "overturned",
        f"item-{item.pk}-rationale": "A rationale typed after signing.",
    }
    response = client_a.post(f"/cases/{signable_case.case_number}/draft/", typed)
    assert response.status_code == 409
    page = response.content.decode()
    assert review.CASE_SIGNED in page and 'id="draft-form"' not in page
    assert 'id="unsaved-text"' in page and workspace.UNSAVED_TEXT_NOTE in html.unescape(page)
    assert "A summary typed &lt;after&gt; signing, kept to copy.</textarea>" in page  # escaped, read-only
    assert "A rationale typed after signing.</textarea>" in page and page.count("readonly") == 2
    signable_case.refresh_from_db()
    assert signable_case.clinical_summary == SIGNABLE_SUMMARY
