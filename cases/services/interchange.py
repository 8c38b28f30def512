"""Importing ``imr-case/1`` documents: the write side of ``cases.interchange``.

All or nothing per document: each is validated in full before the first write, and its writes happen in one
savepoint (shared with the rest of its batch, or its own once the database has refused the batch), so a refused
document leaves the database exactly as it was. A batch (``cases_import``) is written with one bulk insert per table
(``cases.services.bulk``) and committed once: docs/adr/0007-lists-at-a-million-cases.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from precedents.services import precedent_index_case, precedent_index_new

from ..interchange import (
    DOCUMENT_PATH,
    CaseDocument,
    CaseDocumentError,
    CitationData,
    FieldError,
    case_document_parse,
)
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
from ..selectors import item_as_dict
from .bulk import rows_create
from .determinations import case_snapshot, snapshot_hash
from .lifecycle import case_deadlines
from .search import case_search_text, case_worker_sort

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


# A write refused by the database (a trigger, a constraint a concurrent writer tripped): the file is not imported.
NOT_WRITTEN = "could not be written: {error}"
# Attempts per file once a batch has fallen back to one savepoint per file: a unique violation (the same case number
# or guideline title committed meanwhile by a concurrent import) is retried once, and the retry sees the other's row.
_ATTEMPTS = 2


@dataclass
class Imported:
    """What became of one document of ``cases_import``: its case (and whether it replaced one), or its errors."""

    case: Case | None = None
    replaced: bool = False
    errors: list[FieldError] = field(default_factory=list)


@dataclass
class _Entry:
    index: int
    parsed: CaseDocument


def cases_import(documents: Sequence, *, replace: bool = False, actor=None, attach=None) -> list[Imported]:
    """Import a batch of ``imr-case/1`` documents (already JSON-decoded) in one transaction; one result per document.

    Each document is whole or not at all. All are validated first, in Python; the valid ones with new case numbers
    are then written together, one bulk insert per table for the whole batch (``_write``), in a savepoint. If the
    database refuses that (a unique case number or guideline title committed meanwhile by a concurrent import, a
    constraint, a trigger), the savepoint is rolled back and the batch is written again one savepoint per document,
    which isolates the one refused. Documents whose case number exists, or repeats an earlier one of the batch, go
    one at a time after the bulk insert, under ``case_import``'s rules (``replace``).

    ``attach(written)``, if given, is called inside each write's savepoint with ``[(document index, case), ...]`` for
    the caller's own rows (the letter importer's PDF and provenance): they are part of the document's all or nothing.
    """
    results = [Imported() for _ in documents]
    entries = []
    for index, document in enumerate(documents):
        try:
            entries.append(_Entry(index, case_document_parse(document)))
        except CaseDocumentError as exc:
            results[index].errors = exc.field_errors
    library = _GuidelineLibrary()
    with transaction.atomic():
        numbers = [entry.parsed.case_number for entry in entries]
        taken = set(Case.objects.filter(case_number__in=numbers).values_list("case_number", flat=True))
        together, one_by_one = [], []
        for entry in entries:
            number = entry.parsed.case_number
            (one_by_one if number in taken else together).append(entry)
            taken.add(number)
        if together:
            try:
                with transaction.atomic():
                    cases = _write(together, library=library, actor=actor, attach=attach)
            except DatabaseError:
                one_by_one = sorted(together + one_by_one, key=lambda entry: entry.index)
            else:
                for entry, case in zip(together, cases, strict=True):
                    results[entry.index].case = case
        for entry in one_by_one:
            result = results[entry.index]
            try:
                result.case, result.replaced = _import_one(
                    entry, library=library, replace=replace, actor=actor, attach=attach
                )
            except CaseDocumentError as exc:
                result.errors = exc.field_errors
    return results


def case_import(*, document: dict, replace: bool = False, actor=None) -> Case:
    """Create the case of an ``imr-case/1`` document (already JSON-decoded); return it.

    Raises ``CaseDocumentError`` for an invalid document, an existing case number without ``replace``, or a case
    that is never replaced: signed in this system, issued (or appealed, remanded), or with a letter served. With
    ``replace`` the existing case keeps its row, documents, events, assignments and access log (they record what
    happened here) and gets the document's content instead of its own.
    """
    [result] = cases_import([document], replace=replace, actor=actor)
    if result.errors:
        raise CaseDocumentError(result.errors)
    return result.case


def _import_one(entry: _Entry, *, library, replace: bool, actor, attach) -> tuple[Case, bool]:
    """Write one document in its own savepoint: (case, whether it replaced one). Raises ``CaseDocumentError``."""
    number = entry.parsed.case_number
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            with transaction.atomic():
                existing = Case.objects.select_for_update().filter(case_number=number).first()
                if existing is not None:
                    _check_replaceable(existing, replace=replace)
                [case] = _write([entry], library=library, actor=actor, attach=attach, existing=existing)
                return case, existing is not None
        except IntegrityError as exc:
            # Another import committed the same case number (or guideline title) meanwhile: the retry sees it.
            if attempt == _ATTEMPTS:
                raise CaseDocumentError([FieldError(DOCUMENT_PATH, _not_written(exc))]) from None
        except DatabaseError as exc:
            raise CaseDocumentError([FieldError(DOCUMENT_PATH, _not_written(exc))]) from None
    raise AssertionError("unreachable")


def _not_written(exc: DatabaseError) -> str:
    lines = str(exc).strip().splitlines()
    return NOT_WRITTEN.format(error=lines[0] if lines else type(exc).__name__)


def _write(entries: list[_Entry], *, library, actor, attach, existing: Case | None = None) -> list[Case]:
    """Write the documents of ``entries``: one bulk insert per table (and one per history table) for all of them.
    With ``existing`` (one entry only) the document replaces that case's content instead of creating a case."""
    documents = [entry.parsed for entry in entries]
    guidelines = library.guidelines_for(citation for parsed in documents for citation in _citations(parsed))
    if existing is None:
        cases = _cases_create(documents)
        previous = [""] * len(cases)
    else:
        previous = [existing.status]
        cases = [_case_replace(existing, documents[0])]
    items = _content_create(cases, documents, guidelines)
    _determinations_import(cases, documents, items)
    now = timezone.now()
    events = [
        CaseEvent(
            case=case,
            at=now,
            actor=actor,
            kind=EVENT_IMPORTED,
            from_status=status,
            to_status=case.status,
            note="Replaced by an imr-case/1 import." if existing is not None else "Imported from imr-case/1.",
        )
        for case, status in zip(cases, previous, strict=True)
    ]
    rows_create(events, CaseEvent, history=False)
    if attach is not None:
        attach([(entry.index, case) for entry, case in zip(entries, cases, strict=True)])
    return cases


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


def _cases_create(documents: list[CaseDocument]) -> list[Case]:
    # A new worker and claim per imported case: redacted documents carry no name to match an existing worker on,
    # and merging two people's claims by mistake is worse than a duplicate a coordinator can merge.
    workers = rows_create(
        [
            InjuredWorker(
                first_name=parsed.injured_worker.first_name,
                last_name=parsed.injured_worker.last_name,
                age=parsed.injured_worker.age,
                date_of_birth=parsed.injured_worker.date_of_birth,
                sex=parsed.injured_worker.sex,
            )
            for parsed in documents
        ],
        InjuredWorker,
    )
    claims = rows_create(
        [
            Claim(
                worker=worker,
                claim_number=parsed.injured_worker.claim_number,
                date_of_injury=parsed.injured_worker.date_of_injury,
            )
            for worker, parsed in zip(workers, documents, strict=True)
        ],
        Claim,
    )
    cases = []
    for claim, parsed in zip(claims, documents, strict=True):
        # Bulk inserts send no signals: the search text and the worker's sort key are written with the case
        # (``cases.signals`` would compute them on save); the generated sort keys (``queue_rank``, ``running_due``) the
        # database computes itself.
        case = Case(
            case_number=parsed.case_number,
            claim=claim,
            status=_initial_status(parsed),
            search_text=_search_text(parsed),
            worker_sort=_worker_sort(parsed),
            **_case_fields(parsed),
        )
        # The import writes its own event instead of a transition, so it computes the deadlines itself (the
        # lifecycle's rule): a case imported with its assignment date has its records clock running.
        case.records_due, case.decision_due = case_deadlines(case)
        cases.append(case)
    return rows_create(cases, Case)


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


def _worker_sort(parsed: CaseDocument) -> str:
    data = parsed.injured_worker
    return case_worker_sort(first_name=data.first_name, last_name=data.last_name)


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
    Case.objects.filter(pk=case.pk).update(search_text=_search_text(parsed), worker_sort=_worker_sort(parsed))
    return case


def _citations(parsed: CaseDocument):
    for item in parsed.disputed_items:
        yield from item.claims_administrator_citations
        yield from item.citations


def _content_create(cases: list[Case], documents: list[CaseDocument], guidelines) -> list[list[dict]]:
    """Parties, treatment history, items and citations of every case: one bulk insert per table, each with its
    history rows. Returns each case's items as ``case_items_as_dicts`` would read them back."""
    rows_create(
        [
            Party(case=case, role=p.role, name=p.name, address=p.address, email=p.email)
            for case, parsed in zip(cases, documents, strict=True)
            for p in parsed.parties
        ],
        Party,
    )
    rows_create(
        [
            TreatmentEvent(case=case, order=i, date=t.date, kind=t.kind, description=t.description)
            for case, parsed in zip(cases, documents, strict=True)
            for i, t in enumerate(parsed.treatment_history)
        ],
        TreatmentEvent,
    )
    items = rows_create(
        [
            DisputedItem(
                case=case, order=order, title=data.title, decision=data.decision or "", rationale=data.rationale
            )
            for case, parsed in zip(cases, documents, strict=True)
            for order, data in enumerate(parsed.disputed_items)
        ],
        DisputedItem,
    )
    citations, written = [], []
    for item, data in zip(items, (data for parsed in documents for data in parsed.disputed_items), strict=True):
        start = len(citations)
        for side, cited in _sides(data):
            citations += [
                Citation(
                    item=item,
                    side=side,
                    guideline=guidelines[_library_key(citation)],
                    sections=citation.sections or "",
                    pages=citation.pages or "",
                    order=position,
                )
                for position, citation in enumerate(cited)
            ]
        written.append(item_as_dict(item, citations[start:]))
    rows_create(citations, Citation)
    per_case, start = [], 0
    for parsed in documents:
        per_case.append(written[start : start + len(parsed.disputed_items)])
        start += len(parsed.disputed_items)
    return per_case


def _sides(data) -> tuple:
    return (
        (Citation.Side.CLAIMS_ADMINISTRATOR, data.claims_administrator_citations),
        (Citation.Side.IMRO, data.citations),
    )


def _determinations_import(cases: list[Case], documents: list[CaseDocument], items: list[list[dict]]):
    """The imported determination of each decided document, its snapshot built from what was just written (the
    same as ``case_snapshot`` reads back), and its precedents: one insert each for the whole batch."""
    determinations = []
    now = timezone.now()
    for case, parsed, case_items in zip(cases, documents, items, strict=True):
        if parsed.determination is None:
            continue
        snapshot = case_snapshot(
            case=case,
            reviewer_credentials=parsed.determination.reviewer,
            decision_date=parsed.determination.decision_date,
            documents_reviewed=[],
            items=case_items,
            parties=parsed.parties,
        )
        determinations.append(
            Determination(
                case=case,
                version=1,  # a new case, or a replaced one (whose imported determinations the replace deleted)
                origin=Determination.Origin.IMPORTED,
                signed_at=now,
                decision_date=parsed.determination.decision_date,
                snapshot=snapshot,
                content_hash=snapshot_hash(snapshot),
            )
        )
    rows_create(determinations, Determination, history=False)
    precedent_index_new(determinations)


def _library_key(citation: CitationData) -> tuple[str, str]:
    return citation.source, normalize_title(citation.title)


class _GuidelineLibrary:
    """Finds the library entries citations name, adding the titles the library lacks.

    Matching is by source and title, case-insensitive with whitespace folded (``Guideline.normalized_title``), or
    by one of an entry's aliases (one per line). Inactive entries match too: an old letter may cite a retired
    chapter, and a duplicate entry would break the one-title-per-source rule.

    The library (hundreds of entries) is read whole on first use, once per batch of imports. Titles it lacks are
    looked up together (one query: another import may have added them since) and the ones still missing are added
    together (one insert). An entry added by an import joins the table once its transaction commits (a refused
    document's entry never existed).
    """

    def __init__(self):
        self._titles: dict[tuple[str, str], Guideline] | None = None
        self._aliases: dict[tuple[str, str], Guideline] = {}

    def guidelines_for(self, citations) -> dict[tuple[str, str], Guideline]:
        """``{(source, normalized title): Guideline}`` for every citation (the first citation of a new title names
        it)."""
        titles = self._library()
        wanted: dict[tuple[str, str], CitationData] = {}
        for citation in citations:
            wanted.setdefault(_library_key(citation), citation)
        found = {key: titles.get(key) or self._aliases.get(key) for key in wanted}
        missing = [key for key, guideline in found.items() if guideline is None]
        if missing:
            stored = Guideline.objects.filter(normalized_title__in={title for _, title in missing})
            for guideline in stored:
                key = (guideline.source, guideline.normalized_title)
                if key in found and found[key] is None:
                    found[key] = guideline
            new = [
                Guideline(
                    source=key[0],
                    title=wanted[key].title,
                    evidence_rank=_NEW_TITLE_RANK[key[0]],
                    imported_unreviewed=True,
                ).normalize()
                for key in missing
                if found[key] is None
            ]
            for guideline in rows_create(new, Guideline):
                found[(guideline.source, guideline.normalized_title)] = guideline
            transaction.on_commit(lambda: [titles.setdefault(key, found[key]) for key in missing])
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
