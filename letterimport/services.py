"""Importing published letter files: read them, parse them, and import them through ``cases_import`` (a batch at a
time) together with each original PDF (a case document) and its provenance: a letter is imported whole or not at all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone

from cases.models import Document, DocumentPage
from cases.services.bulk import rows_create
from cases.services.document_text import document_pages, document_text_known
from cases.services.interchange import cases_import

from . import IMPORTER_VERSION
from .extract import PDF_SUFFIXES, file_pages, pages_text
from .models import LetterImport
from .parser import LetterRefused, Library, ParsedLetter, letter_cite, letter_read, parse_letter
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
class LetterFile:
    """A letter file as ``letter_files_read`` found it: its bytes and their SHA-256, then either why it is refused,
    the import it was already imported by (``earlier``), or its letter read (``letter_read``: the citations wait for
    the library of the writing process) with each page's text (a PDF's, stored with its document)."""

    path: Path
    data: bytes = b""
    sha256: str = ""
    reason: str = ""
    earlier: tuple[str, str] | None = None  # (case number, file name) of the import of the same bytes
    letter: ParsedLetter | None = None
    texts: list[str] | None = None


def letter_files_read(batch: list[tuple[Path, str]], *, skip_imported=True) -> list[LetterFile]:
    """Read and parse a batch of letter files (``(path, problem)``, a problem refusing the path): everything but the
    writing, in one query (which of them, by SHA-256, are in already: not parsed again when ``skip_imported``).
    Worker processes run it; ``letter_files_write`` writes what it returns."""
    files = []
    for path, problem in batch:
        file = LetterFile(path, reason=problem)
        files.append(file)
        if problem:
            continue
        try:
            file.data = path.read_bytes()
        except OSError as exc:
            file.reason = CANNOT_READ.format(error=exc.strerror or exc)
            continue
        file.sha256 = hashlib.sha256(file.data).hexdigest()
    readable = [file for file in files if not file.reason]
    previous = letters_imported(file.sha256 for file in readable) if skip_imported and readable else {}
    for file in readable:
        if file.sha256 in previous:
            earlier = previous[file.sha256]
            file.earlier = (earlier.case.case_number, earlier.file_name)
            continue
        try:
            pages = file_pages(file.path, file.data)
            file.letter = letter_read(pages, source_name=file.path.name)
        except LetterRefused as exc:
            file.reason = exc.reason
            continue
        if file.path.suffix.lower() in PDF_SUFFIXES:
            file.texts = pages_text(pages)
    return files


@dataclass
class _Ready:
    """A letter read, its citations read against the library: waiting for its batch to be written."""

    path: Path
    data: bytes
    sha256: str
    parsed: ParsedLetter
    texts: list[str] | None
    existed: bool = False


def letter_files_write(files: list[LetterFile], *, library: Library, replace=False, dry_run=False, actor=None):
    """Write a batch of ``letter_files_read``: each letter's citations read against ``library`` (which then learns
    the titles of the letters imported, as the import adds them), the batch written together through
    ``cases_import`` (one bulk insert per table, one commit), each letter whole or not at all. Returns one
    ``Outcome`` per file, in order. Never raises for a bad letter: the outcome says why."""
    outcomes: list[Outcome | None] = [None] * len(files)
    # Imported since the batch was read (by an earlier batch of this run, or another run): skipped as well.
    read = [i for i, file in enumerate(files) if file.letter is not None]
    since = {} if replace or dry_run or not read else letters_imported(files[i].sha256 for i in read)
    ready: dict[int, _Ready] = {}
    for i, file in enumerate(files):
        earlier = file.earlier or (
            (since[file.sha256].case.case_number, since[file.sha256].file_name) if file.sha256 in since else None
        )
        if file.reason:
            outcomes[i] = Outcome(REFUSED, reason=file.reason)
        elif earlier is not None:
            outcomes[i] = Outcome(SKIPPED, earlier[0], reason=SAME_FILE.format(file_name=earlier[1]))
        else:
            try:
                parsed = letter_cite(file.letter, library)
            except LetterRefused as exc:
                outcomes[i] = Outcome(REFUSED, reason=exc.reason)
                continue
            document = parsed.document
            if dry_run:
                items = len(document["disputed_items"])
                outcomes[i] = Outcome(PARSED, document["case_number"], items, document=document)
            else:
                ready[i] = _Ready(file.path, file.data, file.sha256, parsed, file.texts)
    existing = cases_existing(r.parsed.document["case_number"] for r in ready.values()) if ready else set()
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
    is not kept) with its pages' text as read (no second extraction), and the provenance, each letter in the same all
    or nothing as its case."""

    def attach(written):
        # Inside the savepoint of the cases just written: the documents and provenance are part of it.
        letters_written = [(letters[index], case) for index, case in written]
        documents = {}
        try:
            for letter, case in letters_written:
                if letter.texts is not None:
                    documents[case.pk] = _letter_document(letter, case)
            rows_create(list(documents.values()), Document)  # stores the files
            pages = [
                page
                for letter, case in letters_written
                if case.pk in documents
                for page in document_pages(documents[case.pk].pk, letter.texts)
            ]
            rows_create(pages, DocumentPage, history=False)
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
    document_text_known(document, letter.texts)  # its text is read: stored with it, not extracted again
    return document


def _delete_files(names):
    storage = Document._meta.get_field("file").storage
    for name in names:
        storage.delete(name)
