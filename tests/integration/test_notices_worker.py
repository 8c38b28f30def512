"""Notices through a real Celery worker on Redis and PostgreSQL: a first assignment's NOARFI and a signed letter's
public copy are rendered by the worker after commit (stored with their SHA-256, downloadable by staff); a notice whose
render died is re-queued by the sweeper and finished by the worker."""

import hashlib
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from cases.services.lifecycle import case_assign_reviewer
from imrsite.celery import app as celery_app
from notices.models import Notice
from notices.services import notices_sweep
from tests.factories import StaffFactory
from tests.lifecycle_helpers import case_needing, reviewer_in

from ..cases.letters_support import determination_from_document, load_document
from .workers import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]


def notice_status(notice_id):
    return Notice.objects.filter(pk=notice_id).values_list("status", flat=True).first()


def _rendered(notice_id):
    wait_for(lambda: notice_status(notice_id) in ("ready", "failed"), 60, "the notice")
    notice = Notice.objects.get(pk=notice_id)
    assert notice.status == Notice.Status.READY, notice.error
    return notice


def test_the_noarfi_and_the_public_copy_are_rendered_by_the_worker(start_worker, media, client):
    start_worker()
    case = case_needing()
    with transaction.atomic():
        case_assign_reviewer(case=case, reviewer=reviewer_in(), notice_date=timezone.localdate())
    noarfi = _rendered(Notice.objects.get(case=case, kind=Notice.Kind.NOARFI).pk)
    assert hashlib.sha256((media / noarfi.file.name).read_bytes()).hexdigest() == noarfi.sha256

    from cases.services.letters import letter_create

    determination = determination_from_document(load_document())
    with transaction.atomic():
        letter = letter_create(determination=determination)
    public = _rendered(Notice.objects.get(letter=letter, kind=Notice.Kind.PUBLIC_COPY).pk)
    client.force_login(StaffFactory())
    response = client.get(f"/cases/{determination.case.case_number}/notices/{public.pk}.pdf")
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == public.sha256


def test_a_notice_whose_render_died_is_swept_and_finished(start_worker, media):
    case = case_needing()
    with transaction.atomic():
        case_assign_reviewer(case=case, reviewer=reviewer_in(), notice_date=timezone.localdate())
    notice = Notice.objects.get(case=case, kind=Notice.Kind.NOARFI)
    # No worker yet. Say a worker took the message and died mid-render, long ago, and the message is gone: only
    # the sweeper can get the notice rendered now (a waiting message would race the sweep).
    celery_app.control.purge()
    Notice.objects.filter(pk=notice.pk).update(
        status=Notice.Status.RENDERING, attempts=1, render_started_at=timezone.now() - timedelta(hours=1)
    )
    assert notices_sweep(older_than=timedelta(0), rendering_older_than=timedelta(minutes=5)) == 1
    start_worker()
    notice = _rendered(notice.pk)
    assert notice.attempts >= 2
    assert [p.name for p in (media / "notices" / case.case_number).iterdir()] == [notice.file.name.split("/")[-1]]
