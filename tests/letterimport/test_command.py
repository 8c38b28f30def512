"""``import_letters`` as an operator uses it: a second run skips what is in (by SHA-256, then by case number),
``--replace``, ``--dry-run``, ``--jobs``, the progress bar on a terminal, and what the admin then shows."""

import io
import json
import shutil

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases.interchange import case_export
from cases.models import Case, Document
from letterimport.models import LetterImport
from tests import factories as f
from tests.support import row_counts
from tests.support.case_page import case_page_with_panels
from tests.support.faults import refusing_trigger_install

from .conftest import BATCH_OF_THREE, LETTERS_DIR, PUBLIC_DIR, import_letters

pytestmark = pytest.mark.django_db
LETTER = LETTERS_DIR / "CM16-0238676.pdf"  # 2 items


def test_a_second_run_skips_the_same_file_and_a_known_case_number(guideline_library_rows, tmp_path):
    assert import_letters(LETTER).stdout.splitlines() == [
        f"{LETTER}: imported CM16-0238676 (2 items)",
        "1 imported, 0 skipped, 0 refused",
    ]
    before = row_counts()
    text = LETTERS_DIR / "CM16-0238676.txt"  # other bytes, same case
    run = import_letters(LETTER, text)
    assert run.stdout.splitlines() == [
        f"{LETTER}: skipped CM16-0238676: already imported from CM16-0238676.pdf (same SHA-256)",
        f"{text}: skipped CM16-0238676: CM16-0238676 exists (use --replace to replace it)",
        "0 imported, 2 skipped, 0 refused",
    ]
    assert run.error is None  # skipping is not a failure
    assert row_counts() == before
    assert LetterImport.objects.count() == 1


def test_replace_imports_again_and_keeps_the_history(guideline_library_rows):
    import_letters(LETTER)
    case = Case.objects.get(case_number="CM16-0238676")
    case.items.update(title="edited by hand")
    run = import_letters(LETTER, replace=True)
    assert run.stdout.splitlines() == [f"{LETTER}: replaced CM16-0238676 (2 items)", "1 imported, 0 skipped, 0 refused"]
    case.refresh_from_db()
    assert list(case.items.values_list("title", flat=True)) == [
        "Additional physical therapy three times a week for two weeks of the right hip and foot",
        "MRI/CT of the spine and pelvis",
    ]
    assert case.determinations.count() == 1  # the imported determination is replaced, as import_case does
    assert LetterImport.objects.filter(case=case).count() == 2  # one provenance row per import
    assert Document.objects.filter(case=case).count() == 2


def test_dry_run_prints_the_case_document_and_writes_nothing(guideline_library_rows):
    before = row_counts()
    run = import_letters(LETTER, dry_run=True)
    document = json.loads(run.stdout)
    assert document["format"] == "imr-case/1"
    assert document["case_number"] == "CM16-0238676"
    assert [i["decision"] for i in document["disputed_items"]] == ["upheld", "upheld"]
    assert document["determination"]["reviewer"]["licensure_states"] == ["Maryland", "Kansas", "Pennsylvania"]
    assert run.stderr.splitlines() == [
        f"{LETTER}: read CM16-0238676 (2 items); dry run, nothing imported",
        "1 read, 0 refused (dry run: nothing imported)",
    ]
    assert row_counts() == before
    assert not LetterImport.objects.exists()
    # What it prints is what an import writes.
    import_letters(LETTER)
    exported = case_export(Case.objects.get(case_number="CM16-0238676"))
    for key in ("case_number", "clinical_summary", "disputed_items", "determination"):
        assert exported[key] == document[key]


@pytest.mark.django_db(transaction=True)
def test_jobs_import_in_worker_processes_in_order(tmp_path):
    folder = tmp_path / "letters"
    shutil.copytree(LETTERS_DIR, folder, ignore=shutil.ignore_patterns("*.txt", "*.json", "*.md"))
    run = import_letters(folder, jobs=2)
    names = sorted(p.name for p in folder.glob("*.pdf"))
    assert [line.split(":")[0] for line in run.stdout.splitlines()[:-1]] == [str(folder / n) for n in names]
    assert run.stdout.splitlines()[-1] == "14 imported, 0 skipped, 0 refused"
    assert Case.objects.count() == 14 and LetterImport.objects.count() == 14
    # Run again with workers: everything is skipped, nothing written.
    again = import_letters(folder, jobs=2)
    assert again.stdout.splitlines()[-1] == "0 imported, 14 skipped, 0 refused"
    assert LetterImport.objects.count() == 14


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_on_a_terminal_with_many_files(guideline_library_rows, tmp_path):
    folder = tmp_path / "letters"
    folder.mkdir()
    for path in sorted(PUBLIC_DIR.glob("*.pdf"))[:20]:
        shutil.copy(path, folder)
    err = _Terminal()
    call_command("import_letters", str(folder), stdout=io.StringIO(), stderr=err)
    assert "[" + "#" * 30 + "] 20/20" in err.getvalue()
    assert "letters/s" in err.getvalue()
    # Not on a pipe, and not for a few files.
    err = _Terminal()
    call_command("import_letters", str(LETTER), stdout=io.StringIO(), stderr=err)
    assert "letters/s" not in err.getvalue()


def test_admin_shows_where_an_imported_case_came_from(guideline_library_rows, client):
    import_letters(LETTER)
    client.force_login(f.StaffFactory(username="coordinator"))
    case = Case.objects.get(case_number="CM16-0238676")
    provenance = LetterImport.objects.get(case=case)
    page = case_page_with_panels(client, case)  # in the records panel
    assert "Imported from published letters" in page
    for text in ("CM16-0238676.pdf", provenance.sha256, "2016-17 header table", "1.0"):
        assert text in page
    listing = client.get(reverse("admin:letterimport_letterimport_changelist") + "?q=" + provenance.sha256[:12])
    assert listing.status_code == 200 and "CM16-0238676.pdf" in listing.content.decode()
    # A case entered by hand shows no such panel.
    other = case_page_with_panels(client, f.CaseFactory())
    assert "Imported from published letters" not in other


def test_a_letter_the_database_refuses_mid_batch_leaves_nothing_and_the_batch_lands(
    require_postgres, guideline_library_rows, batch_of_three
):
    """The letters of a batch are written together; one the database refuses (here a trigger, as a constraint or a
    concurrent import would) is refused alone, with nothing of it written, its PDF not kept in the storage either."""
    folder, names = batch_of_three, BATCH_OF_THREE
    refusing_trigger_install(
        "imr_test_refuse_case",
        table="cases_case",
        event="AFTER INSERT",
        condition="NEW.case_number = 'CM16-0235724'",
        message="case refused by a test trigger",
    )
    storage = Document._meta.get_field("file").storage
    stored_before = _stored_files(storage)

    run = import_letters(folder)

    assert run.stderr.splitlines() == [
        f"{folder / names[1]}: refused: (document): could not be written: case refused by a test trigger"
    ]
    assert run.stdout.splitlines() == [
        f"{folder / names[0]}: imported CM16-0234202 (1 item)",
        f"{folder / names[2]}: imported CM16-0238676 (2 items)",
        "2 imported, 0 skipped, 1 refused",
    ]
    assert sorted(Case.objects.values_list("case_number", flat=True)) == ["CM16-0234202", "CM16-0238676"]
    assert sorted(LetterImport.objects.values_list("file_name", flat=True)) == [names[0], names[2]]
    assert Document.objects.count() == Document.history.count() == 2
    # The PDFs kept are exactly the two imported letters' (the refused one's, stored by the failed bulk attempt and
    # by its own attempt, were deleted with them).
    assert _stored_files(storage) - stored_before == {d.file.name for d in Document.objects.all()}


def _stored_files(storage) -> set[str]:
    found = set()

    def walk(path):
        folders, files = storage.listdir(path)
        found.update(f"{path}/{name}".lstrip("/") for name in files)
        for name in folders:
            walk(f"{path}/{name}".lstrip("/"))

    walk("")
    return found
