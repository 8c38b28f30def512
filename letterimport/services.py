"""Importing published letter files: read them, parse them, and import them through ``cases_import`` (a batch at a
time) together with each original PDF (a case document) and its provenance: a letter is imported whole or not at all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone

from cases.models import Document
from cases.services.bulk import rows_create
from cases.services.interchange import cases_import

from . import IMPORTER_VERSION
from .extract import PDF_SUFFIXES, file_pages
from .models import LetterImport
from .parser import LetterRefused, Library, ParsedLetter, parse_letter
from .selectors import cases_existing, letters_imported

IMPORTED, REPLACED, SKIPPED, REFUSED, PARSED = "imported", "replaced", "skipped", "refused", "parsed"

CANNOT_READ = "cannot be read: {error}"
SAME_FILE = "already imported from {file_name} (same SHA-256)"
CASE_EXISTS = "{case_number} exists (use --replace to replace it)"
LETTER_DOCUMENT_TITLE = "Final Determination Letter (published)"


@dataclass
class Outcome:
    """What became of one letter file; ``document`` is the parsed ``imr-case/1`` document (dry runs print it)."""

    status: str
    case_number: str = ""
    items: int = 0
    reason: str = ""
    document: dict | None = field(default=None, repr=False)


def letter_parse(path: Path, data: bytes, *, library: Library) -> ParsedLetter:
    """A letter file's content as a parsed letter; ``LetterRefused`` with the reason when it cannot be read."""
    return parse_letter(file_pages(path, data), source_name=path.name, library=library)


@dataclass
class _Ready:
    """A letter file read and parsed, waiting for its batch to be written."""

    path: Path
    data: bytes
    sha256: str
    parsed: ParsedLetter
    existed: bool


def letter_files_import(paths: list[Path], *, library: Library, replace=False, dry_run=False, actor=None):
    """Import a batch of letter files (PDF or pdftotext text): each is read and parsed, then the batch is written
    together through ``cases_import`` (one bulk insert per table, one commit), each letter whole or not at all.
    Returns one ``Outcome`` per path, in order. Never raises for a bad letter: the outcome says why."""
    outcomes: list[Outcome | None] = [None] * len(paths)
    read = {}
    for i, path in enumerate(paths):
        try:
            read[i] = path.read_bytes()
        except OSError as exc:
            outcomes[i] = Outcome(REFUSED, reason=CANNOT_READ.format(error=exc.strerror or exc))
    shas = {i: hashlib.sha256(data).hexdigest() for i, data in read.items()}
    previous = {} if replace or dry_run else letters_imported(shas.values())
    ready: dict[int, _Ready] = {}
    for i, data in read.items():
        if shas[i] in previous:
            earlier = previous[shas[i]]
            outcomes[i] = Outcome(
                SKIPPED, earlier.case.case_number, reason=SAME_FILE.format(file_name=earlier.file_name)
            )
            continue
        try:
            parsed = letter_parse(paths[i], data, library=library)
        except LetterRefused as exc:
            outcomes[i] = Outcome(REFUSED, reason=exc.reason)
            continue
        document = parsed.document
        if dry_run:
            outcomes[i] = Outcome(PARSED, document["case_number"], len(document["disputed_items"]), document=document)
        else:
            ready[i] = _Ready(paths[i], data, shas[i], parsed, existed=False)
    existing = cases_existing(r.parsed.document["case_number"] for r in ready.values())
    seen = set()
    for i, letter in list(ready.items()):
        case_number = letter.parsed.document["case_number"]
        letter.existed = case_number in existing or case_number in seen
        seen.add(case_number)
        if letter.existed and not replace:
            items = len(letter.parsed.document["disputed_items"])
            outcomes[i] = Outcome(SKIPPED, case_number, items, reason=CASE_EXISTS.format(case_number=case_number))
            del ready[i]
    for i, outcome in zip(ready, letters_import(list(ready.values()), actor=actor, replace=replace), strict=True):
        outcomes[i] = outcome
        if outcome.status != REFUSED:
            library.learn(ready[i].parsed.document)
    return outcomes


def letters_import(letters: list[_Ready], *, replace=False, actor=None) -> list[Outcome]:
    """Write parsed letters: their cases (``cases_import``), each original PDF as its case's document (a text file
    is not kept) and the provenance, each letter in the same all or nothing as its case."""

    def attach(written):
        # Inside the savepoint of the cases just written: the documents and provenance are part of it.
        letters_written = [(letters[index], case) for index, case in written]
        documents = {}
        try:
            for letter, case in letters_written:
                if letter.path.suffix.lower() in PDF_SUFFIXES:
                    documents[case.pk] = _letter_document(letter, case)
            saved = rows_create(list(documents.values()), Document)  # stores the files
            now = timezone.now()
            rows_create(
                [
                    LetterImport(
                        case=case,
                        document=documents.get(case.pk),
                        file_name=letter.path.name[:255],
                        sha256=letter.sha256,
                        layout=letter.parsed.layout,
                        importer_version=IMPORTER_VERSION,
                        imported_at=now,
                    )
                    for letter, case in letters_written
                ],
                LetterImport,
                history=False,
            )
        except BaseException:
            # The savepoint rolls back; the files stored must not outlive it.
            _delete_files(d.file.name for d in documents.values() if d.file._committed)
            raise
        for document in saved:
            document.text_extraction_enqueue_on_commit()

    results = cases_import([letter.parsed.document for letter in letters], replace=replace, actor=actor, attach=attach)
    outcomes = []
    for letter, result in zip(letters, results, strict=True):
        case_number, items = letter.parsed.document["case_number"], len(letter.parsed.document["disputed_items"])
        if result.errors:
            outcomes.append(Outcome(REFUSED, case_number, items, reason="; ".join(str(e) for e in result.errors)))
        else:
            outcomes.append(Outcome(REPLACED if result.replaced else IMPORTED, case_number, items))
    return outcomes


def _letter_document(letter: _Ready, case) -> Document:
    document = Document(
        case=case,
        doc_type=Document.Type.OTHER,
        title=LETTER_DOCUMENT_TITLE,
        document_date=letter.parsed.document["determination"]["decision_date"],
        received_date=timezone.localdate(),
        file=ContentFile(letter.data, name=letter.path.name),
    )
    document.file_prepare()  # its size and SHA-256, as ``save`` records them
    return document


def _delete_files(names):
    storage = Document._meta.get_field("file").storage
    for name in names:
        storage.delete(name)
