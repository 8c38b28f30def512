"""Each real letter of fixtures/letters, imported as a case and rendered, reproduces its header, the reviewer's
credential lines, its item titles and decisions and both guideline lines exactly (whitespace folded), and prints no
reviewer name or reference."""

import re

import pytest

from cases.letters import letter_pdf
from cases.selectors import current_determination
from cases.services.interchange import case_import
from tests.support import expected_letters
from tests.support.letters import expected_letter_as_case

from .letters_support import assert_in_order, pdf_all_text, pdf_body_text

pytestmark = pytest.mark.django_db


def comma_spaced(value: str) -> str:
    """A list as our letters print it: one space after each comma. The real letters are uneven ("California,Virginia"
    beside "California, Oregon, Washington": expected.json keeps them as printed), so the expected credential lines
    are compared with the whitespace after commas normalised; nothing else is changed."""
    return re.sub(r",\s*", ", ", value.strip())


LETTERS = [pytest.param(letter, id=letter["case_number"]) for letter in expected_letters()]


@pytest.mark.parametrize("letter", LETTERS)
def test_real_letter_renders_back_its_items_and_guideline_lines(letter, settings):
    settings.IMR_ORGANIZATION_SHORT_NAME = "MAXIMUS"
    document = expected_letter_as_case(letter)
    document["determination"]["reviewer"]["reference"] = "ER-REF-4711"
    case = case_import(document=document)
    pdf = letter_pdf(current_determination(case).snapshot)

    text = pdf_body_text(pdf)
    assert_in_order(
        text,
        [
            f"Case Number: {letter['case_number']}",
            f"Date Assigned: {letter['date_assigned']}",
            f"Date of Injury: {letter['date_of_injury']}",
            f"Decision Date: {letter['decision_date']}",
            f"UR Denial Date: {letter['ur_denial_date']}",
            f"Priority: {letter['priority']}",
            f"Application Received: {letter['application_received']}",
            "The Expert Reviewer has the following credentials:",
            f"State(s) of Licensure: {comma_spaced(letter['reviewer_licensure'])}",
            f"Certification(s)/Specialty: {comma_spaced(letter['reviewer_specialty'])}",
        ],
    )
    expected = []
    for item in letter["items"]:
        expected += [
            f"{item['title']}: {item['decision']}",
            f"Claims Administrator guideline: {item['claims_administrator_guideline']}",
            f"MAXIMUS guideline: {item['imro_guideline']}",
            "Decision rationale:",
        ]
    assert_in_order(text, ["IMR ISSUES, DECISIONS AND RATIONALES", *expected, "DOCUMENTS REVIEWED"])
    everything = pdf_all_text(pdf)
    assert "ER-REF-4711" not in everything
    assert "Board Certified" not in everything  # these letters claim no certification, so neither does ours
