"""What every case view shares: the case through the one visibility rule, and serving a case's private file."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404

from .. import selectors
from ..services.access import case_access_record


def case_view(*, methods=("GET",)):
    """Login, then the case through the one visibility rule (404 otherwise), then the method check."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, case_number, **kwargs):
            visible = selectors.cases_visible_to(request.user).select_related("claim__worker", "reviewer__user")
            case = get_object_or_404(visible, case_number=case_number)
            if request.method not in methods:
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
