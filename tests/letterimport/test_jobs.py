"""``import_letters`` with worker processes reading while the command's process writes (``--jobs``): the same cases
as one process imports, each stored letter's page text written with it (no second extraction queued), and a letter
the database refuses mid-batch absent while every other letter is whole."""

import shutil

import pytest
import redis
from django.core.management import call_command

from cases.interchange import case_export
from cases.models import Case, Document, DocumentPage
from cases.services.document_text import document_extract_text
from letterimport.models import LetterImport
from tests.support.faults import refusing_trigger_install, refusing_trigger_remove

from .conftest import BATCH_OF_THREE, LETTERS_DIR, PUBLIC_DIR, import_letters

pytestmark = pytest.mark.django_db(transaction=True)


def _imported() -> dict:
    """Every case as ``case_export`` gives it, with its provenance and its document's page texts."""
    found = {}
    for case in Case.objects.order_by("case_number"):
        provenance = LetterImport.objects.get(case=case)
        pages = list(DocumentPage.objects.filter(document=provenance.document).values_list("number", "text"))
        found[case.case_number] = (case_export(case), provenance.file_name, provenance.layout, pages)
    return found


def test_two_jobs_import_what_one_job_imports(tmp_path):
    """The 142 public letters from an empty guideline library: how a guideline line splits into citations depends
    on the titles learnt from the letters imported before, so the citations are read in the writing process, in
    order, whatever process read the letter."""
    run = import_letters(PUBLIC_DIR, jobs=1)
    assert run.stdout.splitlines()[-1] == "142 imported, 0 skipped, 0 refused"
    one_job = _imported()
    call_command("flush", interactive=False, verbosity=0)
    run = import_letters(PUBLIC_DIR, jobs=2)
    assert run.stdout.splitlines()[-1] == "142 imported, 0 skipped, 0 refused"
    assert _imported() == one_job


def test_a_stored_letter_has_its_text_without_an_extraction_queued(redis_url, settings, tmp_path):
    """Through the broker (not eager): the import queues no extraction task, and each page's text is the text the
    extraction task stores for that PDF."""
    settings.MEDIA_ROOT = tmp_path / "media"
    broker = redis.Redis.from_url(redis_url)
    broker.delete("celery")
    folder = tmp_path / "letters"
    shutil.copytree(LETTERS_DIR, folder, ignore=shutil.ignore_patterns("*.txt", "*.json", "*.md"))

    run = import_letters(folder, jobs=2)

    assert run.stdout.splitlines()[-1] == "14 imported, 0 skipped, 0 refused"
    assert broker.llen("celery") == 0  # no document_extract_text message
    documents = Document.objects.order_by("id")
    assert len(documents) == 14
    stored = {d.pk: list(DocumentPage.objects.filter(document=d).values_list("number", "text")) for d in documents}
    for document in documents:
        assert document.text_status == Document.TextStatus.SEARCHABLE
        assert document.pages == len(stored[document.pk]) > 0
        document_extract_text(document_id=document.pk)  # what the task would have stored
        assert list(DocumentPage.objects.filter(document=document).values_list("number", "text")) == stored[document.pk]
        assert f"Case Number: {document.case.case_number}" in stored[document.pk][0][1]


def test_a_page_the_database_refuses_leaves_that_letter_absent_and_the_others_whole(
    require_postgres, settings, tmp_path, batch_of_three
):
    """A trigger refuses the page text of one letter's document (the last row of a letter written): with worker
    processes reading, that letter is refused with nothing of it written (its PDF not kept either), the others land
    whole."""
    settings.MEDIA_ROOT = tmp_path / "media"
    folder, names = batch_of_three, BATCH_OF_THREE
    refusing_trigger_install(
        "imr_test_refuse_page",
        table="cases_documentpage",
        event="AFTER INSERT",
        condition="NEW.text LIKE '%CM16-0235724%'",
        message="page refused by a test trigger",
    )
    try:
        run = import_letters(folder, jobs=2)
    finally:
        refusing_trigger_remove("imr_test_refuse_page", table="cases_documentpage")

    assert run.stderr.splitlines() == [
        f"{folder / names[1]}: refused: (document): could not be written: page refused by a test trigger"
    ]
    assert run.stdout.splitlines()[-1] == "2 imported, 0 skipped, 1 refused"
    assert sorted(Case.objects.values_list("case_number", flat=True)) == ["CM16-0234202", "CM16-0238676"]
    assert sorted(LetterImport.objects.values_list("file_name", flat=True)) == [names[0], names[2]]
    for document in Document.objects.all():
        assert document.page_texts.count() == document.pages > 0
    stored = {p.relative_to(settings.MEDIA_ROOT).as_posix() for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()}
    assert stored == {d.file.name for d in Document.objects.all()}
