"""Letter import benchmark: letters per second importing the 142 published letters of fixtures/public-letters, with
one job and with two (worker processes reading while the parent writes), against the PDF library alone extracting
their text, on one core and on two. The ratio is our overhead.

A batch of at least 500 letters: there are 142 published letters, and a copy of one cannot be told apart from it
(same case number: skipped) unless its text is changed, which these PDFs (encrypted by the publisher) do not allow
without re-writing them, and so changing the work. So each measure imports the corpus ``PASSES`` times (568
letters), into a database emptied before each pass (not timed): the same work as 568 different letters, in runs of
142. The reading rows read the corpus the same number of times.

Rows: PDFium text only (pypdfium2, what the importer uses), the importer's reading (PDFium with fonts, furniture,
layout, items and citations: no database), the whole import (``import_letters``: read, parse, ``cases_import``, the PDF
stored as a document with its page text, provenance), and a second run over the same folder (everything skipped: the
resume cost). Other PDF libraries are timed for comparison when installed (pypdf is; pdfplumber, poppler's pdftotext
may be).

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
import multiprocessing  # noqa: E402

import pypdfium2 as pdfium  # noqa: E402
from django.core.management import call_command  # noqa: E402

from letterimport.selectors import guideline_library  # noqa: E402
from letterimport.services import letter_parse  # noqa: E402

PUBLIC = ROOT.parent / "shared" / "fixtures" / "public-letters"
PATHS = sorted(PUBLIC.glob("*.pdf"))
PASSES = 4
LETTERS = len(PATHS) * PASSES


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


def timed(label, func, processes=1) -> tuple[str, float]:
    """``func`` over every letter ``PASSES`` times, in this process or spread over ``processes`` forked ones."""
    paths = PATHS * PASSES
    started = time.perf_counter()
    if processes == 1:
        for path in paths:
            func(path)
    else:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            pool.map(func, paths, chunksize=8)
    return label, time.perf_counter() - started


_library = None


def importer_reading(path):
    global _library
    if _library is None:
        _library = guideline_library()
    letter_parse(path, path.read_bytes(), library=_library)


def imported(label, jobs) -> tuple[str, float]:
    """``import_letters`` of the corpus ``PASSES`` times, each into an emptied database (not timed)."""
    seconds = 0.0
    for _ in range(PASSES):
        call_command("flush", interactive=False, verbosity=0)
        out = io.StringIO()
        started = time.perf_counter()
        call_command("import_letters", str(PUBLIC), jobs=jobs, stdout=out, stderr=io.StringIO())
        seconds += time.perf_counter() - started
        expected = f"{len(PATHS)} imported, 0 skipped, 0 refused"
        assert out.getvalue().splitlines()[-1] == expected, out.getvalue()[-300:]
    return label, seconds


def available(module):
    try:
        __import__(module)
        return True
    except ImportError:
        return False


def main():
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    importer_reading(PATHS[0])  # the library read before the workers fork
    rows = [
        timed("PDFium text only, 1 process", pdfium_text),
        timed("PDFium text only, 2 processes", pdfium_text, 2),
        timed("importer reading (no DB), 1 process", importer_reading),
        timed("importer reading (no DB), 2 processes", importer_reading, 2),
        imported("import_letters --jobs 1", 1),
        imported("import_letters --jobs 2", 2),
    ]
    started = time.perf_counter()
    for _ in range(PASSES):
        call_command("import_letters", str(PUBLIC), stdout=io.StringIO(), stderr=io.StringIO())
    rows.append(("second run (all skipped), default jobs", time.perf_counter() - started))
    others = [timed("pypdf text (comparison)", pypdf_text)]
    if available("pdfplumber"):
        others.append(timed("pdfplumber text (comparison)", pdfplumber_text))
    if shutil.which("pdftotext"):
        others.append(timed("pdftotext subprocess (comparison)", pdftotext_text))

    one_core, two_cores = rows[0][1], rows[1][1]
    print(
        f"{len(PATHS)} published letters x {PASSES} passes = {LETTERS} letters; database: {django.db.connection.vendor}"
        f"; {os.cpu_count()} cores; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    header = f"{'':<42}{'seconds':>9}{'letters/s':>11}{'x PDFium 1p':>13}{'x PDFium 2p':>13}"
    print(header)
    print("-" * len(header))
    for label, seconds in rows + others:
        print(
            f"{label:<42}{seconds:>9.2f}{LETTERS / seconds:>11.1f}"
            f"{seconds / one_core:>12.2f}x{seconds / two_cores:>12.2f}x"
        )
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
