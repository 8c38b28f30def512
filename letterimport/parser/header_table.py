"""The 2016-17 layout: the letter opens with the header table, then the common body.

    Case Number: CM16-0238676
    Date Assigned: 12/15/2016   Date of Injury: 10/17/2016
    Decision Date: 01/20/2017   UR Denial Date: 11/10/2016
    Priority: Standard          Application Received: 12/13/2016

Text extractors read the table in different orders (PDFium row by row, pdftotext column by column, labels and
values apart), but always labels and values in the same order. So the labels are found (a label may wrap:
"Application / Received:"), taken out, and the values left are paired with them in order, each checked for its kind.
"""

from __future__ import annotations

import re

from .common import HOW_MADE, case_document, find, letter_body
from .text import LetterRefused, Line, fold

NAME = "2016-17 header table"

CASE_NUMBER = re.compile(r"^CM\d{2}-\d{7}$")
US_DATE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")
PRIORITY = re.compile(r"^(Standard|Expedited)$", re.IGNORECASE)
# key, label as printed, kind of value, required
FIELDS = (
    ("case_number", "Case Number", CASE_NUMBER, True),
    ("date_assigned", "Date Assigned", US_DATE, False),
    ("decision_date", "Decision Date", US_DATE, True),
    ("date_of_injury", "Date of Injury", US_DATE, True),
    ("ur_denial_date", "UR Denial Date", US_DATE, False),
    ("priority", "Priority", PRIORITY, True),
    ("application_received", "Application Received", US_DATE, True),
)
_SPACE = r"\s+"
_LABELS = re.compile("|".join(f"(?P<{key}>{_SPACE.join(label.split())}:)" for key, label, _, _ in FIELDS))

MISSING_FIELD = "header: no {label}"
BAD_VALUE = "header: {label} reads {value!r}, not {kind}"
EXTRA_VALUES = "header: cannot pair values with labels (left over: {values})"
_KINDS = {
    CASE_NUMBER: "a case number like CM16-0229336",
    US_DATE: "a date MM/DD/YYYY",
    PRIORITY: "Standard or Expedited",
}


def header_fields(text: str, *, required: bool = True) -> dict:
    """The header's values by key; with ``required``, every required field must be there."""
    text = fold(text)
    found = [(m.start(), m.lastgroup) for m in _LABELS.finditer(text)]
    values = _LABELS.sub(" ", text).split()
    spec = {key: (label, kind, needed) for key, label, kind, needed in FIELDS}
    header = {}
    for _, key in found:
        label, kind, needed = spec[key]
        if values and kind.match(values[0]):
            header[key] = values.pop(0)
        elif values and not needed and not any(k.match(values[0]) for k in _KINDS):
            values.pop(0)  # "N/A" or the like for an optional date: no value
        elif needed and required:
            value = values[0] if values else ""
            raise LetterRefused(BAD_VALUE.format(label=label, value=value, kind=_KINDS[kind]))
    if values and required:
        raise LetterRefused(EXTRA_VALUES.format(values=" ".join(values)[:80]))
    if required:
        for key, (label, _, needed) in spec.items():
            if needed and key not in header:
                raise LetterRefused(MISSING_FIELD.format(label=label))
    return header


def header_span(lines: list[Line]) -> tuple[int, int]:
    """Where the header table is: from its "Case Number:" line through the lines holding only its labels and
    values; ``(0, 0)`` when the letter has none."""
    start = next((i for i, line in enumerate(lines) if line.text.strip().startswith("Case Number:")), None)
    if start is None:
        return 0, 0
    end = start + 1
    while end < len(lines) and _header_line(lines[end].text):
        end += 1
    return start, end


def header_text(lines: list[Line], span: tuple[int, int]) -> str:
    return " ".join(line.text for line in lines[span[0] : span[1]])


def _header_line(text: str) -> bool:
    words = _LABELS.sub(" ", text).split()
    kinds = (CASE_NUMBER, US_DATE, PRIORITY)
    # A label alone may wrap ("Application" / "Received:"): its first word counts as the header's too.
    return all(any(kind.match(w) for kind in kinds) or w in ("Application", "Received:") for w in words)


def recognise(lines: list[Line]) -> bool:
    how = find(lines, HOW_MADE)
    head = lines[: how if how >= 0 else 12]
    return how > 0 and any(line.text.strip().startswith("Case Number:") for line in head)


def parse(lines: list[Line], *, source_name: str) -> dict:
    start, _ = header_span(lines)
    header = header_fields(header_text(lines, (start, find(lines, HOW_MADE))))  # all of it, up to HOW THE IMR...
    return case_document(header=header, body=letter_body(lines))
