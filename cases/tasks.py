"""Celery tasks of the cases app: thin, they take ids and call one service (STYLE.md 4)."""

from celery import shared_task

from .services import deadlines as deadline_services
from .services import letters as letter_services
from .services.render_jobs import RENDER_TASK_OPTIONS


@shared_task(**RENDER_TASK_OPTIONS)
def letter_render(self, letter_id):
    """Render letter ``letter_id``; a ready letter is skipped (the service is idempotent)."""
    letter_services.letter_render(letter_id=letter_id)


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def letters_sweep():
    """Re-queue letters left queued or stuck rendering (beat entry "sweep-letters")."""
    return letter_services.letters_sweep()


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180)
def deadlines_flag_missed():
    """Put every newly missed deadline on its case's timeline (beat entry "flag-missed-deadlines")."""
    return deadline_services.deadlines_flag_missed()
