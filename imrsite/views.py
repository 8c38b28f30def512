from functools import wraps

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .celery import app as celery_app
from .worker_health import NO_WORKER, workers_alive

# Logging out tells the browser to drop this site's storage: the reviewer's draft backups (localStorage, PHI) must
# not outlive the session on a shared browser. Browsers apply it on secure contexts only (HTTPS, localhost); the
# logout form's script (static/js/logout.js) deletes them anyway.
CLEAR_SITE_DATA = '"storage"'


class LogoutView(auth_views.LogoutView):
    """Django's logout (POST only), with ``Clear-Site-Data: "storage"`` on the response."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response


PASSWORD_RESET_OFF = "Password reset is not available: ask an administrator to set a new password."


def email_required(view):
    """``view`` (a password reset page) answers 404 unless e-mail is configured (EMAIL_URL)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.EMAIL_URL:
            raise Http404(PASSWORD_RESET_OFF)
        return view(request, *args, **kwargs)

    return wrapped


@login_required
def home(request):
    """Staff work in the admin; reviewers in their queue."""
    return redirect("/admin/" if request.user.is_staff else "/cases/")


@never_cache
@require_GET
def healthz(request):
    """The database; with a broker configured (REDIS_URL), the broker and a live worker (a heartbeat within the last
    30 s, imrsite/worker_health.py). 503 when anything is down: tasks queued with no worker would wait forever."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        checks["database"] = f"error: {exc.__class__.__name__}"
    if settings.REDIS_URL:
        try:
            with celery_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = "ok"
            checks["worker"] = "ok" if workers_alive() else NO_WORKER
        except Exception as exc:  # noqa: BLE001
            checks["broker"] = f"error: {exc.__class__.__name__}"
            checks["worker"] = NO_WORKER
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)
