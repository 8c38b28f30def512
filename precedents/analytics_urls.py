from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("", views.analytics, name="decisions"),
    path("decisions.csv", views.analytics_csv, name="decisions_csv"),
]
