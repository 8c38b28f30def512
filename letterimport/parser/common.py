"""What both supported layouts share after their first page: the qualification paragraph with the reviewer's
credentials, the clinical case summary and the items; and the ``imr-case/1`` document built from the parts."""

from __future__ import annotations

import datetime
import re

from .items import parse_items
from .text import LetterRefused, Line, join_lines

HOW_MADE = re.compile(r"^HOW THE IMR FINAL DETERMINATION WAS MADE\b")
SUMMARY_HEADING = re.compile(r"^CLINICAL CASE SUMMARY\b")
ISSUES_HEADING = re.compile(r"^IMR ISSUES,? DECISIONS AND RATIONALES\b")
ITEMS_LEAD = re.compile(r"^The Final Determination was based on decisions for the disputed")
_LEAD_END = re.compile(r".*set forth below:\s*$")
_LEAD_LINES = 3  # the lead may wrap
# "The expert reviewer developed the following clinical case summary based on a review of the case file, including
# all medical records:" (the wording may vary a little; the lead ends at "records:").
SUMMARY_LEAD = re.compile(r"^The expert reviewer developed the following clinical case summary\b.{0,160}?records:\s*")
# Sections a letter may print after its items (our own letters do); the last rationale stops before them.
AFTER_ITEMS = re.compile(r"^(DOCUMENTS REVIEWED|NOTICES|DISTRIBUTION|APPEAL RIGHTS)\s*$")

# The block's values may wrap onto the next line; each runs to the other label or the end of the section.
_LICENSURE = re.compile(r"State\(s\) of Licensure:\s*(?P<value>.*?)\s*(?=Certification\(s\)/Specialty:|$)")
_SPECIALTY = re.compile(r"Certification\(s\)/Specialty:\s*(?P<value>.*?)\s*(?=State\(s\) of Licensure:|$)")
_BOARD_SENTENCE = re.compile(
    r"The expert reviewer is Board Certified in (?P<specialties>.+?)(?: and is licensed to "
    r"practice in (?P<states>.+?))?\.(?= |$)"
)
_LICENSED_SENTENCE = re.compile(r"The expert reviewer is licensed to practice in (?P<states>.+?)\.(?= |$)")
_MORE_THAN_FIVE_YEARS = "in active clinical practice for more than five years"
_AT_LEAST_24_HOURS = "working at least 24 hours a week"

MISSING_SECTION = "no {name} section"
NO_CREDENTIALS = (
    "the reviewer's credentials (State(s) of Licensure / Certification(s)/Specialty, or 'Board Certified in') "
    "cannot be found"
)


def find(lines: list[Line], pattern: re.Pattern, start: int = 0) -> int:
    for i in range(start, len(lines)):
        if pattern.match(lines[i].text.strip()):
            return i
    return -1


def require(lines: list[Line], pattern: re.Pattern, name: str, start: int = 0) -> int:
    at = find(lines, pattern, start)
    if at < 0:
        raise LetterRefused(MISSING_SECTION.format(name=name))
    return at


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _split_and(text: str) -> list[str]:
    """ "A, B and C" as three; "A and B" stays one (a name may hold "and": "Physical Medicine and Rehabilitation")."""
    parts = [p.strip() for p in text.split(", ") if p.strip()]
    if len(parts) > 1 and " and " in parts[-1]:
        parts[-1:] = [p.strip() for p in parts[-1].rsplit(" and ", 1)]
    return parts


def reviewer_credentials(lines: list[Line]) -> dict:
    """The reviewer block of the determination: from the credentials block (2016-17) or the sentence (2014-15).

    "More than five years" and "at least 24 hours a week" are stored as the least that makes them true (6 and 24),
    so a letter rendered from the import claims exactly what the original claimed.
    """
    paragraph = join_lines(lines)
    licensure, specialty = _LICENSURE.search(paragraph), _SPECIALTY.search(paragraph)
    states = _split_list(licensure["value"]) if licensure else None
    specialties = _split_list(specialty["value"]) if specialty else None
    board = _BOARD_SENTENCE.search(paragraph)
    if board:
        specialties = specialties or _split_and(board["specialties"])
        if board["states"]:
            states = states or _split_and(board["states"])
    elif licensed := _LICENSED_SENTENCE.search(paragraph):
        states = states or _split_and(licensed["states"])
    if states is None and specialties is None:
        raise LetterRefused(NO_CREDENTIALS)
    return {
        "reference": "",
        "licensure_states": states or [],
        "specialties": specialties or [],
        "board_certified": board is not None,
        "years_in_practice": 6 if _MORE_THAN_FIVE_YEARS in paragraph else None,
        "weekly_practice_hours": 24 if _AT_LEAST_24_HOURS in paragraph else None,
    }


def clinical_summary(lines: list[Line]) -> str:
    return SUMMARY_LEAD.sub("", join_lines(lines), count=1)


def letter_body(lines: list[Line]) -> dict:
    """Reviewer, summary and items (their guideline lines not read yet: ``items_cite``), from HOW THE IMR FINAL
    DETERMINATION WAS MADE to the end."""
    how = require(lines, HOW_MADE, "HOW THE IMR FINAL DETERMINATION WAS MADE")
    summary_at = require(lines, SUMMARY_HEADING, "CLINICAL CASE SUMMARY", how)
    issues_at = require(lines, ISSUES_HEADING, "IMR ISSUES, DECISIONS AND RATIONALES", summary_at)
    items_from = issues_at + 1
    lead = find(lines, ITEMS_LEAD, issues_at)
    if lead >= 0:
        ends = [i for i in range(lead, min(lead + _LEAD_LINES, len(lines))) if _LEAD_END.match(lines[i].text)]
        items_from = (ends[0] if ends else lead) + 1
    after = find(lines, AFTER_ITEMS, items_from)
    body = lines[: after if after >= 0 else len(lines)]
    return {
        "reviewer": reviewer_credentials(lines[how + 1 : summary_at]),
        "clinical_summary": clinical_summary(lines[summary_at + 1 : issues_at]),
        "disputed_items": parse_items(body, items_from),
    }


def iso(us_date: str | None) -> str | None:
    if not us_date:
        return None
    return datetime.datetime.strptime(us_date, "%m/%d/%Y").date().isoformat()


def case_document(*, header: dict, body: dict) -> dict:
    """The ``imr-case/1`` document of a parsed letter: a decided case, names and parties redacted away."""
    return {
        "format": "imr-case/1",
        "case_number": header["case_number"],
        "priority": header["priority"].lower(),
        "application_received": iso(header["application_received"]),
        "ur_decision_date": iso(header.get("ur_denial_date")),
        "date_assigned": iso(header.get("date_assigned")),
        "injured_worker": {
            "first_name": "",
            "last_name": "",
            "age": None,
            "date_of_birth": None,
            "sex": "unknown",
            "date_of_injury": iso(header["date_of_injury"]),
            "claim_number": "",
        },
        "parties": [],
        "treatment_history": [],
        "clinical_summary": body["clinical_summary"],
        "disputed_items": body["disputed_items"],
        "determination": {"decision_date": iso(header["decision_date"]), "reviewer": body["reviewer"]},
    }
