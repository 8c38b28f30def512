"""A guideline line back into citations: the inverse of ``cases.letters.guideline_line`` (``case-format.md``).

The rules being inverted: MTUS citations read ``<title>[, Section(s): <sections>][ Page(s): <pages>]`` joined with
", and "; Non-MTUS citations read ``<title>[, <sections>][ Page(s): <pages>]`` joined with ", ". Two ambiguities
are settled as follows (docs/adr/0008):
- ", and " also occurs inside chapter names ("Forearm, Wrist, and Hand Complaints 2004") and inside sections. It
  separates two MTUS citations only where a new citation starts after it: a title of the guideline library, or a
  capitalised chapter name ending in its edition year followed by ", Section(s):", " Page(s):" or the end.
- Several Non-MTUS citations cannot be told from one whose sections hold commas, so a side's Non-MTUS text is one
  citation. Its title is the longest library title it starts with, followed by ", "; failing that, the text up to
  its first ", "; the rest is its sections. A title the import would resolve to an entry spelled otherwise (an
  alias, another capitalisation) is passed over, down to the whole text as the title.
"""

from __future__ import annotations

import re

from .text import fold

MTUS = "MTUS"
NON_MTUS = "Non-MTUS"

_SECTIONS = ", Section(s): "
_PAGES = " Page(s): "
_AND = ", and "
_MTUS_LEAD = "Decision based on MTUS "
_NON_MTUS_LEAD = "Decision based on Non-MTUS Citation "
# "The Claims Administrator did not cite any medical evidence for its decision."
_NO_EVIDENCE = re.compile(r"^The [\w ]+? did not cite any medical evidence for its decision\.?$")
# "The Expert Reviewer based their decision on recommendation(s) outside of the MTUS Guidelines." (2016-17) or
# "The Claims Administrator did not base their decision on the MTUS." (2014-15), then the Non-MTUS sentence.
_OUTSIDE_MTUS = re.compile(
    r"^The [\w ]+? (?:based their decision on recommendation\(s\) outside of the MTUS Guidelines|"
    r"did not base their decision on the MTUS)\.\s*"
)
_GENERIC_MTUS_TITLE = re.compile(r"[A-Z][^,]*? (?:19|20)\d\d(?=, Section\(s\): | Page\(s\): |$)")

NOT_A_GUIDELINE_LINE = "cannot be read as a guideline line: {line!r}"


class Library:
    """The guideline library as the parser needs it: titles to recognise in a line (longest first, so the most
    specific wins), and how ``case_import`` will resolve a title (by title or alias, case-insensitive) so the parser
    never picks a title that would print back spelled differently ("Official Disability Guidelines" is an alias of
    "Official Disability Guidelines (ODG)"). ``learn`` adds the titles of an imported letter, as the import does."""

    def __init__(self, entries=(), aliases=()):
        """``entries`` and ``aliases`` are ``(source, title)`` and ``(source, alias, title)``."""
        self._titles: dict[str, set[str]] = {MTUS: set(), NON_MTUS: set()}
        self._resolves: dict[tuple[str, str], str] = {}
        self._ordered: dict[str, tuple[str, ...]] = {}
        for source, alias, title in aliases:
            self._resolves.setdefault((source, _key(alias)), fold(title))
        for source, title in entries:
            self._add(source, title)

    def _add(self, source: str, title: str):
        if source in self._titles and title.strip():
            self._titles[source].add(fold(title))
            self._resolves[(source, _key(title))] = fold(title)
            self._ordered.pop(source, None)

    def titles(self, source: str) -> tuple[str, ...]:
        if source not in self._ordered:
            self._ordered[source] = tuple(sorted(self._titles[source], key=len, reverse=True))
        return self._ordered[source]

    def prints_as_is(self, source: str, title: str) -> bool:
        """Whether a citation with this title prints it back as written (new to the library, or its own entry)."""
        return self._resolves.get((source, _key(title)), title) == title

    def learn(self, document: dict):
        """The titles an imported ``imr-case/1`` document adds to the library (first spelling wins, as on import)."""
        for item in document["disputed_items"]:
            for citation in item["claims_administrator_citations"] + item["citations"]:
                if (citation["source"], _key(citation["title"])) not in self._resolves:
                    self._add(citation["source"], citation["title"])


def _key(title: str) -> str:
    return fold(title).casefold()


def _strip_period(text: str) -> str:
    # The renderer adds the sentence's period unless the text ends with one; removing one is always safe.
    return text[:-1].rstrip() if text.endswith(".") else text


def _known_at(titles: tuple[str, ...], text: str, pos: int) -> str | None:
    lowered = text[pos:].casefold()
    for title in titles:
        if lowered.startswith(title.casefold()):
            return text[pos : pos + len(title)]
    return None


def _mtus_citation(chunk: str, title_end: int) -> dict:
    sections = pages = None
    pages_at = chunk.rfind(_PAGES)
    if pages_at >= title_end:
        chunk, pages = chunk[:pages_at], chunk[pages_at + len(_PAGES) :]
    sections_at = chunk.find(_SECTIONS, title_end)
    if sections_at >= 0:
        chunk, sections = chunk[:sections_at], chunk[sections_at + len(_SECTIONS) :]
    return {"source": MTUS, "title": chunk.strip(), "sections": sections, "pages": pages}


def _mtus_citations(text: str, library: Library) -> list[dict]:
    citations = []
    pos = 0
    while pos < len(text):
        known = _known_at(library.titles(MTUS), text, pos)
        boundary = text.find(_AND, pos + len(known) if known else pos)
        while boundary >= 0:
            after = boundary + len(_AND)
            if _known_at(library.titles(MTUS), text, after) or _GENERIC_MTUS_TITLE.match(text, after):
                break
            boundary = text.find(_AND, boundary + 1)
        end = boundary if boundary >= 0 else len(text)
        citations.append(_mtus_citation(text[pos:end], len(known) if known else 0))
        pos = end + len(_AND) if boundary >= 0 else len(text)
    return citations


def _non_mtus_citation(text: str, library: Library) -> dict:
    pages = None
    pages_at = text.rfind(_PAGES)
    if pages_at >= 0:
        text, pages = text[:pages_at], text[pages_at + len(_PAGES) :]
    # Where the title ends, most specific first: after a library title, at the first ", ", or the whole text. The
    # first whose title prints back as written wins (the whole text always does, as a new library entry at worst).
    splits = []
    known = _known_at(library.titles(NON_MTUS), text, 0)
    if known and text[len(known) :].startswith(", ") and len(text) > len(known) + 2:
        splits.append((known, text[len(known) + 2 :]))
    if ", " in text:
        splits.append(tuple(text.split(", ", 1)))
    title, sections = next(((t, s) for t, s in splits if library.prints_as_is(NON_MTUS, t)), (text, None))
    return {"source": NON_MTUS, "title": title, "sections": sections, "pages": pages}


def guideline_line_parse(line: str, library: Library) -> list[dict]:
    """The citations behind one side's guideline line; ``ValueError`` if it follows none of the known wordings."""
    line = fold(line)
    if _NO_EVIDENCE.match(line):
        return []
    outside = _OUTSIDE_MTUS.match(line)
    rest = line[outside.end() :] if outside else line
    if rest.startswith(_NON_MTUS_LEAD):
        return [_non_mtus_citation(_strip_period(rest[len(_NON_MTUS_LEAD) :]), library)]
    if outside is None and rest.startswith(_MTUS_LEAD):
        rest = rest[len(_MTUS_LEAD) :]
        marker = rest.find(" " + _NON_MTUS_LEAD)
        if marker < 0:
            return _mtus_citations(_strip_period(rest), library)
        mtus_text, non_mtus_text = rest[:marker].strip(), rest[marker + 1 + len(_NON_MTUS_LEAD) :]
        return _mtus_citations(_strip_period(mtus_text), library) + [
            _non_mtus_citation(_strip_period(non_mtus_text), library)
        ]
    raise ValueError(NOT_A_GUIDELINE_LINE.format(line=line[:160]))
