"""One precedent search interface, two engines chosen by the database in use (the shape of Wagtail's database
search backends): PostgreSQL full-text search in production, SQLite FTS5 on the embedded default.

A backend indexes ``IndexDocument``s (the public text of one ``PrecedentItem``) and answers with the matching ids
and scores, best first, filtered:
- ``search``: what a person types on /precedents/ (web-search syntax: words, "phrases", -word, or), paginated, its
  count capped at ``COUNT_CAP + 1`` (shown as "About 2,000+"); a query that matches nothing is retried by trigram
  similarity (on titles on SQLite, on a dictionary of title words on PostgreSQL), so short and misspelt queries
  still find something;
- ``similar``: the query built from a case's item (``SimilarQuery``): any word may match, each part only in its
  own field (the title's words in titles, the claims administrator's guidelines in guidelines, body parts and
  diagnoses in clinical summaries), ranked with the fields' weights (title first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection

# Only the words of a query reach the engines (no operators of their own syntax): letters and digits.
WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
PHRASE_RE = re.compile(r'(-?)"([^"]*)"|(\S+)')
MAX_QUERY_WORDS = 64
# Counts of matches stop here: a search's count is exact up to COUNT_CAP, COUNT_CAP + 1 means "more".
COUNT_CAP = 2000


@dataclass(frozen=True)
class IndexDocument:
    """What the engines index for one precedent (public content only) and the fields it can be filtered on."""

    id: int
    title: str
    guidelines: str
    summary: str
    other: str  # rationale and specialties: the least weighted text
    decision: str
    year: int
    origin: str
    case_id: int
    specialty_keys: str
    guideline_keys: str


@dataclass(frozen=True)
class Filters:
    decision: str = ""
    guideline_id: int | None = None
    specialty: str = ""
    year: int | None = None
    origin: str = ""
    exclude_case_id: int | None = None


@dataclass(frozen=True)
class SimilarQuery:
    """A case's item: its title's words (matched in titles), the claims administrator's guidelines as phrases
    (titles and sections, matched in the guidelines cited) and clinical terms (matched in summaries)."""

    title: str
    guidelines: tuple[str, ...] = ()
    context: str = ""

    def title_words(self) -> list[str]:
        return query_words(self.title)

    def guideline_phrases(self) -> list[list[str]]:
        phrases = [query_words(text) for text in self.guidelines]
        return [words for words in phrases if words]

    def context_words(self) -> list[str]:
        return query_words(self.context)


@dataclass
class SearchPage:
    count: int
    hits: list[tuple[int, float]] = field(default_factory=list)  # (PrecedentItem id, score), best first


@dataclass(frozen=True)
class Term:
    """One term of a web-search query: a word or a phrase (several words), wanted or excluded."""

    words: tuple[str, ...]
    negated: bool = False
    or_before: bool = False  # joined to the previous term by "or"


def websearch_terms(query: str) -> list[Term]:
    """Parse the web-search syntax both engines accept: words, "quoted phrases", -excluded, "or" between terms."""
    terms: list[Term] = []
    pending_or = False
    for match in PHRASE_RE.finditer(query):
        minus, phrase, bare = match.groups()
        if bare is not None:
            if bare.casefold() == "or" and terms:
                pending_or = True
                continue
            minus = "-" if bare.startswith("-") else ""
            phrase = bare.lstrip("-")
        words = tuple(w.casefold() for w in WORD_RE.findall(phrase))
        if words:
            terms.append(Term(words=words, negated=bool(minus), or_before=pending_or and not minus))
            pending_or = False
    return terms[:MAX_QUERY_WORDS]


def query_words(text: str) -> list[str]:
    """The distinct words of ``text``, in order, case-folded: the ``any`` query."""
    seen = dict.fromkeys(w.casefold() for w in WORD_RE.findall(text))
    return list(seen)[: MAX_QUERY_WORDS * 4]


def trigrams(word: str) -> set[str]:
    padded = f"  {word.casefold()} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def word_similarity(query: str, text: str) -> float:
    """pg_trgm's word_similarity, approximately: the best share of the query's trigrams found in one of the text's
    words or runs of words. Used by the SQLite engine to keep its trigram candidates as PostgreSQL would."""
    query_grams = set().union(*(trigrams(w) for w in WORD_RE.findall(query))) if query.strip() else set()
    if not query_grams:
        return 0.0
    text_grams = set().union(*(trigrams(w) for w in WORD_RE.findall(text))) if text.strip() else set()
    return len(query_grams & text_grams) / len(query_grams)


def search_backend(using=None):
    """The engine for the database in use."""
    conn = using or connection
    if conn.vendor == "postgresql":
        from .postgres import PostgresSearchBackend

        return PostgresSearchBackend()
    from .sqlite import SqliteSearchBackend

    return SqliteSearchBackend(conn)
