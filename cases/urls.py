from django.urls import path

from .views import desk, letters, workspace

app_name = "cases"

# Every case URL lives under <case_number>/ and resolves the case through cases_visible_to (see workspace.case_view);
# tests/cases/test_workspace_permissions.py iterates these patterns, so a new one must join its matrix.
urlpatterns = [
    path("", workspace.queue, name="queue"),
    path("<str:case_number>/", workspace.case_detail, name="detail"),
    path("<str:case_number>/draft/", workspace.draft_save, name="draft_save"),
    path(
        "<str:case_number>/documents/<int:document_pk>/reviewed/",
        workspace.document_reviewed,
        name="document_reviewed",
    ),
    path("<str:case_number>/documents/<int:document_pk>/file/", workspace.document_file, name="document_file"),
    path("<str:case_number>/items/<int:item_pk>/guidelines/", workspace.guideline_search, name="guideline_search"),
    path("<str:case_number>/items/<int:item_pk>/citations/new/", workspace.citation_row, name="citation_row"),
    path("<str:case_number>/documents/search/", desk.document_search, name="document_search"),
    path("<str:case_number>/sign/", workspace.sign, name="sign"),
    path("<str:case_number>/sign/preview/", desk.sign_preview, name="sign_preview"),
    path("<str:case_number>/sign/preview.pdf", desk.sign_preview_pdf, name="sign_preview_pdf"),
    path("<str:case_number>/sign/confirm/", workspace.sign_confirm, name="sign_confirm"),
    path("<str:case_number>/letter.pdf", letters.letter_download, name="letter_download"),
    path(
        "<str:case_number>/letters/<int:letter_pk>.pdf", letters.letter_version_download, name="letter_version_download"
    ),
    path("<str:case_number>/letter/status/", letters.letter_status, name="letter_status"),
    path("<str:case_number>/letter/retry/", letters.letter_retry_view, name="letter_retry"),
]
