"""A letter file's text as pages of lines, with PDFium (pypdfium2) for PDFs (docs/adr/0008).

Each line knows whether it starts in bold (the letters' headings are bold). Files that are not a readable letter
PDF are refused with the reason: empty, not a PDF, encrypted, damaged or truncated, or without a text layer.
"""

from __future__ import annotations

import ctypes
import re
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from cases.services.document_text import page_text, pdf_page_raw_text

from .parser.text import LetterRefused, Line

EMPTY = "the file is empty"
NOT_PDF = "not a PDF file (it does not start with %PDF-)"
ENCRYPTED = "the PDF is encrypted (password protected); its text cannot be read"
DAMAGED = "the PDF is damaged and cannot be opened ({error})"
TRUNCATED = "the PDF is truncated (no %%EOF end marker): the file was cut short"
NO_TEXT = "the PDF has no text layer (a scanned image?): run OCR on it first"
NOT_UTF8 = "the text file is not UTF-8"
TEXT_SUFFIXES = {".txt"}
PDF_SUFFIXES = {".pdf"}
_BOLD_WEIGHT = 600
_BOLD_NAME = re.compile(rb"bold|black|heavy", re.IGNORECASE)
_FONT_NAME_SIZE = 128
_EOF_WINDOW = 2048


def file_pages(path: Path, data: bytes) -> list[list[Line]]:
    """The pages of a letter file (``data`` is its content): PDF, or text with pages split at form feeds."""
    if not data.strip():
        raise LetterRefused(EMPTY)
    if path.suffix.lower() in TEXT_SUFFIXES:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise LetterRefused(NOT_UTF8) from None
        return [[Line(line) for line in page.splitlines()] for page in text.split("\f")]
    return pdf_pages(data)


def pdf_pages(data: bytes) -> list[list[Line]]:
    if not data.lstrip()[:5] == b"%PDF-":
        raise LetterRefused(NOT_PDF)
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise LetterRefused(TRUNCATED)
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise LetterRefused(ENCRYPTED) from None
        raise LetterRefused(DAMAGED.format(error=exc)) from None
    try:
        pages = [_page_lines(page) for page in document]
    finally:
        document.close()
    if not any(line.text.strip() for page in pages for line in page):
        raise LetterRefused(NO_TEXT)
    return pages


def _page_lines(page) -> list[Line]:
    textpage = page.get_textpage()
    try:
        text = pdf_page_raw_text(textpage)
        lines = []
        at = 0
        for raw in text.split("\r\n"):
            stripped = raw.lstrip()  # bold or not at its first non-blank character
            bold = bool(stripped) and _is_bold(textpage, at + len(raw) - len(stripped))
            lines.append(Line(raw, bold))
            at += len(raw) + 2
        return lines
    finally:
        textpage.close()
        page.close()


def pages_text(pages: list[list[Line]]) -> list[str]:
    """The stored text of each page of a PDF's ``pdf_pages``, as the document text extraction would store it: the
    lines are PDFium's page text split at its line breaks, so joined again they are that text."""
    return [page_text("\r\n".join(line.text for line in page)) for page in pages]


def _is_bold(textpage, index: int) -> bool:
    """Bold by the font's weight, or by its name when the weight is not declared (WeasyPrint's subsets say 400)."""
    if pdfium_c.FPDFText_GetFontWeight(textpage, index) >= _BOLD_WEIGHT:
        return True
    name = ctypes.create_string_buffer(_FONT_NAME_SIZE)
    pdfium_c.FPDFText_GetFontInfo(textpage, index, name, _FONT_NAME_SIZE, None)
    return _BOLD_NAME.search(name.value) is not None
