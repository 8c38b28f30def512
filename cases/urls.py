from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<str:case_number>/", views.case_detail, name="detail"),
]
