"""A worker's pool process (imrsite/worker_process.py), with a real worker, PostgreSQL and Redis: it warms up before
its first task, keeps one database connection from task to task, and replaces that connection when the database
dropped it, without costing the next letter a retry."""

import pytest
from django.db import connection, transaction

from cases.models import Letter
from cases.services.letters import letter_create

from ..cases.letters_support import determination_from_document, load_document
from .workers import letter_status, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]


def _worker_backends() -> list[int]:
    """The PostgreSQL backends on the test database other than this test's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "ORDER BY pid"
        )
        return [pid for (pid,) in cursor.fetchall()]


def _rendered_letter(determination) -> Letter:
    with transaction.atomic():
        letter = letter_create(determination=determination)
    wait_for(lambda: letter_status(letter.id) in ("ready", "failed"), 60, "the letter")
    # Its public copy is the other task of the same letter; let both finish before looking at connections.
    wait_for(lambda: letter.notices.exclude(status="queued").exclude(status="rendering").exists(), 60, "the copy")
    letter.refresh_from_db()
    return letter


def test_the_pool_process_warms_up_and_keeps_its_connection_between_tasks(start_worker):
    worker = start_worker()
    wait_for(lambda: b"Pool process warmed up in" in worker.log.read_bytes(), 60, "the warm-up")
    determination = determination_from_document(load_document())

    first = _rendered_letter(determination)
    after_first = wait_for(_worker_backends, 10, "the worker's connection, kept after its tasks")
    second = _rendered_letter(determination)

    assert (first.status, second.status) == (Letter.Status.READY, Letter.Status.READY)
    assert len(after_first) == 1, "one pool process, one connection"
    assert _worker_backends() == after_first, "the second letter was rendered on the same connection"


def test_a_connection_the_database_dropped_is_replaced_before_the_next_task(start_worker):
    worker = start_worker()
    determination = determination_from_document(load_document())
    _rendered_letter(determination)
    (backend,) = wait_for(_worker_backends, 10, "the worker's connection")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
    wait_for(lambda: not _worker_backends(), 10, "the connection to be gone")

    letter = _rendered_letter(determination)

    assert letter.status == Letter.Status.READY, letter.error
    assert b"Retry in" not in worker.log.read_bytes(), "the health check replaced the connection: no retry"
    assert _worker_backends() not in ([], [backend])
