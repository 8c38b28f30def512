"""The reviewer's writes: the draft (summary, decisions, citations, rationales), the "reviewed" marks on documents,
and signing. Views and forms call these and hold no rules of their own.

The draft is guarded by ``Case.revision`` (optimistic lock): a save names the revision its form was opened at and
is refused when the stored one has moved on, so two people never overwrite each other silently.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from reviewers.selectors import current_board_certifications, current_licenses, reviewer_credentials

from ..assignment.conflicts import reviewer_case_conflicts
from ..desk_selectors import reviewer_signed_rationales, treatment_synonyms
from ..models import (
    CLINICAL_DOCUMENT_TYPES,
    Case,
    CaseEvent,
    Citation,
    Decision,
    Document,
    DocumentReview,
    Guideline,
    Status,
)
from ..selectors import case_is_assigned_to
from .corrections import correction_close, correction_mark
from .determinations import case_snapshot, determination_create
from .letters import letter_create
from .lifecycle import Outcome, locked_move
from .signoff_warnings import OVERRIDE_NOTE_REQUIRED, ItemText, SignoffWarning, signoff_warnings

# Edits
CASE_SIGNED = "This case is signed: it is read-only and can no longer be changed."
CASE_NOT_OPEN = "This case is {status}: it is not open for review and cannot be changed."
STALE_REVISION = (
    "This case was changed by someone else since you opened it. Nothing was saved; your text is kept below. "
    "Check the other changes (open the case in a new tab), then save again to replace them with yours."
)
NOT_THE_REVIEWER = "Only the expert reviewer assigned to this case can do this."
UNKNOWN_ITEM = "Disputed item {item_id} is not part of this case."
UNKNOWN_CITATION = "Citation {citation_id} is not one of this item's IMRO citations."
GUIDELINE_NOT_AVAILABLE = "Guideline {guideline_id} is not in the active guideline library."
INVALID_DECISION = 'A decision is "upheld", "overturned" or empty, not "{decision}".'
CONTENT_FROZEN = (
    "Case {case} is {status}: its disputed items and citations are frozen in its determination and cannot change."
)

# Sign-off: every rule that fails is listed at once.
SIGNOFF_NOT_IN_REVIEW = "Only a case in review can be signed; this case is {status}."
SIGNOFF_SUMMARY_MISSING = "Write the clinical case summary."
SIGNOFF_DECISION_MISSING = "Item {number} ({title}): choose Upheld or Overturned."
SIGNOFF_RATIONALE_MISSING = "Item {number} ({title}): write the decision rationale."
SIGNOFF_CITATION_MISSING = "Item {number} ({title}): cite at least one guideline from the library."
SIGNOFF_NO_DOCUMENT_REVIEWED = (
    "Mark at least one clinical document (a progress report, imaging, operative report, therapy notes, a QME/AME "
    "report or other medical records) as reviewed: a determination cannot rest on the application and UR letter alone."
)
SIGNOFF_NO_CURRENT_LICENSE = "Your profile has no current, unrestricted medical licence."
SIGNOFF_NO_CURRENT_BOARD_CERTIFICATION = "Your profile has no current board certification."
SIGNOFF_CONFLICT = (
    "Your declared affiliation with the {role} of this case ({name}) is a conflict of interest: "
    "ask the coordinator to reassign the case."
)

EDITABLE_STATUSES = (Status.ASSIGNED, Status.AWAITING_RECORDS, Status.IN_REVIEW, Status.CORRECTING)
# Where a determination is signed: a review, or the correction of a signed one (a new version).
SIGNABLE_STATUSES = (Status.IN_REVIEW, Status.CORRECTING)
SIGNED_STATUSES = (Status.SIGNED, Status.ISSUED, Status.APPEALED)
# Past review, with a determination: the items and citations are what was signed (a remand's new review works on
# them again only once a new reviewer is assigned).
CONTENT_FROZEN_STATUSES = (*SIGNED_STATUSES, Status.REMANDED)


class ReviewError(ValidationError):
    """A write the review rules refuse; ``messages`` says every reason."""


class CaseClosedError(ReviewError):
    """The case is no longer open for editing (signed or closed), found once its row was locked: a write that raced
    the signature."""


class StaleRevisionError(ReviewError):
    """The draft moved on since the form was opened."""

    def __init__(self, *, current_revision: int):
        super().__init__(STALE_REVISION)
        self.current_revision = current_revision


@dataclass
class CitationInput:
    guideline_id: int | None = None
    citation_id: int | None = None  # an existing IMRO citation being edited or kept
    sections: str = ""
    pages: str = ""


@dataclass
class ItemInput:
    item_id: int
    decision: str = ""
    rationale: str = ""
    citations: list[CitationInput] = field(default_factory=list)


def case_edit_refusal(case: Case) -> str | None:
    """Why ``case`` cannot be edited now, or None when it can."""
    if case.status in SIGNED_STATUSES:
        return CASE_SIGNED
    if case.status not in EDITABLE_STATUSES:
        return CASE_NOT_OPEN.format(status=Status(case.status).label.lower())
    return None


def case_content_frozen(case: Case) -> bool:
    """True when the case's disputed items and citations may no longer change (signed and after)."""
    return case.status in CONTENT_FROZEN_STATUSES


def case_content_refusal(case: Case) -> str | None:
    """Why the items and citations of ``case`` cannot be edited now (by anyone), or None."""
    if case_content_frozen(case):
        return CONTENT_FROZEN.format(case=case.case_number, status=Status(case.status).label.lower())
    return None


def case_content_lock(*, case: Case) -> Case:
    """Lock the row of ``case`` for an edit of its items or citations (call it inside the edit's transaction, before
    writing); refused once the content is frozen. A signature waits for the edit to commit, or the edit sees the
    signature and writes nothing."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    refusal = case_content_refusal(locked)
    if refusal:
        raise CaseClosedError(refusal)
    return locked


def case_content_changed(*, case: Case) -> int:
    """Record that someone other than the reviewer's draft form (the admin) changed the case's disputed items or
    citations: the revision moves on, so a reviewer's form opened before is refused as stale instead of silently
    overwriting the change. Refused once the content is frozen. Returns the new revision."""
    with transaction.atomic():
        locked = case_content_lock(case=case)
        locked.revision += 1
        locked.save(update_fields=["revision", "updated"])
        case.revision = locked.revision
        return locked.revision


def _lock(case: Case) -> Case:
    """The case row, locked until the end of the transaction; refuses when it is no longer editable."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    refusal = case_edit_refusal(locked)
    if refusal:
        raise CaseClosedError(refusal)
    return locked


def case_save_draft(*, case: Case, user, expected_revision: int, summary: str, items: list[ItemInput]) -> Case:
    """Save the whole draft (incomplete is fine) if nobody saved since ``expected_revision``; bumps the revision.

    Claims administrator citations are not touched: they come from intake.
    """
    with transaction.atomic():
        locked = _lock(case)
        if not case_is_assigned_to(locked, user):
            raise ReviewError(NOT_THE_REVIEWER)  # staff read the case; only the physician writes the determination
        if locked.revision != expected_revision:
            raise StaleRevisionError(current_revision=locked.revision)
        stored_items = {item.pk: item for item in locked.items.all()}
        errors = []
        for entry in items:
            if entry.item_id not in stored_items:
                errors.append(UNKNOWN_ITEM.format(item_id=entry.item_id))
            if entry.decision not in ("", *Decision.values):
                errors.append(INVALID_DECISION.format(decision=entry.decision))
        if errors:
            raise ReviewError(errors)
        for entry in items:
            _item_save(stored_items[entry.item_id], entry, errors)
        if errors:
            raise ReviewError(errors)  # rolls back the items already saved
        locked.clinical_summary = summary
        locked.revision += 1
        locked.save(update_fields=["clinical_summary", "revision", "updated"])
        case.clinical_summary, case.revision = locked.clinical_summary, locked.revision
        return locked


def _item_save(item, entry: ItemInput, errors: list) -> None:
    if (item.decision, item.rationale) != (entry.decision, entry.rationale):
        item.decision, item.rationale = entry.decision, entry.rationale
        item.save(update_fields=["decision", "rationale"])
    existing = {c.pk: c for c in item.citations.filter(side=Citation.Side.IMRO)}
    # A citation id this item no longer has was deleted meanwhile (a save from another tab): the row, with its
    # guideline, is a new citation. Only an id that still exists elsewhere (another item or case, the claims
    # administrator's side) is refused.
    unknown = {row.citation_id for row in entry.citations if row.citation_id is not None} - existing.keys()
    elsewhere = set(Citation.objects.filter(pk__in=unknown).values_list("pk", flat=True)) if unknown else set()
    rows = [
        row if row.citation_id in elsewhere or row.citation_id in existing else _as_new(row) for row in entry.citations
    ]
    new_ids = {c.guideline_id for c in rows if c.citation_id is None}
    guidelines = Guideline.objects.filter(pk__in=new_ids, active=True).in_bulk()
    kept = set()
    for order, row in enumerate(rows):
        if row.citation_id is not None:
            citation = existing.get(row.citation_id)
            if citation is None:
                errors.append(UNKNOWN_CITATION.format(citation_id=row.citation_id))
                continue
            kept.add(citation.pk)
            if (citation.sections, citation.pages, citation.order) != (row.sections, row.pages, order):
                citation.sections, citation.pages, citation.order = row.sections, row.pages, order
                citation.save(update_fields=["sections", "pages", "order"])
        elif row.guideline_id in guidelines:
            Citation.objects.create(
                item=item,
                side=Citation.Side.IMRO,
                guideline=guidelines[row.guideline_id],
                sections=row.sections,
                pages=row.pages,
                order=order,
            )
        else:
            errors.append(GUIDELINE_NOT_AVAILABLE.format(guideline_id=row.guideline_id))
    for pk, citation in existing.items():
        if pk not in kept:
            citation.delete()


def _as_new(row: CitationInput) -> CitationInput:
    return CitationInput(guideline_id=row.guideline_id, sections=row.sections, pages=row.pages)


def document_mark_reviewed(*, document: Document, user, reviewed: bool = True) -> bool:
    """Set or clear the assigned reviewer's "reviewed" mark on ``document``; returns the mark as stored."""
    with transaction.atomic():
        case = _lock(document.case)
        if not case_is_assigned_to(case, user):
            raise ReviewError(NOT_THE_REVIEWER)
        if reviewed:
            DocumentReview.objects.get_or_create(document=document, reviewer_id=case.reviewer_id)
        else:
            DocumentReview.objects.filter(document=document, reviewer_id=case.reviewer_id).delete()
        return reviewed


def documents_reviewed(*, case: Case, reviewer) -> list[Document]:
    return list(
        Document.objects.filter(case=case, reviews__reviewer=reviewer).order_by("document_date", "id").distinct()
    )


def documents_reviewed_snapshot(documents: list[Document]) -> list[dict]:
    """The letter's list of documents reviewed: title, type, author, date."""
    return [
        {
            "title": d.title,
            "type": d.get_doc_type_display(),
            "author": d.author,
            "date": d.document_date.isoformat() if d.document_date else None,
        }
        for d in documents
    ]


@dataclass
class SignoffProblem:
    """A reason a case cannot be signed yet, and the id of the case page's field that fixes it ("" when none)."""

    message: str
    field: str = ""

    def __str__(self):
        return self.message


def case_signoff_checks(*, case: Case, user, on) -> list[SignoffProblem]:
    """Every reason ``user`` cannot sign ``case`` on date ``on``, each with the field to fix; empty when signing may
    go ahead."""
    problems = []
    if case.status in SIGNED_STATUSES:
        return [SignoffProblem(CASE_SIGNED)]
    if case.status not in SIGNABLE_STATUSES:
        problems.append(SignoffProblem(SIGNOFF_NOT_IN_REVIEW.format(status=Status(case.status).label.lower())))
    assigned = case_is_assigned_to(case, user)
    if not assigned:
        problems.append(SignoffProblem(NOT_THE_REVIEWER))
    if not case.clinical_summary.strip():
        problems.append(SignoffProblem(SIGNOFF_SUMMARY_MISSING, "id_clinical_summary"))
    items = case.items.order_by("order", "id").prefetch_related("citations")
    for number, item in enumerate(items, start=1):
        prefix = f"item-{item.pk}"
        if not item.decision:
            message = SIGNOFF_DECISION_MISSING.format(number=number, title=item.title)
            problems.append(SignoffProblem(message, f"id_{prefix}-decision_0"))
        if not item.rationale.strip():
            message = SIGNOFF_RATIONALE_MISSING.format(number=number, title=item.title)
            problems.append(SignoffProblem(message, f"id_{prefix}-rationale"))
        if not any(c.side == Citation.Side.IMRO for c in item.citations.all()):
            message = SIGNOFF_CITATION_MISSING.format(number=number, title=item.title)
            problems.append(SignoffProblem(message, f"{prefix}-search"))
    if assigned:
        reviewer = case.reviewer
        reviewed = Document.objects.filter(case=case, reviews__reviewer=reviewer)
        if not reviewed.filter(doc_type__in=CLINICAL_DOCUMENT_TYPES).exists():
            problems.append(SignoffProblem(SIGNOFF_NO_DOCUMENT_REVIEWED, "documents-heading"))
        if not current_licenses(reviewer, on).exists():
            problems.append(SignoffProblem(SIGNOFF_NO_CURRENT_LICENSE))
        if not current_board_certifications(reviewer, on).exists():
            problems.append(SignoffProblem(SIGNOFF_NO_CURRENT_BOARD_CERTIFICATION))
        # Checked again here, with the assignment's rule: a party may have been added after the assignment.
        for conflict in reviewer_case_conflicts(reviewer=reviewer, case=case):
            message = SIGNOFF_CONFLICT.format(role=conflict.role_label, name=conflict.party_name)
            problems.append(SignoffProblem(message, "parties-heading"))
    return problems


def case_signoff_problems(*, case: Case, user, on) -> list[str]:
    """Every reason ``user`` cannot sign ``case`` on date ``on`` (messages only); empty when signing may go ahead."""
    return [problem.message for problem in case_signoff_checks(case=case, user=user, on=on)]


def case_draft_snapshot(*, case: Case, on) -> dict:
    """What signing ``case`` on ``on`` would freeze: the letter's content (also the sign page's DRAFT preview)."""
    reviewer = case.reviewer
    return case_snapshot(
        case=case,
        reviewer_credentials=reviewer_credentials(reviewer, on=on) if reviewer else {},
        decision_date=on,
        documents_reviewed=documents_reviewed_snapshot(documents_reviewed(case=case, reviewer=reviewer))
        if reviewer
        else [],
    )


def case_signoff_warnings(*, case: Case) -> list[SignoffWarning]:
    """The likely mistakes in ``case``'s draft (signoff_warnings), against the reviewer's other signed rationales."""
    items = []
    for number, item in enumerate(case.items.order_by("order", "id").prefetch_related("citations__guideline"), 1):
        cited = [
            " ".join([c.guideline.source, c.guideline.title, *c.guideline.aliases.splitlines()])
            for c in item.citations.all()
            if c.side == Citation.Side.IMRO
        ]
        field_id = f"id_item-{item.pk}-rationale"
        items.append(ItemText(number, item.title, item.decision, item.rationale, cited, field_id))
    return signoff_warnings(
        summary=case.clinical_summary,
        items=items,
        earlier=reviewer_signed_rationales(reviewer=case.reviewer, excluding=case) if case.reviewer_id else [],
        synonyms=treatment_synonyms(),
    )


class SignoffWarningsError(ReviewError):
    """Signing was asked without a note while the draft has warnings."""

    def __init__(self, warnings):
        super().__init__(OVERRIDE_NOTE_REQUIRED)
        self.warnings = warnings


def determination_sign(*, case: Case, user, expected_revision: int | None = None, override_note: str = ""):
    """Sign ``case``: freeze the draft into a determination, move the case to signed, queue its letter.

    All or nothing, with the case row locked, so a double click or two tabs never sign twice. With
    ``expected_revision`` (the confirmation page's), a draft changed after the page was shown is refused. When the
    draft has warnings (``case_signoff_warnings``), signing needs ``override_note``, recorded with them on the
    determination.
    """
    with transaction.atomic():
        # of=self: PostgreSQL cannot lock the nullable side of the reviewer join, and only the case needs the lock.
        cases = Case.objects.select_for_update(of=("self",)).select_related("claim__worker", "reviewer")
        locked = cases.get(pk=case.pk)
        today = timezone.localdate()
        problems = case_signoff_problems(case=locked, user=user, on=today)
        if problems:
            raise ReviewError(problems)
        if expected_revision is not None and locked.revision != expected_revision:
            raise StaleRevisionError(current_revision=locked.revision)
        reviewer = locked.reviewer
        warnings = case_signoff_warnings(case=locked)
        if warnings and not override_note.strip():
            raise SignoffWarningsError(warnings)
        snapshot = case_draft_snapshot(case=locked, on=today)
        correcting = locked.status == Status.CORRECTING
        if correcting:
            snapshot["correction"] = correction_mark(locked)
        determination = determination_create(
            case=locked, snapshot=snapshot, origin="signed", reviewer=reviewer, signed_by=user
        )
        if warnings:
            determination.warnings_overridden = [w.as_record(override_note.strip()) for w in warnings]
            determination.save(update_fields=["warnings_overridden"])
        if correcting:
            correction_close(case=locked, determination=determination)
        signed = Outcome(
            kind=CaseEvent.Kind.CORRECTION_SIGNED if correcting else CaseEvent.Kind.DETERMINATION_SIGNED,
            note=f"Determination v{determination.version} signed." if correcting else "",
        )
        locked_move(locked, "sign", actor=user, work=lambda _locked: signed)
        letter_create(determination=determination)
        case.status = locked.status
        return determination
