"""An uploaded document's text is extracted by a real Celery worker on Redis, queued when the upload commits."""

import pytest
from django.core.files.base import ContentFile
from django.db import transaction

from cases.models import Document, DocumentPage
from tests.factories import CaseFactory
from tests.support.pdfs import pdf_with_pages

from .workers import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]


def test_an_upload_is_made_searchable_by_the_worker(start_worker, media):
    start_worker()
    case = CaseFactory()
    with transaction.atomic():
        document = Document(case=case, doc_type=Document.Type.PR2, title="Upload")
        document.file = ContentFile(pdf_with_pages(["first page", "second page with tendinitis"]), name="up.pdf")
        document.save()
        assert Document.objects.get(pk=document.pk).text_status == Document.TextStatus.PENDING
    status = lambda: Document.objects.filter(pk=document.pk).values_list("text_status", flat=True).first()  # noqa: E731
    wait_for(lambda: status() != Document.TextStatus.PENDING, 60, "the extraction")
    assert status() == Document.TextStatus.SEARCHABLE
    assert list(DocumentPage.objects.filter(document=document).values_list("number", "text")) == [
        (1, "first page"),
        (2, "second page with tendinitis"),
    ]
