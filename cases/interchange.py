"""The case interchange format ``imr-case/1`` (``../shared/case-format.md``): reading and writing the JSON.

``case_document_parse`` validates a decoded JSON document and returns a clean ``CaseDocument``, or raises
``CaseDocumentError`` carrying *every* problem of the document, each naming its field path the way the format
describes it (``disputed_items[2].decision: must be "upheld", "overturned" or null``). It touches no database:
the writes are ``cases.services.interchange.case_import``.

``case_export`` is the read side: the same format from the database, so that an import followed by an export gives
back an equal document.

Choices the format leaves open:
- Unknown keys are refused at every level. The format is ours and versioned; a misspelt key (``"disputed_item"``)
  silently dropped would lose data without anyone noticing, and a new field belongs in ``imr-case/2``.
- Empty ``sections``/``pages`` are read as null (the database stores both as an empty string).
- A document with a ``determination`` must decide every item: a signed letter has no undecided item.

Hostile input (``docs/adr/0010-importer-fuzzing-hypothesis.md``): every string is checked for what PostgreSQL or
our rules cannot take (NUL, lone surrogates, text blank but for zero-width characters), dates are kept within
``DATE_RANGE`` (a deadline computed from 9999-12-31 overflows), titles are measured after case folding (the library
matches them folded, and "ß" folds to "ss"), and a value quoted back in a message is shown escaped and clipped.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .models import CASE_NUMBER_RE, Decision, Guideline, Party, Priority, Sex, TreatmentEvent, normalize_title
from .selectors import case_items_as_dicts, current_determination

FORMAT = "imr-case/1"

# Error messages (STYLE.md rule 8). Each is what follows "<field path>: ".
NOT_AN_OBJECT = "must be a JSON object"
NOT_A_LIST = "must be a list"
NOT_A_STRING = "must be a string"
NOT_A_STRING_OR_NULL = "must be a string or null"
NOT_A_BOOLEAN = "must be true or false"
REQUIRED = "is required"
UNKNOWN_FIELD = "is not a field of imr-case/1"
BLANK = "must not be empty"
TOO_LONG = "must be at most {limit} characters"
TOO_LONG_FOLDED = "must be at most {limit} characters once case is folded (ß counts as ss)"
HOLDS_NUL = "must not contain NUL characters"
NOT_UNICODE = "must be valid Unicode text (it holds a lone surrogate)"
WRONG_FORMAT = 'must be "imr-case/1"'
WRONG_CASE_NUMBER = "must look like CM14-0000001 (CM, two digits, a hyphen, seven digits)"
WRONG_PRIORITY = 'must be "standard" or "expedited"'
WRONG_SEX = 'must be "male", "female" or "unknown"'
WRONG_ROLE = (
    'must be "employer", "claims_administrator", "requesting_physician", "attorney" or "employee_representative"'
)
WRONG_KIND = (
    'must be "surgery", "procedure", "injection", "therapy", "medication", "diagnostic", "device", "report", '
    '"diagnosis" or "other"'
)
WRONG_DECISION = 'must be "upheld", "overturned" or null'
UNDECIDED_WITH_DETERMINATION = 'must be "upheld" or "overturned" in a document with a determination'
WRONG_SOURCE = 'must be "MTUS" or "Non-MTUS"'
WRONG_DATE = "must be a date written YYYY-MM-DD, not {value}"
WRONG_DATE_OR_NULL = "must be a date written YYYY-MM-DD or null, not {value}"
DATE_OUT_OF_RANGE = "must be a date from {low} to {high}, not {value}"
WRONG_WHOLE_NUMBER = "must be a whole number from {low} to {high}, or null"
WRONG_EMAIL = "must be an email address or empty"
NO_DISPUTED_ITEMS = "must hold at least one disputed item"
DOCUMENT_PATH = "(document)"

# Database column limits, checked here so that an over-long value is a field error, not a failed transaction.
# (Citation sections have no limit: a real letter cites up to five sections in one citation.)
_LIMITS = {
    "name": 100,
    "claim_number": 60,
    "party_name": 200,
    "citation_title": 300,
    "pages": 100,
    "email": 254,
}
# Dates a case can hold: the deadlines computed from them (a few months at most) must stay representable.
DATE_RANGE = (datetime.date(1900, 1, 1), datetime.date(2099, 12, 31))
_ISO_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CASE_NUMBER_RE = re.compile(CASE_NUMBER_RE)
# Characters that print as nothing: a title made only of them (and spaces) is blank.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SHOWN_LIMIT = 60
# The choices, computed once (an enum's ``values`` builds its list on every call: thousands per batch).
_PRIORITIES = frozenset(Priority.values)
_SEXES = frozenset(Sex.values)
_ROLES = frozenset(Party.Role.values)
_KINDS_OF_TREATMENT = frozenset(TreatmentEvent.Kind.values)
_DECISIONS = frozenset(Decision.values)
_SOURCES = frozenset(Guideline.Source.values)
_KINDS = {int: "a number", list: "a list", dict: "an object"}


def case_number_valid(value) -> bool:
    """Whether ``value`` is a case number (CM, two ASCII digits, a hyphen, seven ASCII digits, nothing more)."""
    return isinstance(value, str) and _CASE_NUMBER_RE.fullmatch(value) is not None


def _text_problem(value: str) -> str | None:
    """What makes ``value`` unstorable as text: a NUL (PostgreSQL refuses it) or a lone surrogate (not UTF-8)."""
    if "\x00" in value:
        return HOLDS_NUL
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return NOT_UNICODE
    return None


def _is_blank(value: str) -> bool:
    return not value.translate(_INVISIBLE).strip()


def _shown(value) -> str:
    """``value`` quoted back in a message on one line: JSON, all non-ASCII escaped unless it is printable text (a
    line separator such as U+0085 or U+2028, a NUL or a lone surrogate would break or garble the line), clipped."""
    try:
        text = json.dumps(value, ensure_ascii=not (isinstance(value, str) and value.isprintable()))
    except (ValueError, RecursionError):  # an integer beyond Python's digit limit; a list nested past the stack
        text = _KINDS.get(type(value), "a value")
    return text if len(text) <= _SHOWN_LIMIT else text[: _SHOWN_LIMIT - 1] + "…"


def _shown_key(key) -> str:
    """A key as a field path shows it: as is when it is plain printable text, else (empty, a NUL, a surrogate...)
    JSON-escaped and quoted."""
    key = str(key)
    if key and key.isprintable():  # a lone surrogate is not printable
        return key
    return _shown(key)


@dataclass(frozen=True)
class FieldError:
    path: str
    message: str

    def __str__(self):
        return f"{self.path}: {self.message}"


class CaseDocumentError(ValidationError):
    """A document (or an import of it) refused; ``field_errors`` lists every problem with its field path."""

    def __init__(self, field_errors: list[FieldError]):
        self.field_errors = list(field_errors)
        super().__init__([str(e) for e in self.field_errors])


@dataclass
class CitationData:
    source: str
    title: str
    sections: str | None
    pages: str | None


@dataclass
class ItemData:
    title: str
    decision: str | None
    claims_administrator_citations: list[CitationData]
    citations: list[CitationData]
    rationale: str


@dataclass
class PartyData:
    role: str
    name: str
    address: str
    email: str


@dataclass
class TreatmentData:
    date: datetime.date | None
    kind: str
    description: str


@dataclass
class WorkerData:
    first_name: str
    last_name: str
    age: int | None
    date_of_birth: datetime.date | None
    sex: str
    date_of_injury: datetime.date
    claim_number: str


@dataclass
class DeterminationData:
    decision_date: datetime.date
    # The ``reviewer`` block as the format has it; it becomes the snapshot's credentials unchanged.
    reviewer: dict


@dataclass
class CaseDocument:
    case_number: str
    priority: str
    application_received: datetime.date
    ur_decision_date: datetime.date | None
    date_assigned: datetime.date | None
    injured_worker: WorkerData
    parties: list[PartyData] = field(default_factory=list)
    treatment_history: list[TreatmentData] = field(default_factory=list)
    clinical_summary: str = ""
    disputed_items: list[ItemData] = field(default_factory=list)
    determination: DeterminationData | None = None


_MISSING = object()


class _Reader:
    """Walks a decoded document, collecting errors instead of stopping at the first."""

    def __init__(self):
        self.errors: list[FieldError] = []

    def error(self, path, message):
        self.errors.append(FieldError(path, message))

    def object(self, value, path, required: set[str], optional: set[str]):
        """``value`` as a dict if it is one, reporting missing and unknown keys; None otherwise."""
        if not isinstance(value, dict):
            self.error(path or DOCUMENT_PATH, NOT_AN_OBJECT)
            return None
        for key in sorted(required - value.keys()):
            self.error(_join(path, key), REQUIRED)
        for key in sorted(value.keys() - required - optional, key=str):
            self.error(_join(path, key), UNKNOWN_FIELD)
        return value

    def string(self, obj, key, path, *, nullable=False, blank=True, limit=None, folded_limit=None, default=""):
        value = obj.get(key, _MISSING)
        where = _join(path, key)
        if value is _MISSING or (value is None and nullable):
            return None if nullable else default
        if not isinstance(value, str):
            self.error(where, NOT_A_STRING_OR_NULL if nullable else NOT_A_STRING)
            return None
        return self.text(value, where, blank=blank, limit=limit, folded_limit=folded_limit)

    def text(self, value: str, where, *, blank=True, limit=None, folded_limit=None):
        """``value`` if it is storable text within its limits; None (and an error) otherwise."""
        problem = _text_problem(value)
        if problem is None and not blank and _is_blank(value):
            problem = BLANK
        if problem is None and limit is not None and len(value) > limit:
            problem = TOO_LONG.format(limit=limit)
        if problem is None and folded_limit is not None and len(normalize_title(value)) > folded_limit:
            problem = TOO_LONG_FOLDED.format(limit=folded_limit)
        if problem is not None:
            self.error(where, problem)
            return None
        return value

    def choice(self, obj, key, path, choices, message, *, nullable=False):
        value = obj.get(key, _MISSING)
        if value is _MISSING:
            return None
        if value is None and nullable:
            return None
        if not isinstance(value, str) or value not in choices:
            self.error(_join(path, key), message)
            return None
        return value

    def date(self, obj, key, path, *, nullable=False):
        value = obj.get(key, _MISSING)
        if value is _MISSING or (value is None and nullable):
            return None
        parsed = None
        if isinstance(value, str) and _ISO_DATE_RE.fullmatch(value):
            try:
                parsed = datetime.date.fromisoformat(value)
            except ValueError:
                parsed = None
        if parsed is None:
            message = WRONG_DATE_OR_NULL if nullable else WRONG_DATE
            self.error(_join(path, key), message.format(value=_shown(value)))
        elif not DATE_RANGE[0] <= parsed <= DATE_RANGE[1]:
            low, high = (d.isoformat() for d in DATE_RANGE)
            self.error(_join(path, key), DATE_OUT_OF_RANGE.format(low=low, high=high, value=_shown(value)))
            parsed = None
        return parsed

    def whole_number(self, obj, key, path, low, high):
        value = obj.get(key)
        # bool is an int in Python; true is not an age.
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.error(_join(path, key), WRONG_WHOLE_NUMBER.format(low=low, high=high))
            return None
        return value

    def list(self, obj, key, path):
        value = obj.get(key, _MISSING)
        if value is _MISSING or value is None:
            return []
        if not isinstance(value, list):
            self.error(_join(path, key), NOT_A_LIST)
            return []
        return value


def _join(path, key):
    if isinstance(key, int):
        return f"{path}[{key}]"
    key = _shown_key(key)
    return f"{path}.{key}" if path else key


_TOP_REQUIRED = {"format", "case_number", "priority", "application_received", "injured_worker", "disputed_items"}
_TOP_OPTIONAL = {
    "ur_decision_date",
    "date_assigned",
    "parties",
    "treatment_history",
    "clinical_summary",
    "determination",
}
_WORKER_REQUIRED = {"date_of_injury"}
_WORKER_OPTIONAL = {"first_name", "last_name", "age", "date_of_birth", "sex", "claim_number"}
_PARTY_REQUIRED = {"role", "name"}
_PARTY_OPTIONAL = {"address", "email"}
_TREATMENT_REQUIRED = {"kind", "description"}
_TREATMENT_OPTIONAL = {"date"}
_ITEM_REQUIRED = {"title"}
_ITEM_OPTIONAL = {"decision", "claims_administrator_citations", "citations", "rationale"}
_CITATION_REQUIRED = {"source", "title"}
_CITATION_OPTIONAL = {"sections", "pages"}
_DETERMINATION_REQUIRED = {"decision_date", "reviewer"}
_REVIEWER_REQUIRED = {"licensure_states", "specialties", "board_certified"}
_REVIEWER_OPTIONAL = {"reference", "years_in_practice", "weekly_practice_hours"}


def case_document_parse(document) -> CaseDocument:
    """Validate a decoded ``imr-case/1`` document; return it clean or raise ``CaseDocumentError`` with all errors."""
    read = _Reader()
    top = read.object(document, "", _TOP_REQUIRED, _TOP_OPTIONAL)
    if top is None:
        raise CaseDocumentError(read.errors)

    if "format" in top and top["format"] != FORMAT:
        read.error("format", WRONG_FORMAT)
    case_number = read.string(top, "case_number", "", default=None)
    if case_number is not None and not case_number_valid(case_number):
        read.error("case_number", WRONG_CASE_NUMBER)
    priority = read.choice(top, "priority", "", _PRIORITIES, WRONG_PRIORITY)
    application_received = read.date(top, "application_received", "")
    ur_decision_date = read.date(top, "ur_decision_date", "", nullable=True)
    date_assigned = read.date(top, "date_assigned", "", nullable=True)
    worker = _read_worker(read, top.get("injured_worker", _MISSING))
    parties = [_read_party(read, p, _join("parties", i)) for i, p in enumerate(read.list(top, "parties", ""))]
    history = [
        _read_treatment(read, t, _join("treatment_history", i))
        for i, t in enumerate(read.list(top, "treatment_history", ""))
    ]
    clinical_summary = read.string(top, "clinical_summary", "", nullable=True) or ""

    raw_items = read.list(top, "disputed_items", "")
    if "disputed_items" in top and isinstance(top["disputed_items"], list) and not raw_items:
        read.error("disputed_items", NO_DISPUTED_ITEMS)
    items = [_read_item(read, it, _join("disputed_items", i)) for i, it in enumerate(raw_items)]

    determination = None
    if top.get("determination") is not None:
        determination = _read_determination(read, top["determination"])
        for i, item in enumerate(items):
            if item is not None and item.decision is None and isinstance(raw_items[i], dict):
                if raw_items[i].get("decision") is None:
                    read.error(_join(_join("disputed_items", i), "decision"), UNDECIDED_WITH_DETERMINATION)

    if read.errors:
        raise CaseDocumentError(read.errors)
    return CaseDocument(
        case_number=case_number,
        priority=priority,
        application_received=application_received,
        ur_decision_date=ur_decision_date,
        date_assigned=date_assigned,
        injured_worker=worker,
        parties=parties,
        treatment_history=history,
        clinical_summary=clinical_summary,
        disputed_items=items,
        determination=determination,
    )


def _read_worker(read: _Reader, value) -> WorkerData | None:
    path = "injured_worker"
    if value is _MISSING:
        return None  # already reported as required
    obj = read.object(value, path, _WORKER_REQUIRED, _WORKER_OPTIONAL)
    if obj is None:
        return None
    return WorkerData(
        first_name=read.string(obj, "first_name", path, nullable=True, limit=_LIMITS["name"]) or "",
        last_name=read.string(obj, "last_name", path, nullable=True, limit=_LIMITS["name"]) or "",
        age=read.whole_number(obj, "age", path, 0, 130),
        date_of_birth=read.date(obj, "date_of_birth", path, nullable=True),
        sex=read.choice(obj, "sex", path, _SEXES, WRONG_SEX) or Sex.UNKNOWN,
        date_of_injury=read.date(obj, "date_of_injury", path),
        claim_number=read.string(obj, "claim_number", path, nullable=True, limit=_LIMITS["claim_number"]) or "",
    )


def _read_party(read: _Reader, value, path) -> PartyData | None:
    obj = read.object(value, path, _PARTY_REQUIRED, _PARTY_OPTIONAL)
    if obj is None:
        return None
    email = read.string(obj, "email", path, nullable=True, limit=_LIMITS["email"]) or ""
    if email:
        try:
            validate_email(email)
        except ValidationError:
            read.error(_join(path, "email"), WRONG_EMAIL)
    return PartyData(
        role=read.choice(obj, "role", path, _ROLES, WRONG_ROLE),
        name=read.string(obj, "name", path, blank=False, limit=_LIMITS["party_name"]),
        address=read.string(obj, "address", path, nullable=True) or "",
        email=email,
    )


def _read_treatment(read: _Reader, value, path) -> TreatmentData | None:
    obj = read.object(value, path, _TREATMENT_REQUIRED, _TREATMENT_OPTIONAL)
    if obj is None:
        return None
    return TreatmentData(
        date=read.date(obj, "date", path, nullable=True),
        kind=read.choice(obj, "kind", path, _KINDS_OF_TREATMENT, WRONG_KIND),
        description=read.string(obj, "description", path, blank=False),
    )


def _read_item(read: _Reader, value, path) -> ItemData | None:
    obj = read.object(value, path, _ITEM_REQUIRED, _ITEM_OPTIONAL)
    if obj is None:
        return None
    return ItemData(
        title=read.string(obj, "title", path, blank=False),
        decision=read.choice(obj, "decision", path, _DECISIONS, WRONG_DECISION, nullable=True),
        claims_administrator_citations=[
            _read_citation(read, c, _join(_join(path, "claims_administrator_citations"), i))
            for i, c in enumerate(read.list(obj, "claims_administrator_citations", path))
        ],
        citations=[
            _read_citation(read, c, _join(_join(path, "citations"), i))
            for i, c in enumerate(read.list(obj, "citations", path))
        ],
        rationale=read.string(obj, "rationale", path, nullable=True) or "",
    )


def _read_citation(read: _Reader, value, path) -> CitationData | None:
    obj = read.object(value, path, _CITATION_REQUIRED, _CITATION_OPTIONAL)
    if obj is None:
        return None
    return CitationData(
        source=read.choice(obj, "source", path, _SOURCES, WRONG_SOURCE),
        # The library stores the title and its folded form (``normalized_title``), both in a column of this size.
        title=read.string(
            obj, "title", path, blank=False, limit=_LIMITS["citation_title"], folded_limit=_LIMITS["citation_title"]
        ),
        # Empty and null mean the same (the column stores ""); null is the canonical form.
        sections=read.string(obj, "sections", path, nullable=True) or None,
        pages=read.string(obj, "pages", path, nullable=True, limit=_LIMITS["pages"]) or None,
    )


def _read_determination(read: _Reader, value) -> DeterminationData | None:
    path = "determination"
    obj = read.object(value, path, _DETERMINATION_REQUIRED, set())
    if obj is None:
        return None
    decision_date = read.date(obj, "decision_date", path)
    reviewer_path = _join(path, "reviewer")
    reviewer = None
    if "reviewer" in obj:
        raw = read.object(obj["reviewer"], reviewer_path, _REVIEWER_REQUIRED, _REVIEWER_OPTIONAL)
        if raw is not None:
            reviewer = {
                "reference": read.string(raw, "reference", reviewer_path, nullable=True) or "",
                "licensure_states": _read_strings(read, raw, "licensure_states", reviewer_path),
                "specialties": _read_strings(read, raw, "specialties", reviewer_path),
                "board_certified": _read_boolean(read, raw, "board_certified", reviewer_path),
                "years_in_practice": read.whole_number(raw, "years_in_practice", reviewer_path, 0, 80),
                "weekly_practice_hours": read.whole_number(raw, "weekly_practice_hours", reviewer_path, 0, 168),
            }
    return DeterminationData(decision_date=decision_date, reviewer=reviewer)


def _read_strings(read: _Reader, obj, key, path) -> list[str]:
    values = read.list(obj, key, path)
    clean = []
    for i, value in enumerate(values):
        where = _join(_join(path, key), i)
        if not isinstance(value, str):
            read.error(where, NOT_A_STRING)
        elif read.text(value, where, blank=False) is not None:
            clean.append(value)
    return clean


def _read_boolean(read: _Reader, obj, key, path) -> bool:
    if key not in obj:
        return False  # reported as required by the caller's object()
    if not isinstance(obj[key], bool):
        read.error(_join(path, key), NOT_A_BOOLEAN)
        return False
    return obj[key]


# --- Export -----------------------------------------------------------------------------------------------------


def _iso(value):
    return value.isoformat() if value else None


def case_export(case) -> dict:
    """``case`` as an ``imr-case/1`` document. Constant query count, whatever the number of items.

    A decided case exports what was signed: its items (decisions, citations, rationales) and clinical summary come
    from the current determination's snapshot, not from the live rows, so the document matches the letter.
    """
    claim = case.claim
    worker = claim.worker
    determination = current_determination(case)
    if determination is not None:
        items = determination.snapshot["items"]
        clinical_summary = determination.snapshot["clinical_summary"]
    else:
        items = case_items_as_dicts(case)
        clinical_summary = case.clinical_summary
    return {
        "format": FORMAT,
        "case_number": case.case_number,
        "priority": case.priority,
        "application_received": _iso(case.application_received),
        "ur_decision_date": _iso(case.ur_decision_date),
        "date_assigned": _iso(case.date_assigned),
        "injured_worker": {
            "first_name": worker.first_name,
            "last_name": worker.last_name,
            "age": worker.age,
            "date_of_birth": _iso(worker.date_of_birth),
            "sex": worker.sex,
            "date_of_injury": _iso(claim.date_of_injury),
            "claim_number": claim.claim_number,
        },
        "parties": [
            {"role": p.role, "name": p.name, "address": p.address, "email": p.email}
            for p in case.parties.order_by("id")
        ],
        "treatment_history": [
            {"date": _iso(t.date), "kind": t.kind, "description": t.description}
            for t in case.treatment_history.order_by("order", "id")
        ],
        "clinical_summary": clinical_summary,
        "disputed_items": items,
        "determination": (
            {"decision_date": determination.snapshot["decision_date"], "reviewer": determination.snapshot["reviewer"]}
            if determination is not None
            else None
        ),
    }
