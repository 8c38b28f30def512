"""Load test: 20 reviewers at once browsing and saving drafts against gunicorn on PostgreSQL, and a bare view.

Seeds a few thousand cases in a PostgreSQL database of its own (wiped: BENCH_DATABASE_URL), starts gunicorn with the
production settings (DEBUG off, collected static files, Celery in-process: no broker), then runs two phases of the
same length with the same number of concurrent users, each a thread with its own session:

- reviewers: log in, then round after round: the queue, one of their cases, a guideline search (the htmx partial),
  a draft save (a real POST with the CSRF token and the form's revision; 302 expected);
- bare: GET /healthz (one SELECT 1, no session), the baseline of the same server in the same run.

It prints, per request kind, the requests, p50/p95/p99 in ms and the errors (any status other than the expected one,
or a failed connection), and the ratio of the reviewers' p50 to the bare view's.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/imr_bench .venv/bin/python bench/load.py \\
        [--users 20] [--seconds 60] [--cases 3000] [--workers 4]

Without BENCH_DATABASE_URL (``make bench`` on a machine without PostgreSQL) it says so and skips.
"""

import argparse
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
if not os.environ.get("BENCH_DATABASE_URL", "").startswith("postgres"):
    print("bench/load.py: skipped, set BENCH_DATABASE_URL to a PostgreSQL database it may wipe.")
    sys.exit(0)

sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import PBKDF2PasswordHasher  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from seed import seed  # noqa: E402  (bench/seed.py: migrate, flush, then COPY)

from cases.models import Case, DisputedItem, Status  # noqa: E402
from tests.factories import GuidelineFactory, ReviewerFactory  # noqa: E402

PASSWORD = "imr-test-pass"  # tests.factories.UserFactory
CASES_PER_REVIEWER_IN_REVIEW = 5
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REVISION = re.compile(r'data-revision="(\d+)"')


def seed_database(users: int, cases: int) -> list[dict]:
    """``cases`` cases over ``users`` reviewers; each reviewer also holds a few cases in review with an item to
    draft. Returns, per reviewer, the username and its editable cases (case number, item id)."""
    seed(cases)
    reviewers = [ReviewerFactory(user__username=f"load-{n:02d}", reference=f"LR-{n:04d}") for n in range(users)]
    GuidelineFactory(source="MTUS", title="Chronic Pain Medical Treatment Guidelines")
    # The server runs the production password hashers (the tests' fast MD5 is not among them).
    User.objects.filter(pk__in=[r.user_id for r in reviewers]).update(
        password=PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    )
    # Each load reviewer takes a few of the seeded issued cases back into review, each with its one disputed item.
    issued = Case.objects.filter(status=Status.ISSUED).order_by("pk").values_list("pk", flat=True)
    pool = iter(issued[: users * CASES_PER_REVIEWER_IN_REVIEW])
    drafts = []
    for reviewer in reviewers:
        own = [next(pool) for _ in range(CASES_PER_REVIEWER_IN_REVIEW)]
        Case.objects.filter(pk__in=own).update(
            status=Status.IN_REVIEW, reviewer=reviewer, review_started_at=timezone.now()
        )
        items = DisputedItem.objects.filter(case__in=own).order_by("case_id", "order")
        drafts.append(
            {
                "username": reviewer.user.username,
                "cases": [(item.case.case_number, item.pk) for item in items.select_related("case")],
            }
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return drafts


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn on 127.0.0.1 with the production settings against the bench database."""

    def __init__(self, workers: int):
        self.port = free_port()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "imrsite.settings",
            "DATABASE_URL": os.environ["BENCH_DATABASE_URL"],
            "SECRET_KEY": "load-test-key-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "DEBUG": "0",
        }
        self.env.pop("REDIS_URL", None)  # letters are not rendered here; no broker
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=self.env,
                       check=True)  # fmt: skip
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.process = subprocess.Popen(
            [str(gunicorn), "imrsite.wsgi", "-b", f"127.0.0.1:{self.port}", "-w", str(workers), "--log-level",
             "warning"],
            cwd=ROOT, env=self.env, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if Client(self.port).request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not answer /healthz")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


class Client:
    """One browser: a keep-alive connection and its cookies (sent back even though production marks them Secure:
    this test speaks plain HTTP to 127.0.0.1)."""

    def __init__(self, port: int):
        self.port, self.cookies, self.connection = port, {}, None

    def request(self, method, path, body=None, headers=None) -> tuple[int, str]:
        headers = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            body = urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):  # a keep-alive connection the server closed is reopened once
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection = None
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.errors = defaultdict(int)

    def timed(self, kind, expected, client, *request, **options):
        """``client.request(*request, **options)``, timed; its text if it answered ``expected``, else None."""
        started = time.perf_counter()
        try:
            status, text = client.request(*request, **options)
        except OSError:
            status, text = None, ""
        elapsed = time.perf_counter() - started
        with self.lock:
            self.times[kind].append(elapsed)
            if status != expected:
                self.errors[kind] += 1
        return text if status == expected else None


def logged_in(port, account) -> Client:
    """A client with a session of ``account`` (through the login form, as a browser does)."""
    client = Client(port)
    _, page = client.request("GET", "/accounts/login/")
    token = CSRF_FIELD.search(page).group(1)
    form = {"username": account["username"], "password": PASSWORD, "csrfmiddlewaretoken": token, "next": "/cases/"}
    status, _ = client.request("POST", "/accounts/login/", form)
    assert status == 302, f"login of {account['username']} answered {status}"
    return client


def reviewer_session(client, account, recorder, until):
    round_ = 0
    while time.monotonic() < until:
        case_number, item = account["cases"][round_ % len(account["cases"])]
        recorder.timed("queue /cases/", 200, client, "GET", "/cases/")
        page = recorder.timed("case page", 200, client, "GET", f"/cases/{case_number}/")
        search = f"/cases/{case_number}/items/{item}/guidelines/?q=pain"
        recorder.timed("guideline search", 200, client, "GET", search, headers={"HX-Request": "true"})
        if page is not None:
            draft = {
                "csrfmiddlewaretoken": CSRF_FIELD.search(page).group(1),
                "revision": REVISION.search(page).group(1),
                "clinical_summary": f"Summary written under load, round {round_}.",
                f"item-{item}-decision": "upheld",
                f"item-{item}-rationale": "The guidelines do not support open-ended treatment.",
            }
            recorder.timed("draft save", 302, client, "POST", f"/cases/{case_number}/draft/", draft)
        round_ += 1


def bare_session(port, recorder, until):
    client = Client(port)
    while time.monotonic() < until:
        recorder.timed(BARE, 200, client, "GET", "/healthz")


def run_phase(target, args_list, seconds):
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=target, args=(*args, until)) for args in args_list]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


BARE = "bare view /healthz"


def report(recorder, seconds):
    workspace_kinds = [kind for kind in recorder.times if kind != BARE]
    workspace = [t for kind in workspace_kinds for t in recorder.times[kind]]
    rows = [(kind, recorder.times[kind], recorder.errors[kind]) for kind in workspace_kinds]
    rows.append(("all reviewer requests", workspace, sum(recorder.errors[kind] for kind in workspace_kinds)))
    rows.append((BARE, recorder.times[BARE], recorder.errors[BARE]))
    print(f"{'request':22} {'requests':>9} {'per s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for kind, times, errors in rows:
        p50, p95, p99 = (percentile(times, f) * 1000 for f in (0.5, 0.95, 0.99))
        print(f"{kind:22} {len(times):9d} {len(times) / seconds:7.1f} {p50:8.1f} {p95:8.1f} {p99:8.1f} {errors:7d}")
    ratio = statistics.median(workspace) / statistics.median(recorder.times[BARE])
    print(f"reviewer p50 / bare p50: x{ratio:.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    args = parser.parse_args()

    accounts = seed_database(args.users, args.cases)
    connection.close()
    server = Server(args.workers)
    try:
        recorder = Recorder()
        clients = [logged_in(server.port, account) for account in accounts]  # before the clock starts
        run_phase(reviewer_session, [(c, a, recorder) for c, a in zip(clients, accounts, strict=True)], args.seconds)
        run_phase(bare_session, [(server.port, recorder)] * args.users, args.seconds)
    finally:
        server.stop()
    print(f"{args.users} concurrent users, {args.seconds:.0f} s per phase, {Case.objects.count():,} cases, "
          f"gunicorn {args.workers} sync workers, PostgreSQL")  # fmt: skip
    report(recorder, args.seconds)


if __name__ == "__main__":
    main()
