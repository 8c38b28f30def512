"""The disputed items of IMR ISSUES, DECISIONS AND RATIONALES: heading, decision, both guideline lines, rationale.

Every item has the same four parts, each starting a new line:
    <title>: Upheld            (the title may wrap; the decision may stand alone on the next line)
    Claims Administrator guideline: <line>
    <IMRO> guideline: <line>   ("MAXIMUS guideline:")
    Decision rationale: <text> (runs to the next item's heading)
The "Claims Administrator guideline:" lines anchor the items. An item's heading is found by walking back from its
anchor over the decision word and the heading's wrapped lines: lines starting in bold when the PDF's fonts are
known; otherwise lines up to the previous one that ends a sentence (a rationale ends with a full stop, a wrapped
heading line does not), unless the line after that full stop starts in lower case (an abbreviation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .citations import Library, guideline_line_parse
from .text import LetterRefused, Line, join_lines

CLAIMS_LABEL = re.compile(r"^Claims Administrator guideline:\s*")
IMRO_LABEL = re.compile(r"^(?!Claims Administrator)[A-Z][\w&.'-]*(?: [\w&.'-]+){0,3} guideline:\s*")
RATIONALE_LABEL = re.compile(r"^Decision rationale:\s*")
DECISION_WORDS = {"upheld": "upheld", "overturned": "overturned"}
_DECISION_ALONE = re.compile(r"^(Upheld|Overturned)\s*$", re.IGNORECASE)
_HEADING = re.compile(r"^(?P<title>.*\S)\s*:\s*(?P<decision>Upheld|Overturned)$", re.IGNORECASE | re.DOTALL)
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*$")

NO_ITEMS = "no disputed items (no 'Claims Administrator guideline:' line after IMR ISSUES, DECISIONS AND RATIONALES)"
NO_HEADING = "item {n}: no heading before 'Claims Administrator guideline:'"
NO_DECISION = "item {n}: no decision after the heading {heading!r}"
NO_IMRO_LINE = (
    "item {n}: no expert reviewer guideline line (e.g. 'MAXIMUS guideline:') after the claims administrator's"
)
NO_RATIONALE = "item {n}: no 'Decision rationale:' after the guideline lines"
TWO_RATIONALES = (
    "item {n}: a second 'Decision rationale:' in its rationale (an item without 'Claims Administrator guideline:'?)"
)
BAD_GUIDELINE = "item {n}: the {side} guideline {problem}"


def _heading_start(lines: list[Line], anchor: int, floor: int) -> int:
    """Index of the first line of the heading that ends just before ``anchor`` (not before ``floor``)."""
    i = anchor
    if i > floor and _DECISION_ALONE.match(lines[i - 1].text.strip()):
        i -= 1
    fonts_known = lines[anchor].bold is not None
    while i > floor:
        previous = lines[i - 1]
        if fonts_known:
            label = previous.text.strip()
            if not previous.bold or RATIONALE_LABEL.match(label) or IMRO_LABEL.match(label):
                break
        elif _SENTENCE_END.search(previous.text.strip()) and not lines[i].text.strip()[:1].islower():
            break  # "(unspec." / "freq/duration):" is an abbreviation inside the heading, not a sentence's end
        i -= 1
    return i


def _label_text(lines: list[Line], label: re.Pattern) -> str:
    first = label.sub("", lines[0].text.strip(), count=1)
    return join_lines([first, *(line.text for line in lines[1:])])


@dataclass(frozen=True)
class GuidelineLine:
    """One side's guideline line of item ``n``, read into citations once the guideline library is known
    (``items_cite``): how a line splits into citations depends on the titles the library holds."""

    text: str
    n: int
    side: str


CITATION_KEYS = ("claims_administrator_citations", "citations")


def items_cite(items: list[dict], library: Library) -> list[dict]:
    """The items of ``parse_items`` with both guideline lines read into citations against ``library``."""
    return [{**item, **{key: _citations(item[key], library) for key in CITATION_KEYS}} for item in items]


def _citations(line: GuidelineLine, library: Library) -> list[dict]:
    try:
        return guideline_line_parse(line.text, library)
    except ValueError as exc:
        raise LetterRefused(BAD_GUIDELINE.format(n=line.n, side=line.side, problem=exc)) from None


def _first(lines: list[Line], pattern: re.Pattern, start: int, stop: int) -> int:
    for i in range(start, stop):
        if pattern.match(lines[i].text.strip()):
            return i
    return -1


def parse_items(lines: list[Line], start: int) -> list[dict]:
    """The items of ``lines[start:]`` (the lines after "... set forth below:") as ``imr-case/1`` disputed items,
    each side's guideline line a ``GuidelineLine`` still (``items_cite`` reads them)."""
    anchors = [i for i in range(start, len(lines)) if CLAIMS_LABEL.match(lines[i].text.strip())]
    if not anchors:
        raise LetterRefused(NO_ITEMS)
    if not any(line.bold for line in lines[start:]):
        # A PDF whose fonts do not say bold (neither weight nor name): read it as text, by punctuation.
        lines = lines[:start] + [Line(line.text) for line in lines[start:]]
    floor = start
    headings = []
    for n, anchor in enumerate(anchors, 1):
        heading_at = _heading_start(lines, anchor, floor)
        if heading_at == anchor:
            raise LetterRefused(NO_HEADING.format(n=n))
        headings.append(heading_at)
        rationale_at = _first(lines, RATIONALE_LABEL, anchor, len(lines))
        floor = rationale_at + 1 if rationale_at >= 0 else anchor + 1
    items = []
    for n, (anchor, heading_at) in enumerate(zip(anchors, headings, strict=True), 1):
        end = headings[n] if n < len(headings) else len(lines)
        heading = join_lines(lines[heading_at:anchor])
        match = _HEADING.match(heading)
        if not match:
            raise LetterRefused(NO_DECISION.format(n=n, heading=heading[:160]))
        imro_at = _first(lines, IMRO_LABEL, anchor + 1, end)
        if imro_at < 0:
            raise LetterRefused(NO_IMRO_LINE.format(n=n))
        rationale_at = _first(lines, RATIONALE_LABEL, imro_at + 1, end)
        if rationale_at < 0:
            raise LetterRefused(NO_RATIONALE.format(n=n))
        if _first(lines, RATIONALE_LABEL, rationale_at + 1, end) >= 0:
            raise LetterRefused(TWO_RATIONALES.format(n=n))
        items.append(
            {
                "title": match["title"],
                "decision": DECISION_WORDS[match["decision"].lower()],
                "claims_administrator_citations": GuidelineLine(
                    _label_text(lines[anchor:imro_at], CLAIMS_LABEL), n, "claims administrator"
                ),
                "citations": GuidelineLine(_label_text(lines[imro_at:rationale_at], IMRO_LABEL), n, "expert reviewer"),
                "rationale": _label_text(lines[rationale_at:end], RATIONALE_LABEL),
            }
        )
    return items
