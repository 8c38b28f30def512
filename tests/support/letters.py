"""Turning the real letters of ``fixtures/letters`` into ``imr-case/1`` documents.

``expected_letter_as_case`` converts one entry of ``expected.json`` (plus, when its ``.txt`` is beside it, the
clinical summary and rationales). The guideline lines are parsed back into structured citations such that
``cases.letters.guideline_line`` reproduces them (``guideline_line_parse``).

Limits, on purpose: several Non-MTUS citations of one side are indistinguishable from one citation whose sections
contain commas, so a side's Non-MTUS text is always one citation; its title is split from its sections only when it
starts with a title of the guideline library followed by ", " — otherwise the whole text is the title.
"""

from __future__ import annotations

import csv
import datetime
import re
from functools import cache
from pathlib import Path

from cases.models import fold_whitespace

from . import LETTERS_DIR

CLAIMS_ADMINISTRATOR = "The Claims Administrator"
EXPERT_REVIEWER = "The Expert Reviewer"

GUIDELINES_CSV = Path(__file__).resolve().parents[2] / "cases" / "fixtures" / "guidelines.csv"

_NONE = "{side} did not cite any medical evidence for its decision."
_OUTSIDE = "{side} based their decision on recommendation(s) outside of the MTUS Guidelines. "
_MTUS = "Decision based on MTUS "
_NON_MTUS = "Decision based on Non-MTUS Citation "
_SECTIONS = ", Section(s): "
_PAGES = " Page(s): "
_AND = ", and "
# A chapter the library does not know still starts with a capital and ends with its edition year, e.g.
# "Hip and Pelvis Complaints 2004, Section(s): ..." — enough to tell a new citation from ", and" inside sections.
_GENERIC_MTUS_TITLE = re.compile(r"[A-Z][^,]*? (?:19|20)\d\d(?=, Section\(s\): | Page\(s\): |$)")


@cache
def _library_titles(source: str) -> tuple[str, ...]:
    with GUIDELINES_CSV.open(encoding="utf-8", newline="") as handle:
        titles = [row["title"] for row in csv.DictReader(handle) if row["source"] == source]
    return tuple(sorted(titles, key=len, reverse=True))  # longest first: the most specific title wins


def _known_title_at(text: str, pos: int) -> str | None:
    lowered = text[pos:].casefold()
    for title in _library_titles("MTUS"):
        if lowered.startswith(title.casefold()):
            return title
    return None


def _starts_citation(text: str, pos: int) -> bool:
    return _known_title_at(text, pos) is not None or bool(_GENERIC_MTUS_TITLE.match(text, pos))


def _strip_period(text: str) -> str:
    # The renderer adds the sentence's period unless the text already ends with one; removing one is always safe.
    return text[:-1] if text.endswith(".") else text


def _mtus_citation(chunk: str, title_end: int) -> dict:
    sections = pages = None
    pages_at = chunk.rfind(_PAGES)
    if pages_at >= title_end:
        chunk, pages = chunk[:pages_at], chunk[pages_at + len(_PAGES) :]
    sections_at = chunk.find(_SECTIONS, title_end)
    if sections_at >= 0:
        chunk, sections = chunk[:sections_at], chunk[sections_at + len(_SECTIONS) :]
    return {"source": "MTUS", "title": chunk, "sections": sections, "pages": pages}


def _mtus_citations(text: str) -> list[dict]:
    citations = []
    pos = 0
    while pos < len(text):
        known = _known_title_at(text, pos)
        # ", and" inside a known chapter name ("Forearm, Wrist, and Hand Complaints 2004") is not a boundary.
        search_from = pos + len(known) if known else pos
        boundary = text.find(_AND, search_from)
        while boundary >= 0 and not _starts_citation(text, boundary + len(_AND)):
            boundary = text.find(_AND, boundary + 1)
        end = boundary if boundary >= 0 else len(text)
        citations.append(_mtus_citation(text[pos:end], len(known) if known else 0))
        pos = end + len(_AND) if boundary >= 0 else len(text)
    return citations


def _non_mtus_citation(text: str) -> dict:
    pages = None
    pages_at = text.rfind(_PAGES)
    if pages_at >= 0:
        text, pages = text[:pages_at], text[pages_at + len(_PAGES) :]
    for title in _library_titles("Non-MTUS"):
        if text.startswith(title + ", ") and len(text) > len(title) + 2:
            return {"source": "Non-MTUS", "title": title, "sections": text[len(title) + 2 :], "pages": pages}
    return {"source": "Non-MTUS", "title": text, "sections": None, "pages": pages}


def guideline_line_parse(side: str, line: str) -> list[dict]:
    """The structured citations behind one side's guideline line (the inverse of ``guideline_line``)."""
    line = fold_whitespace(line)
    if line == _NONE.format(side=side):
        return []
    outside = _OUTSIDE.format(side=side) + _NON_MTUS
    if line.startswith(outside):
        return [_non_mtus_citation(_strip_period(line[len(outside) :]))]
    if line.startswith(_MTUS):
        rest = line[len(_MTUS) :]
        marker = rest.find(" " + _NON_MTUS)
        if marker < 0:
            return _mtus_citations(_strip_period(rest))
        mtus_text, non_mtus_text = rest[:marker], rest[marker + 1 + len(_NON_MTUS) :]
        return _mtus_citations(_strip_period(mtus_text)) + [_non_mtus_citation(_strip_period(non_mtus_text))]
    raise ValueError(f"Not a guideline line of {side}: {line}")


def _iso(us_date: str) -> str:
    return datetime.datetime.strptime(us_date, "%m/%d/%Y").date().isoformat()


def _letter_texts(letter: dict, letters_dir: Path) -> tuple[str, list[str]]:
    """The clinical summary and one rationale per item, from the letter's text; empty strings if not found."""
    path = letters_dir / f"{letter['case_number']}.txt"
    rationales = [""] * len(letter["items"])
    if not path.exists():
        return "", rationales
    text = fold_whitespace(path.read_text(encoding="utf-8"))
    summary = ""
    start = text.find("case file, including all medical records:")
    issues = text.find("IMR ISSUES, DECISIONS AND RATIONALES")
    if 0 <= start < issues:
        summary = text[start + len("case file, including all medical records:") : issues].strip()
    # Each item's heading, in order; a rationale runs from its "Decision rationale:" to the next heading.
    headings = []
    pos = max(issues, 0)
    for item in letter["items"]:
        at = text.find(f"{fold_whitespace(item['title'])}: {item['decision']}", pos)
        if at < 0:
            return summary, rationales
        headings.append(at)
        pos = at + 1
    for i, at in enumerate(headings):
        end = headings[i + 1] if i + 1 < len(headings) else len(text)
        marker = text.find("Decision rationale:", at, end)
        if marker >= 0:
            rationales[i] = text[marker + len("Decision rationale:") : end].strip()
    return summary, rationales


def expected_letter_as_case(letter: dict, *, letters_dir: Path = LETTERS_DIR) -> dict:
    """One entry of ``expected.json`` as an ``imr-case/1`` document of a decided (imported) case."""
    summary, rationales = _letter_texts(letter, letters_dir)
    return {
        "format": "imr-case/1",
        "case_number": letter["case_number"],
        "priority": letter["priority"].lower(),
        "application_received": _iso(letter["application_received"]),
        "ur_decision_date": _iso(letter["ur_denial_date"]),
        "date_assigned": _iso(letter["date_assigned"]),
        "injured_worker": {
            "first_name": "",
            "last_name": "",
            "age": None,
            "date_of_birth": None,
            "sex": "unknown",
            "date_of_injury": _iso(letter["date_of_injury"]),
            "claim_number": "",
        },
        "parties": [],
        "treatment_history": [],
        "clinical_summary": summary,
        "disputed_items": [
            {
                "title": item["title"],
                "decision": item["decision"].lower(),
                "claims_administrator_citations": guideline_line_parse(
                    CLAIMS_ADMINISTRATOR, item["claims_administrator_guideline"]
                ),
                "citations": guideline_line_parse(EXPERT_REVIEWER, item["imro_guideline"]),
                "rationale": rationale,
            }
            for item, rationale in zip(letter["items"], rationales, strict=True)
        ],
        "determination": {
            "decision_date": _iso(letter["decision_date"]),
            "reviewer": {
                "reference": "",
                "licensure_states": [s.strip() for s in letter["reviewer_licensure"].split(",") if s.strip()],
                "specialties": [s.strip() for s in letter["reviewer_specialty"].split(", ") if s.strip()],
                # These letters claim "more than five years" and "at least 24 hours" but never "Board Certified",
                # so the profile claims no certification: a letter rendered from it states no more than the original.
                "board_certified": False,
                "years_in_practice": 10,
                "weekly_practice_hours": 24,
            },
        },
    }
