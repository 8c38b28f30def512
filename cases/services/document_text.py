"""The text of case documents, page by page, so reviewers can search hundreds of pages (issue 13, item 4).

Extraction uses pypdfium2 (PDFium), the library of the letter importer (docs/adr/0008-published-letter-import.md).
A page without a text layer yields no text: a document whose pages all come back empty is marked "scanned, not
searchable" (OCR is a later step). Images (TIFF, PNG, JPEG) are scanned by definition.
"""

import logging
import re

import pypdfium2
from django.db import transaction

from ..models import Document, DocumentPage

logger = logging.getLogger(__name__)

EXTRACTION_SOFT_TIME_LIMIT = 300
EXTRACTION_TIME_LIMIT = 360


def document_text_enqueue(*, document_id: int) -> bool:
    """Send the extraction task. Never raises: with the broker down the document stays "not extracted yet"."""
    from ..tasks import document_extract_text as task

    try:
        task.delay(document_id)
    except Exception:  # noqa: BLE001 - a broker failure leaves the document pending; re-upload or run by hand
        logger.warning("Document %s: text extraction not queued (broker unreachable).", document_id)
        return False
    return True


# PDFium marks a hyphen it joined at a line end with U+0002 or U+FFFE (docs/adr/0008): the word is whole without it.
JOINED_HYPHEN = str.maketrans({"\x02": None, "\ufffe": None, "\x00": None})


def pdf_page_raw_text(textpage) -> str:
    """PDFium's text of a page (a ``PdfTextPage``): every character of its text layer in order, "\\r\\n" between
    lines. The letter importer reads the same text (``letterimport.extract``) and stores it with ``page_text``."""
    count = textpage.count_chars()
    return textpage.get_text_range(0, count) if count else ""


def page_text(raw: str) -> str:
    """A page's stored (searchable) text from its ``pdf_page_raw_text``."""
    return raw.replace("\r\n", "\n").translate(JOINED_HYPHEN)


def _pdf_pages(path) -> list[str]:
    pdf = pypdfium2.PdfDocument(path)
    try:
        texts = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            texts.append(page_text(pdf_page_raw_text(textpage)))
            textpage.close()
            page.close()
        return texts
    finally:
        pdf.close()


def document_text_known(document: Document, texts: list[str]):
    """For a new document whose file's text the caller has just read with PDFium (the letter importer, ``texts`` as
    ``page_text`` gives them): its text status and page count as the extraction would set them, and no extraction
    queued. Call after ``Document.file_prepare``, then insert the document and its ``document_pages``."""
    document.text_status = _text_status(texts)
    document.pages = document.pages or len(texts) or None
    document._text_extraction_due = False


def document_pages(document_id: int, texts: list[str]) -> list[DocumentPage]:
    """The rows of a document's page texts, numbered from 1."""
    return [DocumentPage(document_id=document_id, number=number, text=text) for number, text in enumerate(texts, 1)]


def _text_status(texts: list[str]) -> str:
    searchable = any(text.strip() for text in texts)
    return Document.TextStatus.SEARCHABLE if searchable else Document.TextStatus.SCANNED


def document_extract_text(*, document_id: int) -> Document | None:
    """Store the text of every page of ``document_id`` (replacing what was there) and its text status.

    Idempotent: running it again on the same file stores the same rows. A document without a file is skipped.
    """
    document = Document.objects.filter(pk=document_id).first()
    if document is None or not document.file:
        return None
    if document.file.name.lower().endswith(".pdf"):
        try:
            with document.file.open("rb") as handle:
                texts = _pdf_pages(handle.read())
        except pypdfium2.PdfiumError as exc:
            logger.warning("Document %s: no text extracted (%s).", document_id, exc)
            Document.objects.filter(pk=document_id).update(text_status=Document.TextStatus.FAILED)
            return document
    else:
        texts = []
    status = _text_status(texts)
    with transaction.atomic():
        DocumentPage.objects.filter(document_id=document_id).delete()
        DocumentPage.objects.bulk_create(document_pages(document_id, texts))
        updates = {"text_status": status}
        if texts and not document.pages:
            updates["pages"] = len(texts)
        Document.objects.filter(pk=document_id).update(**updates)
    document.refresh_from_db()
    return document


def snippet(text: str, words: list[str], *, width: int = 80) -> list[tuple[str, bool]]:
    """The stretch of ``text`` around the first of ``words`` found, whitespace folded, with ellipses, as parts
    (text, is a searched word) so the page can mark the words (the template escapes every part)."""
    flat = re.sub(r"\s+", " ", text).strip()
    lowered = flat.casefold()
    positions = [lowered.find(word.casefold()) for word in words]
    found = [p for p in positions if p >= 0]
    at = min(found) if found else 0
    start, end = max(0, at - width), min(len(flat), at + width)
    shown = ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else "")
    pattern = re.compile("(" + "|".join(re.escape(w) for w in words) + ")", re.IGNORECASE) if words else None
    pieces = pattern.split(shown) if pattern else [shown]
    return [(piece, index % 2 == 1) for index, piece in enumerate(pieces) if piece]
