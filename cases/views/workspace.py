"""The reviewer workspace: the queue, the case page with its draft form, the htmx partials (documents reviewed,
guideline picker), and signing.

Every view that touches a case gets it from ``cases_visible_to`` through ``case_view`` (a case someone may not
see answers 404, whatever the method); writes go to ``cases.services.review``.
"""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from reviewers.selectors import reviewer_credentials

from .. import selectors
from ..forms import CaseDraftForm, QueueFilterForm, SignConfirmForm
from ..letters import guideline_line
from ..models import Citation, Guideline, document_content_type
from ..pagination import LargeTablePaginator
from ..services import review
from ..services.access import case_access_record
from .common import case_view, private_file_response

DRAFT_SAVED = "Draft saved."
NO_DOCUMENT_FILE = "No file is attached to this document."
CASE_SIGNED_NOTICE = "The determination is signed; its letter is being prepared."


def _is_assigned_reviewer(case, user) -> bool:
    return case.reviewer_id is not None and case.reviewer.user_id == user.pk


# The queue


@login_required
@require_GET
def queue(request):
    filters = QueueFilterForm(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    cases = selectors.case_queue(request.user, status=chosen.get("status", ""), priority=chosen.get("priority", ""))
    # The deadline running now (records, then decision) and its days left, computed in SQL.
    cases = selectors.annotate_running_deadline(cases, timezone.localdate())
    page = LargeTablePaginator(cases, selectors.QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/queue.html", {"page": page, "filters": filters})


# The case page and its draft


def _case_page(request, case, *, draft=None, errors=(), status=200):
    """The case page; ``draft`` is a bound form being re-shown with what the user typed."""
    case_access_record(case=case, user=request.user, path=request.get_full_path())
    items = list(selectors.case_items(case))
    editable = review.case_edit_refusal(case) is None
    if draft is None and editable:
        draft = CaseDraftForm(case=case, items=items)
    for entry in draft.items if draft else ():
        _item_lines(entry.item)
    determination = selectors.current_determination(case)
    context = {
        "case": case,
        "worker": case.claim.worker,
        "age": selectors.worker_age(case.claim.worker, timezone.localdate()),
        "timeline": selectors.treatment_timeline(case),
        "documents": selectors.case_documents(case, case.reviewer),
        "can_mark_documents": editable and _is_assigned_reviewer(case, request.user),
        "editable": editable,
        "draft": draft,
        "items": [_item_lines(item) for item in items],
        "errors": errors,
        "determination": determination,
        "letter": selectors.latest_letter(determination),
    }
    return render(request, "cases/case_detail.html", context, status=status)


def _item_lines(item):
    """An item with its two guideline lines as the letter will print them."""
    citations = list(item.citations.all())
    for side, attribute, label in (
        (Citation.Side.CLAIMS_ADMINISTRATOR, "claims_administrator_line", "The Claims Administrator"),
        (Citation.Side.IMRO, "imro_line", "The Expert Reviewer"),
    ):
        setattr(
            item, attribute, guideline_line(label, [selectors.citation_as_dict(c) for c in citations if c.side == side])
        )
    return item


@case_view()
def case_detail(request, case):
    return _case_page(request, case)


@case_view(methods=("POST",))
def draft_save(request, case):
    refusal = review.case_edit_refusal(case)
    if refusal:
        return _case_page(request, case, errors=[refusal])
    draft = CaseDraftForm(case=case, items=selectors.case_items(case), data=request.POST)
    if not draft.is_valid():
        return _case_page(request, case, draft=draft, errors=draft.errors)
    try:
        review.case_save_draft(case=case, user=request.user, **draft.save_arguments())
    except review.StaleRevisionError as exc:
        # Keep everything typed; the next save is a deliberate overwrite of the newer revision.
        draft.revision = exc.current_revision
        return _case_page(request, case, draft=draft, errors=exc.messages)
    except review.ReviewError as exc:
        return _case_page(request, case, draft=draft, errors=exc.messages)
    messages.success(request, DRAFT_SAVED)
    return redirect("cases:detail", case_number=case.case_number)


# htmx partials


@case_view(methods=("POST",))
def document_reviewed(request, case, document_pk):
    document = get_object_or_404(case.documents, pk=document_pk)
    error = ""
    try:
        review.document_mark_reviewed(document=document, user=request.user, reviewed="reviewed" in request.POST)
    except review.ReviewError as exc:
        error = " ".join(exc.messages)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("cases:detail", case_number=case.case_number)
    context = {
        "case": case,
        "document": selectors.case_documents(case, case.reviewer).get(pk=document.pk),
        "can_mark_documents": not error and _is_assigned_reviewer(case, request.user),
        "error": error,
    }
    return render(request, "cases/_document_row.html", context)


@case_view()
def document_file(request, case, document_pk):
    """A document of the case file, shown inline in the browser (PDFs and images); 404 when none is attached."""
    document = get_object_or_404(case.documents, pk=document_pk)
    if not document.file:
        raise Http404(NO_DOCUMENT_FILE)
    return private_file_response(
        request,
        case,
        document.file,
        filename=f"{case.case_number}-document-{document.pk}{Path(document.file.name).suffix}",
        content_type=document_content_type(document.file.name),
        missing=NO_DOCUMENT_FILE,
    )


@case_view()
def guideline_search(request, case, item_pk):
    item = get_object_or_404(case.items, pk=item_pk)
    query = request.GET.get("q", "")
    context = {"case": case, "item": item, "query": query, "guidelines": selectors.guidelines_matching(query)}
    return render(request, "cases/_guideline_results.html", context)


@case_view()
def citation_row(request, case, item_pk):
    """A new, unsaved citation row for the draft form; it is stored with the next draft save."""
    item = get_object_or_404(case.items, pk=item_pk)
    refusal = review.case_edit_refusal(case)
    if refusal:
        return render(request, "cases/_citation_refusal.html", {"error": refusal})
    guideline_id = request.GET.get("guideline", "")
    guideline = get_object_or_404(Guideline, active=True, pk=guideline_id if guideline_id.isdigit() else None)
    row = {"guideline": guideline, "guideline_id": guideline.pk, "citation_id": None, "sections": "", "pages": ""}
    return render(request, "cases/_citation_row.html", {"item": item, "prefix": f"item-{item.pk}", "row": row})


# Signing


def _sign_page(request, case, *, problems=None, status=200):
    case_access_record(case=case, user=request.user, path=request.get_full_path())
    today = timezone.localdate()
    if problems is None:
        problems = review.case_signoff_problems(case=case, user=request.user, on=today)
    assigned = _is_assigned_reviewer(case, request.user)
    context = {
        "case": case,
        "problems": problems,
        "today": today,
        "items": [_item_lines(item) for item in selectors.case_items(case)],
        "documents": review.documents_reviewed(case=case, reviewer=case.reviewer) if case.reviewer_id else [],
        "credentials": reviewer_credentials(case.reviewer, on=today) if assigned else None,
        "form": SignConfirmForm(initial={"revision": case.revision}),
    }
    return render(request, "cases/sign.html", context, status=status)


@case_view()
def sign(request, case):
    """The confirmation step: what will be signed, or every reason it cannot be yet."""
    return _sign_page(request, case)


@case_view(methods=("POST",))
def sign_confirm(request, case):
    form = SignConfirmForm(request.POST)
    expected = form.cleaned_data["revision"] if form.is_valid() else -1  # no revision: a stale form
    try:
        review.determination_sign(case=case, user=request.user, expected_revision=expected)
    except review.ReviewError as exc:
        return _sign_page(request, case, problems=exc.messages)
    messages.success(request, CASE_SIGNED_NOTICE)
    return redirect("cases:detail", case_number=case.case_number)
