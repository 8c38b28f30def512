"""Final Determination Letters: the row that tracks a letter, its rendering job, re-renders, issue, and the sweeper.

The job itself (claim, store with SHA-256, fail, retry, sweep) is ``render_jobs``, shared with the notices: a letter
is one ``RenderJob``. Job state lives in ``Letter.status`` (queued -> rendering -> ready | failed), never in Celery
(docs/adr/0005). Who receives the letter (its distribution list, printed on it) is the letter's proof-of-service
rows, planned when the letter is queued (``notices.services.letter_queued``).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .. import letters as letter_text
from ..models import CaseEvent, Determination, Letter, letter_upload_to
from . import render_jobs
from .lifecycle import Outcome, case_record_event, locked_move
from .render_jobs import (  # noqa: F401 - the letter's job limits, as callers and tests know them
    RENDER_SOFT_TIME_LIMIT,
    RENDER_TIME_LIMIT,
    SWEEP_QUEUED_AFTER,
    SWEEP_RENDERING_AFTER,
    TRANSIENT_ERRORS,
)

LETTER_NOT_READY = "Only a ready letter can be issued; this letter is {status}."
LETTER_ALREADY_ISSUED = "This letter was already issued."
LETTER_SUPERSEDED = "This letter belongs to a superseded determination; issue the current determination's letter."
LETTER_ISSUED_NO_RERENDER = (
    "This determination's letter was issued to the parties and cannot be re-rendered: what they received stands. "
    "A correction is a new determination version, with its own letter."
)
LETTER_NOT_NEWEST = "Letter v{version} is not the newest ready letter of this determination; issue v{newest}."
LETTER_NOT_FAILED = "Only a failed letter can be retried; this letter is {status}."
SERVICE_DATE_FUTURE = "The date of service ({on:%m/%d/%Y}) cannot be in the future."
SERVICE_DATE_BEFORE_SIGNING = "The date of service ({on:%m/%d/%Y}) cannot precede the signature ({signed:%m/%d/%Y})."


class LetterError(ValidationError):
    """A letter operation refused; the message says why."""


def letter_file_name(letter: Letter) -> str:
    """The one storage name of a letter version, e.g. ``letters/CM14-0000001/CM14-0000001-v1-2.pdf``
    (determination version 1, letter version 2)."""
    case_number = letter.determination.case.case_number
    return letter_upload_to(letter, f"{case_number}-v{letter.determination.version}-{letter.version}.pdf")


def _letter_distribution(letter: Letter) -> list[dict] | None:
    """What the render reads besides the letter: its distribution list, from its proof-of-service rows."""
    from notices.selectors import document_distribution

    return document_distribution(letter=letter)


def _letter_pdf(letter: Letter, distribution: list[dict] | None) -> bytes:
    """The letter from its determination's snapshot and its distribution list."""
    return letter_text.letter_pdf(letter.determination.snapshot, distribution=distribution)


def _task():
    from ..tasks import letter_render as letter_render_task

    return letter_render_task


LETTER_JOB = render_jobs.RenderJob(
    label="Letter",
    model=Letter,
    task=_task,
    file_name=letter_file_name,
    read=_letter_distribution,
    render=_letter_pdf,
    select_related=("determination__case",),
)


def letter_enqueue(*, letter_id: int) -> bool:
    """Send the render task. Never raises: with the broker unreachable the letter stays queued for the sweeper."""
    return render_jobs.job_enqueue(LETTER_JOB, letter_id)


def letter_create(*, determination: Determination) -> Letter:
    """A queued letter (the next version for ``determination``), rendered by a worker once the caller commits."""
    with transaction.atomic():
        # Lock the determination so that two concurrent creations cannot pick the same version number.
        Determination.objects.select_for_update().filter(pk=determination.pk).first()
        version = (Letter.objects.filter(determination=determination).aggregate(v=Max("version"))["v"] or 0) + 1
        letter = Letter.objects.create(
            determination=determination, version=version, status=Letter.Status.QUEUED, queued_at=timezone.now()
        )
        # Who it is served on, and so the distribution list it prints; and its redacted public copy.
        from notices.services import letter_queued

        letter_queued(letter=letter)
        render_jobs.job_enqueue_on_commit(LETTER_JOB, letter.id)
    return letter


def letter_render(*, letter_id: int) -> Letter | None:
    """Render letter ``letter_id`` (``render_jobs.job_render``): idempotent, a render error marks it failed, a
    transient database error is raised for the task to retry."""
    return render_jobs.job_render(LETTER_JOB, letter_id)


def letter_rerender(*, letter: Letter, actor=None) -> Letter:
    """A new letter version for the same determination (after a template fix, say); the old version is kept.

    Refused once a letter of the determination was issued: the parties have it, and a later render must not stand
    beside it as "the letter". The correction path is a new determination version.
    """
    determination = letter.determination
    if determination.superseded_by_id:
        raise LetterError(LETTER_SUPERSEDED)
    with transaction.atomic():
        # The determination's lock (as letter_create takes it) orders this against a concurrent issue.
        Determination.objects.select_for_update().filter(pk=determination.pk).first()
        if Letter.objects.filter(determination=determination, issued_at__isnull=False).exists():
            raise LetterError(LETTER_ISSUED_NO_RERENDER)
        new = letter_create(determination=determination)
        case_record_event(
            case=determination.case,
            kind=CaseEvent.Kind.LETTER_RERENDERED,
            actor=actor,
            note=f"Letter v{new.version} queued to replace v{letter.version}.",
        )
    return new


def letter_retry(*, letter: Letter, actor=None) -> Letter:
    """Queue a failed letter again (same version), e.g. after the cause was fixed."""
    with transaction.atomic():
        letter = render_jobs.job_requeue_failed(
            LETTER_JOB, letter, refused=lambda status: LetterError(LETTER_NOT_FAILED.format(status=status))
        )
        case_record_event(
            case=letter.determination.case,
            kind=CaseEvent.Kind.LETTER_RETRIED,
            actor=actor,
            note=f"Letter v{letter.version} queued again after: {letter.error[:200]}",
        )
    return letter


def _service_moment(served_on: datetime.date | None, signed_at) -> datetime.datetime:
    """When a letter served on ``served_on`` (default today) counts as issued: now if today, else noon that day."""
    today = timezone.localdate()
    if served_on is None or served_on == today:
        return timezone.now()
    if served_on > today:
        raise LetterError(SERVICE_DATE_FUTURE.format(on=served_on))
    signed = timezone.localdate(signed_at)
    if served_on < signed:
        raise LetterError(SERVICE_DATE_BEFORE_SIGNING.format(on=served_on, signed=signed))
    return timezone.make_aware(datetime.datetime.combine(served_on, datetime.time(12)))


def letter_mark_issued(*, letter: Letter, actor=None, served_on: datetime.date | None = None) -> Letter:
    """Record that the (ready, current) letter was served on the parties on ``served_on`` (default today); the case
    becomes issued. ``issued_at`` is the first service: later services (``notices.services.document_serve``) keep it.

    Only the newest ready version of the current determination can be issued: an older version is outdated by
    the re-render that followed it.
    """
    with transaction.atomic():
        Determination.objects.select_for_update().filter(pk=letter.determination_id).first()
        letter = Letter.objects.select_for_update().select_related("determination__case").get(pk=letter.pk)
        if letter.status != Letter.Status.READY:
            raise LetterError(LETTER_NOT_READY.format(status=letter.get_status_display().lower()))
        if letter.issued_at is not None:
            raise LetterError(LETTER_ALREADY_ISSUED)
        determination = letter.determination
        if determination.superseded_by_id:
            raise LetterError(LETTER_SUPERSEDED)
        newest = Letter.objects.filter(determination=determination, status=Letter.Status.READY).order_by("-version")
        newest_version = newest.values_list("version", flat=True).first()
        if newest_version != letter.version:
            raise LetterError(LETTER_NOT_NEWEST.format(version=letter.version, newest=newest_version))
        letter.issued_at = _service_moment(served_on, determination.signed_at)
        letter.save(update_fields=["issued_at"])
        issued = Outcome(note=f"Letter v{letter.version} issued (SHA-256 {letter.sha256}).")
        locked_move(determination.case, "serve_letter", actor=actor, work=lambda _locked: issued)
    return letter


def letters_sweep(
    *,
    older_than: datetime.timedelta = SWEEP_QUEUED_AFTER,
    rendering_older_than: datetime.timedelta = SWEEP_RENDERING_AFTER,
) -> int:
    """Re-queue letters left queued or stuck rendering (``render_jobs.jobs_sweep``); returns how many."""
    return render_jobs.jobs_sweep(LETTER_JOB, older_than=older_than, rendering_older_than=rendering_older_than)
