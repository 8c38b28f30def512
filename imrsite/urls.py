from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),  # before auth.urls: it shadows Django's
    # Password reset only when e-mail is configured (404 otherwise); before auth.urls, which they shadow.
    path(
        "accounts/password_reset/",
        views.email_required(auth_views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "accounts/password_reset/done/",
        views.email_required(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.email_required(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        views.email_required(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("cases/", include("cases.urls")),
    path("cases/", include("notices.urls")),
    path("precedents/", include("precedents.urls")),
    path("analytics/", include("precedents.analytics_urls")),
    path("api/", include("precedents.api_urls")),
    path("admin/", admin.site.urls),
]
