"""What the admin must not do: revert history, write the reviewer's part of the draft, delete what a signed
determination rests on, or delete a case."""

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.admin.common import HistoryAdmin
from cases.models import Case, Citation, Document, DocumentReview, Status
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_every_admin_with_history_is_a_history_admin_that_cannot_revert():
    from simple_history.admin import SimpleHistoryAdmin

    with_history = [a for a in admin.site._registry.values() if isinstance(a, SimpleHistoryAdmin)]
    assert with_history
    assert all(isinstance(model_admin, HistoryAdmin) for model_admin in with_history)


def test_posting_a_historical_version_reverts_nothing(admin_client, review_case):
    item = review_case.items.get()
    oldest = item.history.earliest()
    item.decision, item.rationale = "overturned", "The reviewer's later words."
    item.save()
    Case.objects.filter(pk=review_case.pk).update(status=Status.ISSUED)
    for url in (
        reverse("admin:cases_disputeditem_simple_history", args=[item.pk, oldest.history_id]),
        reverse("admin:cases_case_simple_history", args=[review_case.pk, review_case.history.earliest().history_id]),
    ):
        assert admin_client.get(url).status_code == 200  # still readable
        assert admin_client.post(url, {"title": "Reverted", "_save": "Save"}).status_code == 405
    item.refresh_from_db()
    assert (item.decision, item.rationale) == ("overturned", "The reviewer's later words.")
    assert Case.objects.get(pk=review_case.pk).status == Status.ISSUED


def test_the_expert_reviewers_citations_are_read_only_in_the_admin(admin_client, review_case, guideline):
    item = review_case.items.get()
    theirs = f.CitationFactory(item=item, side=Citation.Side.IMRO, guideline=guideline, pages="23")
    url = reverse("admin:cases_citation_change", args=[theirs.pk])
    assert not admin_client.get(url).context["has_change_permission"]
    data = {"item": item.pk, "guideline": guideline.pk, "sections": "Staff's", "pages": "1", "order": "0"}
    assert admin_client.post(url, data).status_code == 403
    assert (
        admin_client.post(reverse("admin:cases_citation_delete", args=[theirs.pk]), {"post": "yes"}).status_code == 403
    )
    theirs.refresh_from_db()
    assert (theirs.sections, theirs.pages) == ("", "23")

    # A citation added in the admin is always the claims administrator's, whatever the request says.
    added = admin_client.post(reverse("admin:cases_citation_add"), {**data, "side": "imro", "_save": "Save"})
    assert added.status_code == 302
    assert Citation.objects.get(sections="Staff's").side == Citation.Side.CLAIMS_ADMINISTRATOR

    # The item page edits the claims administrator's citations and only shows the reviewer's.
    page = admin_client.get(reverse("admin:cases_disputeditem_change", args=[item.pk]))
    editable, shown = page.context["inline_admin_formsets"]
    assert {form.original.side for form in editable if form.original} == {Citation.Side.CLAIMS_ADMINISTRATOR}
    assert [form.original for form in shown if form.original] == [theirs]
    assert not (shown.has_add_permission or shown.has_change_permission or shown.has_delete_permission)


def test_reviewed_marks_are_the_reviewers_only(admin_client, review_case, reviewer_a):
    document = review_case.documents.get(doc_type=Document.Type.PR2)
    response = admin_client.post(
        reverse("admin:cases_documentreview_add"), {"document": document.pk, "reviewer": reviewer_a.pk}
    )
    assert response.status_code == 403
    assert not DocumentReview.objects.exists()


def test_a_signed_cases_documents_can_be_corrected_but_not_deleted(admin_client, review_case):
    document = review_case.documents.get(doc_type=Document.Type.PR2)
    Case.objects.filter(pk=review_case.pk).update(status=Status.SIGNED)
    delete = reverse("admin:cases_document_delete", args=[document.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Document.objects.filter(pk=document.pk).exists()
    page = admin_client.get(reverse("admin:cases_document_change", args=[document.pk]))
    assert page.context["has_change_permission"] and not page.context["has_delete_permission"]


def test_an_open_cases_document_can_be_deleted(admin_client):
    document = f.DocumentFactory(file=SimpleUploadedFile("r.pdf", b"%PDF-1.4 x"))
    assert (
        admin_client.post(reverse("admin:cases_document_delete", args=[document.pk]), {"post": "yes"}).status_code
        == 302
    )


def test_cases_are_never_deleted(admin_client, review_case):
    url = reverse("admin:cases_case_delete", args=[review_case.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    changelist = admin_client.get(reverse("admin:cases_case_changelist"))
    assert "delete_selected" not in dict(changelist.context["action_form"].fields["action"].choices)


def test_an_unknown_lifecycle_action_is_not_found(admin_client, review_case):
    url = reverse("admin:cases_case_lifecycle", args=[review_case.pk, "nope"])
    assert admin_client.get(url).status_code == 404
