"""Letter throughput: letters through a real 2-process Celery worker on Redis, against a 2-process WeasyPrint pool
rendering the same documents from the same HTML with the same call (the floor: no queue, no database, no storage).
Goals: worker throughput >= 0.85 of the pool's over 60 letters; a single letter's latency <= 1.10 of the pool's.

    BENCH_DATABASE_URL=postgres://…/imr_bench_letters BENCH_REDIS_URL=redis://127.0.0.1:6379/14 \\
        .venv/bin/python bench/letter_throughput.py [--letters 60] [--rounds 3] [--batch 10] [--singles 5]

A queued letter is two documents: the letter and its redacted public copy (``notices.services.letter_queued``), two
tasks on the same queue. So the pool renders, per letter, the letter's HTML (with its distribution list) and the
public copy's HTML, each through ``cases.letters.html_to_pdf`` (our stylesheet, the static-only fetcher, PDF/A-3a),
exactly what the worker's tasks render.

The worker runs as production does (``-c 2``, the settings' prefetch and acknowledgement, warmed pool processes).
Its clock runs from the commit that queues a batch of letters (one transaction; the commit sends the messages) to
the last of their documents marked ready in the database; creating the rows is timed apart (it is the web's work,
not the worker's). The pool's clock runs around ``map``. The shared machine's load changes within a minute, so a
round renders its 60 letters on each side in interleaved batches of 10 (worker, pool, pool, worker, ...) and sums
each side's time; each round's ratio is printed, with the median and range of the rounds. A single letter is then
timed alone the same way, several times.
It wipes the database and the Redis database it is given.
"""

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_documents = []


def _render(index):
    from cases.letters import html_to_pdf

    return len(html_to_pdf(_documents[index % len(_documents)]))


def _pool_init(documents):
    global _documents
    _documents = documents


def _pool_seconds(pool, count: int) -> float:
    started = time.perf_counter()
    pool.map(_render, range(count), chunksize=1)
    return time.perf_counter() - started


def _spread(values) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=10, help="letters per interleaved batch")
    parser.add_argument("--singles", type=int, default=5)
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
    import redis
    from django.core.management import call_command
    from django.db import transaction
    from django.db.models import Max

    from cases.letters import letter_html
    from cases.models import Letter
    from cases.selectors import current_determination
    from cases.services.interchange import case_import
    from cases.services.letters import letter_create
    from notices.documents import notice_html
    from notices.models import Notice
    from notices.selectors import document_distribution

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    redis.Redis.from_url(redis_url).flushdb()
    case = case_import(document=json.loads((ROOT / "cases" / "fixtures" / "seed-case.json").read_text()))
    determination = current_determination(case)

    def worker_seconds(count: int) -> tuple[float, float]:
        """Queue ``count`` letters in one transaction; seconds from its commit (which sends the messages) to the
        last of their documents marked ready (``rendered_at``, written in the store's transaction: the waiting
        loop below polls slowly so as not to take the machine's time from the worker)."""
        first = (Letter.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        started = time.time()
        with transaction.atomic():
            for _ in range(count):
                letter_create(determination=determination)
            committing = time.time()
        letters = Letter.objects.filter(id__gte=first)
        notices = Notice.objects.filter(letter_id__gte=first)
        deadline = time.monotonic() + 900
        while (
            letters.exclude(status=Letter.Status.READY).exists() or notices.exclude(status=Notice.Status.READY).exists()
        ):
            if time.monotonic() > deadline or worker.poll() is not None:
                failed = list(letters.filter(status=Letter.Status.FAILED).values_list("error", flat=True)[:1])
                raise RuntimeError(f"the worker did not render the letters {failed}")
            time.sleep(0.1)
        finished = max(letters.aggregate(m=Max("rendered_at"))["m"], notices.aggregate(m=Max("rendered_at"))["m"])
        return finished.timestamp() - committing, committing - started

    worker = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "celery"), "-A", "imrsite", "worker", "-c", "2", "-l", "warning"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT,
        env=env,
    )
    try:
        worker_seconds(2)  # the first messages also wait for the worker to start
        letter = Letter.objects.order_by("-id").select_related("determination").first()
        public_copy = Notice.objects.get(letter=letter, kind=Notice.Kind.PUBLIC_COPY)
        documents = [
            letter_html(letter.determination.snapshot, distribution=document_distribution(letter=letter)),
            notice_html(public_copy, []),
        ]
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(2, initializer=_pool_init, initargs=(documents,)) as pool:
            _pool_seconds(pool, 4)  # warm both processes
            rounds = []
            for _ in range(args.rounds):
                # The machine's load changes within a minute; so each round renders the letters on both sides in
                # interleaved batches (worker, pool, pool, worker, ...), both sides meeting the same load.
                worker_time = pool_time = queued = 0.0
                for batch in range(0, args.letters, args.batch):
                    size = min(args.batch, args.letters - batch)
                    sides = ("worker", "pool") if (batch // args.batch) % 2 == 0 else ("pool", "worker")
                    for side in sides:
                        if side == "pool":
                            pool_time += _pool_seconds(pool, 2 * size)
                        else:
                            seconds, queueing = worker_seconds(size)
                            worker_time += seconds
                            queued += queueing
                rounds.append((worker_time, pool_time, queued))
            singles = [(worker_seconds(1)[0], _pool_seconds(pool, 2)) for _ in range(args.singles)]
    finally:
        worker.terminate()
        worker.wait(timeout=60)

    print(f"{args.letters} letters ({2 * args.letters} documents: each letter and its public copy), 2 processes each:")
    for number, (worker_time, pool_time, queued) in enumerate(rounds, 1):
        print(
            f"  round {number}: worker {worker_time:.2f} s, pool {pool_time:.2f} s, ratio {pool_time / worker_time:.2f}"
            f" (queueing the letters' rows took {queued:.2f} s before the commit)"
        )
    print(f"worker throughput = {_spread([p / w for w, p, _ in rounds])} of the pool's (median, range; goal >= 0.85)")
    print(
        f"single letter: worker {_spread([w for w, _ in singles])} s, pool {_spread([p for _, p in singles])} s; "
        f"overhead x{_spread([w / p for w, p in singles])} (goal <= 1.10)"
    )


if __name__ == "__main__":
    main()
