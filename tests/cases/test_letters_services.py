"""Letter services: creation and versions, idempotent rendering to one file, failure, re-render, retry, issue,
and the sweeper. Celery runs eagerly here; tests/integration runs a real worker."""

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from cases.models import CaseEvent, Determination, Letter, Status
from cases.services import letters as services
from cases.services.letters import (
    LETTER_ALREADY_ISSUED,
    LETTER_ISSUED_NO_RERENDER,
    LETTER_NOT_FAILED,
    LETTER_NOT_NEWEST,
    LETTER_NOT_READY,
    LETTER_SUPERSEDED,
    LetterError,
    letter_create,
    letter_file_name,
    letter_mark_issued,
    letter_render,
    letter_rerender,
    letter_retry,
    letters_sweep,
)
from tests.factories import StaffFactory

from .letters_support import determination_from_document, eager_celery, load_document  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def determination():
    return determination_from_document(load_document())


def _files(media_root: Path, case_number="CM14-0000001"):
    folder = media_root / "letters" / case_number
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_create_queues_the_next_version_and_renders_after_commit(determination, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = letter_create(determination=determination)
    assert (first.version, first.status, first.attempts) == (1, Letter.Status.QUEUED, 0)
    assert first.queued_at is not None
    assert len(callbacks) == 2  # the enqueues (the letter, its public copy) wait for the commit

    with django_capture_on_commit_callbacks(execute=True):
        second = letter_create(determination=determination)
    assert second.version == 2
    second.refresh_from_db()
    assert second.status == Letter.Status.READY  # eager Celery ran the task on commit


def test_render_stores_the_pdf_with_its_hash_at_one_name(determination, media):
    letter = letter_create(determination=determination)
    rendered = letter_render(letter_id=letter.id)
    assert rendered.status == Letter.Status.READY
    assert rendered.file.name == "letters/CM14-0000001/CM14-0000001-v1-1.pdf" == letter_file_name(rendered)
    data = (media / rendered.file.name).read_bytes()
    assert data.startswith(b"%PDF")
    assert rendered.sha256 == hashlib.sha256(data).hexdigest()
    assert rendered.attempts == 1 and rendered.rendered_at and rendered.render_started_at and not rendered.error


def test_a_ready_letter_is_not_rendered_twice(determination, media):
    letter = letter_create(determination=determination)
    first = letter_render(letter_id=letter.id)
    again = letter_render(letter_id=letter.id)
    assert (again.status, again.attempts, again.sha256, again.rendered_at) == (
        Letter.Status.READY,
        1,
        first.sha256,
        first.rendered_at,
    )
    assert _files(media) == ["CM14-0000001-v1-1.pdf"]


def test_an_attempt_that_died_mid_render_is_taken_again_and_overwrites_one_file(determination, media):
    letter = letter_create(determination=determination)
    # A previous attempt claimed the letter and wrote its file, then its worker died before marking it ready.
    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.RENDERING, attempts=1)
    stale = media / "letters" / "CM14-0000001" / "CM14-0000001-v1-1.pdf"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"%PDF-half-written")

    rendered = letter_render(letter_id=letter.id)

    assert rendered.status == Letter.Status.READY and rendered.attempts == 2
    assert _files(media) == ["CM14-0000001-v1-1.pdf"]
    assert hashlib.sha256(stale.read_bytes()).hexdigest() == rendered.sha256


def test_a_render_error_marks_the_letter_failed_with_the_error(determination):
    broken = Determination.objects.create(
        case=determination.case,
        version=2,
        signed_at=timezone.now(),
        decision_date=determination.decision_date,
        snapshot={"items": []},  # no case number: the template cannot be filled
        content_hash="0" * 64,
    )
    letter = letter_create(determination=broken)
    failed = letter_render(letter_id=letter.id)
    assert failed.status == Letter.Status.FAILED
    assert failed.error == "KeyError: 'case_number'"
    assert not failed.file and not failed.sha256
    assert letter_render(letter_id=letter.id).attempts == 1  # a failed letter is not retried by redelivery


def test_render_of_a_missing_letter_does_nothing():
    assert letter_render(letter_id=987654) is None


def test_rerender_makes_a_new_version_and_keeps_the_old(determination, django_capture_on_commit_callbacks):
    staff = StaffFactory()
    old = letter_create(determination=determination)
    letter_render(letter_id=old.id)
    with django_capture_on_commit_callbacks(execute=True):
        new = letter_rerender(letter=old, actor=staff)
    new.refresh_from_db()
    old.refresh_from_db()
    assert (old.version, old.status) == (1, Letter.Status.READY)
    assert (new.version, new.status) == (2, Letter.Status.READY)
    assert new.file.name.endswith("CM14-0000001-v1-2.pdf") and old.file.name.endswith("CM14-0000001-v1-1.pdf")
    event = CaseEvent.objects.get(case=determination.case, kind="letter_rerendered")
    assert event.actor == staff


def test_retry_requeues_a_failed_letter_only(determination, django_capture_on_commit_callbacks):
    letter = letter_create(determination=determination)
    with pytest.raises(LetterError) as refused:
        letter_retry(letter=letter)
    assert refused.value.message == LETTER_NOT_FAILED.format(status="queued")

    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.FAILED, error="OSError: disk full")
    with django_capture_on_commit_callbacks(execute=True):
        letter_retry(letter=letter, actor=StaffFactory())
    letter.refresh_from_db()
    assert letter.status == Letter.Status.READY and letter.version == 1 and letter.error == ""
    assert CaseEvent.objects.filter(case=determination.case, kind="letter_retried").exists()


def test_only_a_ready_letter_can_be_issued(determination):
    letter = letter_create(determination=determination)
    with pytest.raises(LetterError) as refused:
        letter_mark_issued(letter=letter)
    assert (
        refused.value.message
        == LETTER_NOT_READY.format(status="queued")
        == ("Only a ready letter can be issued; this letter is queued.")
    )


def test_issuing_sets_issued_at_and_moves_the_case_to_issued(determination):
    staff = StaffFactory()
    letter = letter_render(letter_id=letter_create(determination=determination).id)
    issued = letter_mark_issued(letter=letter, actor=staff)
    assert issued.issued_at is not None
    case = determination.case
    case.refresh_from_db()
    assert case.status == Status.ISSUED
    event = CaseEvent.objects.get(case=case, kind="letter_issued")
    assert (event.from_status, event.to_status, event.actor) == (Status.SIGNED, Status.ISSUED, staff)
    with pytest.raises(LetterError) as refused:
        letter_mark_issued(letter=letter, actor=staff)
    assert refused.value.message == LETTER_ALREADY_ISSUED


def test_a_superseded_determinations_letter_cannot_be_issued_or_rerendered(determination):
    letter = letter_render(letter_id=letter_create(determination=determination).id)
    determination_from_document(load_document(), case=determination.case)  # a correction supersedes it
    with pytest.raises(LetterError) as refused:
        letter_mark_issued(letter=letter)
    assert refused.value.message == LETTER_SUPERSEDED
    with pytest.raises(LetterError):
        letter_rerender(letter=letter)


def test_sweeper_requeues_letters_left_queued_or_stuck_rendering(determination, django_capture_on_commit_callbacks):
    long_ago = timezone.now() - timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=False):
        fresh = letter_create(determination=determination)
        lost = letter_create(determination=determination)
        dead = letter_create(determination=determination)
        busy = letter_create(determination=determination)
    Letter.objects.filter(pk=lost.pk).update(queued_at=long_ago)
    Letter.objects.filter(pk=dead.pk).update(status=Letter.Status.RENDERING, attempts=1, render_started_at=long_ago)
    Letter.objects.filter(pk=busy.pk).update(
        status=Letter.Status.RENDERING, attempts=1, render_started_at=timezone.now()
    )

    assert letters_sweep() == 2

    statuses = dict(Letter.objects.values_list("pk", "status"))
    assert statuses[lost.pk] == statuses[dead.pk] == Letter.Status.READY  # re-queued and (eagerly) rendered
    assert statuses[fresh.pk] == Letter.Status.QUEUED  # its message may still be on its way
    assert statuses[busy.pk] == Letter.Status.RENDERING  # a live render is left alone
    assert Letter.objects.get(pk=dead.pk).attempts == 2
    assert letters_sweep() == 0


def test_sweeper_thresholds(determination, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        letter_create(determination=determination)
    assert letters_sweep(older_than=timedelta(hours=1)) == 0
    assert letters_sweep(older_than=timedelta(0)) == 1
    assert services.SWEEP_RENDERING_AFTER.total_seconds() > services.RENDER_TIME_LIMIT


def test_task_configuration():
    from cases import tasks

    task = tasks.letter_render
    assert task.name == "cases.tasks.letter_render"
    assert task.acks_late and task.reject_on_worker_lost
    assert (task.soft_time_limit, task.time_limit) == (120, 180)
    assert task.max_retries == 5 and task.retry_backoff
    assert set(task.autoretry_for) == set(services.TRANSIENT_ERRORS)
    assert tasks.letters_sweep.name == "cases.tasks.letters_sweep"
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["sweep-letters"]["task"] == tasks.letters_sweep.name


def test_an_issued_letter_is_not_rerendered(determination):
    issued = letter_mark_issued(letter=letter_render(letter_id=letter_create(determination=determination).id))
    with pytest.raises(LetterError) as refused:
        letter_rerender(letter=issued)
    assert refused.value.message == LETTER_ISSUED_NO_RERENDER
    assert refused.value.message == (
        "This determination's letter was issued to the parties and cannot be re-rendered: what they received "
        "stands. A correction is a new determination version, with its own letter."
    )
    assert Letter.objects.filter(determination=determination).count() == 1
    assert not CaseEvent.objects.filter(kind="letter_rerendered").exists()


def test_only_the_newest_ready_version_can_be_issued(determination, django_capture_on_commit_callbacks):
    first = letter_render(letter_id=letter_create(determination=determination).id)
    with django_capture_on_commit_callbacks(execute=True):
        second = letter_rerender(letter=first)
    second.refresh_from_db()
    assert second.status == Letter.Status.READY
    with pytest.raises(LetterError) as refused:
        letter_mark_issued(letter=first)
    assert refused.value.message == LETTER_NOT_NEWEST.format(version=1, newest=2)
    assert refused.value.message == "Letter v1 is not the newest ready letter of this determination; issue v2."
    first.refresh_from_db()
    assert first.issued_at is None
    assert letter_mark_issued(letter=second).issued_at is not None


def test_a_ready_version_can_be_issued_while_a_newer_one_is_not_ready(
    determination, django_capture_on_commit_callbacks
):
    first = letter_render(letter_id=letter_create(determination=determination).id)
    with django_capture_on_commit_callbacks(execute=False):
        letter_rerender(letter=first)  # queued, not rendered yet
    assert letter_mark_issued(letter=first).issued_at is not None
