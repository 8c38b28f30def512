"""Page benchmark over HTTP: every page a reviewer or coordinator uses, at a small and a large case count.

    .venv/bin/python bench/pages.py --small-url postgres://…/imr_bench_10k --large-url postgres://…/imr_bench_1m

Each database must have been seeded by ``bench/seed.py`` (``--seed`` seeds both first: ``--small-cases`` 10,000 and
``--large-cases`` 1,000,000 by default; the large seed takes minutes). For each database it starts gunicorn (2 workers,
production settings: DEBUG off, persistent connections) on a free port, and requests each page in turn, each request
preceded by one of ``/bench/bare/`` (login required, nothing else), for ``--rounds`` rounds, over one keep-alive
connection, as a browser would. It prints per page p50 / p95 in ms at both sizes, the ratio large/small of the p95
(1.0 = flat; the goal is p95 <= 100 ms at a million cases and a ratio <= 1.2) and the queries the page runs (counted
in-process with Django's test client on the same database). ``--only WORD`` measures the pages whose name contains
WORD (repeatable; the bare view is always measured), e.g. ``--only "change page" --only panel``.
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from seed import SEARCHED_NAME  # bench/seed.py: a full name on a page of cases at every size

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SECRET = "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "bench._settings",
    "SECRET_KEY": SECRET,
    "DEBUG": "0",
    "ALLOWED_HOSTS": "127.0.0.1,testserver",
    "LOG_LEVEL": "WARNING",
    "IMR_TRUSTED_PROXY_COUNT": "1",  # as behind the TLS proxy: its X-Forwarded-Proto is believed
}
SECURE = {"X-Forwarded-Proto": "https"}  # production sits behind TLS; the proxy says so


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pages(facts) -> list[tuple[str, str, str]]:
    """(name, user, path) of every page measured; ``facts`` come from the seeded database."""
    admin = "/admin/cases/case/"
    sorts = [(f"admin sorted by {name}{' desc' if d else ''}", f"{admin}?o={'-' if d else ''}{n}")
             for n, name in enumerate(["case number", "worker", "status", "priority", "reviewer", "running deadline",
                                       "days left", "days waiting"], start=1) for d in (False, True)]  # fmt: skip
    return [
        ("admin home (today's work)", "staff", "/admin/"),
        ("admin changelist", "staff", admin),
        ("admin search: case number", "staff", f"{admin}?q={facts['case_number']}"),
        ("admin search: claim number", "staff", f"{admin}?q={facts['claim_number']}"),
        ("admin search: full name", "staff", f"{admin}?q={'+'.join(SEARCHED_NAME)}"),
        ("admin search: last name", "staff", f"{admin}?q=Gonzalez"),
        ("admin search: party (Acme)", "staff", f"{admin}?q=Acme"),
        ("admin search: part of a name", "staff", f"{admin}?q=gonz"),
        *[(name, "staff", path) for name, path in sorts],
        ("admin deep page", "staff", f"{admin}?p={facts['deep_admin_page']}"),
        ("admin filter: in review", "staff", f"{admin}?status__exact=in_review"),
        ("admin filter: overdue", "staff", f"{admin}?deadline=overdue"),
        ("admin filter: expedited", "staff", f"{admin}?priority__exact=expedited"),
        ("admin case change page", "staff", f"{admin}{facts['assignable_case_id']}/change/"),
        # The page's panels, each loaded by htmx after the page (cases.admin.panels).
        *[
            (f"  its panel: {name}", "staff", f"{admin}{facts['assignable_case_id']}/panel/{name}/")
            for name in ("suggestions", "timeline", "documents", "records", "accesses")
        ],
        ("staff queue /cases/", "staff", "/cases/"),
        ("staff queue, in review", "staff", "/cases/?status=in_review"),
        ("staff queue deep page", "staff", f"/cases/?page={facts['deep_queue_page']}"),
        ("reviewer queue (5,000 cases)", "reviewer", "/cases/"),
        ("reviewer queue, page 100", "reviewer", "/cases/?page=100"),
    ]


def measure(database_url: str, rounds: int, only: list[str]) -> dict:
    """Run in a child process per database: Django is set up once per process."""
    os.environ.update(SERVER_ENV, DATABASE_URL=database_url)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.seed import REVIEWER_USERNAME, STAFF_USERNAME
    from cases.models import Case

    users = get_user_model().objects
    clients = {"staff": Client(HTTP_X_FORWARDED_PROTO="https"), "reviewer": Client(HTTP_X_FORWARDED_PROTO="https")}
    clients["staff"].force_login(users.get(username=STAFF_USERNAME))
    clients["reviewer"].force_login(users.get(username=REVIEWER_USERNAME))
    sample = Case.objects.select_related("claim").order_by("pk")[Case.objects.count() // 2]
    total = Case.objects.count()
    facts = {
        "case_number": sample.case_number,
        "claim_number": sample.claim.claim_number,
        "assignable_case_id": Case.objects.filter(status="eligibility_review")
        .order_by("pk")
        .values_list("pk", flat=True)[0],
        "deep_admin_page": min(2000, total // 50),
        "deep_queue_page": min(2000, total // 25),
    }
    plan = [page for page in pages(facts) if not only or any(word in page[0] for word in only)]
    queries = {}
    for name, user, path in [("bare authenticated view", "staff", "/bench/bare/"), *plan]:
        clients[user].get(path)  # warm
        with CaptureQueriesContext(connection) as captured:
            response = clients[user].get(path)
        assert response.status_code == 200, (name, path, response.status_code)
        queries[name] = len(captured)
    cookies = {user: f"sessionid={client.cookies['sessionid'].value}" for user, client in clients.items()}
    connection.close()

    port = free_port()
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "imrsite.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"]
        + ["--log-level", "warning"],
        cwd=ROOT,
        env={**os.environ},
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/healthz")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        def get(user, path):
            started = time.perf_counter()
            conn.request("GET", path, headers={**SECURE, "Cookie": cookies[user]})
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            assert response.status == 200, (path, response.status)
            return elapsed * 1000

        for _name, user, path in plan:  # warm both workers' caches
            get(user, path)
            get(user, path)
        times = {name: [] for name, _, _ in plan}
        bare = []
        for _ in range(rounds):
            for name, user, path in plan:
                bare.append(get(user, "/bench/bare/"))
                times[name].append(get(user, path))
    finally:
        server.terminate()
        server.wait(timeout=30)
    times["bare authenticated view"] = bare
    return {
        "cases": total,
        "pages": {
            name: {"p50": statistics.median(t), "p95": percentile(t, 0.95), "queries": queries[name]}
            for name, t in times.items()
        },
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small-url", default=os.environ.get("BENCH_SMALL_DATABASE_URL"))
    parser.add_argument("--large-url", default=os.environ.get("BENCH_LARGE_DATABASE_URL"))
    parser.add_argument("--seed", action="store_true", help="seed both databases first (bench/seed.py)")
    parser.add_argument("--small-cases", type=int, default=10_000)
    parser.add_argument("--large-cases", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--only", action="append", default=[], help="only the pages whose name contains this")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.rounds, args.only)))
        return
    if not (args.small_url and args.large_url):
        print("bench/pages.py: skipped (set BENCH_SMALL_DATABASE_URL and BENCH_LARGE_DATABASE_URL, see README)")
        return
    python = sys.executable
    if args.seed:
        for url, count in ((args.small_url, args.small_cases), (args.large_url, args.large_cases)):
            subprocess.run([python, str(ROOT / "bench" / "seed.py"), "--cases", str(count), "--database-url", url],
                           check=True)  # fmt: skip
    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": args.small_url}
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    results = []
    for url in (args.small_url, args.large_url):
        out = subprocess.run(
            [python, str(Path(__file__)), "--measure", url, "--rounds", str(args.rounds)]
            + [arg for word in args.only for arg in ("--only", word)],
            cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True,  # its errors go to our stderr
        ).stdout  # fmt: skip
        results.append(json.loads(out.strip().splitlines()[-1]))
    small, large = results
    print(f"gunicorn, 2 workers, production settings; {args.rounds} requests per page, each after a bare one")
    print(f"{'page':34} {small['cases']:>10,} cases   {large['cases']:>10,} cases   p95 ratio  queries")
    for name, s in small["pages"].items():
        big = large["pages"][name]
        print(
            f"{name:34} {s['p50']:6.1f} / {s['p95']:6.1f} ms   {big['p50']:6.1f} / {big['p95']:6.1f} ms"
            f"   {big['p95'] / s['p95']:5.2f}    {s['queries']} / {big['queries']}"
        )


if __name__ == "__main__":
    main()
