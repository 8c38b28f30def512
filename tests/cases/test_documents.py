"""Case documents: upload checks (size, type by name and by content), the stored hash, and reading a document."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from cases.admin.forms import OPEN_FILE
from cases.models import (
    DOCUMENT_EMPTY,
    DOCUMENT_TOO_LARGE,
    DOCUMENT_WRONG_CONTENT,
    DOCUMENT_WRONG_EXTENSION,
    CaseAccess,
    Document,
    validate_document_file,
)
from tests.factories import CaseFactory, DocumentFactory

PDF = b"%PDF-1.4\n% a treating physician's report\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
TIFF = b"II*\x00" + b"\x00" * 32


@pytest.mark.parametrize(("name", "content"), [("r.pdf", PDF), ("x.PNG", PNG), ("s.jpeg", JPEG), ("f.tif", TIFF)])
def test_accepted_formats(name, content):
    assert validate_document_file(SimpleUploadedFile(name, content)) is None  # accepted: no ValidationError


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"", DOCUMENT_EMPTY.format(name="report.pdf")),
        ("report.docx", PDF, DOCUMENT_WRONG_EXTENSION.format(name="report.docx")),
        ("report", PDF, DOCUMENT_WRONG_EXTENSION.format(name="report")),
        (
            "report.pdf",
            b"<html><img src=x></html>",
            DOCUMENT_WRONG_CONTENT.format(name="report.pdf", extension=".pdf", kind="a PDF file"),
        ),
        ("scan.png", JPEG, DOCUMENT_WRONG_CONTENT.format(name="scan.png", extension=".png", kind="a PNG file")),
    ],
)
def test_refused_files_name_the_problem(name, content, message):
    with pytest.raises(ValidationError) as refused:
        validate_document_file(SimpleUploadedFile(name, content))
    assert refused.value.messages == [message]


@override_settings(IMR_DOCUMENT_MAX_BYTES=10)
def test_a_file_over_the_size_limit_is_refused():
    with pytest.raises(ValidationError) as refused:
        validate_document_file(SimpleUploadedFile("big.pdf", PDF))
    assert refused.value.messages == [DOCUMENT_TOO_LARGE.format(name="big.pdf", size=len(PDF), limit=10)]


def test_a_stored_document_records_its_size_and_hash_under_a_random_name(db):
    document = DocumentFactory(file=SimpleUploadedFile("Smith John PR2.pdf", PDF))
    document.refresh_from_db()
    assert document.size == len(PDF)
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert "Smith" not in document.file.name
    assert document.file.name.startswith(f"documents/{document.case.case_number}/")
    assert document.file.name.endswith(".pdf")


def test_admin_upload_refuses_a_wrong_file_and_keeps_what_was_typed(admin_client):
    case = CaseFactory()
    response = admin_client.post(
        reverse("admin:cases_document_add"),
        {
            "case": case.pk,
            "doc_type": Document.Type.PR2,
            "title": "Progress report of 07/25/2014",
            "author": "Dr. Treating",
            "file": SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    assert response.status_code == 200
    assert (
        DOCUMENT_WRONG_CONTENT.format(name="report.pdf", extension=".pdf", kind="a PDF file")
        in response.content.decode()
    )
    assert "Progress report of 07/25/2014" in response.content.decode()
    assert not Document.objects.exists()


def test_admin_upload_stores_a_valid_file(admin_client):
    case = CaseFactory()
    response = admin_client.post(
        reverse("admin:cases_document_add"),
        {
            "case": case.pk,
            "doc_type": Document.Type.PR2,
            "title": "Progress report",
            "file": SimpleUploadedFile("report.pdf", PDF),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Document.objects.get().sha256 == hashlib.sha256(PDF).hexdigest()


def test_the_admin_links_a_stored_file_to_its_authorised_view_not_to_the_storage(admin_client):
    case = CaseFactory(case_number="CM14-0000042")
    document = DocumentFactory(case=case, file=SimpleUploadedFile("report.pdf", PDF))
    url = reverse("cases:document_file", args=["CM14-0000042", document.pk])
    assert url == f"/cases/CM14-0000042/documents/{document.pk}/file/"
    for page in (
        reverse("admin:cases_document_change", args=[document.pk]),
        reverse("admin:cases_case_change", args=[case.pk]),
    ):
        html = admin_client.get(page).content.decode()
        assert f'<a href="{url}">{OPEN_FILE}</a>' in html
        assert document.file.url not in html and "media-not-served" not in html
    assert admin_client.get(url).status_code == 200  # staff may open it; the view checks and logs the access


def test_the_assigned_reviewer_reads_a_document_inline_and_the_access_is_logged(client_a, review_case, reviewer_a):
    document = review_case.documents.get(doc_type=Document.Type.PR2)
    url = reverse("cases:document_file", kwargs={"case_number": review_case.case_number, "document_pk": document.pk})
    response = client_a.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert CaseAccess.objects.filter(case=review_case, user=reviewer_a.user, path=url).exists()


def test_a_document_without_a_file_answers_404(client_a, review_case):
    document = review_case.documents.get(doc_type=Document.Type.UR_LETTER)
    url = reverse("cases:document_file", kwargs={"case_number": review_case.case_number, "document_pk": document.pk})
    assert client_a.get(url).status_code == 404


def test_a_document_of_another_case_answers_404(client_a, review_case):
    other = DocumentFactory(file=SimpleUploadedFile("o.pdf", PDF))
    url = reverse("cases:document_file", kwargs={"case_number": review_case.case_number, "document_pk": other.pk})
    assert client_a.get(url).status_code == 404


def _upload(admin_client, upload):
    case = CaseFactory()
    data = {"case": case.pk, "doc_type": Document.Type.PR2, "title": "Progress report", "file": upload}
    return admin_client.post(reverse("admin:cases_document_add"), data)


def test_admin_upload_accepts_a_file_name_longer_than_100_characters(admin_client):
    name = "Progress report of the primary treating physician, " * 4 + "07-25-2014.pdf"
    assert len(name) > 200
    response = _upload(admin_client, SimpleUploadedFile(name, PDF))
    assert response.status_code == 302, response.content.decode()[:3000]
    stored = Document.objects.get()
    assert stored.file.name.endswith(".pdf") and len(stored.file.name) < 100  # the stored name is random


def test_admin_upload_names_an_empty_file(admin_client):
    response = _upload(admin_client, SimpleUploadedFile("pr2-07-25-2014.pdf", b""))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["file"] == [DOCUMENT_EMPTY.format(name="pr2-07-25-2014.pdf")]
    assert DOCUMENT_EMPTY.format(name="x.pdf") == "The file x.pdf is empty."
    assert not Document.objects.exists()
