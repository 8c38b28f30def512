"""The seed letter (2014-15 layout: no header table, credentials as a sentence, "did not base their decision on the
MTUS", "Page(s):") reads into the same summary, items, decisions, citations and rationale as seed-case.json; as a
file it is refused for the header facts its text does not carry, naming them."""

import shutil

import pytest

from cases.models import Case
from cases.selectors import current_determination
from letterimport.extract import file_pages
from letterimport.models import LetterImport
from letterimport.parser import letter_2014
from letterimport.parser.common import letter_body
from letterimport.parser.items import items_cite
from letterimport.parser.text import letter_lines
from letterimport.selectors import guideline_library
from tests.support import SHARED_DIR, row_counts, seed_case

from .conftest import import_letters

pytestmark = pytest.mark.django_db
SEED_LETTER = SHARED_DIR / "seed" / "determination-letter.txt"


def test_seed_letter_reads_as_the_seed_case(guideline_library_rows):
    lines = letter_lines(file_pages(SEED_LETTER, SEED_LETTER.read_bytes()))
    assert letter_2014.recognise(lines)
    body = letter_body(lines)
    seed = seed_case()
    assert body["clinical_summary"] == seed["clinical_summary"]
    assert items_cite(body["disputed_items"], guideline_library()) == seed["disputed_items"]
    reviewer = seed["determination"]["reviewer"]
    assert body["reviewer"]["licensure_states"] == reviewer["licensure_states"] == ["California"]
    assert body["reviewer"]["specialties"] == reviewer["specialties"]
    assert body["reviewer"]["board_certified"] is True
    # "more than five years", "at least 24 hours a week": the least that makes the letter's claims true
    assert (body["reviewer"]["years_in_practice"], body["reviewer"]["weekly_practice_hours"]) == (6, 24)


def test_seed_letter_file_is_refused_for_the_header_it_lacks(guideline_library_rows, tmp_path):
    named = tmp_path / "CM14-0000001.txt"  # the file name supplies the case number, not the dates
    shutil.copy(SEED_LETTER, named)
    before = row_counts()
    run = import_letters(named)
    assert run.stderr.splitlines()[0] == (
        f"{named}: refused: a 2014-15 letter without a header table: its text lacks Decision Date, Date of Injury, "
        "Priority, Application Received (name the file after its case number, e.g. CM14-0000001.pdf, to supply the "
        "case number)"
    )
    assert run.stdout.splitlines() == ["0 imported, 0 skipped, 1 refused"]
    assert run.error == "1 letter(s) refused; nothing of them was written."
    assert row_counts() == before


def test_seed_letter_with_its_header_facts_imports(guideline_library_rows, tmp_path):
    """The same layout with a header table printed after the items (as some published files carry it) imports."""
    named = tmp_path / "letter.txt"
    named.write_text(
        SEED_LETTER.read_text()
        + "\nCase Number: CM14-0000001 Date Assigned: 08/25/2014 Date of Injury: 08/31/1998\n"
        + "Decision Date: 09/15/2014 UR Denial Date: 08/04/2014\nPriority: Standard Application Received: 08/20/2014\n"
    )
    run = import_letters(named)
    assert run.stdout.splitlines()[0] == f"{named}: imported CM14-0000001 (1 item)", run.stderr
    case = Case.objects.get(case_number="CM14-0000001")
    seed = seed_case()
    for field in ("application_received", "ur_decision_date", "date_assigned"):
        assert getattr(case, field).isoformat() == seed[field]
    assert case.claim.date_of_injury.isoformat() == seed["injured_worker"]["date_of_injury"]
    snapshot = current_determination(case).snapshot
    assert snapshot["decision_date"] == seed["determination"]["decision_date"]
    assert snapshot["items"][0]["rationale"] == seed["disputed_items"][0]["rationale"]  # the header is not in it
    assert LetterImport.objects.get(case=case).layout == "2014-15 sentence credentials"
