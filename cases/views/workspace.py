"""The reviewer workspace: the queue, the case page with its draft form, the htmx partials (documents reviewed,
guideline picker), and signing.

Every view that touches a case gets it from ``cases_visible_to`` through ``case_view`` (a case someone may not
see answers 404, whatever the method); writes go to ``cases.services.review``.
"""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from precedents.selectors import can_view_precedents
from reviewers.selectors import reviewer_credentials

from .. import desk_selectors, selectors
from ..deadlines import DUE_SOON_DAYS
from ..forms import PAGES_MAX, CaseDraftForm, QueueFilterForm, SignConfirmForm
from ..letters import guideline_line
from ..models import Citation, document_content_type
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
    context = {"page": page, "filters": filters, "due_soon_days": DUE_SOON_DAYS}
    return render(request, "cases/queue.html", context)


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
    deadline = selectors.case_running_deadline(case, timezone.localdate())
    context = {
        "case": case,
        "deadline": deadline,
        "due_soon_days": DUE_SOON_DAYS,
        "parties": list(case.parties.order_by("role", "id")),
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


@never_cache  # Back after signing must fetch the signed page again, never show a stale live form
@case_view()
def case_detail(request, case):
    return _case_page(request, case)


def _autosave(request) -> bool:
    """The page's script saving in the background (autosave, "Review and sign…"): it wants JSON, not a page."""
    return "application/json" in request.headers.get("Accept", "")


def _saved_json(case) -> JsonResponse:
    """What the page needs after a background save: the time, the new revision and the ids of the citation rows
    (in form order), so that the next save edits these citations instead of adding them again."""
    citations = {}
    for item in selectors.case_items(case):
        citations[f"item-{item.pk}"] = [c.pk for c in item.citations.all() if c.side == Citation.Side.IMRO]
    saved_at = timezone.localtime().strftime("%H:%M")
    return JsonResponse({"saved_at": saved_at, "revision": case.revision, "citations": citations})


def _refused_json(messages_, status, **extra) -> JsonResponse:
    return JsonResponse({"error": " ".join(str(m) for m in messages_), **extra}, status=status)


@case_view(methods=("POST",))
def draft_save(request, case):
    """Save the draft. Refused, the page comes back with everything typed: 422 for fields to fix, 409 when the case
    moved on (saved meanwhile in another tab, or signed), 403 for anyone but the assigned reviewer. The page's
    script saves in the background and gets the same answers as JSON (``_autosave``)."""
    background = _autosave(request)
    refusal = review.case_edit_refusal(case)
    if refusal:  # signed (or closed) meanwhile: the page is read-only, the typed text is shown to copy from
        if background:
            return _refused_json([refusal], 409)
        return _closed_case_page(request, case, refusal)
    if not selectors.case_is_assigned_to(case, request.user):
        if background:
            return _refused_json([review.NOT_THE_REVIEWER], 403)
        return _case_page(request, case, errors=[review.NOT_THE_REVIEWER], status=403)
    draft = CaseDraftForm(case=case, items=selectors.case_items(case), data=request.POST)
    if not draft.is_valid():
        if background:
            return _refused_json([NOTHING_SAVED, *draft.errors, *draft.field_errors()], 422)
        return _case_page(request, case, draft=draft, errors=[NOTHING_SAVED, *draft.errors], status=422)
    try:
        review.case_save_draft(case=case, user=request.user, **draft.save_arguments())
    except review.CaseClosedError as exc:  # signed while this save waited for the case: the same read-only 409
        if background:
            return _refused_json(exc.messages, 409)
        case.refresh_from_db()
        return _closed_case_page(request, case, *exc.messages)
    except review.StaleRevisionError as exc:
        if background:  # the page keeps the text; "Save draft" then shows the conflict and overwrites deliberately
            return _refused_json(exc.messages, 409, stale=True)
        # Keep everything typed; the next save is a deliberate overwrite of the newer revision.
        draft.revision = exc.current_revision
        return _case_page(request, case, draft=draft, errors=exc.messages, status=409)
    except review.ReviewError as exc:
        if background:
            return _refused_json(exc.messages, 422)
        return _case_page(request, case, draft=draft, errors=exc.messages, status=422)
    if background:
        return _saved_json(case)
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
    # "Cited in N similar decisions" for those who may read precedents (the panel beside the item shows them too).
    counted = item if can_view_precedents(request.user) else None
    choices = desk_selectors.library_search(query, item=counted)
    context = {"case": case, "item": item, "query": query, "choices": choices}
    return render(request, "cases/_guideline_results.html", context)


@case_view()
def citation_row(request, case, item_pk):
    """A new, unsaved citation row for the draft form; it is stored with the next draft save. ``sections`` and
    ``pages`` (optional) prefill the row, e.g. from a topic of the guideline."""
    item = get_object_or_404(case.items, pk=item_pk)
    refusal = review.case_edit_refusal(case)
    if refusal:
        return render(request, "cases/_citation_refusal.html", {"error": refusal})
    guideline_id = request.GET.get("guideline", "")
    offered = desk_selectors.offered_guidelines()
    guideline = get_object_or_404(offered, pk=guideline_id if guideline_id.isdigit() else None)
    row = {
        "guideline": guideline,
        "guideline_id": guideline.pk,
        "citation_id": None,
        "sections": request.GET.get("sections", ""),
        "pages": request.GET.get("pages", "")[:PAGES_MAX],
    }
    return render(request, "cases/_citation_row.html", {"item": item, "prefix": f"item-{item.pk}", "row": row})


# Signing


def _sign_page(request, case, *, problems=None, form=None, status=200):
    case_access_record(case=case, user=request.user, path=request.get_full_path())
    today = timezone.localdate()
    if problems is None:
        problems = review.case_signoff_checks(case=case, user=request.user, on=today)
    assigned = selectors.case_is_assigned_to(case, request.user)
    signable = not problems and assigned
    context = {
        "case": case,
        "problems": problems,
        "warnings": review.case_signoff_warnings(case=case) if signable else [],
        "today": today,
        "items": [_item_lines(item) for item in selectors.case_items(case)],
        "documents": review.documents_reviewed(case=case, reviewer=case.reviewer) if case.reviewer_id else [],
        "credentials": reviewer_credentials(case.reviewer, on=today) if assigned else None,
        "form": form or SignConfirmForm(initial={"revision": case.revision}),
        "signable": signable,
    }
    return render(request, "cases/sign.html", context, status=status)


@never_cache  # Back after signing shows the signed case's page again, never a live sign button
@case_view()
def sign(request, case):
    """The confirmation step: what will be signed (with the letter's DRAFT preview), its warnings, or every reason
    it cannot be signed yet, each linked to its field."""
    return _sign_page(request, case)


@never_cache
@case_view(methods=("POST",))
def sign_confirm(request, case):
    form = SignConfirmForm(request.POST)
    valid = form.is_valid()
    expected = form.cleaned_data["revision"] if valid else -1  # no revision: a stale form
    note = form.cleaned_data.get("override_note", "") if valid else ""
    try:
        review.determination_sign(case=case, user=request.user, expected_revision=expected, override_note=note)
    except review.SignoffWarningsError:
        form.add_error("override_note", review.OVERRIDE_NOTE_REQUIRED)
        return _sign_page(request, case, form=form, status=422)
    except review.ReviewError as exc:
        return _sign_page(request, case, problems=[review.SignoffProblem(m) for m in exc.messages])
    messages.success(request, CASE_SIGNED_NOTICE)
    return redirect("cases:detail", case_number=case.case_number)
