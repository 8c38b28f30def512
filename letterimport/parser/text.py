"""The letter as lines: what every layout parser reads, with page furniture removed and wraps undone.

A ``Line`` carries its text and, when the source is a PDF, whether it starts in bold (the letters head their sections
and items in bold; a pdftotext ``.txt`` carries no fonts, so ``bold`` is ``None`` there and the parsers fall back on
punctuation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class LetterRefused(Exception):
    """A letter the importer will not import; ``reason`` says what could not be read."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Line:
    text: str
    bold: bool | None = None


# Page furniture a publisher may print on every page: "Page 2 of 4", "- 2 -", a bare page number.
_PAGE_NUMBER = re.compile(r"^(?:page\s+\d+(?:\s+of\s+\d+)?|-?\s*\d{1,3}\s*-?|\d+\s*/\s*\d+)$", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
# A word broken after its own hyphen ("follow-" / "up"): these letters come from a word processor that does not
# hyphenate, so a hyphen at a line end belongs to the word and the line joins without a space.
_HYPHEN_END = re.compile(r"\w-$")
# PDFium marks a hyphen at a line end it joined itself with U+0002.
PDFIUM_LINE_HYPHEN = "\x02"


def _furniture_key(text: str) -> str:
    return _DIGITS.sub("#", text.strip().casefold())


def _edges(page: list[Line]) -> list[tuple[int, str]]:
    texts = [line.text for line in page if line.text.strip()]
    return [(i, _furniture_key(texts[i])) for i in (0, 1, -2, -1) if -len(texts) <= i < len(texts)]


def _running_lines(pages: list[list[Line]]) -> set[str]:
    """Lines printed at the same place (first, second, last or next to last line) on most pages, at least two: a
    running header or footer. Digits are ignored when comparing ("Page 2" and "Page 3" are the same furniture)."""
    if len(pages) < 2:
        return set()
    seen: dict[tuple[int, str], int] = {}
    for page in pages:
        for edge in set(_edges(page)):
            seen[edge] = seen.get(edge, 0) + 1
    needed = max(2, -(-len(pages) * 3 // 5))
    return {key for (_, key), count in seen.items() if count >= needed}


def letter_lines(pages: list[list[Line]]) -> list[Line]:
    """All pages' lines in order, without blank lines, page numbers and running headers or footers."""
    running = _running_lines(pages)
    lines = []
    for page in pages:
        for line in page:
            text = line.text.replace(PDFIUM_LINE_HYPHEN, "-\n")
            for part in text.split("\n"):
                stripped = part.strip()
                if not stripped or _PAGE_NUMBER.match(stripped) or _furniture_key(stripped) in running:
                    continue
                lines.append(Line(part.rstrip() + (" " if part.endswith(" ") else ""), line.bold))
    return lines


def join_lines(lines: list[Line] | list[str]) -> str:
    """Lines as the paragraph they wrap: one space between lines, none after a word's own hyphen."""
    out = ""
    for line in lines:
        text = (line.text if isinstance(line, Line) else line).strip()
        if not text:
            continue
        if out and not _HYPHEN_END.search(out):
            out += " "
        out += text
    return fold(out)


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def find_line(lines: list[Line], pattern: re.Pattern, start: int = 0, stop: int | None = None) -> int:
    """Index of the first line from ``start`` matching ``pattern`` (``match`` at its start), or -1."""
    stop = len(lines) if stop is None else stop
    for i in range(start, stop):
        if pattern.match(lines[i].text.strip()):
            return i
    return -1
