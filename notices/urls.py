from django.urls import path

from . import views

app_name = "notices"

# Under /cases/<case_number>/ like every case URL: the case is resolved through cases_visible_to.
urlpatterns = [
    path("<str:case_number>/notices/<int:notice_pk>.pdf", views.notice_download, name="download"),
]
