"""Render attempts that overlap or meet a database failure: the letter's outcome, file and SHA-256 stay consistent.

The database failure is real: a PostgreSQL trigger refuses the update that marks the letter ready with a
serialization failure (SQLSTATE 40001), the kind of transient error a retry cures.
"""

import hashlib

import pytest
from django.db import OperationalError, connection

from cases import tasks
from cases.models import Letter
from cases.services import letters as services
from cases.services import render_jobs
from cases.services.letters import LETTER_JOB, letter_create, letter_render
from tests.support.faults import refusing_trigger_install, refusing_trigger_remove

from .letters_support import determination_from_document, eager_celery, load_document  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def letter():
    return letter_create(determination=determination_from_document(load_document()))


@pytest.fixture
def transient_failure_on_ready(require_postgres):
    """PostgreSQL refuses to mark any letter ready, as a transient failure, while the session setting
    ``imr_test.database_down`` is on (``database_back`` turns it off)."""
    refusing_trigger_install(
        "refuse_ready",
        table="cases_letter",
        event="BEFORE UPDATE",
        when="NEW.status = 'ready'",
        condition="current_setting('imr_test.database_down', true) = 'on'",
        message="injected serialization failure",
        errcode="40001",
    )
    with connection.cursor() as cursor:
        cursor.execute("SET imr_test.database_down = 'on'")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET imr_test.database_down")
    refusing_trigger_remove("refuse_ready", table="cases_letter")


def test_a_transient_database_error_is_raised_for_a_retry_not_recorded_as_a_failure(letter, transient_failure_on_ready):
    with pytest.raises(OperationalError, match="injected serialization failure"):
        letter_render(letter_id=letter.id)
    letter.refresh_from_db()
    assert (letter.status, letter.error, letter.sha256) == (Letter.Status.RENDERING, "", "")


def test_the_task_lets_the_transient_error_through_to_celerys_retry(letter, transient_failure_on_ready):
    """The task body raises it (autoretry_for then schedules the retry); it does not swallow it."""
    assert set(services.TRANSIENT_ERRORS) <= set(tasks.letter_render.autoretry_for)
    assert OperationalError in tasks.letter_render.autoretry_for
    with pytest.raises(OperationalError):
        tasks.letter_render.run(letter.id)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.RENDERING


def test_the_retry_after_the_database_came_back_renders_the_letter(letter, transient_failure_on_ready, media):
    with pytest.raises(OperationalError):
        letter_render(letter_id=letter.id)
    with connection.cursor() as cursor:
        cursor.execute("SET imr_test.database_down = 'off'")  # the database is back
    rendered = letter_render(letter_id=letter.id)
    assert (rendered.status, rendered.attempts) == (Letter.Status.READY, 2)
    assert rendered.sha256 == hashlib.sha256((media / rendered.file.name).read_bytes()).hexdigest()


def test_a_second_attempt_does_not_overwrite_the_letter_the_first_finished(letter, media):
    """Attempt A is slow; the sweeper re-queues the letter and attempt B takes it too. A finishes first: B's result
    is dropped, and the stored file is A's, matching the recorded SHA-256."""
    first, _, claimed_a = render_jobs._claim(LETTER_JOB, letter.id)
    second, _, claimed_b = render_jobs._claim(LETTER_JOB, letter.id)
    assert claimed_a and claimed_b
    pdf_a, pdf_b = b"%PDF-1.4 attempt A", b"%PDF-1.4 attempt B"

    render_jobs._store(LETTER_JOB, first, pdf_a)
    outcome = render_jobs._store(LETTER_JOB, second, pdf_b)

    letter.refresh_from_db()
    stored = (media / letter.file.name).read_bytes()
    assert stored == pdf_a
    assert letter.sha256 == hashlib.sha256(pdf_a).hexdigest() == outcome.sha256
    assert letter.status == Letter.Status.READY
    assert sorted(p.name for p in (media / letter.file.name).parent.iterdir()) == [letter.file.name.split("/")[-1]]
