"""The reviewer's desk beside the draft: search in the case's documents, and the letter's DRAFT preview on the sign
page (the letter template itself, as HTML or as a PDF). Cases come through ``case_view`` (the one visibility rule)."""

from csp.constants import SELF
from csp.decorators import csp_replace
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin

from .. import desk_selectors
from ..letters import letter_context, letter_pdf
from ..services import review
from ..services.access import case_access_record
from .common import case_view


@case_view()
def document_search(request, case):
    """Pages of the case's documents holding every word typed: "document, page, snippet" hits (record text: logged)."""
    case_access_record(case=case, user=request.user, path=request.get_full_path())
    query = request.GET.get("q", "")
    hits = desk_selectors.document_search(case, query)
    unsearchable = [d for d in case.documents.all() if d.text_status != d.TextStatus.SEARCHABLE and d.file]
    context = {"case": case, "query": query, "hits": hits, "unsearchable": unsearchable}
    return render(request, "cases/_document_hits.html", context)


def _draft_snapshot(request, case):
    case_access_record(case=case, user=request.user, path=request.get_full_path())
    return review.case_draft_snapshot(case=case, on=timezone.localdate())


@never_cache
@xframe_options_sameorigin  # shown in the sign page's frame, and nowhere else
@csp_replace({"frame-ancestors": [SELF]})
@case_view()
def sign_preview(request, case):
    """The letter as it will print, from the same template, marked DRAFT."""
    context = {**letter_context(_draft_snapshot(request, case)), "draft": True}
    context["preview_stylesheet"] = static("letters/letter.css")
    # The PDF renderer reads the logo through its static-only fetcher ("static:" URLs); a browser needs the real URL.
    context["organization_logo"] = static(settings.IMR_ORGANIZATION_LOGO) if settings.IMR_ORGANIZATION_LOGO else ""
    return render(request, "letters/letter.html", context)


@never_cache
@case_view()
def sign_preview_pdf(request, case):
    """The letter rendered to PDF exactly as the letter task will, with a DRAFT mark on every page."""
    pdf = letter_pdf(_draft_snapshot(request, case), draft=True)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.case_number}-DRAFT.pdf"'
    return response
