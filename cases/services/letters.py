"""Letter rows. Placeholder for the workspace branch: the ``letters`` branch owns this module (rendering, Celery,
the sweeper) and replaces it on merge. The contract the workspace relies on is ``letter_create`` alone."""

from django.utils import timezone

from ..models import Letter


def letter_create(*, determination) -> Letter:
    """A queued letter for ``determination`` (rendering is the letters branch's job)."""
    return Letter.objects.create(determination=determination, status=Letter.Status.QUEUED, queued_at=timezone.now())
