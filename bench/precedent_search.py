"""Benchmark: precedent search, "Similar decisions" and analytics with many decided items.

Seeds N decided items (two per case, each case with an imported determination whose snapshot holds a clinical
summary, items, both sides' citations and the reviewer's specialties), builds the index with the real service
(``precedent_index_rebuild``), then times, per request: /precedents/ searches (typed queries, misspelt ones,
filters), the /api/precedents/ suggestions, the "Similar decisions" fragment, /analytics/ and the analytics API,
against a bare page in the same run (a signed-in reviewer's empty queue: session, login, a template; no search).
Prints median and p95 and the ratio to the bare page.

    .venv/bin/python bench/precedent_search.py [--items 20000]       # SQLite FTS5 (a fresh file under var/)
    BENCH_DATABASE_URL=postgres://.../imr_bench .venv/bin/python bench/precedent_search.py --items 1000000

BENCH_DATABASE_URL: a PostgreSQL database the benchmark may wipe. Seeding is batched (``--batch``), so a million
items never sit in memory at once.
"""

import argparse
import csv
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SQLITE_FILE = ROOT / "var" / "bench-precedent-search.sqlite3"
if "BENCH_DATABASE_URL" not in os.environ:
    SQLITE_FILE.parent.mkdir(exist_ok=True)
    SQLITE_FILE.unlink(missing_ok=True)
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{SQLITE_FILE}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from cases.models import Case, Claim, Determination, DisputedItem, Guideline, InjuredWorker, Status  # noqa: E402
from precedents.models import PrecedentItem  # noqa: E402
from precedents.services import precedent_index_rebuild  # noqa: E402
from reviewers.models import Reviewer  # noqa: E402
from tests.factories import ReviewerFactory, StaffFactory  # noqa: E402

REPEATS = 30
TREATMENTS = [
    "MRI of the {part}",
    "Physical therapy, 12 sessions, {part}",
    "Acupuncture, 6 sessions, {part}",
    "Epidural steroid injection, {part}",
    "Norco 10/325mg #60",
    "Tramadol 50mg #90",
    "Naproxen 550mg #60",
    "Cyclobenzaprine 7.5mg #30",
    "Lidocaine 5% patch #30",
    "Arthroscopic surgery of the {part}",
    "Chiropractic treatment, 8 visits, {part}",
    "Psychotherapy, 10 sessions",
    "Urine drug screen",
    "EMG/NCV of the {part}",
    "TENS unit for the {part}",
    "Home health care, 4 hours a day",
    "X-rays of the {part}",
    "Functional restoration program",
    "Cold therapy unit for the {part}",
    "Gabapentin 600mg #90",
]
PARTS = ["lumbar spine", "cervical spine", "right knee", "left shoulder", "right wrist", "left hip", "ankle"]
TERMS = [
    "radiculopathy",
    "stenosis",
    "strain",
    "tear",
    "carpal tunnel",
    "depression",
    "chronic pain",
    "fracture",
    "degenerative",
    "tendinitis",
    "impingement",
    "myofascial",
    "insomnia",
    "herniation",
]
SPECIALTIES = [
    "Orthopedic Surgery",
    "Family Practice",
    "Physical Medicine & Rehabilitation",
    "Psychiatry",
    "Occupational Medicine",
    "Anesthesiology",
    "Pain Management",
    "Neurology",
    "Internal Medicine",
]
RATIONALE = (
    "The guidelines state that {t} is recommended when conservative care has failed and there is "
    "objective evidence of {term}. The records do not document functional improvement or a trial of "
    "first-line treatment; therefore the request is {decision}."
)
QUERIES = [
    "MRI lumbar",
    "physical therapy knee",
    "acupuncture",
    "epidural injection",
    "norco",
    "psychotherapy",
    '"urine drug screen"',
    "arthroscopic shoulder",
    "lidocaine patch",
    "tens unit",
]
MISSPELT = ["acupunture", "lidocane patch", "psycotherapy"]


def library():
    with (ROOT / "cases" / "fixtures" / "guidelines.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        Guideline.objects.get_or_create(source=row["source"], title=row["title"])
    return [{"source": r["source"], "title": r["title"]} for r in rows]


def seed(items: int, batch: int):
    rng = random.Random(7)
    guidelines = library()
    cases_total = items // 2
    for first in range(0, cases_total, batch):
        size = min(batch, cases_total - first)
        workers = InjuredWorker.objects.bulk_create([InjuredWorker(age=40) for _ in range(size)])
        claims = Claim.objects.bulk_create([Claim(worker=w, date_of_injury=datetime.date(2015, 1, 1)) for w in workers])
        cases = Case.objects.bulk_create(
            [
                Case(
                    case_number=f"CM{14 + (first + i) % 4:02d}-{first + i:07d}",
                    claim=claim,
                    status=Status.SIGNED,
                    application_received=datetime.date(2014, 1, 1) + datetime.timedelta(days=(first + i) % 1400),
                )
                for i, claim in enumerate(claims)
            ]
        )
        determinations, items_rows = [], []
        for case in cases:
            decided = case.application_received + datetime.timedelta(days=35)
            snapshot_items = []
            for order in range(2):
                part, term = rng.choice(PARTS), rng.choice(TERMS)
                title = rng.choice(TREATMENTS).format(part=part)
                decision = "overturned" if rng.random() < 0.4 else "upheld"
                cited = rng.sample(guidelines, 2)
                snapshot_items.append(
                    {
                        "title": title,
                        "decision": decision,
                        "claims_administrator_citations": [{**cited[0], "sections": None, "pages": None}],
                        "citations": [
                            {
                                **cited[rng.randrange(2)],
                                "sections": rng.choice(["Special Studies", "Opioids", "Physical Medicine", None]),
                                "pages": rng.choice(["303", None]),
                            }
                        ],
                        "rationale": RATIONALE.format(t=title, term=term, decision=decision),
                    }
                )
                items_rows.append(DisputedItem(case=case, order=order, title=title, decision=decision))
            summary = (
                f"The injured worker has {rng.choice(TERMS)} of the {rng.choice(PARTS)} and "
                f"{rng.choice(TERMS)}; treatment has included medications and therapy. "
            ) * 3
            determinations.append(
                Determination(
                    case=case,
                    version=1,
                    origin="imported",
                    signed_at=django.utils.timezone.now(),
                    decision_date=decided,
                    content_hash="0" * 64,
                    snapshot={
                        "clinical_summary": summary,
                        "items": snapshot_items,
                        "reviewer": {"specialties": [rng.choice(SPECIALTIES)]},
                    },
                )
            )
        DisputedItem.objects.bulk_create(items_rows)
        Determination.objects.bulk_create(determinations)
        print(f"  seeded {min(first + size, cases_total) * 2:,} items", flush=True)


def measure(client, url):
    client.get(url)
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=2_000, help="cases per insert batch")
    parser.add_argument("--keep", action="store_true", help="measure BENCH_DATABASE_URL as a previous run left it")
    args = parser.parse_args()
    seeded = indexed = 0.0
    if args.keep and "BENCH_DATABASE_URL" in os.environ:
        call_command("migrate", verbosity=0)
        total = PrecedentItem.objects.count()
    else:
        if "BENCH_DATABASE_URL" in os.environ:
            call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        seed(args.items, args.batch)
        seeded = time.perf_counter() - started
        started = time.perf_counter()
        total = precedent_index_rebuild(progress=lambda n: n % 100_000 == 0 and print(f"  indexed {n:,}", flush=True))
        indexed = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE precedents_precedentitem")

    reviewer = Reviewer.objects.order_by("id").first() if args.keep else ReviewerFactory()
    staff = User.objects.filter(username="bench-admin").first() or StaffFactory(username="bench-admin")
    reviewer_client, staff_client, anonymous = Client(), Client(), Client()
    reviewer_client.force_login(reviewer.user)
    staff_client.force_login(staff)
    open_case = Case.objects.order_by("id").first()
    item = open_case.items.first()
    # The baseline: a signed-in page doing no search (the reviewer's empty queue): session, login, template.
    pages = [
        ("bare page (empty /cases/ queue)", reviewer_client, "/cases/"),
        ("login form (anonymous)", anonymous, "/accounts/login/"),
    ]
    pages += [(f"/precedents/?q={q}", reviewer_client, f"/precedents/?q={q}") for q in QUERIES[:4]]
    pages += [(f"/precedents/ misspelt {q}", reviewer_client, f"/precedents/?q={q}") for q in MISSPELT[:2]]
    pages += [
        ("/precedents/ filters only", reviewer_client, "/precedents/?decision=overturned&year=2016"),
        ("/precedents/ query + filters", reviewer_client, "/precedents/?q=MRI&decision=upheld&year=2015"),
        (
            "/api/precedents/ (suggestions)",
            reviewer_client,
            "/api/precedents/?q=MRI%20of%20the%20lumbar%20spine&ca=Low%20Back%20Complaints%202004&limit=10",
        ),
        ("similar decisions fragment", staff_client, f"/precedents/similar/{open_case.case_number}/items/{item.pk}/"),
        ("/analytics/", staff_client, "/analytics/"),
        ("/api/analytics/decisions/?by=guideline", staff_client, "/api/analytics/decisions/?by=guideline"),
    ]
    results = {name: measure(client, url) for name, client, url in pages}
    bare = results[pages[0][0]][0]
    print(
        f"database: {connection.vendor}; {total:,} decided items; seeded in {seeded:.0f} s, "
        f"indexed (rebuild_precedent_index) in {indexed:.0f} s; {REPEATS} requests each"
    )
    print(f"{'request':44} {'median':>9} {'p95':>9} {'x bare':>7}")
    for name, _, _ in pages:
        median, p95 = results[name]
        print(f"{name:44} {median * 1000:7.1f}ms {p95 * 1000:7.1f}ms {median / bare:7.1f}")


if __name__ == "__main__":
    main()
