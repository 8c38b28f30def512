"""Benchmark: precedent search, "Similar decisions" and analytics with many decided items.

PostgreSQL (``BENCH_DATABASE_URL``, a database the benchmark may wipe): N decided items seeded by
``bench/precedent_corpus.py`` (COPY, the public letters' vocabulary, search vectors by the indexer's SQL; a million
in minutes). SQLite (the default, a fresh file under var/): N items seeded through the ORM (two per case, each case
with an imported determination) and indexed by the real service (``precedent_index_rebuild``), in batches.

Then it times, per request: /precedents/ searches (a common word, a rare one, a phrase, misspellings, a short word,
filters alone, words and filters), the /api/precedents/ suggestions and the "Similar decisions" fragment (cached,
and uncached: the cache emptied before each request), /analytics/ and the analytics API. Every request is followed
by one of a bare page (a signed-in reviewer's empty queue: session, login, a template; no search), so the baseline
shares the moment's load. Prints median and p95, and p95 over the bare page's p95.

    .venv/bin/python bench/precedent_search.py [--items 100000]       # SQLite FTS5
    BENCH_DATABASE_URL=postgres://.../imr_bench .venv/bin/python bench/precedent_search.py --items 1000000
    BENCH_DATABASE_URL=... .venv/bin/python bench/precedent_search.py --keep    # measure the seeded database again
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
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from cases.models import (  # noqa: E402
    Case,
    Citation,
    Claim,
    Determination,
    DisputedItem,
    Guideline,
    InjuredWorker,
    Status,
)
from precedents.models import PrecedentItem  # noqa: E402
from precedents.services import precedent_index_rebuild  # noqa: E402
from reviewers.models import Reviewer  # noqa: E402
from tests.factories import (  # noqa: E402
    CaseFactory,
    CitationFactory,
    DisputedItemFactory,
    ReviewerFactory,
    StaffFactory,
)

sys.path.insert(0, str(ROOT / "bench"))
import precedent_corpus  # noqa: E402

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
OPEN_CASE = "CM26-9999999"
# (kind, query): what people type, from a word in a third of the titles to a misspelling.
QUERIES = [
    ("common word", "MRI"),
    ("two words", "MRI lumbar"),
    ("words", "physical therapy knee"),
    ("rare word", "psychotherapy"),
    ("phrase", '"urine drug screen"'),
    ("misspelt", "acupunture"),
    ("misspelt", "lidocane patch"),
    ("short", "acu"),
]


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


def open_case(reviewer):
    """The case in review whose item asks for "Similar decisions": a lumbar MRI, the claims administrator citing
    Low Back Complaints, a summary naming body parts and diagnoses (made once, kept by --keep)."""
    case = Case.objects.filter(case_number=OPEN_CASE).first()
    if case is None:
        case = CaseFactory(
            case_number=OPEN_CASE,
            status=Status.IN_REVIEW,
            reviewer=reviewer,
            clinical_summary="Chronic low back pain with lumbar radiculopathy and stenosis after a lifting injury.",
        )
        item = DisputedItemFactory(case=case, title="MRI of the lumbar spine without contrast", order=0)
        low_back, _ = Guideline.objects.get_or_create(source="MTUS", title="Low Back Complaints 2004")
        CitationFactory(item=item, side=Citation.Side.CLAIMS_ADMINISTRATOR, guideline=low_back, sections="")
    return case


def timed(client, url, before=None) -> float:
    if before:
        before()
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def measure(pages, bare):
    """Each page ``REPEATS`` times, every request followed by one of the bare page: the baseline shares the
    moment's load (the machine is shared)."""
    times = {name: [] for name, *_ in pages}
    bare_times = []
    for _name, client, url, _before in pages:
        timed(client, url)  # warm-up
    for _ in range(REPEATS):
        for name, client, url, before in pages:
            times[name].append(timed(client, url, before))
            bare_times.append(timed(*bare))
    return times, bare_times


def quantiles(times):
    times = sorted(times)
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=2_000, help="cases per insert batch (SQLite)")
    parser.add_argument("--keep", action="store_true", help="measure BENCH_DATABASE_URL as a previous run left it")
    args = parser.parse_args()
    seeded = 0.0
    postgres = "BENCH_DATABASE_URL" in os.environ
    if args.keep and postgres:
        call_command("migrate", verbosity=0)
        total = PrecedentItem.objects.count()
    elif postgres:
        started = time.perf_counter()
        precedent_corpus.seed(args.items)  # COPY, vectors by the indexer's expression (see --verify there)
        seeded = time.perf_counter() - started
        total = PrecedentItem.objects.count()
    else:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        seed(args.items, args.batch)
        total = precedent_index_rebuild(progress=lambda n: n % 100_000 == 0 and print(f"  indexed {n:,}", flush=True))
        seeded = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE precedents_precedentitem")

    reviewer = Reviewer.objects.filter(user__username="bench-reviewer").first() or ReviewerFactory(
        user__username="bench-reviewer"
    )
    staff = User.objects.filter(username="bench-admin").first() or StaffFactory(username="bench-admin")
    reviewer_client, staff_client = Client(), Client()
    reviewer_client.force_login(reviewer.user)
    staff_client.force_login(staff)
    case = open_case(reviewer)
    item = case.items.first()
    uncached = cache.clear  # "Similar decisions" computed afresh, as after a change of the index

    def cached(client, url):
        return lambda: client.get(url)  # the answer in the cache, whatever the request before emptied

    similar = f"/precedents/similar/{case.case_number}/items/{item.pk}/"
    api = "/api/precedents/?q=MRI%20of%20the%20lumbar%20spine&ca=Low%20Back%20Complaints%202004&limit=10"
    # The baseline: a signed-in page doing no search (the reviewer's empty queue): session, login, template.
    bare = (reviewer_client, "/cases/")
    pages = [(f"/precedents/?q={q} ({kind})", reviewer_client, f"/precedents/?q={q}", None) for kind, q in QUERIES]
    pages += [
        ("/precedents/ filters only (decision, year)", reviewer_client, "/precedents/?decision=overturned&year=2016"),
        ("/precedents/ filters only (year, page 5)", reviewer_client, "/precedents/?year=2020&page=5"),
        ("/precedents/ query + filters", reviewer_client, "/precedents/?q=MRI&decision=upheld&year=2015"),
    ]
    pages = [(*page, None) if len(page) == 3 else page for page in pages]
    pages += [
        ("/api/precedents/ (suggestions, cached)", reviewer_client, api, cached(reviewer_client, api)),
        ("/api/precedents/ (suggestions, uncached)", reviewer_client, api, uncached),
        ("similar decisions fragment (cached)", staff_client, similar, cached(staff_client, similar)),
        ("similar decisions fragment (uncached)", staff_client, similar, uncached),
        ("/analytics/", staff_client, "/analytics/", None),
        ("/api/analytics/decisions/?by=guideline", staff_client, "/api/analytics/decisions/?by=guideline", None),
    ]
    times, bare_times = measure(pages, bare)
    bare_median, bare_p95 = quantiles(bare_times)
    print(
        f"database: {connection.vendor}; {total:,} decided items; seeded and indexed in {seeded:.0f} s; "
        f"{REPEATS} requests each, each followed by one of the bare page ({len(bare_times)} in all)"
    )
    print(f"{'request':52} {'median':>9} {'p95':>9} {'p95 / bare p95':>15}")
    print(f"{'bare page (empty /cases/ queue)':52} {bare_median * 1000:7.1f}ms {bare_p95 * 1000:7.1f}ms {1:15.1f}")
    for name, *_ in pages:
        median, p95 = quantiles(times[name])
        print(f"{name:52} {median * 1000:7.1f}ms {p95 * 1000:7.1f}ms {p95 / bare_p95:15.1f}")


if __name__ == "__main__":
    main()
