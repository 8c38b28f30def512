"""Import benchmark: ``manage.py import_case`` on a batch of 500 ``imr-case/1`` files, on PostgreSQL.

    .venv/bin/python bench/imports.py [--cases 500] [--database-url postgres://…/imr_bench_import]

The files are the seed case with numbers, names and parties varied: three disputed items of four citations each (the
library's titles and a few it lacks), treatment history, two parties; one in four carries an imported determination.
Each file is imported whole or not at all, as the command does. Prints cases per second (goal: at least 200) and the
queries per case. It wipes the database it is given (BENCH_DATABASE_URL); without one it says so and skips.
"""

import argparse
import copy
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SEED = ROOT / "cases" / "fixtures" / "seed-case.json"
TITLES = [
    "Chronic Pain Medical Treatment Guidelines",
    "Low Back Complaints",
    "Neck and Upper Back Complaints",
    "Official Disability Guidelines (ODG), Pain Chapter",
    "A Title The Library Lacks",
]


def documents(count: int) -> list[dict]:
    seed = json.loads(SEED.read_text())
    result = []
    for n in range(count):
        doc = copy.deepcopy(seed)
        doc["case_number"] = f"CM19-{n + 1:07d}"
        doc["injured_worker"]["claim_number"] = f"ADJ{n:07d}"
        doc["parties"] = [
            {"role": "employer", "name": f"Employer {n % 97}", "address": "1 Main St"},
            {"role": "claims_administrator", "name": "State Compensation Insurance Fund"},
        ]
        item = doc["disputed_items"][0]
        items = []
        for i in range(3):
            entry = copy.deepcopy(item)
            entry["title"] = f"{item['title']} ({i + 1})"
            cited = [{"source": "MTUS", "title": TITLES[(n + i + k) % len(TITLES)], "pages": str(k)} for k in range(2)]
            entry["claims_administrator_citations"] = cited
            entry["citations"] = cited[::-1]
            items.append(entry)
        doc["disputed_items"] = items
        if n % 4:
            doc.pop("determination", None)
            for entry in items:
                entry["decision"] = None
        result.append(doc)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()
    if not (args.database_url or "").startswith("postgres"):
        print("bench/imports.py: skipped (needs BENCH_DATABASE_URL, a PostgreSQL database it may wipe; see README)")
        return
    os.environ.update(
        DATABASE_URL=args.database_url,
        DJANGO_SETTINGS_MODULE="imrsite.settings",
        SECRET_KEY="bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.models import Case

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for doc in documents(args.cases):
            path = Path(folder) / f"{doc['case_number']}.json"
            path.write_text(json.dumps(doc))
            paths.append(str(path))
        out = open(os.devnull, "w")  # noqa: SIM115
        # Statements sent, COPY included (``cases.services.bulk`` logs its COPY where queries are logged).
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            call_command("import_case", *paths, stdout=out)
            elapsed = time.perf_counter() - started
    imported = Case.objects.count()
    assert imported == args.cases, imported
    print(
        f"import_case: {imported} files in {elapsed:.2f} s = {imported / elapsed:.0f} cases/s (goal >= 200), "
        f"{len(queries) / imported:.1f} statements per case ({len(queries)} in all)"
    )


if __name__ == "__main__":
    main()
