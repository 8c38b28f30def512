"""Letter rendering benchmark: median time to render the seed letter and a 20-item letter, through our service
(claim the row, template, static-only fetcher, WeasyPrint, store the file, SHA-256, mark ready) and through
`letter_pdf` alone, against WeasyPrint rendering the same HTML and CSS directly as the same PDF/A-3a variant. The
ratio is our overhead; the last column is what archiving and tagging (PDF/A-3a) cost against a plain PDF.

Runs on a throwaway SQLite database and media folder; needs only the venv (`make bench`).
"""

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="imr-bench-letters-"))
os.environ.update(
    DJANGO_SETTINGS_MODULE="imrsite.settings",
    DATABASE_URL=f"sqlite:///{WORK / 'bench.sqlite3'}",
    MEDIA_ROOT=str(WORK / "media"),
    SECRET_KEY="bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    LOG_LEVEL="WARNING",
)
os.environ.pop("REDIS_URL", None)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from weasyprint import CSS, HTML  # noqa: E402

from cases.letters import PDF_VARIANT, letter_html, letter_pdf  # noqa: E402
from cases.models import Letter  # noqa: E402
from cases.selectors import current_determination  # noqa: E402
from cases.services.determinations import determination_create  # noqa: E402
from cases.services.interchange import case_import  # noqa: E402
from cases.services.letters import letter_render  # noqa: E402

SEED = ROOT / "cases" / "fixtures" / "seed-case.json"
STYLESHEET = ROOT / "static" / "letters" / "letter.css"
RUNS = int(os.environ.get("BENCH_RUNS", "7"))


def median_seconds(func, runs=RUNS) -> float:
    func()  # warm up: fonts, templates, imports
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(determination) -> dict:
    snapshot = determination.snapshot
    html = letter_html(snapshot)
    css = STYLESHEET.read_text()
    next_version = [0]

    def service():
        next_version[0] += 1
        letter = Letter.objects.create(determination=determination, version=1000 + next_version[0])
        assert letter_render(letter_id=letter.id).status == Letter.Status.READY

    return {
        "service": median_seconds(service),
        "letter_pdf": median_seconds(lambda: letter_pdf(snapshot)),
        "weasyprint": median_seconds(
            lambda: HTML(string=html).write_pdf(stylesheets=[CSS(string=css)], pdf_variant=PDF_VARIANT)
        ),
        "plain": median_seconds(lambda: HTML(string=html).write_pdf(stylesheets=[CSS(string=css)])),
    }


def main():
    call_command("migrate", verbosity=0)
    case = case_import(document=json.loads(SEED.read_text()))
    seed = current_determination(case)
    twenty = determination_create(
        case=case, snapshot=dict(seed.snapshot, items=seed.snapshot["items"] * 20), origin="signed"
    )
    rows = [("seed letter (1 item)", measure(seed)), ("20-item letter", measure(twenty))]
    print(f"Median of {RUNS} runs, seconds (WeasyPrint direct = same HTML, CSS and PDF/A-3a, no service, no fetcher)")
    header = f"{'letter':<22}{'service':>10}{'letter_pdf':>12}{'WeasyPrint':>12}{'overhead':>10}{'PDF/A cost':>12}"
    print(header)
    print("-" * len(header))
    for name, r in rows:
        ratio = r["service"] / r["weasyprint"]
        archival = r["weasyprint"] / r["plain"]
        print(
            f"{name:<22}{r['service']:>10.3f}{r['letter_pdf']:>12.3f}{r['weasyprint']:>12.3f}{ratio:>9.2f}x"
            f"{archival:>11.2f}x"
        )


if __name__ == "__main__":
    main()
