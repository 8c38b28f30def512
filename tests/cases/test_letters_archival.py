"""Letters and notices that look official and last: Liberation Serif 12 pt body, Liberation Sans 10 pt header table,
the logo as a figure with its alternative text, tagged for accessibility (PDF/UA-1 identification, a structure tree
with headings, paragraphs and tables, the document's language and title) and archivable (PDF/A-3 level A
identification, an output intent, every font embedded), read back with pypdf."""

import io
from collections import Counter

import pypdf
import pytest

from cases.letters import letter_pdf

from .letters_support import determination_from_document, load_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_snapshot():
    return determination_from_document(load_document()).snapshot


def structure(reader) -> list:
    """Every structure element of the tagged PDF: (type, alternative text)."""
    found = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, pypdf.generic.ArrayObject):
            for kid in node:
                walk(kid)
        elif isinstance(node, pypdf.generic.DictionaryObject):
            if "/S" in node:
                found.append((str(node["/S"]), node.get("/Alt")))
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def fonts_used(page) -> dict[str, set]:
    """The (base font, size in points) each run of text is printed in, by its first words."""
    seen = {}

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip() and font_dict:
            size = round(font_size * (tm[0] * cm[0] + tm[1] * cm[2]), 1)
            name = str(font_dict["/BaseFont"]).split("+", 1)[-1]
            seen.setdefault(text.strip()[:20], (name, size))

    page.extract_text(visitor_text=visit)
    return seen


def embedded(font) -> bool:
    font = font.get_object()
    descriptor = font.get("/FontDescriptor")
    if descriptor is None and "/DescendantFonts" in font:
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
    descriptor = descriptor.get_object()
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_the_letter_is_tagged_archival_and_set_like_the_real_letters(seed_snapshot, settings):
    settings.IMR_ORGANIZATION_NAME = "MAXIMUS Federal Services"
    reader = pypdf.PdfReader(io.BytesIO(letter_pdf(seed_snapshot)))
    root = reader.trailer["/Root"]

    assert root["/MarkInfo"]["/Marked"]  # a pypdf BooleanObject: false when untagged
    assert root["/Lang"] == "en"
    kinds = Counter(kind for kind, _alt in structure(reader))
    assert kinds["/Document"] == 1
    assert kinds["/H2"] >= 6 and kinds["/P"] >= 10 and kinds["/Table"] == 2 and kinds["/TH"] >= 8
    assert ("/Figure", "MAXIMUS Federal Services") in structure(reader)  # the logo, described
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
    assert 'pdfuaid:part="1"' in xmp
    assert "Final Determination Letter CM14-0000001" in xmp
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    for page in reader.pages:
        assert all(embedded(font) for font in page["/Resources"]["/Font"].values())

    fonts = fonts_used(reader.pages[0])

    def font_of(words):
        return next(font for text, font in fonts.items() if text.startswith(words))

    assert font_of("Case Number:") == ("Liberation-Sans-Bold", 10.0)
    assert font_of("HOW THE IMR") == ("Liberation-Serif-Bold", 12.0)
    assert font_of("The Expert Reviewer") == ("Liberation-Serif", 12.0)  # the body text


def test_the_header_table_has_the_real_letters_proportions(seed_snapshot):
    """Label and value columns start where the real letters' do (CM17-0006287: 72, 179, 329, 427 pt, within 4 pt)."""
    reader = pypdf.PdfReader(io.BytesIO(letter_pdf(seed_snapshot)))
    starts = {}

    def visit(text, cm, tm, font_dict, font_size):
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        for word in ("Case Number:", "CM14-0000001", "Date of Injury:", "08/31/1998"):
            if text.strip().startswith(word):
                starts.setdefault(word, x)

    reader.pages[0].extract_text(visitor_text=visit)
    expected = {"Case Number:": 72, "CM14-0000001": 179, "Date of Injury:": 329, "08/31/1998": 427}
    for word, x in expected.items():
        assert abs(starts[word] - x) < 8, (word, starts[word])
