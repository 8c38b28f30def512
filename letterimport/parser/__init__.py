"""Published Final Determination Letters as ``imr-case/1`` documents.

One module per layout, each with ``NAME``, ``recognise(lines)`` and ``parse(lines, source_name=)``; a new layout is
a new module added to ``LAYOUTS``. Layouts known to exist but not supported yet are refused by name
(``UNSUPPORTED``), anything else as not a letter of a known layout (docs/adr/0008).

Reading a letter is two steps: ``letter_read`` (everything but the citations, the costly part, independent of the
database: worker processes do it) and ``letter_cite`` (each guideline line into citations, against the guideline
library as it stands when the letter is written: how a line splits depends on the titles known, and the library
learns from every letter imported). ``parse_letter`` is both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import header_table, letter_2014
from .citations import Library
from .items import items_cite
from .text import LetterRefused, Line, letter_lines

LAYOUTS = (header_table, letter_2014)

# Known layouts the importer does not read yet (DOMAIN.md, "Published letter layouts"), recognised by their opening.
UNSUPPORTED = (
    (
        "MAXIMUS 2010s 'IMR DECISION(S) AND RATIONALE(S)'",
        re.compile(
            r"MAXIMUS FEDERAL SERVICES, INC\.\s+Independent Medical Review|IMR DECISION\(S\) AND RATIONALE\(S\)"
        ),
    ),
    ("'MEDICAL PROFESSIONAL REVIEW'", re.compile(r"MEDICAL PROFESSIONAL REVIEW|ISSUE AT DISPUTE:")),
    (
        "2013 'Notice of Independent Medical Review Determination'",
        re.compile(r"Notice of Independent Medical Review Determination", re.IGNORECASE),
    ),
)
UNSUPPORTED_LAYOUT = "the {name} layout is not supported yet"
UNKNOWN_LAYOUT = (
    "not a Final Determination Letter of a known layout (no header table with 'Case Number:' and no 'HOW THE IMR "
    "FINAL DETERMINATION WAS MADE' at the start)"
)
_OPENING_LINES = 40


@dataclass(frozen=True)
class ParsedLetter:
    layout: str
    document: dict


def parse_letter(pages: list[list[Line]], *, source_name: str, library: Library) -> ParsedLetter:
    """The ``imr-case/1`` document of a letter's pages; ``LetterRefused`` with the reason when it cannot be read."""
    return letter_cite(letter_read(pages, source_name=source_name), library)


def letter_cite(parsed: ParsedLetter, library: Library) -> ParsedLetter:
    """``parsed`` (of ``letter_read``) with its guideline lines read into citations against ``library``;
    ``LetterRefused`` when a line follows none of the known wordings."""
    document = {**parsed.document, "disputed_items": items_cite(parsed.document["disputed_items"], library)}
    return ParsedLetter(parsed.layout, document)


def letter_read(pages: list[list[Line]], *, source_name: str) -> ParsedLetter:
    """A letter's pages as its ``imr-case/1`` document but for the citations: each side's guideline line is kept as
    a ``GuidelineLine`` for ``letter_cite``. ``LetterRefused`` with the reason when it cannot be read."""
    lines = letter_lines(pages)
    opening = " ".join(line.text for line in lines[:_OPENING_LINES])
    for name, pattern in UNSUPPORTED:
        if pattern.search(opening):
            raise LetterRefused(UNSUPPORTED_LAYOUT.format(name=name))
    for layout in LAYOUTS:
        if layout.recognise(lines):
            return ParsedLetter(layout.NAME, layout.parse(lines, source_name=source_name))
    raise LetterRefused(UNKNOWN_LAYOUT)


__all__ = ["LAYOUTS", "Library", "Line", "LetterRefused", "ParsedLetter", "letter_cite", "letter_read", "parse_letter"]
