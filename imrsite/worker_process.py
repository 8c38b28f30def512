"""What each pool process of a Celery worker does besides its tasks: it warms up before the first one, and keeps
its database connection from one task to the next.

Warm-up: a new pool process renders a one-line letter once (``worker_process_init``), which loads WeasyPrint's
fonts through fontconfig, parses our stylesheet and compiles the letter template, so that the first real letter it
takes costs what every other one costs. ``CELERY_WORKER_PROC_ALIVE_TIMEOUT`` leaves it the time.

Connections: Celery's Django fixup closes every connection before and after each task unless
``CELERY_DB_REUSE_MAX`` is set (then only every that many tasks). With it set, a task would run on whatever
connection the previous one left, so around each task we do what Django does around each request
(``close_old_connections``): close a connection older than ``CONN_MAX_AGE`` or broken by an error, and health-check
it before its next use. A transient database error thus costs its task a retry, never the pool process its
connection for good. Eager tasks (no broker) run inside the caller's request and are left alone.
"""

import logging
import time

from celery.signals import task_postrun, task_prerun, worker_process_init
from django.db import close_old_connections, connections

logger = logging.getLogger(__name__)

WARM_UP_SNAPSHOT = {"case_number": "WARM-UP"}


@worker_process_init.connect
def warm_up(**_kwargs):
    from cases.letters import letter_pdf

    started = time.monotonic()
    try:
        letter_pdf(WARM_UP_SNAPSHOT, distribution=[])
    except Exception:  # noqa: BLE001 - a failed warm-up only leaves the first task to load what it needs
        logger.exception("The pool process's warm-up render failed; its first letter will load the fonts.")
        return
    logger.info("Pool process warmed up in %.2f s.", time.monotonic() - started)


def _between_tasks(task) -> None:
    if getattr(task.request, "is_eager", False):
        return
    if any(connection.in_atomic_block for connection in connections.all(initialized_only=True)):
        return  # never under a transaction (a task run from inside one)
    close_old_connections()


@task_prerun.connect
def before_task(sender=None, **_kwargs):
    _between_tasks(sender)


@task_postrun.connect
def after_task(sender=None, **_kwargs):
    _between_tasks(sender)
