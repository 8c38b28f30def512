from django.urls import path

from .views import letters, workspace

app_name = "cases"

urlpatterns = [
    path("", workspace.queue, name="queue"),
    path("<str:case_number>/", workspace.case_detail, name="detail"),
    path("<str:case_number>/letter.pdf", letters.letter_download, name="letter_download"),
    path("<str:case_number>/letter/status/", letters.letter_status, name="letter_status"),
    path("<str:case_number>/letter/retry/", letters.letter_retry_view, name="letter_retry"),
]
