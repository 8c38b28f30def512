"""Writes of the precedent index: a case's current determination becomes its precedents (one per decided item,
public content only), and the decision counts analytics reads move with them.

``precedent_index_case`` is called wherever a determination is created (signed, imported, superseding another) and
when an import replaces a case; ``precedent_index_rebuild`` rebuilds everything (``rebuild_precedent_index``).
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterable

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from cases.models import Case, Decision, Determination, Guideline, normalize_title
from cases.selectors import current_determination
from cases.services.bulk import rows_create

from .models import DecisionStat, IndexVersion, PrecedentItem, TreatmentCategory
from .search import IndexDocument, search_backend

REBUILD_BATCH = 500
NO_GUIDELINE = "(no guideline cited)"
UNCATEGORISED = "(uncategorised)"


def citation_label(citation: dict) -> str:
    """How analytics names a guideline: its source and library title."""
    return f"{citation['source']}: {citation['title']}"


class _Categoriser:
    """The first category (by position) with a keyword in the title, else the catch-all (a category without
    keywords), else none."""

    def __init__(self):
        self.rules = []
        self.fallback = None
        for category in TreatmentCategory.objects.order_by("position", "name"):
            words = category.keyword_list()
            if not words:
                self.fallback = self.fallback or category
                continue
            pattern = r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b"
            self.rules.append((re.compile(pattern, re.IGNORECASE), category))

    def __call__(self, title: str):
        for pattern, category in self.rules:
            if pattern.search(title):
                return category
        return self.fallback


class _GuidelineIds:
    """Library ids of cited titles, looked up once per batch."""

    def __init__(self, snapshots: Iterable[dict]):
        titles = {
            normalize_title(c["title"])
            for snapshot in snapshots
            for item in snapshot.get("items", [])
            for c in item.get("claims_administrator_citations", []) + item.get("citations", [])
        }
        rows = Guideline.objects.filter(normalized_title__in=titles).values_list("id", "source", "normalized_title")
        self.ids = {(source, title): pk for pk, source, title in rows}

    def __call__(self, citation: dict):
        return self.ids.get((citation["source"], normalize_title(citation["title"])))


def _keys(values) -> str:
    values = [str(v) for v in values if v not in (None, "")]
    return "|" + "|".join(dict.fromkeys(values)) + "|" if values else ""


_DECISIONS = frozenset(Decision.values)  # read once: an enum's ``values`` is rebuilt at each call (0.1 ms)


def _precedent_rows(case: Case, determination: Determination, categorise, guideline_ids) -> list[PrecedentItem]:
    snapshot = determination.snapshot
    specialties = list((snapshot.get("reviewer") or {}).get("specialties") or [])
    signed_here = determination.origin == Determination.Origin.SIGNED
    decision_date = determination.decision_date
    rows = []
    for position, item in enumerate(snapshot.get("items", [])):
        if item.get("decision") not in _DECISIONS:
            continue
        citations = [
            {**c, "side": side, "guideline_id": guideline_ids(c)}
            for side, key in (("claims_administrator", "claims_administrator_citations"), ("imro", "citations"))
            for c in item.get(key, [])
        ]
        category = categorise(item["title"])
        rows.append(
            PrecedentItem(
                case=case,
                determination=determination,
                position=position,
                case_number=case.case_number,
                title=item["title"],
                decision=item["decision"],
                decision_date=decision_date,
                year=decision_date.year,
                origin=determination.origin,
                specialties=specialties,
                specialty_keys=_keys(specialties),
                guideline_keys=_keys(c["guideline_id"] for c in citations),
                category=category,
                citations=citations,
                rationale=item.get("rationale") or "",
                days_to_decision=(decision_date - case.records_complete).days
                if signed_here and case.records_complete
                else None,
                late=decision_date > case.decision_due if signed_here and case.decision_due else None,
            )
        )
    return rows


def index_document(row: PrecedentItem, summary: str) -> IndexDocument:
    guidelines = " ".join(
        " ".join(filter(None, (c["source"], c["title"], c.get("sections"), c.get("pages")))) for c in row.citations
    )
    return IndexDocument(
        id=row.pk,
        title=row.title,
        guidelines=guidelines,
        summary=summary,
        other=" ".join([row.rationale, *row.specialties]),
        decision=row.decision,
        year=row.year,
        origin=row.origin,
        case_id=row.case_id,
        specialty_keys=row.specialty_keys,
        guideline_keys=row.guideline_keys,
    )


def _contributions(rows: Iterable[PrecedentItem], category_names: dict) -> Counter:
    """(dimension, key, origin) -> items, and ("+overturned", ...) -> overturned, for a set of precedents."""
    counts = Counter()
    for row in rows:
        imro = [citation_label(c) for c in row.citations if c["side"] == "imro"]
        keys = [
            (DecisionStat.Dimension.YEAR, str(row.year)),
            (DecisionStat.Dimension.CATEGORY, category_names.get(row.category_id, UNCATEGORISED)),
            *((DecisionStat.Dimension.SPECIALTY, s) for s in dict.fromkeys(row.specialties)),
            *((DecisionStat.Dimension.GUIDELINE, g) for g in dict.fromkeys(imro or [NO_GUIDELINE])),
        ]
        for dimension, key in keys:
            counts[(dimension, key, row.origin, "items")] += 1
            if row.decision == Decision.OVERTURNED:
                counts[(dimension, key, row.origin, "overturned")] += 1
    return counts


def _category_names() -> dict:
    return dict(TreatmentCategory.objects.values_list("id", "name"))


# The counts of a batch in one statement on PostgreSQL: each key added to, or created, whoever else writes meanwhile.
_STATS_UPSERT = (
    "INSERT INTO {table} (dimension, key, origin, items, overturned) "
    "SELECT * FROM unnest(%s::varchar[], %s::varchar[], %s::varchar[], %s::integer[], %s::integer[]) "
    "ON CONFLICT (dimension, key, origin) DO UPDATE SET items = {table}.items + EXCLUDED.items, "
    "overturned = {table}.overturned + EXCLUDED.overturned"
)


def _stats_apply(delta: Counter):
    """Add ``delta`` to the stored counts, creating rows as needed (safe against a concurrent creator)."""
    moves = Counter()
    for dimension, key, origin, measure in delta:
        moves[(dimension, key[:320], origin, measure)] += delta[(dimension, key, origin, measure)]
    rows = [
        (d, k, o, moves[(d, k, o, "items")], moves[(d, k, o, "overturned")])
        for d, k, o in sorted({(d, k, o) for d, k, o, _ in moves})
    ]
    rows = [row for row in rows if row[3] or row[4]]
    if rows and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                _STATS_UPSERT.format(table=connection.ops.quote_name(DecisionStat._meta.db_table)),
                [list(column) for column in zip(*rows, strict=True)],
            )
        return
    for dimension, key, origin, items, overturned in rows:
        stat = DecisionStat.objects.filter(dimension=dimension, key=key, origin=origin)
        if stat.update(items=F("items") + items, overturned=F("overturned") + overturned):
            continue
        try:
            with transaction.atomic():
                DecisionStat.objects.create(
                    dimension=dimension, key=key, origin=origin, items=items, overturned=overturned
                )
        except IntegrityError:
            stat.update(items=F("items") + items, overturned=F("overturned") + overturned)


def index_version_bump():
    """A new token for the index (in the caller's transaction): what was cached by the old one is not read again."""
    IndexVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


def precedent_index_case(*, case: Case, backend=None) -> list[PrecedentItem]:
    """Make the case's precedents those of its current determination (none without one), in the caller's
    transaction; the analytics counts move by the difference."""
    backend = backend or search_backend()
    with transaction.atomic():
        old = list(PrecedentItem.objects.filter(case=case))
        determination = current_determination(case)
        new = []
        if determination is not None:
            new = _precedent_rows(case, determination, _Categoriser(), _GuidelineIds([determination.snapshot]))
        if not old and not new:
            return []
        names = _category_names()
        delta = _contributions(new, names)
        delta.subtract(_contributions(old, names))
        backend.remove([row.pk for row in old])
        PrecedentItem.objects.filter(pk__in=[row.pk for row in old]).delete()
        PrecedentItem.objects.bulk_create(new)
        _index(backend, new, {case.pk: determination.snapshot.get("clinical_summary", "") if determination else ""})
        _stats_apply(delta)
        index_version_bump()
        return new


def precedent_index_new(determinations: list[Determination], *, backend=None) -> list[PrecedentItem]:
    """Index the precedents of determinations just created on cases that have none yet (a batch import): one insert
    and one index write for the whole batch, in the caller's transaction; the analytics counts move by theirs."""
    if not determinations:
        return []
    rows = _rows_insert(determinations, backend or search_backend(), _Categoriser())
    _stats_apply(_contributions(rows, _category_names()))
    index_version_bump()
    return rows


def _rows_insert(determinations, backend, categorise) -> list[PrecedentItem]:
    """The precedents of ``determinations`` (each with its case), inserted and indexed."""
    guideline_ids = _GuidelineIds(d.snapshot for d in determinations)
    rows = [row for d in determinations for row in _precedent_rows(d.case, d, categorise, guideline_ids)]
    rows_create(rows, PrecedentItem, history=False)
    _index(backend, rows, {d.case_id: d.snapshot.get("clinical_summary", "") for d in determinations})
    return rows


def _index(backend, rows, summaries: dict):
    # bulk_create sets the ids on PostgreSQL and SQLite >= 3.35 (RETURNING), the engines this project runs on.
    backend.index([index_document(row, summaries.get(row.case_id, "")) for row in rows])


def precedent_index_rebuild(*, backend=None, progress=None) -> int:
    """Rebuild the whole index and the analytics counts from every case's current determination."""
    backend = backend or search_backend()
    categorise = _Categoriser()
    names = _category_names()
    current = (
        Determination.objects.filter(superseded_by__isnull=True).select_related("case").order_by("case_id", "-version")
    )
    total = 0
    counts = Counter()
    with transaction.atomic():
        backend.clear()
        PrecedentItem.objects.all().delete()
        DecisionStat.objects.all().delete()
        batch: list[Determination] = []
        seen_cases = set()
        for determination in current.iterator(chunk_size=REBUILD_BATCH):
            if determination.case_id in seen_cases:
                continue  # an older version left current by mistake: only the latest is the case's decision
            seen_cases.add(determination.case_id)
            batch.append(determination)
            if len(batch) >= REBUILD_BATCH:
                total += _rebuild_batch(batch, backend, categorise, counts, names)
                batch = []
                if progress:
                    progress(total)
        total += _rebuild_batch(batch, backend, categorise, counts, names)
        decision_stats_write(counts)
        index_version_bump()
    return total


def decision_stats_write(counts) -> None:
    """Write the analytics counts a rebuild (or the benchmark's seeder) tallied: ``counts[(dimension, key, origin,
    "items" | "overturned")]``, one ``DecisionStat`` row per (dimension, key, origin)."""
    DecisionStat.objects.bulk_create(
        DecisionStat(
            dimension=d,
            key=k[:320],
            origin=o,
            items=counts[(d, k, o, "items")],
            overturned=counts[(d, k, o, "overturned")],
        )
        for d, k, o in sorted({(d, k, o) for d, k, o, _ in counts})
    )


def _rebuild_batch(batch, backend, categorise, counts, names) -> int:
    rows = _rows_insert(batch, backend, categorise)
    counts.update(_contributions(rows, names))
    return len(rows)
