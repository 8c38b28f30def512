"""The real, signed letters as plain texts for the sign-off warnings: the 14 fixture letters (their text files and
expected.json) and the public letters (PDFs read with poppler's pdftotext). Each letter gives its clinical summary
and, per item, the title, the decision, the rationale and the expert reviewer's guideline line."""

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from cases.models import fold_whitespace

from . import LETTERS_DIR, SHARED_DIR, expected_letters
from .letters import _letter_texts

PUBLIC_LETTERS_DIR = SHARED_DIR / "fixtures" / "public-letters"
HEADING_RE = re.compile(r": (?P<decision>Upheld|Overturned) Claims Administrator guideline: ")
GUIDELINE_RE = re.compile(r"MAXIMUS guideline: (?P<line>.*?) Decision rationale: ")
SENTENCE_END_RE = re.compile(r"(?<=[.!?]) (?=[A-Z0-9])")
PARTIAL_TITLE_RE = re.compile(r"(?<=[.!?] )[^.!?]*? was the original request\..*$")


@dataclass
class LetterItem:
    title: str
    decision: str  # "upheld" / "overturned"
    rationale: str
    guideline_line: str


@dataclass
class RealLetter:
    name: str
    summary: str
    items: list[LetterItem] = field(default_factory=list)


def fixture_letters() -> list[RealLetter]:
    letters = []
    for letter in expected_letters():
        summary, rationales = _letter_texts(letter, LETTERS_DIR)
        items = [
            LetterItem(fold_whitespace(i["title"]), i["decision"].lower(), rationale, i["imro_guideline"])
            for i, rationale in zip(letter["items"], rationales, strict=True)
        ]
        letters.append(RealLetter(letter["case_number"], summary, items))
    return letters


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def parse_letter_text(name: str, raw: str) -> RealLetter:
    text = fold_whitespace(raw)
    start = text.find("medical records:")
    issues = text.find("IMR ISSUES, DECISIONS AND RATIONALES")
    summary = text[start + len("medical records:") : issues].strip() if 0 <= start < issues else ""
    body = text[issues:]
    body = body.split("set forth below:", 1)[-1]
    end = re.search(r"MEDICAL REVIEWER QUALIFICATIONS|cc: |SUMMARY OF", body)
    body = body[: end.start()] if end else body
    headings = list(HEADING_RE.finditer(body))
    items, cursor = [], 0
    for index, heading in enumerate(headings):
        before = body[cursor : heading.start()]
        if index:  # the text since the previous rationale began: that rationale, then this item's title
            partial = PARTIAL_TITLE_RE.search(before)  # "X was the original request. Y was authorized… Z is"
            if partial and "necessary" not in partial.group(0):  # not a rationale that retells the request
                rationale, title = [before[: partial.start()]], partial.group(0)
            else:
                *rationale, title = SENTENCE_END_RE.split(before)
            items[-1].rationale = " ".join(rationale).strip()
        else:
            title = before
        guideline = GUIDELINE_RE.search(body, heading.end())
        if guideline is None:
            break
        items.append(LetterItem(title.strip(), heading["decision"].lower(), "", guideline["line"]))
        cursor = guideline.end()
    if items:
        items[-1].rationale = body[cursor:].strip()
    return RealLetter(name, summary, items)


def public_letters() -> list[RealLetter]:
    if not PUBLIC_LETTERS_DIR.is_dir() or shutil.which("pdftotext") is None:
        return []
    return [parse_letter_text(p.stem, _pdf_text(p)) for p in sorted(PUBLIC_LETTERS_DIR.glob("*.pdf"))]
