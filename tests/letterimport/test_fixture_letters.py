"""The 14 real letters of fixtures/letters import with every field of expected.json: header dates and priority, the
reviewer's licensure and specialties, and per item its title, decision and both guideline lines rendered back
exactly (by the letter's own formatter, ``cases.letters.guideline_line``)."""

import datetime
import re
import shutil

import pytest

from cases.letters import CLAIMS_ADMINISTRATOR_SIDE, EXPERT_REVIEWER_SIDE, guideline_line, us_date
from cases.models import Case, Document
from cases.selectors import current_determination
from letterimport.models import LetterImport
from tests.support import expected_letters

from .conftest import LETTERS_DIR, import_letters

pytestmark = pytest.mark.django_db
LETTERS = [pytest.param(letter, id=letter["case_number"]) for letter in expected_letters()]


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def assert_case_matches(case: Case, letter: dict):
    snapshot = current_determination(case).snapshot
    assert us_date(case.date_assigned) == letter["date_assigned"]
    assert us_date(snapshot["decision_date"]) == letter["decision_date"]
    assert case.priority.capitalize() == letter["priority"]
    assert us_date(case.claim.date_of_injury) == letter["date_of_injury"]
    assert us_date(case.ur_decision_date) == letter["ur_denial_date"]
    assert us_date(case.application_received) == letter["application_received"]
    reviewer = snapshot["reviewer"]
    assert reviewer["licensure_states"] == _split(letter["reviewer_licensure"])
    assert reviewer["specialties"] == _split(letter["reviewer_specialty"])
    assert reviewer["board_certified"] is False  # the block form never says "Board Certified"
    assert reviewer["reference"] == ""
    items = snapshot["items"]
    assert [(i["title"], i["decision"]) for i in items] == [
        (e["title"], e["decision"].lower()) for e in letter["items"]
    ]
    for item, expected in zip(items, letter["items"], strict=True):
        ca = guideline_line(CLAIMS_ADMINISTRATOR_SIDE, item["claims_administrator_citations"])
        assert ca == expected["claims_administrator_guideline"]
        assert guideline_line(EXPERT_REVIEWER_SIDE, item["citations"]) == expected["imro_guideline"]
    # Summary and rationales whole, against pdftotext's reading of the same letter (another extractor, which also
    # drops a hyphen at a line end: compared without whitespace and hyphens).
    text = _letters_only((LETTERS_DIR / f"{letter['case_number']}.txt").read_text())
    summary = text.split(_letters_only("including all medical records:"), 1)[1].split("IMRISSUES")[0]
    assert _letters_only(case.clinical_summary) == summary
    position = 0
    for item in items:
        rationale = "Decisionrationale:" + _letters_only(item["rationale"])
        found = text.find(rationale, position)
        assert found > 0, item["title"]
        position = found + len(rationale)
    assert position == len(text)  # the last rationale runs to the letter's end


def _letters_only(text: str) -> str:
    return re.sub(r"[\s\-]", "", text)


@pytest.mark.parametrize("letter", LETTERS)
def test_pdf_letter_imports_every_field_of_the_answer_key(letter, guideline_library_rows, tmp_path):
    source = LETTERS_DIR / f"{letter['case_number']}.pdf"
    shutil.copy(source, tmp_path)
    run = import_letters(tmp_path)
    n = len(letter["items"])
    imported = f"{tmp_path / source.name}: imported {letter['case_number']} ({n} item{'' if n == 1 else 's'})"
    assert run.stdout.splitlines() == [imported, "1 imported, 0 skipped, 0 refused"]
    assert run.error is None
    case = Case.objects.get(case_number=letter["case_number"])
    assert_case_matches(case, letter)
    # The original PDF is the case's document, byte for byte, and the provenance names it.
    provenance = LetterImport.objects.get(case=case)
    document = Document.objects.get(case=case)
    assert provenance.document == document
    assert document.file.read() == source.read_bytes()
    assert document.document_date == datetime.date.fromisoformat(current_determination(case).snapshot["decision_date"])
    assert (provenance.file_name, provenance.layout) == (source.name, "2016-17 header table")
    assert provenance.sha256 == document.sha256 and len(provenance.sha256) == 64


@pytest.mark.parametrize("letter", LETTERS)
def test_text_letter_pdftotext_imports_the_same_fields(letter, guideline_library_rows):
    """The pdftotext output reads its header table column by column and carries no fonts: same result."""
    run = import_letters(LETTERS_DIR / f"{letter['case_number']}.txt")
    assert run.error is None, run.stderr
    case = Case.objects.get(case_number=letter["case_number"])
    assert_case_matches(case, letter)
    assert not Document.objects.filter(case=case).exists()  # no PDF to keep
    assert LetterImport.objects.get(case=case).document is None


def test_without_the_guideline_library_the_lines_still_render_back(db, tmp_path):
    """A fresh library (nothing seeded) still splits "..., and <chapter year>" into citations by the edition year."""
    letter = next(e for e in expected_letters() if e["case_number"] == "CM17-0006287")
    shutil.copy(LETTERS_DIR / "CM17-0006287.pdf", tmp_path)
    assert import_letters(tmp_path).error is None
    assert_case_matches(Case.objects.get(case_number="CM17-0006287"), letter)
