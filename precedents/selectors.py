"""Reads of the precedent index: who may see precedents, free search, the suggestions beside an item, one
precedent's public page, and the analytics counts.

Precedents are public content (what a published letter shows, without names): any reviewer or staff user may read
them, while the case they come from stays behind ``cases.selectors.cases_visible_to``.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Avg, Count, Q, Sum

from cases.letters import CLAIMS_ADMINISTRATOR_SIDE, EXPERT_REVIEWER_SIDE, guideline_line
from cases.models import Citation, Decision, Determination, normalize_title
from cases.selectors import user_sees_all_cases

from .models import DecisionStat, IndexVersion, PrecedentItem
from .search import COUNT_CAP, Filters, SimilarQuery, search_backend
from .vocabulary import clinical_terms

# How many similar decisions a case's item is compared with, and how many are listed beside it.
NEIGHBOURS = 25
SHOWN = 5
# A guideline the claims administrator cited for this very item counts as much as this share of the similar
# decisions' weight: the reviewer answers the UR decision, and often on the same chapter.
CLAIMS_ADMINISTRATOR_PRIOR = 0.5
RATIONALE_START = 300
# Cached similar decisions live this long at most (a change of the index makes them unreachable before).
SIMILAR_CACHE_SECONDS = 24 * 3600


def can_view_precedents(user) -> bool:
    """Active reviewers and those who see every case (Coordinator, Auditor, superusers): the people who decide or
    check decisions. Other staff roles (library editor, reviewer manager) and inactive reviewers do not."""
    if not user.is_authenticated:
        return False
    if user_sees_all_cases(user):
        return True
    reviewer = getattr(user, "reviewer", None)
    return reviewer is not None and reviewer.active


def can_view_analytics(user) -> bool:
    return user.is_authenticated and user.has_perm("precedents.view_analytics")


def precedent_filtered(rows, filters: Filters):
    """``rows`` narrowed by the filters (the ORM twin of the engines' own filters)."""
    if filters.decision:
        rows = rows.filter(decision=filters.decision)
    if filters.year:
        # The year as a range of decision dates (an item's year is its decision date's), so that the indexes ending
        # with the date serve it alone: the capped count reads only the index (no visit to each row for its year).
        year = int(filters.year)
        rows = rows.filter(
            decision_date__gte=datetime.date(year, 1, 1), decision_date__lt=datetime.date(year + 1, 1, 1)
        )
    if filters.origin:
        rows = rows.filter(origin=filters.origin)
    if filters.specialty:
        rows = rows.filter(specialty_keys__contains=f"|{filters.specialty}|")
    if filters.guideline_id:
        rows = rows.filter(guideline_keys__contains=f"|{filters.guideline_id}|")
    if filters.exclude_case_id:
        rows = rows.exclude(case_id=filters.exclude_case_id)
    return rows


def _with_scores(hits) -> list[PrecedentItem]:
    by_id = PrecedentItem.objects.defer("search_vector").in_bulk([pk for pk, _ in hits])
    rows = []
    for pk, score in hits:
        row = by_id.get(pk)
        if row is not None:
            row.score = score
            rows.append(row)
    return rows


def precedent_search(*, query: str, filters: Filters, offset: int = 0, limit: int = 20, backend=None):
    """(count, precedents of the page): by relevance for a query, newest first without one. The count is exact up
    to ``COUNT_CAP``; ``COUNT_CAP + 1`` means more ("About 2,000+"), and the pages stop at ``COUNT_CAP``."""
    if query.strip():
        page = (backend or search_backend()).search(query=query, filters=filters, offset=offset, limit=limit)
        return page.count, _with_scores(page.hits)
    rows = precedent_filtered(PrecedentItem.objects.all(), filters).order_by("-decision_date", "id")
    found = list(rows[offset : offset + limit]) if offset < COUNT_CAP else []
    for row in found:
        row.score = None
    return rows.order_by().values("id")[: COUNT_CAP + 1].count(), found


# --- Suggestions beside an item ----------------------------------------------------------------------------------


def case_context_terms(case) -> list[str]:
    """The body parts and diagnoses the case names before the reviewer decides: its clinical summary (the draft or
    the record's) and its treatment history."""
    history = " ".join(case.treatment_history.values_list("description", flat=True))
    return clinical_terms(f"{case.clinical_summary} {history}")


def item_query(*, title: str, claims_administrator_citations: list[dict], context_terms: list[str]) -> SimilarQuery:
    """What a case's item is compared by: its title (with titles), the claims administrator's guidelines (with
    the guidelines cited) and the case's body parts and diagnoses (with clinical summaries)."""
    cited = [text for c in claims_administrator_citations for text in (c["title"], c.get("sections") or "") if text]
    return SimilarQuery(title=title, guidelines=tuple(cited), context=" ".join(context_terms))


@dataclass
class SuggestedCitation:
    source: str
    title: str
    guideline_id: int | None
    weight: float = 0.0
    decisions: int = 0
    sections: Counter = field(default_factory=Counter)
    pages: Counter = field(default_factory=Counter)

    @property
    def top_sections(self) -> str | None:
        """The sections the similar decisions cited most with this guideline (None: none cited)."""
        return self.sections.most_common(1)[0][0] if self.sections else None

    @property
    def top_pages(self) -> str | None:
        return self.pages.most_common(1)[0][0] if self.pages else None


@dataclass
class Suggestions:
    precedents: list[PrecedentItem]
    citations: list[SuggestedCitation]
    upheld: int
    overturned: int

    @property
    def shown(self) -> list[PrecedentItem]:
        return self.precedents[:SHOWN]


def _guideline_key(citation: dict):
    return citation.get("guideline_id") or (citation["source"], normalize_title(citation["title"]))


def _similar_hits(backend, query: SimilarQuery, exclude_case_id, limit) -> list[tuple[int, float]]:
    """The engine's closest items to ``query``, cached under the index's version token: computed once per index
    change, not on every page load of the workspace."""
    filters = Filters(exclude_case_id=exclude_case_id)
    token = IndexVersion.objects.filter(pk=1).values_list("token", flat=True).first()
    if token is None:
        return backend.similar(query=query, filters=filters, limit=limit).hits
    what = repr((backend.name, query, filters, limit)).encode()
    key = f"precedents:similar:{token}:{hashlib.sha256(what).hexdigest()}"
    hits = cache.get(key)
    if hits is None:
        hits = backend.similar(query=query, filters=filters, limit=limit).hits
        cache.set(key, hits, SIMILAR_CACHE_SECONDS)
    return hits


def precedent_suggestions(
    *,
    title: str,
    claims_administrator_citations: list[dict],
    context_terms: list[str],
    exclude_case_id=None,
    limit: int = NEIGHBOURS,
    backend=None,
) -> Suggestions:
    """The decided items closest to an undecided one (never of the excluded case), and the guidelines they cited,
    best first: each similar decision adds its relevance (score relative to the best) to every guideline its
    reviewer cited; the claims administrator's own guidelines start with a prior."""
    query = item_query(
        title=title, claims_administrator_citations=claims_administrator_citations, context_terms=context_terms
    )
    precedents = _with_scores(_similar_hits(backend or search_backend(), query, exclude_case_id, limit))
    suggested: dict = {}

    def entry(citation):
        key = _guideline_key(citation)
        if key not in suggested:
            suggested[key] = SuggestedCitation(
                source=citation["source"], title=citation["title"], guideline_id=citation.get("guideline_id")
            )
        return suggested[key]

    best = max((p.score for p in precedents), default=0.0) or 1.0
    total_weight = 0.0
    for precedent in precedents:
        relevance = precedent.score / best
        total_weight += relevance
        for citation in {_guideline_key(c): c for c in precedent.citations if c["side"] == "imro"}.values():
            suggestion = entry(citation)
            suggestion.weight += relevance
            suggestion.decisions += 1
        for citation in precedent.citations:
            if citation["side"] == "imro":
                suggestion = suggested[_guideline_key(citation)]
                if citation.get("sections"):
                    suggestion.sections[citation["sections"]] += 1
                if citation.get("pages"):
                    suggestion.pages[citation["pages"]] += 1
    for citation in claims_administrator_citations:
        entry(citation).weight += CLAIMS_ADMINISTRATOR_PRIOR * max(total_weight, 1.0) / max(len(precedents), 1)
    ranked = sorted(suggested.values(), key=lambda s: (-s.weight, -s.decisions, s.title))
    decisions = Counter(p.decision for p in precedents[:SHOWN])
    return Suggestions(
        precedents=precedents,
        citations=ranked,
        upheld=decisions[Decision.UPHELD],
        overturned=decisions[Decision.OVERTURNED],
    )


def item_suggestions(item, *, backend=None) -> Suggestions:
    """Suggestions for a disputed item of an open case, from what the case holds now."""
    ca = [
        {
            "source": c.guideline.source,
            "title": c.guideline.title,
            "sections": c.sections,
            "pages": c.pages,
            "guideline_id": c.guideline_id,
        }
        for c in item.citations.filter(side=Citation.Side.CLAIMS_ADMINISTRATOR).select_related("guideline")
    ]
    return precedent_suggestions(
        title=item.title,
        claims_administrator_citations=ca,
        context_terms=case_context_terms(item.case),
        exclude_case_id=item.case_id,
        backend=backend,
    )


# --- One precedent -----------------------------------------------------------------------------------------------


def precedent_public(precedent: PrecedentItem) -> dict:
    """What a precedent's page shows: the public parts of its determination, nothing that names anyone."""
    snapshot = precedent.determination.snapshot if precedent.determination_id else {}
    sides = defaultdict(list)
    for citation in precedent.citations:
        sides[citation["side"]].append(citation)
    return {
        "precedent": precedent,
        "clinical_summary": snapshot.get("clinical_summary", ""),
        "claims_administrator_line": guideline_line(CLAIMS_ADMINISTRATOR_SIDE, sides["claims_administrator"]),
        "imro_line": guideline_line(EXPERT_REVIEWER_SIDE, sides["imro"]),
    }


# --- Analytics ---------------------------------------------------------------------------------------------------

ORIGINS = ("all", Determination.Origin.IMPORTED, Determination.Origin.SIGNED)


def decision_groups(*, by: str, origin: str = "all") -> dict:
    """Items and overturned items per key of one dimension (from the counts the index service keeps), and the
    total (every precedent counts once per year, so the year rows add up to it)."""
    stats = DecisionStat.objects.filter(items__gt=0)
    if origin != "all":
        stats = stats.filter(origin=origin)
    groups = stats.filter(dimension=by).values("key").annotate(items=Sum("items"), overturned=Sum("overturned"))
    total = stats.filter(dimension=DecisionStat.Dimension.YEAR).aggregate(
        items=Sum("items"), overturned=Sum("overturned")
    )
    order = ("key",) if by == DecisionStat.Dimension.YEAR else ("-items", "key")
    return {
        "total": {"items": total["items"] or 0, "overturned": total["overturned"] or 0},
        "groups": [
            {"key": g["key"], "items": g["items"], "overturned": g["overturned"]} for g in groups.order_by(*order)
        ],
    }


def timeliness() -> dict:
    """Cases decided here: days from records complete to decision, against the deadline, per year."""
    decided = (
        PrecedentItem.objects.filter(origin=Determination.Origin.SIGNED, position=0)
        .values("year")
        .annotate(
            cases=Count("id"),
            with_records=Count("id", filter=Q(days_to_decision__isnull=False)),
            average_days=Avg("days_to_decision"),
            late=Count("id", filter=Q(late=True)),
        )
        .order_by("year")
    )
    return {"years": list(decided)}
