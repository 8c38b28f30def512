"""Letter throughput: 60 letters through a real 2-process Celery worker on Redis, against a 2-process WeasyPrint pool
rendering the same HTML (the floor: no queue, no database, no storage). Goal: worker throughput >= 0.85 of the pool's.

    BENCH_DATABASE_URL=postgres://…/imr_bench_letters BENCH_REDIS_URL=redis://127.0.0.1:6379/14 \\
        .venv/bin/python bench/letter_throughput.py [--letters 60]

Both sides are warmed first (fonts, templates: two renders each). The worker runs as production does
(``-c 2``, prefetch multiplier 1, late acknowledgement); the clock runs from the first ``letter_create`` to the last
letter marked ready in the database. It wipes the database and the Redis database it is given.
"""

import argparse
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STYLESHEET = ROOT / "static" / "letters" / "letter.css"
_html = None


def _render(_):
    from weasyprint import CSS, HTML

    return len(HTML(string=_html).write_pdf(stylesheets=[CSS(string=STYLESHEET.read_text())]))


def _pool_init(html):
    global _html
    _html = html


def pool_seconds(html: str, count: int) -> float:
    with multiprocessing.get_context("fork").Pool(2, initializer=_pool_init, initargs=(html,)) as pool:
        pool.map(_render, range(2))  # warm both processes
        started = time.perf_counter()
        pool.map(_render, range(count), chunksize=1)
        return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=60)
    args = parser.parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL", "")
    redis_url = os.environ.get("BENCH_REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url:
        print("bench/letter_throughput.py: skipped (needs BENCH_DATABASE_URL and BENCH_REDIS_URL; see README)")
        return
    media = tempfile.mkdtemp(prefix="imr-bench-letters-")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "imrsite.settings",
        "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "MEDIA_ROOT": media,
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    import django

    django.setup()
    import json

    import redis
    from django.core.management import call_command

    from cases.letters import letter_html
    from cases.models import Letter
    from cases.selectors import current_determination
    from cases.services.interchange import case_import
    from cases.services.letters import letter_create

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    redis.Redis.from_url(redis_url).flushdb()
    case = case_import(document=json.loads((ROOT / "cases" / "fixtures" / "seed-case.json").read_text()))
    determination = current_determination(case)
    html = letter_html(determination.snapshot)

    worker = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "celery"), "-A", "imrsite", "worker", "-c", "2", "-l", "warning"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT,
        env=env,
    )

    def wait_ready(total, timeout=600):
        deadline = time.monotonic() + timeout
        while Letter.objects.filter(status=Letter.Status.READY).count() < total:
            if time.monotonic() > deadline or worker.poll() is not None:
                raise RuntimeError("the worker did not render the letters")
            time.sleep(0.02)

    try:
        for _ in range(2):  # warm both worker processes
            letter_create(determination=determination)
        wait_ready(2)
        started = time.perf_counter()
        for _ in range(args.letters):
            letter_create(determination=determination)
        wait_ready(2 + args.letters)
        worker_time = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    pool_time = pool_seconds(html, args.letters)
    print(
        f"{args.letters} letters: Celery worker (2 processes) {worker_time:.2f} s, WeasyPrint pool (2 processes) "
        f"{pool_time:.2f} s; worker throughput = {pool_time / worker_time:.2f} of the pool's (goal >= 0.85)"
    )


if __name__ == "__main__":
    main()
