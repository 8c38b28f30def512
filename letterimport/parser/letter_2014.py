"""The 2014-15 layout (the seed letter): no header table; the text starts at HOW THE IMR FINAL DETERMINATION WAS
MADE and the credentials are a sentence ("The expert reviewer is Board Certified in ... and is licensed to practice
in California").

The header facts are not in the body. Where the published file carries them anyway (a header table printed on a
separate page or after the items) they are read from there; the case number may also come from the file name
("CM14-0000001.pdf"). A letter still missing a required fact is refused, naming the facts it lacks.
"""

from __future__ import annotations

from pathlib import Path

from .common import HOW_MADE, case_document, letter_body
from .header_table import CASE_NUMBER, FIELDS, header_fields, header_span, header_text
from .text import LetterRefused, Line

NAME = "2014-15 sentence credentials"

MISSING_HEADER = (
    "a 2014-15 letter without a header table: its text lacks {labels} (name the file after its case number, e.g. "
    "CM14-0000001.pdf, to supply the case number)"
)


def recognise(lines: list[Line]) -> bool:
    return bool(lines) and bool(HOW_MADE.match(lines[0].text.strip()))


def parse(lines: list[Line], *, source_name: str) -> dict:
    start, end = span = header_span(lines)
    header = header_fields(header_text(lines, span), required=False)
    body = letter_body(lines[:start] + lines[end:])
    stem = Path(source_name).stem
    if "case_number" not in header and CASE_NUMBER.match(stem):
        header["case_number"] = stem
    missing = [label for key, label, _, needed in FIELDS if needed and key not in header]
    if missing:
        raise LetterRefused(MISSING_HEADER.format(labels=", ".join(missing)))
    return case_document(header=header, body=body)
