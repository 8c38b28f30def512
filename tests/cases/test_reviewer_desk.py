"""The reviewer's desk (issue 13): clinical documents, document text and search, the ranked guideline picker with
topics, background saves, the letter's DRAFT preview and signing over warnings with a note."""

import html
import io
import json

import pypdf
import pytest
from django.core.files.base import ContentFile
from django.utils.timezone import localdate

from cases.admin.case_lifecycle import RECORDS_WITHOUT_CLINICAL_DOCUMENT
from cases.desk_selectors import document_search, library_search
from cases.models import (
    Case,
    CaseAccess,
    Determination,
    Document,
    DocumentPage,
    DocumentReview,
    Guideline,
    GuidelineTopic,
    Status,
)
from cases.services import review
from cases.services.demo import DemoReport, _guideline_library
from cases.services.document_text import document_extract_text
from cases.services.guideline_topics import guideline_topics_load
from cases.services.signoff_warnings import WARN_CONTRADICTION_UPHELD
from tests.factories import CaseFactory, DocumentFactory, GuidelineFactory, PartyFactory
from tests.support.pdfs import pdf_with_pages, scanned_pdf

pytestmark = pytest.mark.django_db


# 3. The clinical-document rule means clinical


@pytest.mark.parametrize(
    ("doc_type", "clinical"),
    [
        (Document.Type.IMR_APPLICATION, False),
        (Document.Type.UR_LETTER, False),
        (Document.Type.CORRESPONDENCE, False),
        (Document.Type.RFA, False),
        (Document.Type.PR2, True),
        (Document.Type.IMAGING, True),
        (Document.Type.OPERATIVE_REPORT, True),
        (Document.Type.THERAPY_NOTES, True),
        (Document.Type.MEDICAL_LEGAL, True),
    ],
)
def test_only_a_clinical_document_reviewed_satisfies_signoff(signable_case, doc_type, clinical):
    DocumentReview.objects.all().delete()
    document = DocumentFactory(case=signable_case, doc_type=doc_type)
    DocumentReview.objects.create(document=document, reviewer=signable_case.reviewer)
    problems = review.case_signoff_problems(case=signable_case, user=signable_case.reviewer.user, on=localdate())
    assert (review.SIGNOFF_NO_DOCUMENT_REVIEWED in problems) is not clinical


def test_records_complete_warns_the_coordinator_without_a_clinical_document(admin_client, review_case):
    review_case.documents.exclude(doc_type=Document.Type.UR_LETTER).delete()
    url = f"/admin/cases/case/{review_case.pk}/lifecycle/mark_records_complete/"
    expected = RECORDS_WITHOUT_CLINICAL_DOCUMENT.format(case=review_case.case_number)
    assert expected in admin_client.get(url).content.decode()
    DocumentFactory(case=review_case, doc_type=Document.Type.IMAGING)
    assert "has no clinical document" not in admin_client.get(url).content.decode()


def test_records_complete_today_on_the_list_warns_too(admin_client, review_case):
    Case.objects.filter(pk=review_case.pk).update(status=Status.AWAITING_RECORDS)
    review_case.documents.exclude(doc_type=Document.Type.UR_LETTER).delete()
    data = {"action": "mark_records_complete_action", "_selected_action": [review_case.pk]}
    page = admin_client.post("/admin/cases/case/", data, follow=True).content.decode()
    assert RECORDS_WITHOUT_CLINICAL_DOCUMENT.format(case=review_case.case_number) in html.unescape(page)


def test_signoff_problems_name_their_field_and_keep_long_titles_whole(review_case):
    item = review_case.items.get()
    item.title = "Cognitive behavioural therapy, twelve sessions over twelve weeks for chronic pain and depression"
    item.save()
    checks = review.case_signoff_checks(case=review_case, user=review_case.reviewer.user, on=localdate())
    fields = {c.message: c.field for c in checks}
    assert fields[review.SIGNOFF_SUMMARY_MISSING] == "id_clinical_summary"
    decision = review.SIGNOFF_DECISION_MISSING.format(number=1, title=item.title)
    assert fields[decision] == f"id_item-{item.pk}-decision_0"


# 4. Read the records


def test_extraction_stores_each_page_and_search_finds_document_page_snippet(review_case, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    texts = [f"Page {n} of the progress notes." for n in range(1, 10)]
    texts[6] = "On examination the lumbar spine shows spondylolisthesis at L4-5 with radicular findings."
    document = DocumentFactory(case=review_case, doc_type=Document.Type.PR2, title="PR-2 bundle")
    document.file = ContentFile(pdf_with_pages(texts), name="bundle.pdf")  # as the admin's upload assigns it
    document.save()
    assert document.text_status == Document.TextStatus.PENDING
    document_extract_text(document_id=document.pk)
    document.refresh_from_db()
    assert document.text_status == Document.TextStatus.SEARCHABLE and document.pages == 9
    assert DocumentPage.objects.filter(document=document).count() == 9
    hits = document_search(review_case, "Spondylolisthesis radicular")
    assert [(h.document.title, h.page) for h in hits] == [("PR-2 bundle", 7)]
    assert "spondylolisthesis at L4-5" in hits[0].snippet_text
    assert ("spondylolisthesis", True) in hits[0].snippet and ("radicular", True) in hits[0].snippet
    assert document_search(review_case, "spondylolisthesis absent-word") == []
    document_extract_text(document_id=document.pk)  # idempotent
    assert DocumentPage.objects.filter(document=document).count() == 9


def test_a_pdf_without_a_text_layer_is_marked_scanned(review_case, settings, tmp_path, client_a):
    settings.MEDIA_ROOT = tmp_path
    document = DocumentFactory(case=review_case, doc_type=Document.Type.IMAGING, title="Scanned MRI report")
    document.file = ContentFile(scanned_pdf(), name="scan.pdf")
    document.save()
    document_extract_text(document_id=document.pk)
    document.refresh_from_db()
    assert document.text_status == Document.TextStatus.SCANNED
    page = client_a.get(f"/cases/{review_case.case_number}/").content.decode()
    assert "Scanned, not searchable" in page
    hits = client_a.get(f"/cases/{review_case.case_number}/documents/search/", {"q": "mri"}).content.decode()
    assert "Scanned MRI report (scanned, not searchable)" in hits


def test_a_search_is_logged_as_an_access_to_the_case(client_a, review_case):
    client_a.get(f"/cases/{review_case.case_number}/documents/search/", {"q": "spondylolisthesis"})
    assert CaseAccess.objects.filter(case=review_case, path__contains="/documents/search/?q=").exists()


def test_search_stays_inside_the_case(review_case):
    document = DocumentFactory(case=CaseFactory())
    DocumentPage.objects.create(document=document, number=1, text="spondylolisthesis elsewhere")
    assert document_search(review_case, "spondylolisthesis") == []


# 5. Cite fast


@pytest.fixture
def library(db):
    _guideline_library(DemoReport())
    return Guideline.objects.count()


@pytest.mark.parametrize(
    ("query", "expected_topic"),
    [
        ("MRI", "Low back imaging: MRI, CT, special studies"),
        ("physical therapy", "Physical medicine (physical therapy)"),
        ("Norco", "Maintenance of chronic opioid treatment"),
        ("CBT", "Behavioral interventions (cognitive behavioral therapy)"),
        ("PT", "Physical medicine (physical therapy)"),
        ("flexer", "Muscle relaxants (for pain)"),  # a prefix of "Flexeril"
    ],
)
def test_the_picker_finds_topics_by_what_reviewers_type(library, query, expected_topic):
    choices = library_search(query)
    names = [c.topic.name for c in choices if c.topic]
    assert expected_topic in names[:3], names


def test_pt_is_a_whole_word_not_a_prefix_of_postsurgical(library):
    choices = library_search("PT")
    assert all("pt" in (c.topic.aliases.casefold().split() if c.topic else []) for c in choices)


def test_a_topic_fills_sections_and_pages(library, client_a, review_case):
    item = review_case.items.get()
    topic = GuidelineTopic.objects.get(name="Physical medicine (physical therapy)")
    url = f"/cases/{review_case.case_number}/items/{item.pk}/citations/new/"
    row = client_a.get(url, {"guideline": topic.guideline_id, "sections": topic.sections, "pages": topic.pages})
    page = row.content.decode()
    assert 'value="Physical medicine treatment"' in page and 'value="98-99"' in page


def test_imported_unreviewed_entries_are_not_offered(library, client_a, review_case):
    GuidelineFactory(title="Knee arthroscopy guideline imported", imported_unreviewed=True)
    GuidelineTopic.objects.filter(name__startswith="Knee imaging").update(imported_unreviewed=True)
    assert not any("imported" in c.guideline.title for c in library_search("knee arthroscopy"))
    assert not any(c.topic and c.topic.name.startswith("Knee imaging") for c in library_search("knee MRI"))
    item = review_case.items.get()
    unreviewed = Guideline.objects.get(imported_unreviewed=True)
    url = f"/cases/{review_case.case_number}/items/{item.pk}/citations/new/"
    assert client_a.get(url, {"guideline": unreviewed.pk}).status_code == 404


def test_topics_load_once(library):
    before = GuidelineTopic.objects.count()
    assert before > 40
    assert guideline_topics_load() == 0 and GuidelineTopic.objects.count() == before


# 1. Background saves (the page's autosave)

JSON = {"Accept": "application/json"}


def test_a_background_save_answers_json_with_time_revision_and_citation_ids(client_a, review_case, guideline):
    item = review_case.items.get()
    data = {
        "revision": review_case.revision,
        "clinical_summary": "Saved in the background",
        f"item-{item.pk}-decision": "upheld",
        f"item-{item.pk}-rationale": "",
        f"item-{item.pk}-cit-id": [""],
        f"item-{item.pk}-cit-guideline": [str(guideline.pk)],
        f"item-{item.pk}-cit-sections": ["Behavioral interventions"],
        f"item-{item.pk}-cit-pages": ["23"],
    }
    response = client_a.post(f"/cases/{review_case.case_number}/draft/", data, headers=JSON)
    assert response.status_code == 200
    body = json.loads(response.content)
    review_case.refresh_from_db()
    citation = item.citations.get(side="imro")
    assert body["revision"] == review_case.revision and body["citations"] == {f"item-{item.pk}": [citation.pk]}
    assert len(body["saved_at"]) == 5 and review_case.clinical_summary == "Saved in the background"
    stale = client_a.post(f"/cases/{review_case.case_number}/draft/", data, headers=JSON)
    assert stale.status_code == 409 and json.loads(stale.content)["stale"] is True


def test_case_and_sign_pages_are_never_stored(client_a, review_case):
    for url in (f"/cases/{review_case.case_number}/", f"/cases/{review_case.case_number}/sign/"):
        assert "no-store" in client_a.get(url)["Cache-Control"]


def test_the_case_page_shows_parties_ur_decision_and_deadline_first(client_a, review_case):
    PartyFactory(case=review_case, role="employer", name="Acme Stores")
    item = review_case.items.get()
    item.ur_outcome, item.ur_modified_to = "modified", "Psychotherapy, 4 sessions"
    item.save()
    page = client_a.get(f"/cases/{review_case.case_number}/").content.decode()
    assert '<dt class="col-6">Employer</dt><dd class="col-6">Acme Stores</dd>' in page
    assert "Modified (UR decision of 08/04/2014); UR approved instead: Psychotherapy, 4 sessions" in page
    assert page.index('id="case-deadline"') < page.index('id="facts-heading"')


# 6 and 7. The letter before signing; warnings signed over with a note


def test_the_draft_pdf_is_the_letter_marked_draft(client_a, signable_case):
    response = client_a.get(f"/cases/{signable_case.case_number}/sign/preview.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    flat = "".join(text.split())  # pypdf's word spacing varies; compare without it
    assert "DRAFT(notsigned)" in flat and "HOWTHEIMRFINALDETERMINATIONWASMADE" in flat
    assert "donotrecommendopen-endedpsychotherapy" in flat


def test_signing_over_warnings_needs_a_note_recorded_on_the_determination(client_a, signable_case):
    item = signable_case.items.get()
    item.rationale = "Psychotherapy is medically necessary and appropriate per the MTUS Chronic Pain guidelines."
    item.save()  # a conclusion that contradicts "Upheld"
    url = f"/cases/{signable_case.case_number}/sign/"
    page = client_a.get(url).content.decode()
    assert 'data-warning="contradiction"' in page
    assert f'href="/cases/{signable_case.case_number}/#id_item-{item.pk}-rationale"' in page
    refused = client_a.post(url + "confirm/", {"revision": signable_case.revision, "override_note": " "})
    assert refused.status_code == 422 and review.OVERRIDE_NOTE_REQUIRED in refused.content.decode()
    assert not Determination.objects.exists()
    note = "The request was for continued therapy; I reviewed the wording."
    client_a.post(url + "confirm/", {"revision": signable_case.revision, "override_note": note})
    determination = Determination.objects.get()
    assert determination.warnings_overridden == [
        {
            "code": "contradiction",
            "message": WARN_CONTRADICTION_UPHELD.format(number=1, title=item.title),
            "note": note,
        }
    ]
    signable_case.refresh_from_db()
    assert signable_case.status == Status.SIGNED
