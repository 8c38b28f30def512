"""Reads. ``cases_visible_to`` is the one visibility rule: every view that shows a case goes through it."""

import datetime

from django.db.models import BooleanField, Exists, F, OuterRef, Prefetch, Q, Value

from .models import Case, Citation, DocumentReview, Guideline, Letter, normalize_title


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


# The reviewer workspace's reads. Each takes a case already obtained through ``cases_visible_to``.

QUEUE_PAGE_SIZE = 25


def case_queue(user, *, status: str = "", priority: str = ""):
    """The signed-in user's queue (staff: every case), soonest decision due first, undated last.

    Served by the ``case_queue`` index (reviewer, status, decision_due); one query per page plus the count.
    """
    cases = cases_visible_to(user).select_related("claim")
    if status:
        cases = cases.filter(status=status)
    if priority:
        cases = cases.filter(priority=priority)
    return cases.order_by(F("decision_due").asc(nulls_last=True), "case_number")


def worker_age(worker, on: datetime.date) -> int | None:
    """Age on ``on`` from the date of birth when known, else the age stored at application."""
    born = worker.date_of_birth
    if born is None:
        return worker.age
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def treatment_timeline(case) -> list:
    """Treatment history, dated events in date order, then the undated ones in their recorded order."""
    events = list(case.treatment_history.all())
    return sorted(events, key=lambda e: (e.date is None, e.date or datetime.date.min, e.order, e.pk))


def case_documents(case, reviewer):
    """The case's documents, each with ``reviewed`` (True when ``reviewer`` has marked it)."""
    documents = case.documents.order_by(F("document_date").asc(nulls_last=True), "id")
    if reviewer is None:
        return documents.annotate(reviewed=Value(False, output_field=BooleanField()))
    return documents.annotate(
        reviewed=Exists(DocumentReview.objects.filter(document=OuterRef("pk"), reviewer=reviewer))
    )


def case_items(case):
    """Disputed items with their citations (both sides) and guidelines, in a constant number of queries."""
    citations = Citation.objects.select_related("guideline").order_by("side", "order", "id")
    return case.items.order_by("order", "id").prefetch_related(Prefetch("citations", queryset=citations))


def current_determination(case):
    return case.determinations.filter(superseded_by__isnull=True).order_by("-version").first()


def latest_letter(determination):
    if determination is None:
        return None
    return determination.letters.order_by("-version", "-id").first()


def guidelines_matching(query: str, *, limit: int = 20):
    """Active library entries whose title or an alias contains ``query``, case-insensitively."""
    folded = normalize_title(query)
    if len(folded) < 2:
        return Guideline.objects.none()
    return (
        Guideline.objects.filter(active=True)
        .filter(Q(normalized_title__contains=folded) | Q(aliases__icontains=folded))
        .order_by("source", "normalized_title")[:limit]
    )


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
