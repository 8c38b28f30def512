"""Variants the published letters show beyond the fixtures' own: a PDF whose fonts never say bold (items found by
punctuation), dates without leading zeros, and a summary lead worded slightly differently."""

import html

import pytest
from weasyprint import HTML

from letterimport.selectors import guideline_library
from letterimport.services import letter_parse

from .conftest import LETTERS_DIR, fold

pytestmark = pytest.mark.django_db
SOURCE = LETTERS_DIR / "CM16-0238676"  # two items, the first with its decision alone on the next line


def _parse(path, data):
    return letter_parse(path, data, library=guideline_library()).document


def test_a_pdf_without_bold_fonts_reads_like_the_original(tmp_path):
    original = _parse(SOURCE.with_suffix(".pdf"), SOURCE.with_suffix(".pdf").read_bytes())
    text = SOURCE.with_suffix(".txt").read_text()
    lines = "".join(f"<div>{html.escape(line) or '&nbsp;'}</div>" for line in text.splitlines())
    plain = HTML(string=f"<body style='font-weight: normal'>{lines}</body>").write_pdf()
    again = _parse(tmp_path / "plain.pdf", plain)
    assert [(i["title"], i["decision"]) for i in again["disputed_items"]] == [
        (i["title"], i["decision"]) for i in original["disputed_items"]
    ]
    assert [i["citations"] for i in again["disputed_items"]] == [i["citations"] for i in original["disputed_items"]]
    # pdftotext dropped the hyphen of "follow-up" in this text; everything else reads the same.
    assert [fold(i["rationale"]) for i in again["disputed_items"]] == [
        fold(i["rationale"]) for i in original["disputed_items"]
    ]


def test_dates_without_leading_zeros_and_another_summary_lead(tmp_path):
    text = (
        SOURCE.with_suffix(".txt")
        .read_text()
        .replace("01/20/2017", "1/20/2017")
        .replace(
            "The expert reviewer developed the following clinical case summary based on a review of the\ncase file, "
            "including all medical records:",
            "The expert reviewer developed the following clinical case summary based on a review of the\nmedical "
            "records:",
        )
    )
    document = _parse(tmp_path / "letter.txt", text.encode())
    assert document["determination"]["decision_date"] == "2017-01-20"
    assert document["clinical_summary"].startswith("This case involves a now 54-year-old male")


def test_an_optional_header_date_printed_as_na_is_left_empty(tmp_path):
    text = SOURCE.with_suffix(".txt").read_text().replace("11/10/2016\n12/13/2016", "N/A\n12/13/2016")
    document = _parse(tmp_path / "letter.txt", text.encode())
    assert document["ur_decision_date"] is None
    assert document["application_received"] == "2016-12-13"
