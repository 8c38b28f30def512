"""Importing one published letter file: read it, parse it, and import it through ``case_import`` together with the
original PDF (a case document) and its provenance, all in one transaction: a letter is imported whole or not at all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.interchange import CaseDocumentError
from cases.models import Document
from cases.services.interchange import case_import

from . import IMPORTER_VERSION
from .extract import PDF_SUFFIXES, file_pages
from .models import LetterImport
from .parser import LetterRefused, Library, ParsedLetter, parse_letter
from .selectors import case_exists, letter_imported

IMPORTED, REPLACED, SKIPPED, REFUSED, PARSED = "imported", "replaced", "skipped", "refused", "parsed"

CANNOT_READ = "cannot be read: {error}"
SAME_FILE = "already imported from {file_name} (same SHA-256)"
CASE_EXISTS = "{case_number} exists (use --replace to replace it)"
LETTER_DOCUMENT_TITLE = "Final Determination Letter (published)"
_ATTEMPTS = 3


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


def letter_file_import(path: Path, *, library: Library, replace=False, dry_run=False, actor=None) -> Outcome:
    """Import one letter file (PDF or pdftotext text). Never raises for a bad letter: the outcome says why."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Outcome(REFUSED, reason=CANNOT_READ.format(error=exc.strerror or exc))
    sha256 = hashlib.sha256(data).hexdigest()
    if not (replace or dry_run):
        previous = letter_imported(sha256)
        if previous is not None:
            return Outcome(SKIPPED, previous.case.case_number, reason=SAME_FILE.format(file_name=previous.file_name))
    try:
        parsed = letter_parse(path, data, library=library)
    except LetterRefused as exc:
        return Outcome(REFUSED, reason=exc.reason)
    document = parsed.document
    case_number, items = document["case_number"], len(document["disputed_items"])
    if dry_run:
        return Outcome(PARSED, case_number, items, document=document)
    existed = case_exists(case_number)
    if existed and not replace:
        return Outcome(SKIPPED, case_number, items, reason=CASE_EXISTS.format(case_number=case_number))
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            letter_import(
                parsed,
                file_name=path.name,
                data=data,
                sha256=sha256,
                replace=replace,
                actor=actor,
                keep_pdf=path.suffix.lower() in PDF_SUFFIXES,
            )
            break
        except CaseDocumentError as exc:
            return Outcome(REFUSED, case_number, items, reason="; ".join(str(e) for e in exc.field_errors))
        except IntegrityError:
            # Another worker added the same new guideline title (or case) meanwhile: this letter's transaction rolled
            # back whole, and the next attempt finds what the other one added.
            if attempt == _ATTEMPTS:
                raise
    library.learn(document)
    return Outcome(REPLACED if existed else IMPORTED, case_number, items)


def letter_import(
    parsed: ParsedLetter, *, file_name: str, data: bytes, sha256: str, replace=False, actor=None, keep_pdf=True
) -> LetterImport:
    """Import a parsed letter: the case (``case_import``), the original PDF as its document (``keep_pdf``; a text
    file is not kept), and the provenance. Raises ``CaseDocumentError`` as ``case_import`` does."""
    stored = []
    try:
        with transaction.atomic():
            case = case_import(document=parsed.document, replace=replace, actor=actor)
            document = None
            if keep_pdf:
                determination = parsed.document["determination"]
                document = Document(
                    case=case,
                    doc_type=Document.Type.OTHER,
                    title=LETTER_DOCUMENT_TITLE,
                    document_date=determination["decision_date"],
                    received_date=timezone.localdate(),
                    file=ContentFile(data, name=file_name),
                )
                document.save()  # stores the file, with its size and SHA-256
                stored.append(document.file.name)
            return LetterImport.objects.create(
                case=case,
                document=document,
                file_name=file_name[:255],
                sha256=sha256,
                layout=parsed.layout,
                importer_version=IMPORTER_VERSION,
                imported_at=timezone.now(),
            )
    except BaseException:
        # The transaction rolled back; the stored file must not outlive it.
        for name in stored:
            Document._meta.get_field("file").storage.delete(name)
        raise
