"""Files that are not a readable letter are refused, each with its reason and the file's name, nothing of them is
written, and the rest of the batch goes on. The bad files are made here: an image-only PDF, an encrypted and a
corrupt one, a truncated file, a PDF that is no determination letter, an empty file, letters of known but unsupported
layouts, and a letter whose item has no decision."""

import io
import shutil
import struct
import zlib

import pypdf
import pytest
from weasyprint import HTML

from cases.models import Case
from letterimport import extract
from letterimport.models import LetterImport
from letterimport.parser import UNKNOWN_LAYOUT
from tests.support import row_counts

from .conftest import LETTERS_DIR, import_letters

pytestmark = pytest.mark.django_db
GOOD = LETTERS_DIR / "CM16-0235724.pdf"


def _png(width=40, height=40) -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80\x20\x20" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def _image_only_pdf(tmp_path) -> bytes:
    """A scanned letter: one page holding a picture and no text layer."""
    (tmp_path / "scan.png").write_bytes(_png())
    return HTML(string='<img src="scan.png" style="width: 15cm">', base_url=str(tmp_path) + "/").write_pdf()


def _encrypted_pdf() -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(GOOD))
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _letter_text(text: str) -> bytes:
    return HTML(string="".join(f"<p>{line}</p>" for line in text.splitlines())).write_pdf()


def _text_with(old: str, new: str) -> str:
    text = (LETTERS_DIR / "CM16-0235724.txt").read_text()
    assert old in text
    return text.replace(old, new)


SECOND_CLAIMS_LINE = (  # of CM16-0238676's second item
    "Claims Administrator guideline: The Claims Administrator based their decision on\nrecommendation(s) outside of "
    "the MTUS Guidelines. Decision based on Non-MTUS Citation\nOfficial Disability Guidelines - Hip and Pelvis "
    "Chapter.\n"
)
BAD_FILES = {
    "scan.pdf": (_image_only_pdf, extract.NO_TEXT),
    "locked.pdf": (lambda tmp: _encrypted_pdf(), extract.ENCRYPTED),
    "corrupt.pdf": (
        lambda tmp: b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n",
        "the PDF is damaged and cannot be opened (Failed to load document (PDFium: Data format error).)",
    ),
    "truncated.pdf": (lambda tmp: GOOD.read_bytes()[: len(GOOD.read_bytes()) // 2], extract.TRUNCATED),
    "invoice.pdf": (lambda tmp: _letter_text("INVOICE 2291\nTotal due: $120.00"), UNKNOWN_LAYOUT),
    "empty.pdf": (lambda tmp: b"", extract.EMPTY),
    "blank.txt": (lambda tmp: b"  \n\f\n", extract.EMPTY),
    "photo.pdf": (lambda tmp: _png(), extract.NOT_PDF),
    "latin1.txt": (lambda tmp: "Case Number: CM16-0000001 Caf\xe9".encode("latin-1"), extract.NOT_UTF8),
    "2013.txt": (
        lambda tmp: b"Notice of Independent Medical Review Determination\n1) MAXIMUS Federal Services, Inc. has ...",
        "the 2013 'Notice of Independent Medical Review Determination' layout is not supported yet",
    ),
    "review.txt": (
        lambda tmp: b"MEDICAL PROFESSIONAL REVIEW\nISSUE AT DISPUTE: MRI\nCASE SUMMARY: ...",
        "the 'MEDICAL PROFESSIONAL REVIEW' layout is not supported yet",
    ),
    "maximus.txt": (
        lambda tmp: b"MAXIMUS FEDERAL SERVICES, INC.\nIndependent Medical Review\nDOCUMENTS REVIEWED\n",
        "the MAXIMUS 2010s 'IMR DECISION(S) AND RATIONALE(S)' layout is not supported yet",
    ),
    "no-decision.txt": (
        lambda tmp: _text_with("contrast: Overturned", "contrast:").encode(),
        "item 1: no decision after the heading 'MRI of the cervical spine bilateral without contrast:'",
    ),
    "no-rationale.txt": (
        lambda tmp: _text_with("Decision rationale:", "Rationale:").encode(),
        "item 1: no 'Decision rationale:' after the guideline lines",
    ),
    "bad-guideline.txt": (
        lambda tmp: _text_with(
            "guideline: Decision based on MTUS Neck and Upper Back Complaints\n2004.", "guideline: See file."
        ).encode(),
        "item 1: the claims administrator guideline cannot be read as a guideline line: 'See file.'",
    ),
    "item-without-anchor.txt": (
        lambda tmp: (LETTERS_DIR / "CM16-0238676.txt").read_text().replace(SECOND_CLAIMS_LINE, "").encode(),
        "item 1: a second 'Decision rationale:' in its rationale (an item without 'Claims Administrator guideline:'?)",
    ),
    "no-date.txt": (
        lambda tmp: _text_with("01/09/2017", "soon").encode(),
        "header: Decision Date reads 'soon', not a date MM/DD/YYYY",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_refused_with_its_reason_and_the_batch_goes_on(name, guideline_library_rows, tmp_path):
    make, reason = BAD_FILES[name]
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / name).write_bytes(make(tmp_path))
    shutil.copy(LETTERS_DIR / "CM16-0236134.pdf", folder / "zz-good.pdf")  # after the bad one in name order
    before = row_counts()
    run = import_letters(folder)
    assert run.stderr.splitlines() == [f"{folder / name}: refused: {reason}"]
    assert run.stdout.splitlines() == [
        f"{folder / 'zz-good.pdf'}: imported CM16-0236134 (1 item)",
        "1 imported, 0 skipped, 1 refused",
    ]
    assert run.error == "1 letter(s) refused; nothing of them was written."
    # Only the good letter was written: one case, and nothing of the bad file (no case, document or provenance).
    assert list(Case.objects.values_list("case_number", flat=True)) == ["CM16-0236134"]
    assert list(LetterImport.objects.values_list("file_name", flat=True)) == ["zz-good.pdf"]
    after = row_counts()
    assert after["cases.Case"] == before["cases.Case"] + 1


def test_missing_path_is_refused(db, tmp_path):
    run = import_letters(tmp_path / "nowhere")
    assert run.stderr.splitlines() == [f"{tmp_path / 'nowhere'}: refused: no such file or folder"]
    assert run.error == "1 letter(s) refused; nothing of them was written."


def test_a_refused_replace_writes_nothing(guideline_library_rows, tmp_path):
    """A letter the import service refuses after parsing (a case signed in this system is never replaced) leaves the
    database and the media folder as they were: the PDF stored for it is removed with the rolled-back rows."""
    from cases.models import Determination, Document

    assert import_letters(GOOD).error is None
    case = Case.objects.get(case_number="CM16-0235724")
    Determination.objects.filter(case=case).update(origin=Determination.Origin.SIGNED)
    storage = Document._meta.get_field("file").storage
    stored_before = sorted(storage.listdir("documents/CM16-0235724")[1])
    before = row_counts()
    imports_before = list(LetterImport.objects.values_list("id", flat=True))
    run = import_letters(GOOD, replace=True)
    assert run.stderr.splitlines() == [
        f"{GOOD}: refused: case_number: CM16-0235724 has a determination signed in this system and is never replaced"
    ]
    assert row_counts() == before
    assert list(LetterImport.objects.values_list("id", flat=True)) == imports_before
    assert sorted(storage.listdir("documents/CM16-0235724")[1]) == stored_before
