"""Warnings before signing (issue 13, item 7): likely mistakes the reviewer may still sign over, with a note that
is recorded on the determination. Unlike the sign-off problems, none of these blocks signing.

Each check reads plain text, so the same functions run on a draft and on the published letters (README, "Catching
mistakes", gives their false alarms on real letters and their detection of flipped decisions).
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..models import Decision

WARN_CONTRADICTION_UPHELD = (
    "Item {number} ({title}): the rationale concludes that the treatment is medically necessary, but the decision "
    "is Upheld (not medically necessary)."
)
WARN_CONTRADICTION_OVERTURNED = (
    "Item {number} ({title}): the rationale concludes that the treatment is not medically necessary, but the "
    "decision is Overturned (medically necessary)."
)
WARN_GUIDELINE_NOT_NAMED = (
    "Item {number} ({title}): the rationale names none of the guidelines cited for it ({guidelines})."
)
WARN_NEAR_DUPLICATE = (
    "Item {number} ({title}): the rationale is nearly identical ({percent}% the same) to one you signed on case "
    "{other_case}."
)
WARN_TREATMENT_NOT_MENTIONED = "Item {number} ({title}): the rationale never mentions the requested treatment."
WARN_SUMMARY_UNDATED = "The clinical case summary mentions no date of a record (e.g. a report of 03/14/2016)."
OVERRIDE_NOTE_REQUIRED = "Write a note saying why you sign despite the warnings; it is kept with the determination."

# A conclusion: "medically necessary" (or "medically indicated / appropriate", "a medical necessity", "the request
# is necessary") and what negates it: a negation just before it in the same clause ("is not medically necessary",
# "cannot be considered medically necessary"), or just after it ("medical necessity ... has not been established").
CONCLUSION_RE = re.compile(
    r"medically\s+(?:necessary|indicated|reasonable|appropriate)|\ba\s+medical\s+necessity\b|"
    r"\bmedical\s+necessity\s+(?:of\s+[^.;:]{0,60}?\s+)?(?:is|has|was)\s+(?:not\s+)?(?:been\s+)?established\b|"
    r"\b(?:is|are|was|were|be)\s+(?:not\s+)?necessary\b",
    re.IGNORECASE,
)
NEGATION_BEFORE_RE = re.compile(
    r"\b(?:not|non|cannot|can't|isn't|wasn't|aren't|weren't|no\s+longer|neither|nor|un)\b[^.;:]{0,60}$", re.IGNORECASE
)
NEGATION_AFTER_RE = re.compile(
    r"^[^.;:]{0,50}?\b(?:not|never)\s+(?:been\s+)?(?:established|demonstrated|supported|met)\b", re.IGNORECASE
)
NEAR_DUPLICATE_SIMILARITY = 0.8
SHINGLE = 5
DATE_RE = re.compile(
    r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}-\d{1,2}-\d{2,4}\b|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(?:\d{1,2},?\s+)?\d{4}\b",
    re.IGNORECASE,
)
# Words of an item's title that do not name the treatment.
TITLE_NOISE = frozenset(
    """the a an of for and or with without to in on at by from as is are was were be per x times each week weeks
    month months day days daily session sessions visit visits request requested original remaining portion imr
    eligible authorized claims administrator by mg mcg ml qty quantity tablet tablets tab tabs cap caps unit units
    left right bilateral was were
    """.split()
)
# Guideline names a rationale uses for a cited source ("Per the CA MTUS/ACOEM guidelines...", "ODG states...").
SOURCE_NAMES = {
    "MTUS": (
        "MTUS",
        "ACOEM",
        "American College of Occupational and Environmental Medicine",
        "Medical Treatment Utilization Schedule",
        "Chronic Pain",
    ),
    "ODG": ("ODG", "Official Disability Guidelines"),
    "ACOEM": ("ACOEM", "American College of Occupational and Environmental Medicine"),
}


@dataclass
class ItemText:
    number: int
    title: str
    decision: str
    rationale: str
    cited: list[str] = field(default_factory=list)  # each cited guideline as the letter names it, with its aliases
    field_id: str = ""  # the rationale's field on the case page


@dataclass
class SignoffWarning:
    code: str
    message: str
    field: str = ""

    def as_record(self, note: str) -> dict:
        return {"code": self.code, "message": self.message, "note": note}


def conclusion(rationale: str) -> str | None:
    """ "necessary" or "not necessary" from the last conclusion phrase of ``rationale``; None when it states none."""
    matches = list(CONCLUSION_RE.finditer(rationale))
    if not matches:
        return None
    last = matches[-1]
    negated = (
        re.search(r"\bnot\b", last.group(0), re.IGNORECASE)  # "medical necessity ... is not established"
        or NEGATION_BEFORE_RE.search(rationale[: last.start()])
        or NEGATION_AFTER_RE.search(rationale[last.end() :])
    )
    return "not necessary" if negated else "necessary"


def contradiction(item: ItemText) -> str | None:
    said = conclusion(item.rationale)
    if item.decision == Decision.UPHELD and said == "necessary":
        return WARN_CONTRADICTION_UPHELD
    if item.decision == Decision.OVERTURNED and said == "not necessary":
        return WARN_CONTRADICTION_OVERTURNED
    return None


def _has_phrase(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, re.IGNORECASE) is not None


def guideline_names(cited: str) -> list[str]:
    """The names a rationale may use for a cited guideline: its title without the year, and its source's names."""
    names = [re.sub(r"\s*\(?\b(19|20)\d{2}\b\)?", "", cited).strip(" ,.")]
    for source, spoken in SOURCE_NAMES.items():
        if _has_phrase(cited, source) or any(_has_phrase(cited, name) for name in spoken):
            names.extend(spoken)
    return [name for name in names if name]


def guideline_named(item: ItemText) -> bool:
    if not item.cited:
        return True  # nothing cited: the sign-off problems already say so
    return any(_has_phrase(item.rationale, name) for cited in item.cited for name in guideline_names(cited))


def treatment_words(title: str) -> set[str]:
    words = re.findall(r"[a-z][a-z\-]+", title.casefold())
    return {w for w in words if len(w) >= 3 and w not in TITLE_NOISE}


def treatment_mentioned(item: ItemText, synonyms: dict[str, set[str]] | None = None) -> bool:
    """Whether the rationale uses a word of the item's title (a 5-letter stem counts: "injections" ~ "injection"),
    or a synonym of one from the guideline topics ("Norco" ~ "opioids", "EMG" ~ "electromyography")."""
    wanted = treatment_words(item.title)
    if not wanted:
        return True
    for word in list(wanted):
        wanted |= (synonyms or {}).get(word, set())
    said = {w[:5] for w in re.findall(r"[a-z][a-z\-]+", item.rationale.casefold())}
    return any(w[:5] in said for w in wanted)


def synonym_groups(groups: list[list[str]]) -> dict[str, set[str]]:
    """Each word of a group of names (a topic's name and aliases) maps to every treatment word of its groups."""
    synonyms: dict[str, set[str]] = {}
    for names in groups:
        words = set().union(*(treatment_words(name) for name in names)) if names else set()
        for word in words:
            synonyms.setdefault(word, set()).update(words)
    return synonyms


@lru_cache(maxsize=2048)  # a reviewer's earlier rationales are compared with every item of every draft
def shingles(text: str) -> frozenset[tuple[str, ...]]:
    words = re.findall(r"\w+", text.casefold())
    return frozenset(tuple(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1)))


def similarity(a: str, b: str) -> float:
    first, second = shingles(a), shingles(b)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def summary_dated(summary: str) -> bool:
    return DATE_RE.search(summary) is not None


def signoff_warnings(
    *, summary: str, items: list[ItemText], earlier: list[tuple[str, str]], synonyms: dict[str, set[str]] | None = None
) -> list[SignoffWarning]:
    """Every warning for a draft. ``earlier``: (case number, rationale) of the same reviewer's signed cases;
    ``synonyms``: treatment words and their synonyms (``synonym_groups``)."""
    warnings = []
    if summary.strip() and not summary_dated(summary):
        warnings.append(SignoffWarning("summary_undated", WARN_SUMMARY_UNDATED, "id_clinical_summary"))
    for item in items:
        if not item.rationale.strip():
            continue
        where = item.field_id
        base = {"number": item.number, "title": item.title}
        message = contradiction(item)
        if message:
            warnings.append(SignoffWarning("contradiction", message.format(**base), where))
        if not guideline_named(item):
            named = "; ".join(item.cited)
            warnings.append(
                SignoffWarning("guideline_not_named", WARN_GUIDELINE_NOT_NAMED.format(**base, guidelines=named), where)
            )
        if not treatment_mentioned(item, synonyms):
            message = WARN_TREATMENT_NOT_MENTIONED.format(**base)
            warnings.append(SignoffWarning("treatment_not_mentioned", message, where))
        for other_case, other in earlier:
            score = similarity(item.rationale, other)
            if score >= NEAR_DUPLICATE_SIMILARITY:
                message = WARN_NEAR_DUPLICATE.format(**base, percent=round(score * 100), other_case=other_case)
                warnings.append(SignoffWarning("near_duplicate", message, where))
                break
    return warnings
