"""Turning the real letters of ``fixtures/letters`` into ``imr-case/1`` documents.

``expected_letter_as_case`` converts one entry of ``expected.json`` (plus, when its ``.txt`` is beside it, the
clinical summary and rationales). The guideline lines are parsed back into structured citations such that
``cases.letters.guideline_line`` reproduces them (``guideline_line_parse``).

The guideline lines are read back by the letter importer's own parser (``letterimport.parser.citations``, whose
docstring states its rules and limits) with the guideline library as shipped.
"""

from __future__ import annotations

import csv
import datetime
from functools import cache
from pathlib import Path

from cases.models import fold_whitespace
from letterimport.parser import citations
from letterimport.parser.citations import Library

from . import LETTERS_DIR

CLAIMS_ADMINISTRATOR = "The Claims Administrator"
EXPERT_REVIEWER = "The Expert Reviewer"

GUIDELINES_CSV = Path(__file__).resolve().parents[2] / "cases" / "fixtures" / "guidelines.csv"


@cache
def _library() -> Library:
    """The guideline library as shipped (titles and aliases of ``guidelines.csv``)."""
    with GUIDELINES_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    aliases = [(r["source"], a, r["title"]) for r in rows for a in r["aliases"].split("|") if a.strip()]
    return Library([(r["source"], r["title"]) for r in rows], aliases)


def guideline_line_parse(side: str, line: str) -> list[dict]:
    """The structured citations behind one side's guideline line: the importer's parser
    (``letterimport.parser.citations``), refusing a line that names the other side."""
    line = fold_whitespace(line)
    if line.startswith("The ") and not line.startswith(side + " "):
        raise ValueError(f"Not a guideline line of {side}: {line}")
    return citations.guideline_line_parse(line, _library())


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
