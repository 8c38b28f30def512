"""Celery tasks of the notices app: thin, they take ids and call one service (STYLE.md 4)."""

from celery import shared_task

from cases.services.render_jobs import RENDER_TASK_OPTIONS

from . import services


@shared_task(**RENDER_TASK_OPTIONS)
def notice_render(self, notice_id):
    """Render notice ``notice_id``; a ready notice is skipped (the service is idempotent)."""
    services.notice_render(notice_id=notice_id)


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def notices_sweep():
    """Re-queue notices left queued or stuck rendering (beat entry "sweep-notices")."""
    return services.notices_sweep()
