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
NOTHING_SAVED = "Nothing was saved: fix the marked fields and save again."
UNSAVED_TEXT_NOTE = "This text was not saved. Copy what you still need from here: it is gone once you leave this page."
READ_ONLY_FOR_STAFF = (
    "You see this case read-only: only the assigned expert reviewer writes and signs its determination."
)


# The queue


@login_required
@require_GET
def queue(request):
    filters = QueueFilterForm(request.GET)
    chosen = filters.chosen()
    cases = selectors.case_queue(request.user, status=chosen.get("status", ""), priority=chosen.get("priority", ""))
    # The deadline running now (records, then decision) and its days left, computed in SQL.
    cases = selectors.annotate_running_deadline(cases, timezone.localdate())
    page = LargeTablePaginator(cases, selectors.QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/queue.html", {"page": page, "filters": filters})


# The case page and its draft


def _case_page(request, case, *, draft=None, errors=(), status=200, unsaved=()):
    """The case page; ``draft`` is a bound form being re-shown with what the user typed; ``unsaved``, typed text that
    a read-only page shows for copying (the case was signed meanwhile)."""
    case_access_record(case=case, user=request.user, path=request.get_full_path())
    items = list(selectors.case_items(case))
    assigned = selectors.case_is_assigned_to(case, request.user)
    open_for_review = review.case_edit_refusal(case) is None
    editable = open_for_review and assigned  # staff (and anyone else) see an open case read-only
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
        "can_mark_documents": editable,
        "editable": editable,
        "read_only_notice": READ_ONLY_FOR_STAFF if open_for_review and not assigned else "",
        "signed": case.status in review.SIGNED_STATUSES,
        "draft": draft,
        "items": [_item_lines(item) for item in items],
        "errors": errors,
        "unsaved": unsaved,
        "unsaved_note": UNSAVED_TEXT_NOTE,
        "determination": determination,
        "letter": selectors.latest_letter(determination),
        "correction": selectors.correction_pending(case),
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
    """Save the draft. Refused, the page comes back with everything typed: 422 for fields to fix, 409 when the case
    moved on (saved meanwhile in another tab, or signed), 403 for anyone but the assigned reviewer."""
    refusal = review.case_edit_refusal(case)
    if refusal:  # signed (or closed) meanwhile: the page is read-only, the typed text is shown to copy from
        return _closed_case_page(request, case, refusal)
    if not selectors.case_is_assigned_to(case, request.user):
        return _case_page(request, case, errors=[review.NOT_THE_REVIEWER], status=403)
    draft = CaseDraftForm(case=case, items=selectors.case_items(case), data=request.POST)
    if not draft.is_valid():
        return _case_page(request, case, draft=draft, errors=[NOTHING_SAVED, *draft.errors], status=422)
    try:
        review.case_save_draft(case=case, user=request.user, **draft.save_arguments())
    except review.CaseClosedError as exc:  # signed while this save waited for the case: the same read-only 409
        case.refresh_from_db()
        return _closed_case_page(request, case, *exc.messages)
    except review.StaleRevisionError as exc:
        # Keep everything typed; the next save is a deliberate overwrite of the newer revision.
        draft.revision = exc.current_revision
        return _case_page(request, case, draft=draft, errors=exc.messages, status=409)
    except review.ReviewError as exc:
        return _case_page(request, case, draft=draft, errors=exc.messages, status=422)
    messages.success(request, DRAFT_SAVED)
    return redirect("cases:detail", case_number=case.case_number)


def _closed_case_page(request, case, refusal):
    return _case_page(request, case, errors=[refusal], status=409, unsaved=_typed_text(request.POST, case))


def _typed_text(data, case) -> list[dict]:
    """The summary and rationales of a draft form as posted (not validated, nothing stored), with their labels."""
    typed = [{"label": "Clinical case summary", "text": data.get("clinical_summary", "")}]
    for number, item in enumerate(case.items.order_by("order", "id"), start=1):
        typed.append(
            {
                "label": f"Item {number}: {item.title}: decision rationale",
                "text": data.get(f"item-{item.pk}-rationale", ""),
            }
        )
    return [entry for entry in typed if entry["text"].strip()]


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
        "can_mark_documents": not error and selectors.case_is_assigned_to(case, request.user),
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
    # Sections and pages may come prefilled (a citation suggested from similar decisions); the draft form checks them.
    sections, pages = request.GET.get("sections", ""), request.GET.get("pages", "")
    row = {"guideline": guideline, "guideline_id": guideline.pk, "citation_id": None, "sections": sections}
    row["pages"] = pages
    return render(request, "cases/_citation_row.html", {"item": item, "prefix": f"item-{item.pk}", "row": row})


# Signing


def _sign_page(request, case, *, problems=None, status=200):
    case_access_record(case=case, user=request.user, path=request.get_full_path())
    today = timezone.localdate()
    if problems is None:
        problems = review.case_signoff_problems(case=case, user=request.user, on=today)
    assigned = selectors.case_is_assigned_to(case, request.user)
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
