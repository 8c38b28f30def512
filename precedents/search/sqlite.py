"""SQLite engine (the embedded default of ``make run``): FTS5 with the porter stemmer, bm25 with column weights like
PostgreSQL's A-D, and a trigram FTS5 table on titles for short and misspelt queries.

It works on any SQLite connection (Django's, or a plain ``sqlite3`` one: the tests run it beside PostgreSQL), so the
filterable fields live in the FTS table as UNINDEXED columns and a search is one statement.
"""

from __future__ import annotations

from . import (
    COUNT_CAP,
    Filters,
    IndexDocument,
    SearchPage,
    SimilarQuery,
    Term,
    query_words,
    trigrams,
    websearch_terms,
    word_similarity,
)

TABLE = "precedents_fts"
TRIGRAM_TABLE = "precedents_fts_title"
COLUMNS = ("title", "guidelines", "summary", "other")
FILTER_COLUMNS = ("decision", "year", "origin", "case_id", "specialty_keys", "guideline_keys")
BM25_WEIGHTS = "10.0, 5.0, 2.0, 1.0"  # title, guidelines, summary, rationale and specialties
TRIGRAM_THRESHOLD = 0.6  # as PostgreSQL's word_similarity_threshold
TRIGRAM_CANDIDATES = 200
# "Similar decisions" read the filters of this many more best matches than they show (a case's own items excluded).
FILTER_SLACK = 16

SCHEMA = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5({', '.join(COLUMNS)}, "
    + ", ".join(f"{c} UNINDEXED" for c in FILTER_COLUMNS)
    + ", tokenize='porter unicode61')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TRIGRAM_TABLE} USING fts5(title, tokenize='trigram')",
]
DROP = [f"DROP TABLE IF EXISTS {TABLE}", f"DROP TABLE IF EXISTS {TRIGRAM_TABLE}"]


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def fts_query(terms: list[Term]) -> str:
    """The FTS5 query of web-search terms: AND by default, OR where asked, NOT for excluded terms."""
    positive = [t for t in terms if not t.negated]
    if not positive:
        return ""
    parts = []
    for term in positive:
        phrase = _quoted(" ".join(term.words))
        parts.append(f"OR {phrase}" if term.or_before and parts else ("AND " if parts else "") + phrase)
    query = " ".join(parts)
    for term in terms:
        if term.negated:
            query = f"({query}) NOT {_quoted(' '.join(term.words))}"
    return query


class SqliteSearchBackend:
    name = "sqlite"

    def __init__(self, conn):
        """``conn``: a Django connection or a DB-API ``sqlite3`` connection. Statements are written with Django's
        ``%s`` placeholders (its debug cursor formats them) and turned into ``?`` for a plain connection."""
        self.conn = conn
        self.placeholder = "%s" if hasattr(conn, "vendor") else "?"

    def _sql(self, sql):
        return sql if self.placeholder == "%s" else sql.replace("%s", "?")

    def _execute(self, sql, params=()):
        cursor = self.conn.cursor()
        cursor.execute(self._sql(sql), params)
        return cursor

    def install(self):
        for statement in SCHEMA:
            self._execute(statement)

    def index(self, docs: list[IndexDocument]):
        if not docs:
            return
        self.remove([d.id for d in docs])
        placeholders = ", ".join(["%s"] * (1 + len(COLUMNS) + len(FILTER_COLUMNS)))
        cursor = self.conn.cursor()
        cursor.executemany(
            self._sql(f"INSERT INTO {TABLE} (rowid, {', '.join(COLUMNS + FILTER_COLUMNS)}) VALUES ({placeholders})"),
            [
                (
                    d.id,
                    d.title,
                    d.guidelines,
                    d.summary,
                    d.other,
                    d.decision,
                    d.year,
                    d.origin,
                    d.case_id,
                    d.specialty_keys,
                    d.guideline_keys,
                )
                for d in docs
            ],
        )
        cursor.executemany(
            self._sql(f"INSERT INTO {TRIGRAM_TABLE} (rowid, title) VALUES (%s, %s)"), [(d.id, d.title) for d in docs]
        )

    def remove(self, ids: list[int]):
        if not ids:
            return
        marks = ", ".join(["%s"] * len(ids))
        for table in (TABLE, TRIGRAM_TABLE):
            self._execute(f"DELETE FROM {table} WHERE rowid IN ({marks})", list(ids))

    def clear(self):
        for table in (TABLE, TRIGRAM_TABLE):
            self._execute(f"DELETE FROM {table}")

    def search(self, *, query: str, filters: Filters, offset: int = 0, limit: int = 20) -> SearchPage:
        match = fts_query(websearch_terms(query))
        if not match:
            return SearchPage(count=0)
        where, params = _filter_sql(filters)
        hits = self._ranked(match, where, params, offset, limit)
        count = self._execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {TABLE} MATCH %s{where} LIMIT %s)",
            [match, *params, COUNT_CAP + 1],
        ).fetchone()[0]
        if count:
            return SearchPage(count=count, hits=hits)
        return self._similar_titles(query, where, params, offset, limit)

    def similar(self, *, query: SimilarQuery, filters: Filters, limit: int = 20) -> SearchPage:
        # Each part only in its own column: 'title : ("mri" OR "lumbar") OR guidelines : ("low back ...")'.
        parts = []
        if query.title_words():
            parts.append("title : (" + " OR ".join(_quoted(w) for w in query.title_words()) + ")")
        if query.guideline_phrases():
            parts.append("guidelines : (" + " OR ".join(_quoted(" ".join(p)) for p in query.guideline_phrases()) + ")")
        if query.context_words():
            parts.append("summary : (" + " OR ".join(_quoted(w) for w in query.context_words()) + ")")
        if not parts:
            return SearchPage(count=0)
        hits = self._best_passing(" OR ".join(parts), filters, limit)
        return SearchPage(count=len(hits), hits=hits)

    def _best_passing(self, match, filters, limit) -> list[tuple[int, float]]:
        """The best ``limit`` matches that pass the filters, the filters read for the best matches only: a filter
        column is read from each row's stored content, which for every item holding "lumbar" somewhere (a case's
        query matches most items) cost more than ranking them. The window of best matches grows until ``limit``
        pass or every match was read: the same answer as filtering them all."""
        where, params = _filter_sql(filters)
        window = limit + FILTER_SLACK
        while True:
            ranked = self._ranked(match, "", [], 0, window)
            if not where:
                return ranked[:limit]
            ids = [pk for pk, _ in ranked]
            marks = ", ".join(["%s"] * len(ids))
            sql = f"SELECT rowid FROM {TABLE} WHERE rowid IN ({marks}){where}"
            passing = {pk for (pk,) in self._execute(sql, [*ids, *params])} if ids else set()
            hits = [hit for hit in ranked if hit[0] in passing][:limit]
            if len(hits) == limit or len(ranked) < window:
                return hits
            window *= 4

    def _ranked(self, match, where, params, offset, limit) -> list[tuple[int, float]]:
        rows = self._execute(
            f"SELECT rowid, -bm25({TABLE}, {BM25_WEIGHTS}) AS score FROM {TABLE} WHERE {TABLE} MATCH %s{where} "
            "ORDER BY score DESC, rowid LIMIT %s OFFSET %s",
            [match, *params, limit, offset],
        ).fetchall()
        return [(pk, float(score)) for pk, score in rows]

    def _similar_titles(self, query, where, params, offset, limit) -> SearchPage:
        grams = sorted({g for w in query_words(query) for g in trigrams(w) if g.strip() and len(g.strip()) == 3})
        if not grams:
            return SearchPage(count=0)
        match = " OR ".join(_quoted(g) for g in grams)
        candidates = self._execute(
            f"SELECT t.rowid, t.title FROM {TRIGRAM_TABLE} t JOIN {TABLE} ON {TABLE}.rowid = t.rowid "
            f"WHERE {TRIGRAM_TABLE} MATCH %s{where} ORDER BY bm25({TRIGRAM_TABLE}) LIMIT %s",
            [match, *params, TRIGRAM_CANDIDATES],
        ).fetchall()
        scored = sorted(
            ((pk, word_similarity(query, title)) for pk, title in candidates), key=lambda hit: (-hit[1], hit[0])
        )
        similar = [hit for hit in scored if hit[1] >= TRIGRAM_THRESHOLD]
        return SearchPage(count=len(similar), hits=similar[offset : offset + limit])


def _filter_sql(filters: Filters) -> tuple[str, list]:
    clauses, params = [], []
    if filters.decision:
        clauses.append(f"{TABLE}.decision = %s")
        params.append(filters.decision)
    if filters.year:
        clauses.append(f"{TABLE}.year = %s")
        params.append(int(filters.year))
    if filters.origin:
        clauses.append(f"{TABLE}.origin = %s")
        params.append(filters.origin)
    if filters.specialty:
        clauses.append(f"instr({TABLE}.specialty_keys, %s) > 0")
        params.append(f"|{filters.specialty}|")
    if filters.guideline_id:
        clauses.append(f"instr({TABLE}.guideline_keys, %s) > 0")
        params.append(f"|{filters.guideline_id}|")
    if filters.exclude_case_id:
        clauses.append(f"{TABLE}.case_id != %s")
        params.append(int(filters.exclude_case_id))
    return "".join(f" AND {c}" for c in clauses), params
