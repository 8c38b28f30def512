from django.urls import path

from .views import workspace

app_name = "cases"

urlpatterns = [
    path("", workspace.queue, name="queue"),
    path("<str:case_number>/", workspace.case_detail, name="detail"),
]
