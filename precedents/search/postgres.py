"""PostgreSQL engine: a weighted tsvector on ``PrecedentItem`` (kept in the row; GIN index, used for rare queries,
a common one checked on the rows read), ``websearch_to_tsquery`` for what a person types, an OR of words for a
case's query, ``ts_rank`` for order, one statement a page. When the words match nothing (short and
misspelt queries), each word is corrected by pg_trgm word similarity (the <% operator at pg_trgm's default threshold
0.6) against a dictionary of the titles' distinct words (``precedents_title_word``, a GIN trigram index, a few tens
of thousands of words where the titles are a million), and the corrected words are searched again."""

from __future__ import annotations

import json
import math

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import BooleanField, F, Func, Q

from . import COUNT_CAP, Filters, IndexDocument, SearchPage, SimilarQuery, query_words

CONFIG = "english"
# ts_rank's weights for D, C, B, A: rationale and specialties, clinical summary, guidelines, title.
WEIGHTS = [0.1, 0.2, 0.5, 1.0]
# Ranking reads each candidate's vector: bounded (COUNT_CAP + 1 for a search), so a query matching half a million
# items costs what one matching two thousand does. Beyond it, the first matches found are ranked.
SIMILAR_CANDIDATES = 1000
TITLE_WORDS = "precedents_title_word"
# The title's part of the document vector, unweighted (migration precedent_vectors_in_row indexes it).
TITLE_VECTOR = Func(
    F("title"), template=f"to_tsvector('{CONFIG}'::regconfig, %(expressions)s)", output_field=SearchVectorField()
)


# A document's fields and their weights, in the order their vectors are concatenated.
DOCUMENT_WEIGHTS = (("title", "A"), ("guidelines", "B"), ("summary", "C"), ("other", "D"))


def field_vector(text_sql: str, weight: str) -> str:
    """The SQL of one field's weighted tsvector (the benchmark seeder computes each distinct text's once)."""
    return f"setweight(to_tsvector('{CONFIG}', {text_sql}), '{weight}')"


def document_vector(v: str) -> str:
    """The SQL of one document's tsvector, from the columns title, guidelines, summary and other of ``v``."""
    return " || ".join(field_vector(f"{v}.{name}", weight) for name, weight in DOCUMENT_WEIGHTS)


# One statement per batch: the documents arrive as arrays, unnested into rows.
_UPDATE = f"""
UPDATE precedents_precedentitem AS p SET search_vector = {document_vector("v")}
FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[]) AS v(id, title, guidelines, summary, other)
WHERE p.id = v.id
"""
# The dictionary only grows between rebuilds: a word left by a removed title costs nothing (corrected to it, the
# query finds nothing, as it would have). Sorted, so that concurrent writers take the rows' locks in one order.
_WORDS_ADD = f"INSERT INTO {TITLE_WORDS} (word) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING"
# Each query word's closest dictionary word: best word similarity (the query word found in it), then closest
# overall (of "acu", "acupuncture" before "acupuncturist"), then alphabetical. A word in titles is its own answer.
_CORRECTIONS = f"""
SELECT q.word, (
    SELECT t.word FROM {TITLE_WORDS} AS t WHERE q.word <%% t.word
    ORDER BY word_similarity(q.word, t.word) DESC, similarity(q.word, t.word) DESC, t.word LIMIT 1
) FROM unnest(%s::text[]) AS q(word)
"""


def title_words(titles) -> list[str]:
    """The dictionary's words of ``titles``: the distinct words (case-folded) of three letters or more, without
    digits (doses and counts are not misspelt, and would fill the dictionary)."""
    return sorted({w for title in titles for w in query_words(title) if len(w) >= 3 and w.isalpha()})


def title_words_add(words: list[str]):
    if words:
        with connection.cursor() as cursor:
            cursor.execute(_WORDS_ADD, [words])


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
        title_words_add(title_words(d.title for d in docs))

    def remove(self, ids: list[int]):
        """The rows themselves are deleted by the index service; the vector goes with them."""

    def clear(self):
        """The vectors go with the rows (deleted by the index service); the title dictionary is emptied."""
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TITLE_WORDS}")

    def search(self, *, query: str, filters: Filters, offset: int = 0, limit: int = 20) -> SearchPage:
        rows = self._rows(filters)
        page = self._matching(rows, SearchQuery(query, search_type="websearch", config=CONFIG), offset, limit)
        if page.count:
            return page
        corrected = self.corrected(query)
        if not corrected or corrected == query_words(query):
            return SearchPage(count=0)
        return self._matching(rows, SearchQuery(" ".join(corrected), config=CONFIG), offset, limit)

    def _matching(self, rows, tsquery, offset, limit) -> SearchPage:
        """The page of the rows matching ``tsquery``, ranked among the first ``COUNT_CAP + 1`` found, and their
        number ("more than 2,000" past ``COUNT_CAP``): one statement reads the candidates once, counts and ranks
        them. Counting half a million matches would read them all."""
        rank = SearchRank(F("search_vector"), tsquery, weights=WEIGHTS)
        candidates = (
            rows.filter(_matches(tsquery))
            .annotate(score=rank)
            .values_list("id", "decision_date", "score")[: COUNT_CAP + 1]
        )
        sql, params = candidates.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(_RANKED_PAGE.replace("CANDIDATES", sql), [*params, limit, offset])
            found = cursor.fetchall()
        count = found[0][0]
        return SearchPage(count=count, hits=[(pk, float(score)) for _, pk, score in found if pk is not None])

    @staticmethod
    def corrected(query: str) -> list[str]:
        """The query's words, each replaced by its closest word of the titles' dictionary: ``acupunture`` becomes
        ``acupuncture``. Digits and short words are kept as they are. Empty when a word has no close word (all the
        words must match, as typed)."""
        words = query_words(query)
        asked = [w for w in words if len(w) >= 3 and w.isalpha()]
        if not asked:
            return []
        with connection.cursor() as cursor:
            cursor.execute(_CORRECTIONS, [asked])
            closest = dict(cursor.fetchall())
        corrected = [closest.get(w, w) for w in words]
        return corrected if all(corrected) else []

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
            # The titles' own vector (its GIN index): "every word in the title" without rechecking the items that
            # hold the words elsewhere. The same items as the document vector's "w1:A & w2:A".
            all_title = SearchQuery(" & ".join(title), search_type="raw", config=CONFIG)
            in_titles = rows.annotate(title_vector=TITLE_VECTOR).filter(title_vector=all_title)
            # One UNION subquery: "id IN (a) OR id IN (b)" would make PostgreSQL scan the whole table.
            candidates = candidates.union(in_titles.values("id")[:SIMILAR_CANDIDATES])
        title_score, title_params, other_score, other_params = _similarity(title, phrases, context)
        candidates_sql, candidates_params = candidates.query.sql_with_params()
        sql = _SIMILAR_PAGE.replace("TITLE_SCORE", title_score).replace("OTHER_SCORE", other_score)
        with connection.cursor() as cursor:
            cursor.execute(
                sql.replace("CANDIDATES", candidates_sql), [*title_params, *other_params, *candidates_params, limit]
            )
            hits = [(pk, float(value)) for pk, value in cursor.fetchall()]
        return SearchPage(count=len(hits), hits=hits)

    @staticmethod
    def _rows(filters):
        from ..models import PrecedentItem
        from ..selectors import precedent_filtered

        # No order (the model's default is the newest first): the candidates are the first rows found, so that
        # PostgreSQL stops reading once it has them instead of sorting every match.
        return precedent_filtered(PrecedentItem.objects.order_by(), filters)


# A page of a search: the first COUNT_CAP + 1 matches found (read once, kept), their number and the best of them.
# The LEFT JOIN returns the count even when the page is past the last match.
_RANKED_PAGE = """
WITH candidates (id, decision_date, score) AS MATERIALIZED (CANDIDATES)
SELECT counted.n, page.id, page.score
FROM (SELECT count(*) AS n FROM candidates) AS counted
LEFT JOIN LATERAL (
    SELECT id, score FROM candidates ORDER BY score DESC, decision_date DESC, id LIMIT %s OFFSET %s
) AS page ON true
"""
# Finding the first COUNT_CAP + 1 matches of a query matching a share s of the items: reading rows (in any order, a
# filter's index or the table) checks about (COUNT_CAP + 1) / s rows, the GIN index reads every match's entry and
# builds its bitmap before the first row (s * N entries); a row costs about this many entries' time (measured at a
# million items: ~1 us a row with the vector in the row, ~0.25 us an entry). Rows win above
# s = sqrt(ROW_COST * (COUNT_CAP + 1) / N): 9% of a million items, 2.8% of ten million.
ROW_COST = 4


def _common_share(items: float) -> float:
    return math.sqrt(ROW_COST * (COUNT_CAP + 1) / max(items, 1.0))


def _estimates(tsquery) -> tuple[float, float]:
    """The planner's estimates: the items matching ``tsquery`` (its statistics of the vectors' lexemes) and all
    the items."""
    from ..models import PrecedentItem

    sql, params = PrecedentItem.objects.filter(search_vector=tsquery).values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [PrecedentItem._meta.db_table])
        items = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return float(plan[0]["Plan"]["Plan Rows"]), float(items)


def _matches(tsquery):
    """The condition "the vector matches ``tsquery``": through the GIN index for a rare query; row by row (the same
    test, written as the function the index cannot serve) for a common one, whose first matches are a few thousand
    rows away, where the index would first collect every match (623,000 entries for "MRI" at a million items)."""
    matching, items = _estimates(tsquery)
    if items > 0 and matching / items >= _common_share(items):
        return Func(F("search_vector"), tsquery, function="ts_match_vq", output_field=BooleanField())
    return Q(search_vector=tsquery)


# A page of "Similar decisions": the candidates (a bounded id subquery) by score, then newest. Each candidate's
# vectors are read once (each subquery kept apart by OFFSET 0): the document's (v) and its title's part (t, the
# lexemes of weight A: the title's own vector); the average title length is taken over narrow rows.
_SIMILAR_PAGE = """
SELECT id, title_score / sqrt(title_length / avg(title_length) OVER ()) + other_score AS score
FROM (
    SELECT c.id, c.decision_date, TITLE_SCORE AS title_score, OTHER_SCORE AS other_score,
           greatest(length(c.t), 1) AS title_length
    FROM (
        SELECT p.id, p.decision_date, p.search_vector AS v, ts_filter(p.search_vector, '{a}') AS t
        FROM precedents_precedentitem AS p WHERE p.id IN (CANDIDATES) OFFSET 0
    ) AS c
    OFFSET 0
) AS scored
ORDER BY score DESC, decision_date DESC, id LIMIT %s
"""
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


def _similarity(title: list[str], phrases: list[list[str]], context: list[str]) -> tuple[str, list, str, list]:
    """A case query's score of an item, in two parts (SQL and parameters over ``c.v``, its document vector, and
    ``c.t``, its title's vector): the inverse frequencies of the title's lexemes found in the item's title (the page
    divides it by the square root of the title's length relative to the average, as bm25 does), then half the mean
    for each claims administrator guideline it cites and a fifth for each clinical term of its summary. Like bm25
    and the SQLite engine, rare words count more than common ones, which ts_rank alone does not do."""
    lexemes = _lexemes(list(dict.fromkeys(title + context + [w for p in phrases for w in p])))
    idf = _inverse_frequencies({lex for found in lexemes.values() for lex in found})
    terms, params = [], []

    def add(weight, vector, tsquery):
        terms.append(f"%s * ({vector} @@ to_tsquery('simple', %s))::int")
        params.extend([weight, tsquery])

    for word in dict.fromkeys(title):
        for lexeme in lexemes.get(word, []):
            add(idf[lexeme] * SIMILAR_FIELD_WEIGHTS["A"], "c.t", lexeme)
    title_part = " + ".join(terms) or "0"
    title_params = list(params)
    terms.clear()
    params.clear()
    for phrase in phrases:
        found = [lexeme for word in phrase for lexeme in lexemes.get(word, [])]
        if found:
            weight = SIMILAR_FIELD_WEIGHTS["B"] * sum(idf[lex] for lex in found) / len(found)
            add(weight, "c.v", " <-> ".join(f"{lex}:B" for lex in found))
    for word in dict.fromkeys(context):
        for lexeme in lexemes.get(word, []):
            add(idf[lexeme] * SIMILAR_FIELD_WEIGHTS["C"], "c.v", f"{lexeme}:C")
    rest = " + ".join(terms) or "0"
    return f"({title_part})", title_params, f"({rest})", params
