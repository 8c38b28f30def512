"""The letter of a case: its live status (an htmx partial), its download, and a staff retry after a failure.

Every view finds the case through ``cases_visible_to`` before anything else: a reviewer not assigned gets 404
whatever the method, as for the case page; only then is the method checked (405).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from ..selectors import cases_visible_to, current_determination, letter_current, letter_downloadable
from ..services.access import case_access_record
from ..services.letters import LetterError, letter_retry

NO_LETTER_READY = "No letter of this case is ready."
NO_LETTER = "This case has no letter."


def _visible_case(request, case_number, *, methods=("GET", "HEAD")):
    """The case if the user may see it (else 404), then the method (else 405)."""
    case = get_object_or_404(cases_visible_to(request.user), case_number=case_number)
    if request.method not in methods:
        return case, HttpResponseNotAllowed(methods)
    return case, None


def letter_status_context(case) -> dict:
    """What ``cases/_letter_status.html`` needs (the case page, the admin and the polling view share it)."""
    return {
        "case": case,
        "determination": current_determination(case),
        "letter": letter_current(case),
        "downloadable": letter_downloadable(case),
    }


@login_required
def letter_download(request, case_number):
    """The case's current letter as ``<case_number>.pdf``; 404 until one is ready."""
    case, refused = _visible_case(request, case_number)
    if refused:
        return refused
    letter = letter_downloadable(case)
    if letter is None:
        raise Http404(NO_LETTER_READY)
    try:
        handle = letter.file.open("rb")
    except FileNotFoundError:
        raise Http404(NO_LETTER_READY) from None
    case_access_record(case=case, user=request.user, path=request.path)
    response = FileResponse(
        handle, as_attachment=True, filename=f"{case.case_number}.pdf", content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Letter-SHA256"] = letter.sha256
    return response


@never_cache
@login_required
def letter_status(request, case_number):
    """The status partial; it polls itself (htmx) while the letter is queued or rendering."""
    case, refused = _visible_case(request, case_number)
    if refused:
        return refused
    return render(request, "cases/_letter_status.html", letter_status_context(case))


@login_required
def letter_retry_view(request, case_number):
    """Staff: queue a failed letter again. Answers htmx with the partial, a plain form with a redirect."""
    case, refused = _visible_case(request, case_number, methods=("POST",))
    if refused:
        return refused
    letter = letter_current(case)
    if letter is None:
        raise Http404(NO_LETTER)
    if not request.user.is_staff:
        raise PermissionDenied
    try:
        letter_retry(letter=letter, actor=request.user)
    except LetterError as exc:
        messages.error(request, exc.message)
    if request.htmx:
        return render(request, "cases/_letter_status.html", letter_status_context(case))
    return redirect("cases:detail", case_number=case.case_number)
