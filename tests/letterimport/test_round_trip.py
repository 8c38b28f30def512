"""Round trip over the 142 published letters of fixtures/public-letters: import them all, render each letter again
(the letter's HTML, as ``render_letter`` prints it) and find the original's text in it, in order: the clinical
summary, and the whole items section (every heading with its decision, both guideline lines, every rationale).

The original's text is read with pypdf, not with the importer's extractor (PDFium), so an extraction mistake cannot
cancel itself out; texts are compared with whitespace folded and a line broken after a hyphen or slash joined. One
letter of our own rendering (with its running header and page numbers) is imported again and reads the same.
"""

import io

import pypdf
import pytest

from cases.letters import letter_html, letter_pdf
from cases.models import Case
from cases.selectors import current_determination
from letterimport.selectors import guideline_library
from letterimport.services import letter_parse
from tests.cases.letters_support import norm

from .conftest import PUBLIC_DIR, html_text, import_letters

pytestmark = pytest.mark.django_db
LEAD = "set forth below:"


def _between(text: str, start: str, end: str | None) -> str:
    at = text.index(start) + len(start)
    return text[at : text.index(end, at) if end else len(text)].strip()


def _round_trips(pdf_path, rendered_html: str) -> bool:
    original = norm(" ".join(page.extract_text() for page in pypdf.PdfReader(pdf_path).pages))
    rendered = norm(html_text(rendered_html))
    summary = _between(original, "including all medical records:", "IMR ISSUES")
    items = _between(original, LEAD, None)
    return summary in rendered and _between(rendered, LEAD, "DOCUMENTS REVIEWED") == items


def test_every_public_letter_renders_back_its_text(guideline_library_rows, settings):
    settings.IMR_ORGANIZATION_SHORT_NAME = "MAXIMUS"
    paths = sorted(PUBLIC_DIR.glob("*.pdf"))
    assert len(paths) == 142
    run = import_letters(PUBLIC_DIR)
    assert run.stdout.splitlines()[-1] == "142 imported, 0 skipped, 0 refused", run.stderr
    whole = []
    for path in paths:
        snapshot = current_determination(Case.objects.get(case_number=path.stem)).snapshot
        if _round_trips(path, letter_html(snapshot)):
            whole.append(path.stem)
    missing = sorted({p.stem for p in paths} - set(whole))
    assert missing == [], f"{len(whole)} of 142 round-trip whole; not: {missing}"


def test_our_own_letter_pdf_imports_back_to_the_same_case(guideline_library_rows, settings, tmp_path):
    """Running header ("Case Number: ..." from page 2), "Page n of m" footers, our header table and the sections after
    the items (DOCUMENTS REVIEWED, NOTICES, DISTRIBUTION) stay out of what is read back."""
    settings.IMR_ORGANIZATION_SHORT_NAME = "MAXIMUS"
    source = PUBLIC_DIR / "CM16-0245466.pdf"  # 8 items: our rendering runs to four pages
    import_letters(source)
    snapshot = current_determination(Case.objects.get(case_number="CM16-0245466")).snapshot
    pdf = letter_pdf(snapshot)
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) >= 3 and "Page 2 of" in pages[1].extract_text()
    rendered = tmp_path / "CM16-0245466.pdf"
    rendered.write_bytes(pdf)
    first = letter_parse(source, source.read_bytes(), library=guideline_library()).document
    again = letter_parse(rendered, pdf, library=guideline_library()).document
    assert again == first
