"""Letter import benchmark: letters per second importing a batch of 552 published letters in one run, with one job
and with two (worker processes reading while the parent writes), against the PDF library alone extracting their text
on one core and on two. The ratios are our overhead.

The batch: fixtures/public-letters holds 142 published letters; a copy of one would be skipped (same case number),
so each letter is re-written (pypdf) in four copies whose case numbers differ: the digits of its number in the header
table rotated (the same characters, so the fonts' subsets still have them), nothing else changed, encrypted as the
published files are (AES-128, empty user password). The first copy keeps its number: all 552 files went through the
same re-writing, and the baseline rows read the same files as the import. The 138 letters whose number is one
string in the page's content are used (4 split it). The re-written files cost PDFium about as much as the published
ones (a row times PDFium on the 142 published files; the comparison rows use them too).

Rows: PDFium text only (pypdfium2, what the importer uses), the importer's reading (PDFium with fonts, furniture,
layout, items and citations: no database), the whole import (``import_letters``: read, parse, ``cases_import``, the PDF
stored as a document with its page text, provenance) into an emptied database, and a second run over the same
folder (everything skipped: the resume cost). Other PDF libraries are timed for comparison when installed (pypdf
is; pdfplumber, poppler's pdftotext may be).

Each row is measured ``--rounds`` times (3 by default), the rows interleaved; the table gives the median, the range,
and the median of each round's ratio to PDFium's rate in that round (the machine is shared: its load moves).

Uses BENCH_DATABASE_URL if set (a PostgreSQL database it may wipe), else a throwaway SQLite file; media and the
copies go to a temporary folder. ``make bench`` runs it.
"""

import collections
import os
import shutil
import statistics
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

import pypdf  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402
from django.core.management import call_command  # noqa: E402

from letterimport.selectors import guideline_library  # noqa: E402
from letterimport.services import letter_parse  # noqa: E402

PUBLIC = ROOT.parent / "shared" / "fixtures" / "public-letters"
PATHS = sorted(PUBLIC.glob("*.pdf"))
COPIES = 4
BATCH = WORK / "letters"
ROUNDS = 3
PDFIUM_1P, PDFIUM_2P = "PDFium text only, 1 process", "PDFium text only, 2 processes"


def letter_copies() -> list[Path]:
    """``COPIES`` re-written copies of each published letter whose case number is one string in its first page's
    content, the copies' numbers made distinct by rotating its digits."""
    BATCH.mkdir()
    taken = {path.stem for path in PATHS}
    made = []
    for path in PATHS:
        prefix, digits = path.stem.split("-")
        reader = pypdf.PdfReader(path)
        content = reader.pages[0].get_contents().get_data()
        if f"({digits})".encode() not in content:
            continue
        rotations = [digits[i:] + digits[:i] for i in range(len(digits))]
        numbers = [digits] + [d for d in rotations[1:] if f"{prefix}-{d}" not in taken][: COPIES - 1]
        assert len(numbers) == COPIES, path
        for number in numbers:
            taken.add(f"{prefix}-{number}")
            writer = pypdf.PdfWriter(clone_from=reader)
            page = writer.pages[0]
            stream = page.get_contents()
            stream.set_data(content.replace(f"({digits})".encode(), f"({number})".encode()))
            page.replace_contents(stream)
            permissions = reader.trailer["/Encrypt"]["/P"]
            writer.encrypt("", "bench", algorithm="AES-128", permissions_flag=permissions)
            made.append(BATCH / f"{prefix}-{number}.pdf")
            writer.write(made[-1])
    return sorted(made)


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


def timed(label, func, paths, processes=1) -> tuple[str, int, float]:
    """``func`` over ``paths``, in this process or spread over ``processes`` forked ones."""
    started = time.perf_counter()
    if processes == 1:
        for path in paths:
            func(path)
    else:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            pool.map(func, paths, chunksize=8)
    return label, len(paths), time.perf_counter() - started


_library = None


def importer_reading(path):
    global _library
    if _library is None:
        _library = guideline_library()
    letter_parse(path, path.read_bytes(), library=_library)


def imported(label, letters, jobs=None) -> tuple[str, int, float]:
    """``import_letters`` of the batch into an emptied database (the emptying not timed)."""
    call_command("flush", interactive=False, verbosity=0)
    out = io.StringIO()
    started = time.perf_counter()
    call_command("import_letters", str(BATCH), jobs=jobs, stdout=out, stderr=io.StringIO())
    seconds = time.perf_counter() - started
    assert out.getvalue().splitlines()[-1] == f"{letters} imported, 0 skipped, 0 refused", out.getvalue()[-300:]
    return label, letters, seconds


def available(module):
    try:
        __import__(module)
        return True
    except ImportError:
        return False


def main():
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else ROUNDS
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    copies = letter_copies()
    n = len(copies)
    importer_reading(copies[0])  # the library read before the workers fork
    measured = collections.defaultdict(list)  # label: [(letters, seconds), ...], one per round
    loads = []
    for _ in range(rounds):
        for label, letters, seconds in (
            timed(PDFIUM_1P, pdfium_text, copies),
            timed(PDFIUM_2P, pdfium_text, copies, 2),
            timed("PDFium text only, the 142 published files", pdfium_text, PATHS),
            timed("importer reading (no DB), 1 process", importer_reading, copies),
            timed("importer reading (no DB), 2 processes", importer_reading, copies, 2),
            imported("import_letters --jobs 1", n, jobs=1),
            imported("import_letters --jobs 2", n, jobs=2),
        ):
            measured[label].append((letters, seconds))
        started = time.perf_counter()
        call_command("import_letters", str(BATCH), stdout=io.StringIO(), stderr=io.StringIO())
        measured["second run (all skipped), default jobs"].append((n, time.perf_counter() - started))
        loads.append(os.getloadavg()[0])
    measured["pypdf text (comparison, published)"].append(timed("", pypdf_text, PATHS)[1:])
    if available("pdfplumber"):
        measured["pdfplumber text (comparison, published)"].append(timed("", pdfplumber_text, PATHS)[1:])
    if shutil.which("pdftotext"):
        measured["pdftotext subprocess (comparison, published)"].append(timed("", pdftotext_text, PATHS)[1:])

    print(
        f"{n} letters ({n // COPIES} published letters x {COPIES} copies) in one batch, {rounds} rounds (median, and "
        f"the range of letters/s); database: {django.db.connection.vendor}; {os.cpu_count()} cores; load average "
        f"after each round {', '.join(f'{x:.2f}' for x in loads)}"
    )
    header = f"{'':<46}{'letters/s':>11}{'range':>15}{'/ PDFium 1p':>13}{'/ PDFium 2p':>13}"
    print(header)
    print("-" * len(header))
    for label, runs in measured.items():
        rates = [letters / seconds for letters, seconds in runs]
        # Against the baselines of the same round (the comparisons, timed once, against the median baselines).
        against = [_ratios(rates, measured[base]) for base in (PDFIUM_1P, PDFIUM_2P)]
        spread = f"{min(rates):.0f}-{max(rates):.0f}"
        print(f"{label:<46}{statistics.median(rates):>11.1f}{spread:>15}{against[0]:>13.2f}{against[1]:>13.2f}")
    shutil.rmtree(WORK, ignore_errors=True)


def _ratios(rates: list[float], baseline: list[tuple[int, float]]) -> float:
    base = [letters / seconds for letters, seconds in baseline]
    if len(rates) != len(base):
        return statistics.median(rates) / statistics.median(base)
    return statistics.median(rate / b for rate, b in zip(rates, base, strict=True))


if __name__ == "__main__":
    main()
