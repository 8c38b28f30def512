"""PostgreSQL engine: a weighted tsvector on ``PrecedentItem`` (GIN index), ``websearch_to_tsquery`` for what a
person types, an OR of words for a case's query, ``ts_rank`` for order, and pg_trgm word similarity on titles
(GIN trigram index, the %> operator at pg_trgm's default threshold 0.6) when the words match nothing: short
and misspelt queries."""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection
from django.db.models import F

from . import Filters, IndexDocument, SearchPage, SimilarQuery

CONFIG = "english"
# ts_rank's weights for D, C, B, A: rationale and specialties, clinical summary, guidelines, title.
WEIGHTS = [0.1, 0.2, 0.5, 1.0]
FIELD_WEIGHTS = {"title": "A", "guidelines": "B", "summary": "C"}

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
        rank = SearchRank(F("search_vector"), tsquery, weights=WEIGHTS)
        page = _page(rows.filter(search_vector=tsquery).annotate(score=rank), offset, limit)
        if page.count:
            return page
        similar = rows.annotate(score=TrigramWordSimilarity(query, "title")).filter(title__trigram_word_similar=query)
        return _page(similar, offset, limit)

    def similar(self, *, query: SimilarQuery, filters: Filters, limit: int = 20) -> SearchPage:
        # Each word only in its own field: "mri:A | lumbar:A | low:B | radiculopathy:C".
        terms = [f"{word}:{FIELD_WEIGHTS[name]}" for name, words in query.parts() for word in words]
        if not terms:
            return SearchPage(count=0)
        tsquery = SearchQuery(" | ".join(terms), search_type="raw", config=CONFIG)
        rank = SearchRank(F("search_vector"), tsquery, weights=WEIGHTS)
        # The best few are wanted, not how many match: no count over a large OR.
        return _page(self._rows(filters).filter(search_vector=tsquery).annotate(score=rank), 0, limit, count=False)

    @staticmethod
    def _rows(filters):
        from ..models import PrecedentItem
        from ..selectors import precedent_filtered

        return precedent_filtered(PrecedentItem.objects.all(), filters)


def _page(rows, offset, limit, *, count=True) -> SearchPage:
    hits = rows.order_by("-score", "-decision_date", "id").values_list("id", "score")[offset : offset + limit]
    hits = [(pk, float(score)) for pk, score in hits]
    return SearchPage(count=rows.count() if count else len(hits), hits=hits)
