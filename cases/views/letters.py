"""The letter of a case: its live status (an htmx partial), its download, and a staff retry after a failure.

Every view finds the case through ``cases_visible_to`` before anything else: a reviewer not assigned gets 404
whatever the method, as for the case page; only then is the method checked (405).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from ..models import Letter
from ..selectors import current_determination, letter_current, letter_downloadable
from ..services.letters import LetterError, letter_retry
from .common import case_view, private_file_response

NO_LETTER_READY = "No letter of this case is ready."
# Queuing a failed letter again is a change of the letter (the Coordinator group holds it).
LETTER_RETRY_PERMISSION = "cases.change_letter"
NO_LETTER = "This case has no letter."


def letter_status_context(case) -> dict:
    """What ``cases/_letter_status.html`` needs (the case page, the admin and the polling view share it)."""
    return {
        "case": case,
        "determination": current_determination(case),
        "letter": letter_current(case),
        "downloadable": letter_downloadable(case),
    }


@case_view(methods=("GET", "HEAD"))
def letter_download(request, case):
    """The case's letter as ``<case_number>.pdf``: the issued one once issued, else the newest ready; 404 until one
    is ready."""
    letter = letter_downloadable(case)
    if letter is None:
        raise Http404(NO_LETTER_READY)
    return _letter_pdf_response(request, case, letter, filename=f"{case.case_number}.pdf")


@case_view(methods=("GET", "HEAD"), all_cases_only=True)
def letter_version_download(request, case, letter_pk):
    """Those who see every case: one given letter version of the case (any determination), e.g. from the letters
    admin; 404 for anyone else, the assigned reviewer included."""
    letter = get_object_or_404(
        Letter.objects.select_related("determination"),
        pk=letter_pk,
        determination__case=case,
        status=Letter.Status.READY,
    )
    filename = f"{case.case_number}-v{letter.determination.version}-{letter.version}.pdf"
    return _letter_pdf_response(request, case, letter, filename=filename)


def _letter_pdf_response(request, case, letter, *, filename):
    """A letter's PDF as an attachment, with its recorded SHA-256 for whoever checks what they received."""
    response = private_file_response(
        request,
        case,
        letter.file,
        filename=filename,
        content_type="application/pdf",
        missing=NO_LETTER_READY,
        as_attachment=True,
    )
    response["X-Letter-SHA256"] = letter.sha256
    return response


@never_cache
@case_view(methods=("GET", "HEAD"))
def letter_status(request, case):
    """The status partial; it polls itself (htmx) while the letter is queued or rendering."""
    return render(request, "cases/_letter_status.html", letter_status_context(case))


@case_view(methods=("POST",))
def letter_retry_view(request, case):
    """Staff: queue a failed letter again. Answers htmx with the partial, a plain form with a redirect."""
    letter = letter_current(case)
    if letter is None:
        raise Http404(NO_LETTER)
    if not request.user.has_perm(LETTER_RETRY_PERMISSION):
        raise PermissionDenied
    try:
        letter_retry(letter=letter, actor=request.user)
    except LetterError as exc:
        messages.error(request, exc.message)
    if request.htmx:
        return render(request, "cases/_letter_status.html", letter_status_context(case))
    return redirect("cases:detail", case_number=case.case_number)
