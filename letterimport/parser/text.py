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
_SHORT_LINE = 60
# A word broken after its own hyphen ("follow-" / "up"): these letters come from a word processor that does not
# hyphenate, so a hyphen at a line end belongs to the word and the line joins without a space.
_HYPHEN_END = re.compile(r"\w-$")
# PDFium marks a hyphen at a line end (a line it joins itself) with U+0002 or U+FFFE.
PDFIUM_LINE_HYPHENS = ("\x02", "\ufffe")


def _furniture_key(text: str) -> str:
    return _DIGITS.sub("#", text.strip().casefold())


def _page_text_lines(page: list[Line]) -> list[Line]:
    """A page's lines with text, page numbers left out, PDFium's line-end hyphens turned back into line breaks."""
    lines = []
    for line in page:
        text = line.text
        for marker in PDFIUM_LINE_HYPHENS:
            text = text.replace(marker, "-\n")
        for part in text.split("\n"):
            if part.strip() and not _PAGE_NUMBER.match(part.strip()):
                lines.append(Line(part, line.bold))
    return lines


def _edges(page: list[Line]) -> set[tuple[int, str]]:
    texts = [line.text.strip() for line in page]
    return {(i, _furniture_key(texts[i])) for i in (0, -1) if texts and not texts[i].endswith(".")}


def _running_lines(pages: list[list[Line]]) -> set[str]:
    """The first or last line of most pages (at least three; two for a short numbered line), the same but for digits
    ("Page 2" and "Page 3"): a running header or footer. A line ending with a full stop is text (two items may end
    with the same sentence)."""
    seen: dict[tuple[int, str], int] = {}
    for page in pages:
        for edge in _edges(page):
            seen[edge] = seen.get(edge, 0) + 1
    needed = max(3, -(-len(pages) * 3 // 5))
    # A short line with a number in it (a page number, the case number) is furniture from its second repetition.
    return {key for (_, key), count in seen.items() if count >= (2 if _numbered(key) else needed)}


def _numbered(key: str) -> bool:
    return "#" in key and len(key) <= _SHORT_LINE


def letter_lines(pages: list[list[Line]]) -> list[Line]:
    """All pages' lines in order, without blank lines, page numbers and running headers or footers."""
    pages = [_page_text_lines(page) for page in pages]
    running = _running_lines(pages)
    lines = []
    for page in pages:
        last = len(page) - 1
        lines += [line for i, line in enumerate(page) if not (i in (0, last) and _furniture_key(line.text) in running)]
    return lines


def join_lines(lines: list[Line] | list[str]) -> str:
    """Lines as the paragraph they wrap: one space between lines, none after a word's own hyphen."""
    out = ""
    for line in lines:
        text = (line.text if isinstance(line, Line) else line).strip()
        if not text:
            continue
        if out and not _HYPHEN_END.search(out, len(out) - 2):  # its end only: a paragraph is long
            out += " "
        out += text
    return fold(out)


_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def find_line(lines: list[Line], pattern: re.Pattern, start: int = 0, stop: int | None = None) -> int:
    """Index of the first line from ``start`` matching ``pattern`` (``match`` at its start), or -1."""
    stop = len(lines) if stop is None else stop
    for i in range(start, stop):
        if pattern.match(lines[i].text.strip()):
            return i
    return -1
