"""Importing ``imr-case/1`` documents: the write side of ``cases.interchange``.

All or nothing: the document is validated in full before the first write, and every write happens in one
transaction, so a refused document leaves the database exactly as it was.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from precedents.services import precedent_index_case

from ..interchange import CaseDocument, CaseDocumentError, CitationData, FieldError, case_document_parse
from ..models import (
    BEFORE_SIGNING_STATUSES,
    Case,
    CaseEvent,
    Citation,
    Claim,
    Determination,
    DisputedItem,
    Guideline,
    InjuredWorker,
    Letter,
    Party,
    Status,
    TreatmentEvent,
    normalize_title,
)
from .determinations import case_snapshot, determination_create
from .lifecycle import case_deadlines
from .search import case_search_text

CASE_EXISTS = "{case_number} already exists (import it with --replace to replace it)"
SIGNED_HERE = "{case_number} has a determination signed in this system and is never replaced"
ISSUED_NOT_REPLACED = "{case_number} is {status}: its determination was served to the parties and it is never replaced"
LETTER_SERVED_NOT_REPLACED = "{case_number} has a letter served to the parties and is never replaced"

# Once a determination has gone out, the record of what the parties received must stay as it is: a replace would
# delete the served letter and move the case back to signed.
_SERVED_STATUSES = (Status.ISSUED, Status.APPEALED, Status.REMANDED)

EVENT_IMPORTED = CaseEvent.Kind.IMPORTED

# Rank of a title the library lacks: every MTUS citation is standard (A) of LC 4610.5(c)(2) by definition; the
# rank of anything else is for an administrator to decide when reviewing the entry.
_NEW_TITLE_RANK = {Guideline.Source.MTUS: Guideline.EvidenceRank.A, Guideline.Source.NON_MTUS: ""}

# Statuses kept when a replace brings no determination: the replace corrects the content, it does not rewind the
# work under way. Any other status (signed, issued... from an imported determination) goes back to received.
_KEPT_ON_REPLACE = BEFORE_SIGNING_STATUSES


# The library shared by the imports of one batch (``case_import_batch``), read once instead of once per document.
_batch_library: ContextVar[_GuidelineLibrary | None] = ContextVar("batch_library", default=None)


@contextmanager
def case_import_batch():
    """Import several documents (``case_import`` calls inside the block) in one transaction: one commit instead of one
    per document, and the guideline library read once. Each document stays all or nothing: its ``case_import`` runs
    in a savepoint of its own, rolled back alone when the document is refused. The block's caller reports a document
    as imported only once the block has exited (committed)."""
    token = _batch_library.set(_GuidelineLibrary())
    try:
        with transaction.atomic():
            yield
    finally:
        _batch_library.reset(token)


def case_import(*, document: dict, replace: bool = False, actor=None) -> Case:
    """Create the case of an ``imr-case/1`` document (already JSON-decoded); return it.

    Raises ``CaseDocumentError`` for an invalid document, an existing case number without ``replace``, or a case
    that is never replaced: signed in this system, issued (or appealed, remanded), or with a letter served. With
    ``replace`` the existing case keeps its row, documents, events, assignments and access log (they record what
    happened here) and gets the document's content instead of its own.
    """
    parsed = case_document_parse(document)
    try:
        with transaction.atomic():
            existing = Case.objects.select_for_update().filter(case_number=parsed.case_number).first()
            previous_status = existing.status if existing is not None else ""
            if existing is not None:
                _check_replaceable(existing, replace=replace)
                case = _case_replace(existing, parsed)
            else:
                case = _case_create(parsed)
            _content_create(case, parsed)
            if parsed.determination is not None:
                _determination_import(case, parsed)
            CaseEvent.objects.create(
                case=case,
                at=timezone.now(),
                actor=actor,
                kind=EVENT_IMPORTED,
                from_status=previous_status,
                to_status=case.status,
                note="Replaced by an imr-case/1 import." if existing is not None else "Imported from imr-case/1.",
            )
            return case
    except IntegrityError:
        # Another import created the same case number between our check and our insert.
        if Case.objects.filter(case_number=parsed.case_number).exists():
            raise CaseDocumentError(
                [FieldError("case_number", CASE_EXISTS.format(case_number=parsed.case_number))]
            ) from None
        raise


def _check_replaceable(case: Case, *, replace: bool):
    if not replace:
        raise CaseDocumentError([FieldError("case_number", CASE_EXISTS.format(case_number=case.case_number))])
    if case.determinations.filter(origin=Determination.Origin.SIGNED).exists():
        raise CaseDocumentError([FieldError("case_number", SIGNED_HERE.format(case_number=case.case_number))])
    if case.status in _SERVED_STATUSES:
        message = ISSUED_NOT_REPLACED.format(case_number=case.case_number, status=Status(case.status).label.lower())
        raise CaseDocumentError([FieldError("case_number", message)])
    if Letter.objects.filter(determination__case=case, issued_at__isnull=False).exists():
        message = LETTER_SERVED_NOT_REPLACED.format(case_number=case.case_number)
        raise CaseDocumentError([FieldError("case_number", message)])


def _initial_status(parsed: CaseDocument) -> Status:
    # A decided document describes a case already signed elsewhere. That is the case's initial state, not a move
    # through our state machine (which starts at received and has no path to signed without a review here), so
    # the import sets it on creation and records it as an "imported" event rather than calling case_transition.
    return Status.SIGNED if parsed.determination is not None else Status.RECEIVED


def _case_create(parsed: CaseDocument) -> Case:
    data = parsed.injured_worker
    worker = InjuredWorker.objects.create(
        first_name=data.first_name,
        last_name=data.last_name,
        age=data.age,
        date_of_birth=data.date_of_birth,
        sex=data.sex,
    )
    # A new worker and claim per imported case: redacted documents carry no name to match an existing worker on,
    # and merging two people's claims by mistake is worse than a duplicate a coordinator can merge.
    claim = Claim.objects.create(worker=worker, claim_number=data.claim_number, date_of_injury=data.date_of_injury)
    case = Case(
        case_number=parsed.case_number,
        claim=claim,
        status=_initial_status(parsed),
        search_text=_search_text(parsed),
        **_case_fields(parsed),
    )
    # The import writes its own event instead of a transition, so it computes the deadlines itself (the lifecycle's
    # rule): a case imported with its assignment date has its records clock running.
    case.records_due, case.decision_due = case_deadlines(case)
    case.save()
    return case


def _search_text(parsed: CaseDocument) -> str:
    """``Case.search_text`` of the document's case, written with the case: the parties are bulk inserted without the
    signals that would otherwise recompute it (``cases.signals``)."""
    data = parsed.injured_worker
    return case_search_text(
        case_number=parsed.case_number,
        claim_number=data.claim_number,
        first_name=data.first_name,
        last_name=data.last_name,
        party_names=[p.name for p in parsed.parties],
    )


def _case_fields(parsed: CaseDocument) -> dict:
    return {
        "priority": parsed.priority,
        "application_received": parsed.application_received,
        "ur_decision_date": parsed.ur_decision_date,
        "date_assigned": parsed.date_assigned,
        "clinical_summary": parsed.clinical_summary,
    }


def _case_replace(case: Case, parsed: CaseDocument) -> Case:
    """Remove the content the document owns, and the imported determinations with their letters."""
    determinations = Determination.objects.filter(case=case)
    letters = Letter.objects.filter(determination__case=case)
    files = [letter.file.name for letter in letters if letter.file]
    letters.delete()
    # Versions point at the version superseding them (PROTECT); unlink before deleting.
    determinations.update(superseded_by=None)
    determinations.delete()
    precedent_index_case(case=case)  # its precedents go with them (a decided document brings new ones)
    if files:
        storage = Letter._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in files])
    case.items.all().delete()  # citations cascade
    case.parties.all().delete()
    case.treatment_history.all().delete()

    data = parsed.injured_worker
    claim = case.claim
    if claim.cases.exclude(pk=case.pk).exists():
        # The claim is shared with another case: give this one its own instead of rewriting the other's.
        worker = InjuredWorker.objects.create()
        claim = Claim(worker=worker)
    worker = claim.worker
    for name in ("first_name", "last_name", "age", "date_of_birth", "sex"):
        setattr(worker, name, getattr(data, name))
    worker.save()
    claim.claim_number = data.claim_number
    claim.date_of_injury = data.date_of_injury
    claim.save()

    case.claim = claim
    for name, value in _case_fields(parsed).items():
        setattr(case, name, value)
    if parsed.determination is not None or case.status not in _KEPT_ON_REPLACE:
        case.status = _initial_status(parsed)
    case.records_due, case.decision_due = case_deadlines(case)
    case.save()
    # After the save: the signals of the worker, claim and case saves computed it from the parties just deleted.
    Case.objects.filter(pk=case.pk).update(search_text=_search_text(parsed))
    return case


def _content_create(case: Case, parsed: CaseDocument):
    """Parties, treatment history, items and citations: one bulk insert per table, each with its history rows."""
    bulk_create_with_history(
        [Party(case=case, role=p.role, name=p.name, address=p.address, email=p.email) for p in parsed.parties], Party
    )
    bulk_create_with_history(
        [
            TreatmentEvent(case=case, order=i, date=t.date, kind=t.kind, description=t.description)
            for i, t in enumerate(parsed.treatment_history)
        ],
        TreatmentEvent,
    )
    items = bulk_create_with_history(
        [
            DisputedItem(
                case=case, order=order, title=data.title, decision=data.decision or "", rationale=data.rationale
            )
            for order, data in enumerate(parsed.disputed_items)
        ],
        DisputedItem,
    )
    library = _batch_library.get() or _GuidelineLibrary()
    citations = []
    for item, data in zip(items, parsed.disputed_items, strict=True):
        sides = (
            (Citation.Side.CLAIMS_ADMINISTRATOR, data.claims_administrator_citations),
            (Citation.Side.IMRO, data.citations),
        )
        for side, cited in sides:
            citations += [
                Citation(
                    item=item,
                    side=side,
                    guideline=library.guideline_for(citation),
                    sections=citation.sections or "",
                    pages=citation.pages or "",
                    order=position,
                )
                for position, citation in enumerate(cited)
            ]
    bulk_create_with_history(citations, Citation)


def _determination_import(case: Case, parsed: CaseDocument):
    snapshot = case_snapshot(
        case=case,
        reviewer_credentials=parsed.determination.reviewer,
        decision_date=parsed.determination.decision_date,
        documents_reviewed=[],
    )
    determination_create(case=case, snapshot=snapshot, origin=Determination.Origin.IMPORTED)


class _GuidelineLibrary:
    """Finds the library entry a citation names, adding the title when the library lacks it.

    Matching is by source and title, case-insensitive with whitespace folded (``Guideline.normalized_title``), or
    by one of an entry's aliases (one per line). Inactive entries match too: an old letter may cite a retired
    chapter, and a duplicate entry would break the one-title-per-source rule.

    The library (hundreds of entries) is read whole on first use, once per import or per batch of imports. An entry
    added by an import joins that table once its transaction commits (a refused document's entry never existed);
    until then it is found by its own query.
    """

    def __init__(self):
        self._titles: dict[tuple[str, str], Guideline] | None = None
        self._aliases: dict[tuple[str, str], Guideline] = {}

    def guideline_for(self, citation: CitationData) -> Guideline:
        key = (citation.source, normalize_title(citation.title))
        titles = self._library()
        found = titles.get(key) or self._aliases.get(key)
        if found is None:
            found = Guideline.objects.filter(source=citation.source, normalized_title=key[1]).first()
        if found is None:
            found = Guideline.objects.create(
                source=citation.source,
                title=citation.title,
                evidence_rank=_NEW_TITLE_RANK[citation.source],
                imported_unreviewed=True,
            )
            transaction.on_commit(lambda: titles.setdefault(key, found))
        return found

    def _library(self) -> dict[tuple[str, str], Guideline]:
        # Aliases are free text, so they cannot be matched in SQL: they are read with the titles.
        if self._titles is None:
            self._titles = {}
            for guideline in Guideline.objects.order_by("id"):
                self._titles[(guideline.source, guideline.normalized_title)] = guideline
                for alias in guideline.aliases.splitlines():
                    if alias.strip():
                        self._aliases.setdefault((guideline.source, normalize_title(alias)), guideline)
        return self._titles
