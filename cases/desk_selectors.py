"""Reads of the reviewer's desk: search in the case's documents, and the ranked guideline picker."""

import re
from dataclasses import dataclass

from django.db.models import Q

from precedents.selectors import item_suggestions

from .models import Determination, DocumentPage, Guideline, GuidelineTopic
from .services.document_text import snippet
from .services.signoff_warnings import synonym_groups

DOCUMENT_HITS_LIMIT = 50
WORD_RE = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return WORD_RE.findall(text.casefold())


@dataclass
class DocumentHit:
    document: object
    page: int
    snippet: list[tuple[str, bool]]  # (text, is a searched word)

    @property
    def snippet_text(self) -> str:
        return "".join(text for text, _ in self.snippet)


def document_search(case, query: str, *, limit: int = DOCUMENT_HITS_LIMIT) -> list[DocumentHit]:
    """Pages of ``case``'s documents holding every word of ``query`` (case-insensitive), in document and page order."""
    words = _words(query)
    if not words or len(" ".join(words)) < 2:
        return []
    pages = DocumentPage.objects.filter(document__case=case).select_related("document")
    for word in words:
        pages = pages.filter(text__icontains=word)
    pages = pages.order_by("document__document_date", "document_id", "number")[:limit]
    return [DocumentHit(document=p.document, page=p.number, snippet=snippet(p.text, words)) for p in pages]


@dataclass
class LibraryChoice:
    """One line of the guideline picker: a topic of a guideline (sections and pages filled in) or a whole guideline.
    ``similar_decisions``: how many of the item's similar decisions cited it (0 without an item or precedents)."""

    guideline: Guideline
    topic: GuidelineTopic | None
    score: float
    similar_decisions: int = 0

    @property
    def rank_key(self):
        """Relevance first; among equally relevant entries, the one cited in more similar decisions, then the one the
        seed letters cite more."""
        times_cited = self.topic.times_cited if self.topic else 0
        return (-self.score, -self.similar_decisions, -times_cited, self.guideline.source, self.topic is not None,
                self.guideline.title)  # fmt: skip

    @property
    def sections(self) -> str:
        return self.topic.sections if self.topic else ""

    @property
    def pages(self) -> str:
        return self.topic.pages if self.topic else ""


# How much a query word counts where it is found: a whole word beats a prefix, the entry's own name beats an alias,
# and the guideline's title only helps a topic a little.
WEIGHTS = {("name", True): 4.0, ("alias", True): 3.0, ("name", False): 2.0, ("alias", False): 1.5,
           ("parent", True): 1.0, ("parent", False): 0.5}  # fmt: skip
PREFIX_MIN = 3  # "PT" must match PT, not "Postsurgical"


def _word_score(word: str, fields: dict[str, set[str]]) -> float:
    best = 0.0
    for field, words in fields.items():
        if word in words:
            best = max(best, WEIGHTS[(field, True)])
        elif len(word) >= PREFIX_MIN and any(w.startswith(word) for w in words):
            best = max(best, WEIGHTS[(field, False)])
    return best


def _score(query_words: list[str], *, name: str, aliases: list[str], parent: str = "") -> float:
    fields = {
        "name": set(_words(name)),
        "alias": {w for a in aliases for w in _words(a)},
        "parent": set(_words(parent)),
    }
    total = 0.0
    for word in query_words:
        score = _word_score(word, fields)
        if not score:
            return 0.0  # every word must be found
        total += score
    folded = " ".join(query_words)
    if folded in {" ".join(_words(a)) for a in aliases} or folded == " ".join(_words(name)):
        total += 5.0  # the whole query is exactly a name or an alias: "Norco", "physical therapy"
    return total


def _alias_list(text: str) -> list[str]:
    return [a.strip() for a in re.split(r"[\n|]", text) if a.strip()]


def offered_guidelines():
    """What reviewers may cite: active entries an administrator has checked (imported-unreviewed ones wait)."""
    return Guideline.objects.filter(active=True, imported_unreviewed=False)


def library_search(query: str, *, limit: int = 15, item=None, backend=None) -> list[LibraryChoice]:
    """Topics and guidelines matching every word of ``query`` (whole words, or prefixes of 3+ letters), best first.
    With ``item`` (the disputed item being cited), each choice counts the item's similar decisions that cited it.

    The library is small (tens of guidelines, a few hundred topics), so it is ranked in Python on each keystroke.
    """
    query_words = _words(query)
    if not query_words or len(query.strip()) < 2:
        return []
    guidelines = list(offered_guidelines())
    topics = GuidelineTopic.objects.filter(
        Q(imported_unreviewed=False), guideline__in=[g.pk for g in guidelines]
    ).select_related("guideline")
    choices = []
    for guideline in guidelines:
        score = _score(query_words, name=guideline.title, aliases=_alias_list(guideline.aliases))
        if score:
            choices.append(LibraryChoice(guideline=guideline, topic=None, score=score))
    for topic in topics:
        score = _score(query_words, name=topic.name, aliases=_alias_list(topic.aliases), parent=topic.guideline.title)
        if score:
            choices.append(LibraryChoice(guideline=topic.guideline, topic=topic, score=score))
    if choices and item is not None:
        cited = similar_decision_citations(item, backend=backend)
        for choice in choices:
            choice.similar_decisions = sum(any(_cites(c, choice) for c in citations) for citations in cited)
    choices.sort(key=lambda c: c.rank_key)
    return choices[:limit]


# --- "Cited in N similar decisions" ------------------------------------------------------------------------------

PAGE_RANGE_RE = re.compile(r"(\d+)\s*(?:-|–|to)\s*(\d+)|(\d+)")
PAGE_RANGE_MAX = 500  # a wider "range" is a typo, not pages


def page_numbers(text: str) -> set[int]:
    """The pages ``text`` names: "76-80, 82" is {76, ..., 80, 82}."""
    pages = set()
    for first, last, single in PAGE_RANGE_RE.findall(text or ""):
        if single:
            pages.add(int(single))
        elif 0 <= int(last) - int(first) <= PAGE_RANGE_MAX:
            pages.update(range(int(first), int(last) + 1))
    return pages


def _cites(citation: dict, choice: LibraryChoice) -> bool:
    """Whether a precedent's citation cites ``choice``: its guideline, and for a topic the topic's sections (every
    word of them) or one of its pages."""
    if citation.get("guideline_id") != choice.guideline.pk:
        return False
    if choice.topic is None:
        return True
    sections = set(_words(choice.topic.sections))
    if sections and sections <= set(_words(citation.get("sections") or "")):
        return True
    return bool(page_numbers(choice.topic.pages) & page_numbers(citation.get("pages") or ""))


def similar_decision_citations(item, *, backend=None) -> list[list[dict]]:
    """The expert reviewer's citations of each of ``item``'s similar decisions: the same decisions as the "Similar
    decisions" panel beside the item (the precedent engine's similar query, never the item's own case)."""
    precedents = item_suggestions(item, backend=backend).precedents
    return [[c for c in p.citations if c["side"] == "imro"] for p in precedents]


def treatment_synonyms() -> dict[str, set[str]]:
    """Treatment words and their synonyms, from the reviewed topics' names and aliases ("Norco" ~ "opioids")."""
    topics = GuidelineTopic.objects.filter(imported_unreviewed=False).values_list("name", "aliases")
    return synonym_groups([[name, *_alias_list(aliases)] for name, aliases in topics])


def reviewer_signed_rationales(*, reviewer, excluding) -> list[tuple[str, str]]:
    """(case number, rationale) of every item ``reviewer`` signed on other cases, from the frozen snapshots."""
    determinations = Determination.objects.filter(reviewer=reviewer, superseded_by__isnull=True).exclude(case=excluding)
    return [
        (d.case.case_number, item.get("rationale", ""))
        for d in determinations.select_related("case")
        for item in d.snapshot.get("items", [])
        if item.get("rationale")
    ]
