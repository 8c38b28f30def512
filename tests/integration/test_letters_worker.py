"""Letters through a real Celery worker process, PostgreSQL and Redis: a signed letter is rendered and downloaded;
a worker killed mid-render loses nothing and leaves one file; signing while Redis is down succeeds and the sweeper
gets the letter rendered once Redis is back.

The worker runs `celery -A imrsite worker` as a subprocess against the *test* database (rows are committed:
transactional tests), the same Redis database and a shared MEDIA_ROOT. Every worker is killed at teardown.
"""

import hashlib
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pypdf
import pytest
import redis
from django.conf import settings
from django.db import connection, transaction

from cases.models import Letter
from cases.services.determinations import determination_create
from cases.services.letters import letter_create, letters_sweep
from imrsite.celery import app as celery_app
from tests.conftest import _require
from tests.factories import StaffFactory

from ..cases.letters_support import determination_from_document, load_document

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).parent / "celery"
# Big enough that a render takes seconds (so a worker can be killed in the middle of it), real content otherwise.
SLOW_LETTER_ITEMS = 250


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def letter_status(letter_id):
    return Letter.objects.filter(pk=letter_id).values_list("status", flat=True).first()


def database_url() -> str:
    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}{port}/{db['NAME']}"


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def services(redis_url):
    _require("PostgreSQL", connection.vendor == "postgresql", f"the database is {connection.vendor}")
    assert not celery_app.conf.task_always_eager, "REDIS_URL is set: tasks must go through the broker"
    # Leftover messages of earlier runs would only be skipped, but they cost the worker time: start clean.
    redis.Redis.from_url(redis_url).delete("celery", "unacked", "unacked_index", "unacked_mutex")
    return redis_url


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def worker_env(services, media):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url(),
        "REDIS_URL": services,
        "SECRET_KEY": settings.SECRET_KEY,
        "MEDIA_ROOT": str(media),
    }


class Worker:
    def __init__(self, env, log: Path):
        self.log = log
        self.process = subprocess.Popen(
            [str(CELERY), "-A", "imrsite", "worker", "-l", "info", "--pool=prefork", "--concurrency=1",
             "-n", f"letters-{uuid.uuid4().hex[:8]}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        wait_for(lambda: b" ready." in log.read_bytes() or self.process.poll() is not None, 60, "the worker")
        assert self.process.poll() is None, log.read_text()[-3000:]

    def pool_children(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def kill(self):
        """SIGKILL the whole worker (main process and pool), as a crashed machine would."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=10)


@pytest.fixture
def start_worker(transactional_db, worker_env, tmp_path):
    started = []

    def start():
        worker = Worker(worker_env, tmp_path / f"worker-{len(started)}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.kill()


def _committed_letter(determination):
    with transaction.atomic():
        letter = letter_create(determination=determination)
    return letter  # the enqueue ran on commit


def _slow_determination():
    """A real letter with many items (each the seed's): its render takes seconds."""
    determination = determination_from_document(load_document())
    snapshot = dict(determination.snapshot, items=determination.snapshot["items"] * SLOW_LETTER_ITEMS)
    return determination_create(case=determination.case, snapshot=snapshot, origin="signed")


def _letter_files(media: Path, case_number="CM14-0000001"):
    return sorted(p.name for p in (media / "letters" / case_number).iterdir())


def test_signed_letter_is_rendered_by_the_worker_and_downloads(start_worker, media, client):
    start_worker()
    determination = determination_from_document(load_document())
    letter = _committed_letter(determination)

    wait_for(lambda: letter_status(letter.id) in ("ready", "failed"), 60, "the letter")
    letter.refresh_from_db()
    assert letter.status == Letter.Status.READY, letter.error
    client.force_login(StaffFactory())
    response = client.get("/cases/CM14-0000001/letter.pdf")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF")
    assert pypdf.PdfReader(io.BytesIO(body)).pages
    assert hashlib.sha256(body).hexdigest() == letter.sha256
    assert _letter_files(media) == ["CM14-0000001-v1-1.pdf"]


def test_pool_process_killed_mid_render_is_redelivered_and_leaves_one_file(start_worker, media):
    worker = start_worker()
    letter = _committed_letter(_slow_determination())
    wait_for(lambda: letter_status(letter.id) == "rendering", 60, "the render to start")
    time.sleep(0.5)
    (child,) = worker.pool_children()
    os.kill(child, signal.SIGKILL)
    assert letter_status(letter.id) == "rendering", "the render finished before the kill: make the letter bigger"

    # acks_late + reject_on_worker_lost: the message goes back to the queue and a new pool process takes it.
    wait_for(lambda: letter_status(letter.id) in ("ready", "failed"), 90, "the redelivered render")
    letter.refresh_from_db()
    assert letter.status == Letter.Status.READY, letter.error
    assert letter.attempts >= 2
    assert _letter_files(media) == [Path(letter.file.name).name]
    assert hashlib.sha256((media / letter.file.name).read_bytes()).hexdigest() == letter.sha256


def test_worker_killed_mid_render_is_finished_by_a_new_worker_after_the_sweep(start_worker, media):
    worker = start_worker()
    letter = _committed_letter(_slow_determination())
    wait_for(lambda: letter_status(letter.id) == "rendering", 60, "the render to start")
    time.sleep(0.5)
    worker.kill()
    assert letter_status(letter.id) == "rendering"

    # The message is unacknowledged in Redis until its visibility timeout; the sweeper does not wait that long
    # for renders older than the task's time limit. Here "older" is forced to now.
    start_worker()
    assert letters_sweep(older_than=timedelta(0), rendering_older_than=timedelta(0)) == 1
    wait_for(lambda: letter_status(letter.id) in ("ready", "failed"), 90, "the render by the new worker")
    letter.refresh_from_db()
    assert letter.status == Letter.Status.READY, letter.error
    assert letter.attempts >= 2
    assert _letter_files(media) == [Path(letter.file.name).name]
    assert hashlib.sha256((media / letter.file.name).read_bytes()).hexdigest() == letter.sha256


SIGN_WHILE_REDIS_IS_DOWN = """
import json, time, django
django.setup()
from django.db import transaction
from cases.models import Determination
from cases.services.letters import letter_create
determination = Determination.objects.get(pk={determination_id})
started = time.monotonic()
with transaction.atomic():
    letter = letter_create(determination=determination)
elapsed = time.monotonic() - started
letter.refresh_from_db()
print(json.dumps({{"letter": letter.id, "status": letter.status, "seconds": elapsed}}))
"""


def test_signing_while_redis_is_down_then_the_sweeper_gets_it_rendered(start_worker, worker_env, media):
    determination = determination_from_document(load_document())
    down = {**worker_env, "REDIS_URL": f"redis://127.0.0.1:{unused_port()}/3"}
    script = SIGN_WHILE_REDIS_IS_DOWN.format(determination_id=determination.id)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=down, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["status"] == "queued"
    assert outcome["seconds"] < 5, "enqueueing must fail fast when the broker is down"
    assert "stays queued" in result.stderr

    start_worker()
    time.sleep(1)
    assert letter_status(outcome["letter"]) == "queued"  # no message was ever sent
    assert letters_sweep(older_than=timedelta(0)) == 1
    wait_for(lambda: letter_status(outcome["letter"]) in ("ready", "failed"), 60, "the swept letter")
    assert letter_status(outcome["letter"]) == "ready"
