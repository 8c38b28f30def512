"""PostgreSQL engine: a weighted tsvector on ``PrecedentItem`` (GIN index), ``websearch_to_tsquery`` for what a
person types, an OR of words for a case's query, ``ts_rank`` for order, and pg_trgm word similarity on titles
(GIN trigram index, the %> operator at pg_trgm's default threshold 0.6) when the words match nothing: short
and misspelt queries."""

from __future__ import annotations

import math

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection
from django.db.models import F, FloatField
from django.db.models.expressions import RawSQL

from . import Filters, IndexDocument, SearchPage, SimilarQuery

CONFIG = "english"
# ts_rank's weights for D, C, B, A: rationale and specialties, clinical summary, guidelines, title.
WEIGHTS = [0.1, 0.2, 0.5, 1.0]
# Ranking reads each candidate's vector: bounded, so a query matching half a million items costs what one matching
# two thousand does. Beyond it, the first matches found are ranked.
RANKED_CANDIDATES = 2000
SIMILAR_CANDIDATES = 1000
EXACT_COUNT_BELOW = 10_000

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
        count = _count(matching)
        if count:
            rank = SearchRank(F("search_vector"), tsquery, weights=WEIGHTS)
            return SearchPage(count=count, hits=self._best(_first(matching), rank, offset, limit))
        # Misspellings: titles similar by trigrams, at most the first 2,000 found (each one's similarity is
        # rechecked on its title, so no count of them all).
        similar = _first(rows.filter(title__trigram_word_similar=query))
        hits = self._best(similar, TrigramWordSimilarity(query, "title"), offset, limit)
        return SearchPage(count=similar.count(), hits=hits)

    def similar(self, *, query: SimilarQuery, filters: Filters, limit: int = 20) -> SearchPage:
        title = query.title_words()
        phrases = query.guideline_phrases()
        context = query.context_words()
        loose = [f"{w}:A" for w in title]
        loose += ["(" + " <-> ".join(f"{w}:B" for w in phrase) + ")" for phrase in phrases]
        loose += [f"{w}:C" for w in context]
        if not loose:
            return SearchPage(count=0)
        any_part = SearchQuery(" | ".join(loose), search_type="raw", config=CONFIG)
        rows = self._rows(filters)
        # Candidates: items whose titles hold every word of this title, and items matching any part; each set
        # capped, so that a common word ("MRI") costs the same at a thousand items as at a million.
        candidates = rows.filter(search_vector=any_part).values("id")[:SIMILAR_CANDIDATES]
        if title:
            all_title = SearchQuery(" & ".join(f"{w}:A" for w in title), search_type="raw", config=CONFIG)
            # One UNION subquery: "id IN (a) OR id IN (b)" would make PostgreSQL scan the whole table.
            candidates = candidates.union(rows.filter(search_vector=all_title).values("id")[:SIMILAR_CANDIDATES])
        score = _similarity(title, phrases, context)
        hits = self._best(candidates, score, 0, limit)
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


def _first(rows):
    """The first matches found (no order: PostgreSQL stops reading once it has them), the set a page ranks."""
    return rows.values("id")[:RANKED_CANDIDATES]


def _count(rows) -> int:
    """Exact up to ``EXACT_COUNT_BELOW`` matches; beyond, the planner's estimate (from the statistics on the search
    vector): counting every one of half a million matches would read them all."""
    compiler = rows.query.get_compiler(using=rows.db)
    sql, params = compiler.as_sql()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        estimate = cursor.fetchone()[0][0]["Plan"]["Plan Rows"]
    return int(estimate) if estimate > EXACT_COUNT_BELOW else rows.count()


# Field weights of a case's query, as ts_rank's: title 1.0, guidelines 0.5, summary 0.2.
SIMILAR_FIELD_WEIGHTS = {"A": 1.0, "B": 0.5, "C": 0.2}


def _lexemes(words: list[str]) -> dict[str, list[str]]:
    """Each word's lexemes under the search configuration (none for a stop word)."""
    if not words:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT w, tsvector_to_array(to_tsvector('{CONFIG}', w)) FROM unnest(%s::text[]) AS w", [list(words)]
        )
        return dict(cursor.fetchall())


def _inverse_frequencies(lexemes: set[str]) -> dict[str, float]:
    """log(1 / share of items holding the lexeme), from the statistics ANALYZE keeps on the search vector (its
    most common lexemes; any other is rarer than the rarest of them). No statistics yet: every lexeme weighs 1."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = 'precedents_precedentitem' "
            "AND attname = 'search_vector'"
        )
        row = cursor.fetchone()
    if not row or not row[0]:
        return dict.fromkeys(lexemes, 1.0)
    elements, frequencies = row
    shares = dict(zip(elements, frequencies, strict=False))
    rarer = frequencies[-3] / 2  # the array ends with the minimum, the maximum and the null share
    return {lexeme: math.log(1 / max(shares.get(lexeme, rarer), 1e-9)) for lexeme in lexemes}


def _similarity(title: list[str], phrases: list[list[str]], context: list[str]) -> RawSQL:
    """A case query's score of an item: the inverse frequencies of the title's lexemes found in the item's title
    (over the square root of its length relative to the average), half the mean for each claims administrator
    guideline it cites, a fifth for each clinical term of its summary. Like bm25 and the SQLite engine, rare words
    count more than common ones, which ts_rank alone does not do."""
    lexemes = _lexemes(list(dict.fromkeys(title + context + [w for p in phrases for w in p])))
    idf = _inverse_frequencies({lex for found in lexemes.values() for lex in found})
    terms, params = [], []

    def add(weight, tsquery):
        terms.append("%s * (search_vector @@ to_tsquery('simple', %s))::int")
        params.extend([weight, tsquery])

    for word in dict.fromkeys(title):
        for lexeme in lexemes.get(word, []):
            add(idf[lexeme] * SIMILAR_FIELD_WEIGHTS["A"], f"{lexeme}:A")
    title_part = " + ".join(terms) or "0"
    title_params = list(params)
    terms.clear()
    params.clear()
    for phrase in phrases:
        found = [lexeme for word in phrase for lexeme in lexemes.get(word, [])]
        if found:
            weight = SIMILAR_FIELD_WEIGHTS["B"] * sum(idf[lex] for lex in found) / len(found)
            add(weight, " <-> ".join(f"{lex}:B" for lex in found))
    for word in dict.fromkeys(context):
        for lexeme in lexemes.get(word, []):
            add(idf[lexeme] * SIMILAR_FIELD_WEIGHTS["C"], f"{lexeme}:C")
    rest = " + ".join(terms) or "0"
    # Length normalisation relative to the candidates' average title, as bm25's: an average title keeps its score.
    length = f'greatest(length(to_tsvector(\'{CONFIG}\', "precedents_precedentitem"."title")), 1)'
    sql = f"(({title_part}) / sqrt({length} / avg({length}) OVER ()) + {rest})"
    return RawSQL(
        sql.replace("search_vector", '"precedents_precedentitem"."search_vector"'),
        title_params + params,
        output_field=FloatField(),
    )
