"""Notices share the letter's job: a render error marks the notice failed with the error; a failed notice is retried
(and only a failed one); a notice left queued is swept; the file has one name and its SHA-256."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import CaseEvent, Letter
from notices.models import Notice
from notices.services import NOTICE_NOT_FAILED, NoticeError, notice_render, notice_retry, notices_sweep

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


def test_a_failed_notice_keeps_its_error_and_is_retried_once_fixed(
    signed, staff_user, media, django_capture_on_commit_callbacks
):
    letter = Letter.objects.get(determination=signed)
    public = Notice.objects.get(letter=letter)
    with pytest.raises(NoticeError) as not_failed:
        notice_retry(notice=public, actor=staff_user)
    assert not_failed.value.message == NOTICE_NOT_FAILED.format(status="ready")

    # A public copy whose recorded terms are not what the redaction reads: the render fails, and says why.
    broken = Notice.objects.create(
        case=signed.case, kind=Notice.Kind.PUBLIC_COPY, version=2, letter=letter, content={"terms": [["x"]]}
    )
    broken = notice_render(notice_id=broken.pk)
    assert broken.status == Notice.Status.FAILED
    assert broken.error == "IndexError: list index out of range"
    assert not broken.file

    Notice.objects.filter(pk=broken.pk).update(content={"terms": [["worker name", "Maria"]]})
    with django_capture_on_commit_callbacks(execute=True):  # the enqueue waits for the commit; Celery runs eagerly
        retried = notice_retry(notice=broken, actor=staff_user)
    assert retried.status == Notice.Status.QUEUED
    retried.refresh_from_db()
    assert retried.status == Notice.Status.READY, retried.error
    assert retried.attempts == 2
    assert retried.file.name == f"notices/{signed.case.case_number}/{signed.case.case_number}-public-copy-v2.pdf"
    with retried.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == retried.sha256
    assert CaseEvent.objects.filter(case=signed.case, kind="notice_retried", actor=staff_user).exists()


def test_the_sweeper_requeues_a_notice_left_queued(signed, media):
    stale = Notice.objects.create(
        case=signed.case,
        kind=Notice.Kind.PUBLIC_COPY,
        version=3,
        letter=Letter.objects.get(determination=signed),
        content={"terms": []},
        queued_at=timezone.now() - timedelta(hours=1),
    )
    fresh = Notice.objects.create(
        case=signed.case, kind=Notice.Kind.PUBLIC_COPY, version=4, letter=stale.letter, queued_at=timezone.now()
    )
    assert notices_sweep() == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == Notice.Status.READY and fresh.status == Notice.Status.QUEUED
