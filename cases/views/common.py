"""What every case view shares: the login check (htmx-aware), the case through the one visibility rule, the method
check, and serving a case's private file."""

from functools import wraps
from urllib.parse import urlsplit

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .. import selectors
from ..services.access import case_access_record


def login_response(request, *, page: str):
    """Send an anonymous user (a session that expired, say) to the login page, and back to ``page`` afterwards.

    A plain request is redirected. An htmx request (a partial, a poll) gets 401 with ``HX-Redirect``, so that the
    browser leaves for the login page instead of pasting it into the document; ``next`` is the page the user was on
    (htmx's ``HX-Current-URL``), never the partial, which is no page to come back to.
    """
    if not request.htmx:
        return redirect_to_login(request.get_full_path())
    current = request.headers.get("HX-Current-URL", "")
    if current and url_has_allowed_host_and_scheme(current, allowed_hosts={request.get_host()}):
        parts = urlsplit(current)
        page = parts.path + (f"?{parts.query}" if parts.query else "")
    response = HttpResponse(status=401)
    response["HX-Redirect"] = redirect_to_login(page)["Location"]
    return response


def case_view(*, methods=("GET",), all_cases_only=False):
    """Login, then the case through the one visibility rule (404 otherwise; ``all_cases_only``: 404 also for those
    without ``cases.view_all_cases``, such as the assigned reviewer), then the method check.

    A GET on a POST-only URL is a browser arriving there, not a form being sent: a login that came back to the URL a
    POST was refused at (the session had expired), a reload, a bookmark. It is sent to the case page (302) rather
    than shown an empty 405; any other wrong method is 405.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, case_number, **kwargs):
            if not request.user.is_authenticated:
                return login_response(request, page=reverse("cases:detail", args=[case_number]))
            visible = selectors.cases_visible_to(request.user).select_related("claim__worker", "reviewer__user")
            case = get_object_or_404(visible, case_number=case_number)
            if all_cases_only and not selectors.user_sees_all_cases(request.user):
                raise Http404
            if request.method not in methods:
                if request.method in ("GET", "HEAD") and "GET" not in methods:
                    return redirect("cases:detail", case_number=case.case_number)
                return HttpResponseNotAllowed(methods)
            return view(request, case, **kwargs)

        wrapped.case_methods = methods
        return wrapped

    return decorator


def private_file_response(request, case, field_file, *, filename, content_type, missing, as_attachment=False):
    """A case file (document or letter) for someone already allowed to see ``case``: logged, never cached, and
    sandboxed so that a hostile file cannot run script in our origin. 404 with ``missing`` if it is not stored."""
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(missing) from None
    case_access_record(case=case, user=request.user, path=request.path)
    response = FileResponse(handle, as_attachment=as_attachment, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox"
    return response
