"""The job every rendered PDF goes through: letters and notices alike (``cases.models.RenderedDocument``).

Job state lives on the row (queued -> rendering -> ready | failed), never in Celery. Rendering is idempotent: a
ready (or failed) row is skipped, and every attempt writes the same file name, so a redelivered task overwrites
rather than duplicates. Enqueueing happens after commit and never raises into the caller: when the broker is down
the row stays queued and the sweeper re-queues it later (docs/adr/0005, docs/adr/0016).

A kind of document is a ``RenderJob``: its model, its Celery task, its one file name, what it reads and how it
renders. Everything else (claim, store with SHA-256, fail, sweep, retry) is here once.

A render costs exactly two short transactions: the claim (lock the row, mark it rendering, read everything the
render needs) and the store (lock the row, write the file, mark it ready). The render itself runs between them,
outside any transaction and without a query, so no lock or idle transaction is held for the seconds WeasyPrint takes.
"""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from ..models import RenderStatus

logger = logging.getLogger(__name__)

RENDER_TOO_SLOW = "Rendering took longer than {seconds} seconds and was stopped."
FILE_NAME_TAKEN = "The storage saved the document as {saved!r} instead of {wanted!r}."

# Time limits of the render tasks (seconds). The sweeper treats a render older than the hard limit as dead.
RENDER_SOFT_TIME_LIMIT = 120
RENDER_TIME_LIMIT = 180
# Left alone this long, a queued row has probably lost its message (broker down when queued, queue purged).
SWEEP_QUEUED_AFTER = timedelta(minutes=10)
# A render that started this long ago has been killed (the hard time limit ended it or its worker died).
SWEEP_RENDERING_AFTER = timedelta(seconds=RENDER_TIME_LIMIT + 60)
SWEEP_BATCH = 500

# Errors worth retrying: the database went away for a moment. Anything else in a render is a real failure.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)

# The Celery options of every render task (``@shared_task(**RENDER_TASK_OPTIONS)``).
RENDER_TASK_OPTIONS = {
    "bind": True,
    "acks_late": True,  # a worker killed mid-render leaves the message to be redelivered
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
    "soft_time_limit": RENDER_SOFT_TIME_LIMIT,
    "time_limit": RENDER_TIME_LIMIT,
}


@dataclass(frozen=True)
class RenderJob:
    """One kind of rendered document."""

    label: str  # "Letter", "Notice": for the log
    model: type
    task: Callable[[], object]  # returns the Celery task (imported late: tasks import services)
    file_name: Callable[[object], str]
    # In the claim's transaction: whatever else the render needs from the database (the row's related rows are
    # already there through ``select_related``).
    read: Callable[[object], object]
    # Outside any transaction, from the row and what ``read`` returned: the PDF. Reads nothing from the database.
    render: Callable[[object, object], bytes]
    select_related: tuple[str, ...] = ()


def job_enqueue(job: RenderJob, row_id: int) -> bool:
    """Send the render task. Never raises: with the broker unreachable the row stays queued for the sweeper."""
    try:
        job.task().delay(row_id)
    except Exception:  # noqa: BLE001 - any broker failure leaves the row queued; the sweeper retries
        logger.warning(
            "%s %s stays queued: could not reach the broker; the sweeper will re-queue it.", job.label, row_id
        )
        return False
    return True


def job_enqueue_on_commit(job: RenderJob, row_id: int) -> None:
    transaction.on_commit(lambda: job_enqueue(job, row_id))


def _claim(job: RenderJob, row_id: int):
    """Take the row for this attempt: queued or rendering (a previous attempt died) becomes rendering. Returns the
    row, what the render reads (``job.read``, in the same transaction) and whether this attempt claimed it."""
    with transaction.atomic():
        # One read: the row (locked alone: a nullable join cannot be locked) with what the render needs.
        row = (
            job.model.objects.select_for_update(of=("self",))
            .select_related(*job.select_related)
            .filter(pk=row_id)
            .first()
        )
        if row is None:
            logger.warning("%s %s does not exist; nothing to render.", job.label, row_id)
            return None, None, False
        if row.status in (RenderStatus.READY, RenderStatus.FAILED):
            return row, None, False
        row.status = RenderStatus.RENDERING
        row.attempts += 1
        row.render_started_at = timezone.now()
        row.error = ""
        row.save(update_fields=["status", "attempts", "render_started_at", "error"])
        inputs = job.read(row)
    return row, inputs, True


def _store(job: RenderJob, row, pdf: bytes):
    """Write the PDF at the row's one name (overwriting a previous attempt's file) and mark the row ready, in one
    transaction. If that transaction fails after the file was written, the file is removed: a row that is not ready
    has no file beside it."""
    name = job.file_name(row)
    digest = hashlib.sha256(pdf).hexdigest()
    written = None
    try:
        with transaction.atomic():
            current = job.model.objects.select_for_update().get(pk=row.pk)
            if current.status != RenderStatus.RENDERING:
                # Another attempt finished (or failed) first: its outcome and its file stand.
                return current
            storage = current.file.storage
            if storage.exists(name):
                storage.delete(name)
            written = storage.save(name, ContentFile(pdf))
            if written != name:
                raise RuntimeError(FILE_NAME_TAKEN.format(saved=written, wanted=name))
            current.file.name = name
            current.sha256 = digest
            current.status = RenderStatus.READY
            current.rendered_at = timezone.now()
            current.error = ""
            current.save(update_fields=["file", "sha256", "status", "rendered_at", "error"])
    except BaseException:
        if written is not None:
            row.file.storage.delete(written)
        raise
    return current


def _fail(job: RenderJob, row, exc: BaseException):
    if isinstance(exc, SoftTimeLimitExceeded):
        message = RENDER_TOO_SLOW.format(seconds=RENDER_SOFT_TIME_LIMIT)
    else:
        message = f"{type(exc).__name__}: {exc}"[:2000]
    logger.error("%s %s failed to render: %s", job.label, row.pk, message, exc_info=exc)
    with transaction.atomic():
        current = job.model.objects.select_for_update().get(pk=row.pk)
        if current.status == RenderStatus.RENDERING:
            current.status = RenderStatus.FAILED
            current.error = message
            current.save(update_fields=["status", "error"])
    return current


def job_render(job: RenderJob, row_id: int):
    """Render row ``row_id``, store the PDF and its SHA-256, mark it ready.

    Idempotent: a ready or failed row is returned untouched. A render error marks the row failed with the error
    text; a transient database error is raised for the task to retry (the row stays rendering, and a later attempt
    or the sweeper takes it again).
    """
    row, inputs, claimed = _claim(job, row_id)
    if not claimed:
        return row
    try:
        return _store(job, row, job.render(row, inputs))
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever broke the render is recorded on the row
        return _fail(job, row, exc)


def job_requeue_failed(job: RenderJob, row, *, refused: Callable[[str], Exception]):
    """A failed row queued again (same version), after commit; any other status raises ``refused(status label)``.
    The caller holds a transaction and records why."""
    # of=self: PostgreSQL cannot lock the nullable side of a join (a notice's letter), and only the row needs it.
    row = job.model.objects.select_for_update(of=("self",)).select_related(*job.select_related).get(pk=row.pk)
    if row.status != RenderStatus.FAILED:
        raise refused(row.get_status_display().lower())
    row.status = RenderStatus.QUEUED
    row.queued_at = timezone.now()
    row.save(update_fields=["status", "queued_at"])
    job_enqueue_on_commit(job, row.id)
    return row


def jobs_sweep(
    job: RenderJob,
    *,
    older_than: timedelta = SWEEP_QUEUED_AFTER,
    rendering_older_than: timedelta = SWEEP_RENDERING_AFTER,
) -> int:
    """Re-queue rows left behind: queued longer than ``older_than`` (their message was never sent or was lost)
    and rendering since longer than ``rendering_older_than`` (their worker died). Returns how many were re-queued."""
    now = timezone.now()
    stale = job.model.objects.filter(
        Q(status=RenderStatus.QUEUED, queued_at__lte=now - older_than)
        | Q(status=RenderStatus.QUEUED, queued_at__isnull=True)
        | Q(status=RenderStatus.RENDERING, render_started_at__lte=now - rendering_older_than)
        | Q(status=RenderStatus.RENDERING, render_started_at__isnull=True)
    ).order_by("queued_at", "id")[:SWEEP_BATCH]
    requeued = []
    for row in stale:
        with transaction.atomic():
            locked = job.model.objects.select_for_update().get(pk=row.pk)
            if locked.status != row.status:
                continue  # picked up meanwhile
            locked.status = RenderStatus.QUEUED
            locked.queued_at = now
            locked.save(update_fields=["status", "queued_at"])
        requeued.append(locked.id)
    sent = sum(job_enqueue(job, row_id) for row_id in requeued)
    if requeued:
        logger.info("Sweeper re-queued %d %s(s); %d sent to the broker.", len(requeued), job.label.lower(), sent)
    return len(requeued)
