"""Final Determination Letters: the row that tracks a letter, its rendering job, re-renders, issue, and the sweeper.

Job state lives in ``Letter.status`` (queued -> rendering -> ready | failed), never in Celery. Rendering is
idempotent: a ready (or failed) letter is skipped, and every attempt writes the same file name, so a redelivered
task overwrites rather than duplicates. Enqueueing happens after commit and never raises into the caller: when the
broker is down the letter stays queued and ``letters_sweep`` re-queues it later (docs/adr/0005).
"""

import hashlib
import logging
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from .. import letters as letter_text
from ..models import CaseEvent, Determination, Letter, Status, letter_upload_to
from .lifecycle import case_record_event, case_transition

logger = logging.getLogger(__name__)

LETTER_NOT_READY = "Only a ready letter can be issued; this letter is {status}."
LETTER_ALREADY_ISSUED = "This letter was already issued."
LETTER_SUPERSEDED = "This letter belongs to a superseded determination; issue the current determination's letter."
LETTER_ISSUED_NO_RERENDER = (
    "This determination's letter was issued to the parties and cannot be re-rendered: what they received stands. "
    "A correction is a new determination version, with its own letter."
)
LETTER_NOT_NEWEST = "Letter v{version} is not the newest ready letter of this determination; issue v{newest}."
LETTER_NOT_FAILED = "Only a failed letter can be retried; this letter is {status}."
LETTER_TOO_SLOW = "Rendering took longer than {seconds} seconds and was stopped."
LETTER_FILE_NAME_TAKEN = "The storage saved the letter as {saved!r} instead of {wanted!r}."

# Time limits of the render task (seconds). The sweeper treats a render older than the hard limit as dead.
RENDER_SOFT_TIME_LIMIT = 120
RENDER_TIME_LIMIT = 180
# Left alone this long, a queued letter has probably lost its message (broker down at signing, queue purged).
SWEEP_QUEUED_AFTER = timedelta(minutes=10)
# A render that started this long ago has been killed (the hard time limit ended it or its worker died).
SWEEP_RENDERING_AFTER = timedelta(seconds=RENDER_TIME_LIMIT + 60)
SWEEP_BATCH = 500

# Errors worth retrying: the database went away for a moment. Anything else in a render is a real failure.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)


class LetterError(ValidationError):
    """A letter operation refused; the message says why."""


def letter_file_name(letter: Letter) -> str:
    """The one storage name of a letter version, e.g. ``letters/CM14-0000001/CM14-0000001-v1-2.pdf``
    (determination version 1, letter version 2)."""
    case_number = letter.determination.case.case_number
    return letter_upload_to(letter, f"{case_number}-v{letter.determination.version}-{letter.version}.pdf")


def letter_enqueue(*, letter_id: int) -> bool:
    """Send the render task. Never raises: with the broker unreachable the letter stays queued for the sweeper."""
    from ..tasks import letter_render as letter_render_task

    try:
        letter_render_task.delay(letter_id)
    except Exception:  # noqa: BLE001 - any broker failure leaves the letter queued; the sweeper retries
        logger.warning("Letter %s stays queued: could not reach the broker; the sweeper will re-queue it.", letter_id)
        return False
    return True


def letter_create(*, determination: Determination) -> Letter:
    """A queued letter (the next version for ``determination``), rendered by a worker once the caller commits."""
    with transaction.atomic():
        # Lock the determination so that two concurrent creations cannot pick the same version number.
        Determination.objects.select_for_update().filter(pk=determination.pk).first()
        version = (Letter.objects.filter(determination=determination).aggregate(v=Max("version"))["v"] or 0) + 1
        letter = Letter.objects.create(
            determination=determination, version=version, status=Letter.Status.QUEUED, queued_at=timezone.now()
        )
        transaction.on_commit(lambda: letter_enqueue(letter_id=letter.id))
    return letter


def _letter_claim(letter_id: int) -> tuple[Letter | None, bool]:
    """Take the letter for this attempt: queued or rendering (a previous attempt died) becomes rendering."""
    with transaction.atomic():
        # One read: the letter (locked alone) with the determination and case the render needs.
        letter = (
            Letter.objects.select_for_update(of=("self",))
            .select_related("determination__case")
            .filter(pk=letter_id)
            .first()
        )
        if letter is None:
            logger.warning("Letter %s does not exist; nothing to render.", letter_id)
            return None, False
        if letter.status in (Letter.Status.READY, Letter.Status.FAILED):
            return letter, False
        letter.status = Letter.Status.RENDERING
        letter.attempts += 1
        letter.render_started_at = timezone.now()
        letter.error = ""
        letter.save(update_fields=["status", "attempts", "render_started_at", "error"])
    return letter, True


def _letter_store(letter: Letter, pdf: bytes) -> Letter:
    """Write the PDF at the letter's one name (overwriting a previous attempt's file) and mark the letter ready."""
    name = letter_file_name(letter)
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        current = Letter.objects.select_for_update().get(pk=letter.pk)
        if current.status != Letter.Status.RENDERING:
            # Another attempt finished (or failed) first: its outcome and its file stand.
            return current
        storage = current.file.storage
        if storage.exists(name):
            storage.delete(name)
        saved = storage.save(name, ContentFile(pdf))
        if saved != name:
            raise RuntimeError(LETTER_FILE_NAME_TAKEN.format(saved=saved, wanted=name))
        current.file.name = name
        current.sha256 = digest
        current.status = Letter.Status.READY
        current.rendered_at = timezone.now()
        current.error = ""
        current.save(update_fields=["file", "sha256", "status", "rendered_at", "error"])
    return current


def _letter_fail(letter: Letter, exc: BaseException) -> Letter:
    if isinstance(exc, SoftTimeLimitExceeded):
        message = LETTER_TOO_SLOW.format(seconds=RENDER_SOFT_TIME_LIMIT)
    else:
        message = f"{type(exc).__name__}: {exc}"[:2000]
    logger.error("Letter %s failed to render: %s", letter.pk, message, exc_info=exc)
    with transaction.atomic():
        current = Letter.objects.select_for_update().get(pk=letter.pk)
        if current.status == Letter.Status.RENDERING:
            current.status = Letter.Status.FAILED
            current.error = message
            current.save(update_fields=["status", "error"])
    return current


def letter_render(*, letter_id: int) -> Letter | None:
    """Render letter ``letter_id`` from its determination's snapshot, store the PDF and its SHA-256, mark it ready.

    Idempotent: a ready or failed letter is returned untouched. A render error marks the letter failed with the
    error text; a transient database error is raised for the task to retry (the row stays rendering, and a later
    attempt or the sweeper takes it again).
    """
    letter, claimed = _letter_claim(letter_id)
    if not claimed:
        return letter
    try:
        pdf = letter_text.letter_pdf(letter.determination.snapshot)
        return _letter_store(letter, pdf)
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever broke the render is recorded on the letter
        return _letter_fail(letter, exc)


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
        letter = Letter.objects.select_for_update().select_related("determination__case").get(pk=letter.pk)
        if letter.status != Letter.Status.FAILED:
            raise LetterError(LETTER_NOT_FAILED.format(status=letter.get_status_display().lower()))
        letter.status = Letter.Status.QUEUED
        letter.queued_at = timezone.now()
        letter.save(update_fields=["status", "queued_at"])
        case_record_event(
            case=letter.determination.case,
            kind=CaseEvent.Kind.LETTER_RETRIED,
            actor=actor,
            note=f"Letter v{letter.version} queued again after: {letter.error[:200]}",
        )
        letter_id = letter.id
        transaction.on_commit(lambda: letter_enqueue(letter_id=letter_id))
    return letter


def letter_mark_issued(*, letter: Letter, actor=None) -> Letter:
    """Record that the (ready, current) letter was served on the parties; the case becomes issued.

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
        letter.issued_at = timezone.now()
        letter.save(update_fields=["issued_at"])
        case_transition(
            case=determination.case,
            to=Status.ISSUED,
            actor=actor,
            kind=CaseEvent.Kind.LETTER_ISSUED,
            note=f"Letter v{letter.version} issued (SHA-256 {letter.sha256}).",
        )
    return letter


def letters_sweep(
    *, older_than: timedelta = SWEEP_QUEUED_AFTER, rendering_older_than: timedelta = SWEEP_RENDERING_AFTER
) -> int:
    """Re-queue letters left behind: queued longer than ``older_than`` (their message was never sent or was lost)
    and rendering since longer than ``rendering_older_than`` (their worker died). Returns how many were re-queued."""
    now = timezone.now()
    stale = Letter.objects.filter(
        Q(status=Letter.Status.QUEUED, queued_at__lte=now - older_than)
        | Q(status=Letter.Status.QUEUED, queued_at__isnull=True)
        | Q(status=Letter.Status.RENDERING, render_started_at__lte=now - rendering_older_than)
        | Q(status=Letter.Status.RENDERING, render_started_at__isnull=True)
    ).order_by("queued_at", "id")[:SWEEP_BATCH]
    requeued = []
    for letter in stale:
        with transaction.atomic():
            locked = Letter.objects.select_for_update().get(pk=letter.pk)
            if locked.status != letter.status:
                continue  # picked up meanwhile
            locked.status = Letter.Status.QUEUED
            locked.queued_at = now
            locked.save(update_fields=["status", "queued_at"])
        requeued.append(locked.id)
    sent = sum(letter_enqueue(letter_id=letter_id) for letter_id in requeued)
    if requeued:
        logger.info("Sweeper re-queued %d letter(s); %d sent to the broker.", len(requeued), sent)
    return len(requeued)
