"""/api/: the JSON API and its OpenAPI schema."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from cases.api import CaseDetail, CaseList

from .api import DecisionAnalytics, PrecedentSearch

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("precedents/", PrecedentSearch.as_view(), name="api-precedents"),
    path("analytics/decisions/", DecisionAnalytics.as_view(), name="api-analytics-decisions"),
    path("cases/", CaseList.as_view(), name="api-cases"),
    path("cases/<str:case_number>/", CaseDetail.as_view(), name="api-case"),
]
