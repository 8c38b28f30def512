from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),  # before auth.urls: it shadows Django's
    path("accounts/", include("django.contrib.auth.urls")),
    path("cases/", include("cases.urls")),
    path("precedents/", include("precedents.urls")),
    path("analytics/", include("precedents.analytics_urls")),
    path("api/", include("precedents.api_urls")),
    path("admin/", admin.site.urls),
]
