"""PostgreSQL engine: a weighted tsvector on ``PrecedentItem`` (GIN index), ``websearch_to_tsquery`` for what a
person types, an OR of words for a case's query, ``ts_rank`` for order, and pg_trgm word similarity on titles
(GIN trigram index, the %> operator at pg_trgm's default threshold 0.6) when the words match nothing: short
and misspelt queries."""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection
from django.db.models import F, Q

from . import Filters, IndexDocument, SearchPage, SimilarQuery

CONFIG = "english"
# ts_rank's weights for D, C, B, A: rationale and specialties, clinical summary, guidelines, title.
WEIGHTS = [0.1, 0.2, 0.5, 1.0]
# Ranking reads each candidate's vector: bounded, so a query matching half a million items costs what one matching
# five thousand does. Beyond it, the most recent matches are ranked (searches) or the first found (suggestions).
RANKED_CANDIDATES = 5000
SIMILAR_CANDIDATES = 1000

# One statement per batch: the documents arrive as arrays, unnested into rows.
_UPDATE = f"""
UPDATE precedents_precedentitem AS p SET search_vector =
    setweight(to_tsvector('{CONFIG}', v.title), 'A') || setweight(to_tsvector('{CONFIG}', v.guidelines), 'B')
    || setweight(to_tsvector('{CONFIG}', v.summary), 'C') || setweight(to_tsvector('{CONFIG}', v.other), 'D')
FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[]) AS v(id, title, guidelines, summary, other)
WHERE p.id = v.id
"""


class PostgresSearchBackend:
    name = "postgresql"

    def install(self):
        """Nothing to create: the column and indexes come with the migrations."""

    def index(self, docs: list[IndexDocument]):
        if not docs:
            return
        columns = [
            [d.id for d in docs],
            [d.title for d in docs],
            [d.guidelines for d in docs],
            [d.summary for d in docs],
            [d.other for d in docs],
        ]
        with connection.cursor() as cursor:
            cursor.execute(_UPDATE, columns)

    def remove(self, ids: list[int]):
        """The rows themselves are deleted by the index service; the vector goes with them."""

    def clear(self):
        """As ``remove``."""

    def search(self, *, query: str, filters: Filters, offset: int = 0, limit: int = 20) -> SearchPage:
        tsquery = SearchQuery(query, search_type="websearch", config=CONFIG)
        rows = self._rows(filters)
        matching = rows.filter(search_vector=tsquery)
        count = matching.count()
        if count:
            rank = SearchRank(F("search_vector"), tsquery, weights=WEIGHTS)
            return SearchPage(count=count, hits=self._best(_newest(matching), rank, offset, limit))
        similar = rows.filter(title__trigram_word_similar=query)
        hits = self._best(_newest(similar), TrigramWordSimilarity(query, "title"), offset, limit)
        return SearchPage(count=min(similar.count(), RANKED_CANDIDATES), hits=hits)

    def similar(self, *, query: SimilarQuery, filters: Filters, limit: int = 20) -> SearchPage:
        title = query.title_words()
        loose = [f"{w}:A" for w in title]
        loose += ["(" + " <-> ".join(f"{w}:B" for w in phrase) + ")" for phrase in query.guideline_phrases()]
        loose += [f"{w}:C" for w in query.context_words()]
        if not loose:
            return SearchPage(count=0)
        any_part = SearchQuery(" | ".join(loose), search_type="raw", config=CONFIG)
        rows = self._rows(filters)
        # Candidates: items whose titles hold every word of this title, and items matching any part; each set
        # capped, so that a common word ("MRI") costs the same at a thousand items as at a million.
        candidates = Q(id__in=rows.filter(search_vector=any_part).values("id")[:SIMILAR_CANDIDATES])
        if title:
            all_title = SearchQuery(" & ".join(f"{w}:A" for w in title), search_type="raw", config=CONFIG)
            candidates |= Q(id__in=rows.filter(search_vector=all_title).values("id")[:SIMILAR_CANDIDATES])
        from ..models import PrecedentItem

        rank = SearchRank(F("search_vector"), any_part, weights=WEIGHTS)
        hits = self._best(PrecedentItem.objects.filter(candidates).values("id"), rank, 0, limit)
        return SearchPage(count=len(hits), hits=hits)

    @staticmethod
    def _best(candidate_ids, score, offset, limit) -> list[tuple[int, float]]:
        """The page of the candidates (a bounded id subquery) by ``score``, then newest."""
        from ..models import PrecedentItem

        rows = PrecedentItem.objects.filter(id__in=candidate_ids).annotate(score=score)
        ranked = rows.order_by("-score", "-decision_date", "id").values_list("id", "score")[offset : offset + limit]
        return [(pk, float(value)) for pk, value in ranked]

    @staticmethod
    def _rows(filters):
        from ..models import PrecedentItem
        from ..selectors import precedent_filtered

        return precedent_filtered(PrecedentItem.objects.all(), filters)


def _newest(rows):
    """The newest matches first: the ranked set of a very broad query is its most recent matches."""
    return rows.order_by("-decision_date", "-id").values("id")[:RANKED_CANDIDATES]
