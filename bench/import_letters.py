"""Letter import benchmark: letters per second on the 142 published letters of fixtures/public-letters, one process
(one core), against the PDF library alone extracting their text. The ratio is our overhead.

Rows: PDFium text only (pypdfium2, what the importer uses), the importer's reading (PDFium with fonts, furniture,
layout, items and citations: no database), the whole import (``import_letters``: parse, case_import, the PDF stored
as a document, provenance), and a second run over the same folder (everything skipped: the resume cost). Other PDF
libraries are timed for comparison when installed (pypdf is; pdfplumber, poppler's pdftotext may be).

Uses BENCH_DATABASE_URL if set (a PostgreSQL database it may wipe), else a throwaway SQLite file; media go to a
temporary folder. ``make bench`` runs it.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="imr-bench-import-letters-"))
os.environ.update(
    DJANGO_SETTINGS_MODULE="imrsite.settings",
    DATABASE_URL=os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{WORK / 'bench.sqlite3'}"),
    MEDIA_ROOT=str(WORK / "media"),
    SECRET_KEY="bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    LOG_LEVEL="WARNING",
)
os.environ.pop("REDIS_URL", None)

import django  # noqa: E402

django.setup()

import io  # noqa: E402

import pypdfium2 as pdfium  # noqa: E402
from django.core.management import call_command  # noqa: E402

from letterimport.selectors import guideline_library  # noqa: E402
from letterimport.services import letter_parse  # noqa: E402

PUBLIC = ROOT.parent / "shared" / "fixtures" / "public-letters"
PATHS = sorted(PUBLIC.glob("*.pdf"))


def pdfium_text(path):
    document = pdfium.PdfDocument(str(path))
    for page in document:
        textpage = page.get_textpage()
        textpage.get_text_range()
        textpage.close()
        page.close()
    document.close()


def pypdf_text(path):
    import pypdf

    for page in pypdf.PdfReader(path).pages:
        page.extract_text()


def pdfplumber_text(path):
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()


def pdftotext_text(path):
    subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True)


def timed(label, func) -> tuple[str, float]:
    started = time.perf_counter()
    for path in PATHS:
        func(path)
    return label, time.perf_counter() - started


def available(module):
    try:
        __import__(module)
        return True
    except ImportError:
        return False


def main():
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)  # a fresh import every run (BENCH_DATABASE_URL is wiped)
    library = guideline_library()
    rows = [timed("PDFium text only (baseline)", pdfium_text)]
    rows.append(timed("importer reading (no DB)", lambda p: letter_parse(p, p.read_bytes(), library=library)))
    out = io.StringIO()
    started = time.perf_counter()
    call_command("import_letters", str(PUBLIC), stdout=out, stderr=io.StringIO())
    rows.append(("import_letters (whole import)", time.perf_counter() - started))
    assert out.getvalue().splitlines()[-1] == f"{len(PATHS)} imported, 0 skipped, 0 refused", out.getvalue()[-300:]
    started = time.perf_counter()
    call_command("import_letters", str(PUBLIC), stdout=io.StringIO(), stderr=io.StringIO())
    rows.append(("second run (all skipped)", time.perf_counter() - started))
    others = [timed("pypdf text (comparison)", pypdf_text)]
    if available("pdfplumber"):
        others.append(timed("pdfplumber text (comparison)", pdfplumber_text))
    if shutil.which("pdftotext"):
        others.append(timed("pdftotext subprocess (comparison)", pdftotext_text))

    baseline = rows[0][1]
    print(f"{len(PATHS)} published letters, one process; database: {django.db.connection.vendor}")
    header = f"{'':<36}{'seconds':>9}{'letters/s':>11}{'x PDFium':>10}"
    print(header)
    print("-" * len(header))
    for label, seconds in rows + others:
        print(f"{label:<36}{seconds:>9.2f}{len(PATHS) / seconds:>11.1f}{seconds / baseline:>9.1f}x")
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
