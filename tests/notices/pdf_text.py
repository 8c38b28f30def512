"""A PDF's text, two ways: in reading order without running header and footer (pypdf, as the letter tests read it),
and everything poppler's pdftotext gets out of it (what a reader of a published copy can copy)."""

import re
import subprocess

from tests.cases.letters_support import fold, pdf_body_text


def pdftotext(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return re.sub(r"\s+", " ", out.decode("utf-8")).strip()


def stored_pdf(row) -> bytes:
    with row.file.open("rb") as handle:
        return handle.read()


def stored_text(row) -> str:
    """The body text of a rendered letter's or notice's stored file, whitespace folded. Without list bullets: in a
    tagged PDF pypdf reads a list's marker (marked content of its own) where the page breaks, not before its item."""
    return fold(pdf_body_text(stored_pdf(row)).replace("•", " "))
