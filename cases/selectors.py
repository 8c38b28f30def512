"""Reads. ``cases_visible_to`` is the one visibility rule: every view that shows a case goes through it."""

from .models import Case, Letter


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


def determination_current(case):
    """The case's current determination: the newest version not superseded (None before signing)."""
    return case.determinations.filter(superseded_by__isnull=True).order_by("-version").first()


def letter_current(case):
    """The newest letter of the case's current determination, whatever its status (None if there is none)."""
    return (
        Letter.objects.filter(determination__case=case, determination__superseded_by__isnull=True)
        .select_related("determination")
        .order_by("-determination__version", "-version")
        .first()
    )


def letter_downloadable(case):
    """The newest ready letter of the case's current determination: what ``/cases/<n>/letter.pdf`` serves."""
    return (
        Letter.objects.filter(
            determination__case=case, determination__superseded_by__isnull=True, status=Letter.Status.READY
        )
        .exclude(file="")
        .select_related("determination")
        .order_by("-determination__version", "-version")
        .first()
    )
