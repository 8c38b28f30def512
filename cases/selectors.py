"""Reads. ``cases_visible_to`` is the one visibility rule: every view that shows a case goes through it."""

from .models import Case


def cases_visible_to(user):
    """Staff see every case; a reviewer sees only the cases currently assigned to them; anyone else nothing."""
    if not user.is_authenticated:
        return Case.objects.none()
    if user.is_staff:
        return Case.objects.all()
    reviewer = getattr(user, "reviewer", None)
    if reviewer is None:
        return Case.objects.none()
    return Case.objects.filter(reviewer=reviewer)
