"""Letters through a real Celery worker process, PostgreSQL and Redis: a signed letter is rendered and downloaded;
a worker killed mid-render loses nothing and leaves one file; signing while Redis is down succeeds and the sweeper
gets the letter rendered once Redis is back.

The worker runs `celery -A imrsite worker` as a subprocess against the *test* database (rows are committed:
transactional tests), the same Redis database and a shared MEDIA_ROOT. Every worker is killed at teardown.
"""

import hashlib
import io
import os
import signal
import time
from datetime import timedelta
from pathlib import Path

import pypdf
import pytest
from django.db import transaction

from cases.models import Letter
from cases.services.determinations import determination_create
from cases.services.letters import letter_create, letters_sweep
from tests.factories import StaffFactory

from ..cases.letters_support import determination_from_document, load_document
from .workers import letter_queued_in_subprocess, letter_status, unused_port, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]

# Big enough that a render takes seconds (so a worker can be killed in the middle of it), real content otherwise.
SLOW_LETTER_ITEMS = 250


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


def test_signing_while_redis_is_down_then_the_sweeper_gets_it_rendered(start_worker, worker_env, media):
    determination = determination_from_document(load_document())
    down = {**worker_env, "REDIS_URL": f"redis://127.0.0.1:{unused_port()}/3"}
    outcome, stderr = letter_queued_in_subprocess(down, determination)
    assert outcome["status"] == "queued"
    assert outcome["seconds"] < 5, "enqueueing must fail fast when the broker is down"
    assert "stays queued" in stderr

    start_worker()
    time.sleep(1)
    assert letter_status(outcome["letter"]) == "queued"  # no message was ever sent
    assert letters_sweep(older_than=timedelta(0)) == 1
    wait_for(lambda: letter_status(outcome["letter"]) in ("ready", "failed"), 60, "the swept letter")
    assert letter_status(outcome["letter"]) == "ready"
