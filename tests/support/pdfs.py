"""Small PDFs made on the spot for the document text tests: one with a text layer per page, one without any."""

import io

import pypdfium2
from weasyprint import HTML

from cases.letters import StaticOnlyURLFetcher


def pdf_with_pages(texts: list[str]) -> bytes:
    """A PDF with one page per text (real text layer, rendered by WeasyPrint)."""
    pages = "".join(f'<section style="page-break-after: always">{t}</section>' for t in texts)
    return HTML(string=f"<html><body>{pages}</body></html>", url_fetcher=StaticOnlyURLFetcher()).write_pdf()


def scanned_pdf(pages: int = 2) -> bytes:
    """A PDF whose pages carry no text layer (what a scanner without OCR produces)."""
    pdf = pypdfium2.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(612, 792)
    buffer = io.BytesIO()
    pdf.save(buffer)
    pdf.close()
    return buffer.getvalue()
