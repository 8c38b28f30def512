"""The redacted public copy of a determination: what the DWC publishes.

Pure functions, no database. ``redaction_terms`` lists what a case knows that identifies someone (the worker, the
parties, their addresses and e-mails, the claim number, the providers who wrote the records, the reviewer); it is
recorded on the public copy when the letter is queued. ``redact_snapshot`` returns a copy of a determination's
snapshot with the worker, the parties and the distribution list dropped and every free text (summary, item titles,
rationales, documents reviewed) cleaned of those terms and of patterns (phone, e-mail, SSN, claim number, date of
birth, street address), plus the report of what was removed for the coordinator to check before publishing.
"""

import copy
import re
from dataclasses import dataclass

from cases.assignment.conflicts import LEGAL_SUFFIXES

REDACTED = "[REDACTED]"

# Words a person's name is split into that identify no one on their own.
_NAME_NOISE = {
    "dr",
    "md",
    "do",
    "phd",
    "dc",
    "pt",
    "np",
    "pa",
    "rn",
    "jr",
    "sr",
    "ii",
    "iii",
    "mr",
    "mrs",
    "ms",
    "the",
    "and",
    "of",
}
_SUFFIXES = {s.strip(".").casefold() for s in LEGAL_SUFFIXES}


@dataclass(frozen=True)
class Pattern:
    kind: str
    regex: re.Pattern


PATTERNS = (
    Pattern("e-mail", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    Pattern("SSN", re.compile(r"\b\d{3}-\d{2}-\d{4}\b")),
    Pattern("phone", re.compile(r"(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\b\d{3}[\s.-])\d{3}[\s.-]\d{4}\b")),
    Pattern(
        "date of birth",
        re.compile(r"\b(?:DOB|D\.O\.B\.|date of birth)\s*:?\s*\d{1,2}[/-]\d{1,2}[/-]\d{2,4}", re.IGNORECASE),
    ),
    Pattern(
        "claim number",
        re.compile(r"\bclaim\s*(?:number|no\.?|#)\s*:?\s*[A-Z0-9][A-Z0-9-]{3,}", re.IGNORECASE),
    ),
    Pattern(
        "street address",
        re.compile(
            r"\b\d{1,6}\s+(?:[A-Z][\w.']*\s+){1,4}"
            r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Drive|Dr|Lane|Ln|Way|Court|Ct|Place|Pl|Highway|Hwy|"
            r"Parkway|Pkwy|Circle|Cir|Terrace)\b\.?(?:,?\s*(?:Suite|Ste\.?|Unit|Apt\.?|#)\s*\w+)?"
        ),
    ),
)


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^\w'’-]+", text or "") if w]


def _person_terms(kind: str, name: str) -> list[tuple[str, str]]:
    """A person's full name and each part that names them (not "Dr", "MD", initials)."""
    name = " ".join((name or "").split())
    if not name:
        return []
    terms = [(kind, name)]
    terms += [(kind, w) for w in _words(name) if len(w) > 2 and w.casefold().strip(".") not in _NAME_NOISE]
    return terms


def _organisation_terms(kind: str, name: str) -> list[tuple[str, str]]:
    """An organisation's full name and the name without its legal suffix ("Acme Stores, Inc." and "Acme Stores")."""
    name = " ".join((name or "").split())
    if not name:
        return []
    words = _words(name)
    while len(words) > 1 and words[-1].casefold().strip(".") in _SUFFIXES:
        words.pop()
    return [(kind, name), (kind, " ".join(words))]


# Parties that are people (their first and last names are redacted on their own too); the others are organisations.
PERSON_ROLES = ("requesting_physician", "attorney", "employee_representative")
_TITLES = {"dr", "md", "do", "phd", "dc", "np", "mr", "mrs", "ms"}


def _looks_like_person(name: str) -> bool:
    """ "Dr. Jane Smith", "Jane Smith, MD", "Dr. Treating": capitalised words, no legal suffix; a single word only
    with a title. "Treating psychiatrist" or "UR company" are not names."""
    all_words = _words(name)
    titled = any(w.casefold().strip(".") in _TITLES for w in all_words)
    words = [w for w in all_words if w.casefold().strip(".") not in _NAME_NOISE]
    if not words or len(words) > 4 or any(w.casefold().strip(".") in _SUFFIXES for w in words):
        return False
    if not all(w[0].isupper() for w in words):
        return False
    return len(words) > 1 or titled


def redaction_terms(
    *, worker: dict, claim_number: str, parties: list[dict], providers: list[str], reviewer_names: list[str]
) -> list[list[str]]:
    """Everything the case knows that identifies someone, as ``[kind, text]`` pairs (JSON-friendly)."""
    terms = []
    terms += _person_terms("worker name", f"{worker.get('first_name', '')} {worker.get('last_name', '')}")
    for line in (worker.get("address") or "").splitlines():
        terms.append(("address", line.strip()))
    if claim_number:
        terms.append(("claim number", claim_number))
    for party in parties:
        kind = "party name"
        name = party.get("name") or ""
        if party.get("role") in PERSON_ROLES and _looks_like_person(name):
            terms += _person_terms(kind, name)
        terms += _organisation_terms(kind, name)
        terms += [("address", line.strip()) for line in (party.get("address") or "").splitlines()]
        if party.get("email"):
            terms.append(("e-mail", party["email"]))
    for provider in providers:
        # An author is a name ("Dr. Jane Smith", "Kaiser Permanente"), or a role the records use ("Treating
        # psychiatrist", "Injured worker") that names no one and must not blank those words in the text.
        if _looks_like_person(provider):
            terms += _person_terms("provider name", provider)
        elif sum(w[0].isupper() for w in _words(provider)) >= 2:
            terms += _organisation_terms("provider name", provider)
    for name in reviewer_names:
        terms += _person_terms("reviewer name", name)
    seen, unique = set(), []
    for kind, text in terms:
        key = text.casefold()
        if len(text) > 2 and key not in seen:
            seen.add(key)
            unique.append([kind, text])
    return unique


def _term_regex(text: str) -> re.Pattern:
    words = [re.escape(w) for w in text.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


class Redactor:
    """Applies the terms (longest first) then the patterns; counts what it removed, by place and kind."""

    def __init__(self, terms: list[list[str]]):
        ordered = sorted(terms, key=lambda t: len(t[1]), reverse=True)
        self.rules = [(kind, _term_regex(text)) for kind, text in ordered] + [(p.kind, p.regex) for p in PATTERNS]
        self.report: dict[tuple[str, str, str], int] = {}

    def __call__(self, text: str, where: str) -> str:
        if not text:
            return text
        for kind, regex in self.rules:

            def removed(match, kind=kind):
                key = (where, kind, match.group(0))
                self.report[key] = self.report.get(key, 0) + 1
                return REDACTED

            text = regex.sub(removed, text)
        return text

    def report_rows(self) -> list[dict]:
        return [
            {"where": where, "kind": kind, "text": text, "count": count}
            for (where, kind, text), count in self.report.items()
        ]


def redact_snapshot(snapshot: dict, terms: list[list[str]]) -> tuple[dict, list[dict]]:
    """A copy of ``snapshot`` fit for publication, and the report of what was removed."""
    redact = Redactor(terms)
    public = copy.deepcopy(snapshot)
    public["injured_worker"] = {}
    public["parties"] = []
    public["clinical_summary"] = redact(public.get("clinical_summary") or "", "Clinical case summary")
    for number, item in enumerate(public.get("items") or [], start=1):
        item["title"] = redact(item.get("title") or "", f"Item {number} title")
        item["rationale"] = redact(item.get("rationale") or "", f"Item {number} rationale")
    for number, document in enumerate(public.get("documents_reviewed") or [], start=1):
        for field in ("title", "author", "type", "doc_type"):
            if document.get(field):
                document[field] = redact(document[field], f"Document {number}")
    return public, redact.report_rows()
