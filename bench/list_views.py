"""Benchmark: the reviewer queue, the admin case changelist and the admin home (today's work) at growing case counts.

Pages must stay fast at a million cases (DESIGN.md): a page costs a constant number of queries served by indexes,
so its time should barely move as the table grows. This seeds a small and a large table in a database of its own
and prints, per page, the median time and query count at each size and the ratio large/small (1.0 = flat).

    .venv/bin/python bench/list_views.py [--small 1000] [--large 100000]

It uses BENCH_DATABASE_URL if set (e.g. a PostgreSQL database it may wipe), else a SQLite file under var/.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SQLITE_FILE = ROOT / "var" / "bench-list-views.sqlite3"
if "BENCH_DATABASE_URL" not in os.environ:
    SQLITE_FILE.unlink(missing_ok=True)  # a fresh file each run: no stale schema, no leftover rows
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{SQLITE_FILE}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
(ROOT / "var").mkdir(exist_ok=True)

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cases.models import Case, Claim, InjuredWorker, Status  # noqa: E402
from tests.factories import ReviewerFactory, StaffFactory  # noqa: E402

STATUSES = [Status.ASSIGNED, Status.AWAITING_RECORDS, Status.IN_REVIEW, Status.SIGNED, Status.ISSUED]
REPEATS = 15


def wipe_and_migrate():
    call_command("flush", interactive=False, verbosity=0) if _has_tables() else None
    call_command("migrate", verbosity=0)


def _has_tables():
    return "cases_case" in connection.introspection.table_names()


def seed(total, reviewers, start):
    """Add cases ``start``..``total`` spread over ``reviewers`` (bulk inserts, no history rows)."""
    batch = 5000
    for first in range(start, total, batch):
        size = min(batch, total - first)
        workers = InjuredWorker.objects.bulk_create([InjuredWorker(age=40, sex="unknown") for _ in range(size)])
        claims = Claim.objects.bulk_create([Claim(worker=w, date_of_injury=datetime.date(2015, 1, 1)) for w in workers])
        Case.objects.bulk_create(
            [
                Case(
                    case_number=f"CM{15 + (first + i) // 9_000_000:02d}-{(first + i) % 9_000_000:07d}",
                    claim=claim,
                    status=STATUSES[(first + i) % len(STATUSES)],
                    application_received=datetime.date(2016, 1, 1) + datetime.timedelta(days=(first + i) % 700),
                    decision_due=datetime.date(2016, 2, 1) + datetime.timedelta(days=(first + i) % 700),
                    reviewer=reviewers[(first + i) % len(reviewers)],
                )
                for i, claim in enumerate(claims)
            ]
        )


def measure(client, url):
    client.get(url)  # warm caches
    times = []
    for _ in range(REPEATS):
        reset_queries()
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times), len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    args = parser.parse_args()

    wipe_and_migrate()
    reviewers = [ReviewerFactory() for _ in range(20)]
    staff = StaffFactory(username="bench-admin")
    reviewer_client, staff_client = Client(), Client()
    reviewer_client.force_login(reviewers[0].user)
    staff_client.force_login(staff)
    pages = [
        ("reviewer queue /cases/", reviewer_client, "/cases/"),
        ("reviewer queue, in review", reviewer_client, "/cases/?status=in_review"),
        ("staff queue /cases/?page=3", staff_client, "/cases/?page=3"),
        ("admin case changelist", staff_client, "/admin/cases/case/"),
        ("admin case list, overdue", staff_client, "/admin/cases/case/?deadline=overdue"),
        ("admin home (today's work)", staff_client, "/admin/"),
    ]
    results = {}
    seeded = 0
    for size in (args.small, args.large):
        seed(size, reviewers, seeded)
        seeded = size
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        results[size] = {name: measure(client, url) for name, client, url in pages}

    print(f"database: {connection.vendor}; median of {REPEATS} requests")
    print(f"{'page':32} {args.small:>9,} cases  {args.large:>9,} cases  ratio  queries")
    for name, _, _ in pages:
        (t_small, q_small), (t_large, q_large) = results[args.small][name], results[args.large][name]
        timings = f"{t_small * 1000:9.1f} ms    {t_large * 1000:9.1f} ms  {t_large / t_small:5.2f}"
        print(f"{name:32} {timings}  {q_small} / {q_large}")


if __name__ == "__main__":
    main()
