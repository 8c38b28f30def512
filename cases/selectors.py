"""Reads. ``cases_visible_to`` is the one visibility rule: every view that shows a case goes through it."""

import datetime
import re

from django.db import connections
from django.db.models import (
    BooleanField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.db.models import Case as SqlCase
from django.utils import timezone
from django.utils.text import smart_split, unescape_string_literal

from .deadlines import DEADLINE_WINDOWS, WEEK_DAYS, DaysBetween, PacificDate, days_after
from .models import (
    CLINICAL_DOCUMENT_TYPES,
    OPEN_REVIEW_STATUSES,
    VIEW_ALL_CASES_PERMISSION,
    Case,
    Citation,
    Correction,
    DocumentReview,
    Letter,
    Status,
    fold_whitespace,
)


def case_is_assigned_to(case, user) -> bool:
    """Whether ``user`` is the case's current expert reviewer: the one who writes, ticks and signs its draft. An
    inactive reviewer is no longer that, though the case still names them until a coordinator reassigns it."""
    return case.reviewer_id is not None and case.reviewer.user_id == user.pk and case.reviewer.active


def user_sees_all_cases(user) -> bool:
    """The ``cases.view_all_cases`` permission (Coordinator, Auditor, superusers); being staff is not enough."""
    return user.is_authenticated and user.has_perm(VIEW_ALL_CASES_PERMISSION)


def cases_visible_to(user):
    """Holders of ``cases.view_all_cases`` see every case; an active reviewer sees only the cases currently assigned
    to them; anyone else (other staff, an inactive reviewer) nothing."""
    if not user.is_authenticated:
        return Case.objects.none()
    if user_sees_all_cases(user):
        return Case.objects.all()
    reviewer = getattr(user, "reviewer", None)
    if reviewer is None or not reviewer.active:
        return Case.objects.none()
    return Case.objects.filter(reviewer=reviewer)


def cases_held_by(reviewer):
    """The open cases (assigned, awaiting records, in review) that name ``reviewer``: what a coordinator must
    reassign when the reviewer becomes inactive."""
    return Case.objects.filter(reviewer=reviewer, status__in=OPEN_REVIEW_STATUSES).order_by("case_number")


def cases_held_by_inactive_reviewers(cases):
    return cases.filter(reviewer__active=False, status__in=OPEN_REVIEW_STATUSES)


# The reviewer workspace's reads. Each takes a case already obtained through ``cases_visible_to``.

QUEUE_PAGE_SIZE = 25


def case_queue(user, *, status: str = "", priority: str = ""):
    """The signed-in user's queue (staff: every case): open work first (assigned, awaiting records, in review), then
    the rest (signed, issued, closed...); within each, soonest decision due first, undated last.

    Served by the ``case_queue_mine``/``case_queue_all`` indexes (reviewer, queue_rank, decision_due, case_number),
    or ``case_queue``/``case_status_due`` with a status; one query per page plus the count.
    """
    cases = cases_visible_to(user).select_related("claim")
    if status:
        cases = cases.filter(status=status)
    if priority:
        cases = cases.filter(priority=priority)
    # ``queue_rank`` is a stored column the database keeps from the status: the order comes off an index.
    return cases.order_by("queue_rank", F("decision_due").asc(nulls_last=True), "case_number")


# A whole case number, or its beginning ("CM14-00001"): served by the case number's btree, not the text search.
CASE_NUMBER_PREFIX_RE = re.compile(r"^CM\d{2}(-\d{0,7})?$", re.IGNORECASE)


def search_terms(query: str) -> list[str]:
    """The terms of a search box entry, as the admin splits them: words, or "quoted phrases", case-folded."""
    terms = []
    for bit in smart_split(query):
        if bit[:1] in "\"'" and bit[-1:] == bit[:1] and len(bit) > 1:
            bit = unescape_string_literal(bit)
        bit = fold_whitespace(bit).casefold()
        if bit:
            terms.append(bit)
    return terms


def cases_matching(queryset, query: str):
    """Cases of ``queryset`` found by ``query``: a case number (whole or its beginning) through the case number's
    index; otherwise every term must appear in the case's ``search_text`` (claim number, the worker's first and last
    name, any party's name), which the pg_trgm index serves for any part of a word ("gonz", "acme")."""
    terms = search_terms(query)
    if len(terms) == 1 and CASE_NUMBER_PREFIX_RE.match(terms[0]):
        return queryset.filter(case_number__startswith=terms[0].upper())
    for term in terms:
        queryset = queryset.filter(search_text__contains=term)
    return queryset


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


def case_has_clinical_document(case) -> bool:
    """Whether the case file holds a clinical record (not only the application, UR letter and correspondence)."""
    return case.documents.filter(doc_type__in=CLINICAL_DOCUMENT_TYPES).exists()


def case_items(case):
    """Disputed items with their citations (both sides) and guidelines, in a constant number of queries."""
    citations = Citation.objects.select_related("guideline").order_by("side", "order", "id")
    return case.items.order_by("order", "id").prefetch_related(Prefetch("citations", queryset=citations))


def citation_as_dict(citation: Citation) -> dict:
    """A citation as ``imr-case/1`` and the determination snapshot write it."""
    return {
        "source": citation.guideline.source,
        "title": citation.guideline.title,
        "sections": citation.sections or None,
        "pages": citation.pages or None,
    }


def case_items_as_dicts(case) -> list[dict]:
    """The disputed items with both sides' citations, as ``imr-case/1`` and the snapshot hold them (2 queries)."""
    return [item_as_dict(item, item.citations.all()) for item in case_items(case)]


def item_as_dict(item, citations) -> dict:
    """An item with its citations (ordered by side, order, id: ``case_items``), as ``imr-case/1`` holds it."""
    citations = list(citations)
    return {
        "title": item.title,
        "decision": item.decision or None,
        "claims_administrator_citations": [
            citation_as_dict(c) for c in citations if c.side == Citation.Side.CLAIMS_ADMINISTRATOR
        ],
        "citations": [citation_as_dict(c) for c in citations if c.side == Citation.Side.IMRO],
        "rationale": item.rationale,
    }


def correction_pending(case):
    """The case's open correction (opened, its new version not signed yet), or None."""
    return Correction.objects.filter(case=case, corrected_by__isnull=True).select_related("determination").first()


def current_determination(case):
    return case.determinations.filter(superseded_by__isnull=True).order_by("-version").first()


def latest_letter(determination):
    if determination is None:
        return None
    return determination.letters.order_by("-version", "-id").first()


# Deadlines ------------------------------------------------------------------------------------------------------

# Which deadline is running in which status: the claims administrator's records until they are complete, then the
# reviewer's decision.
RECORDS_CLOCK_STATUSES = (Status.ASSIGNED, Status.AWAITING_RECORDS)
DECISION_CLOCK_STATUSES = (Status.IN_REVIEW,)


def annotate_days_left(queryset, today: datetime.date):
    """Annotate cases with ``days_left`` (to the decision deadline), ``records_days_left`` (to the records
    deadline, counted on its Pacific date) and ``days_with_reviewer`` (since the current reviewer's assignment): whole
    calendar days (``cases.deadlines.DaysBetween``), negative when overdue, null when the deadline is not
    set or the case is no longer under review (signed, issued, closed...). One SQL expression each, so a queue page
    stays at a constant number of queries; order or filter on them freely.
    """
    under_review = Q(status__in=OPEN_REVIEW_STATUSES)
    return queryset.annotate(
        days_left=SqlCase(When(under_review, then=DaysBetween(today, "decision_due")), default=None),
        records_days_left=SqlCase(
            When(under_review, then=DaysBetween(today, PacificDate("records_due"))), default=None
        ),
        # "Days with reviewer": from the Pacific day of the assignment (a reassignment restarts it).
        days_with_reviewer=SqlCase(
            When(under_review, then=DaysBetween(PacificDate("review_started_at"), today)), default=None
        ),
    )


def annotate_running_deadline(queryset, today: datetime.date):
    """``annotate_days_left`` plus ``deadline_days_left``: the days left on the deadline running now, the records
    while the case is assigned or awaiting records, the decision while it is in review (null otherwise)."""
    return annotate_days_left(queryset, today).annotate(
        deadline_days_left=SqlCase(
            When(Q(status__in=RECORDS_CLOCK_STATUSES, records_complete__isnull=True), then=F("records_days_left")),
            When(status__in=DECISION_CLOCK_STATUSES, then=F("days_left")),
            default=None,
            output_field=IntegerField(),
        )
    )


def case_running_deadline(case, today: datetime.date) -> dict | None:
    """The deadline running now for ``case`` (records, then decision): label, date and days left; None if none."""
    if case.status in RECORDS_CLOCK_STATUSES and case.records_due:
        label, due = "Records due", timezone.localdate(case.records_due)
    elif case.status in DECISION_CLOCK_STATUSES and case.decision_due:
        label, due = "Decision due", case.decision_due
    else:
        return None
    return {"label": label, "date": due, "days_left": (due - today).days}


def _running_deadline(today: datetime.date, *, before: datetime.date | None, on_or_after: datetime.date | None):
    """Cases whose running deadline (records, then decision) falls in [on_or_after, before).

    Read from ``Case.running_due``, the stored date of that deadline (the records' Pacific due day while assigned
    or awaiting records not yet complete, the decision due date in review), so the ``case_sort_running_due``
    index serves it.
    """
    q = Q(running_due__isnull=False)
    if on_or_after is not None:
        q &= Q(running_due__gte=on_or_after)
    if before is not None:
        q &= Q(running_due__lt=before)
    return q


def cases_in_window(queryset, today: datetime.date, window: str):
    """Open cases whose running deadline falls in ``DEADLINE_WINDOWS[window]`` ("overdue", "today", "week")."""
    return queryset.filter(_in_window(today, window))


def _in_window(today: datetime.date, window: str) -> Q:
    on_or_after, before = DEADLINE_WINDOWS[window].bounds(today)
    return _running_deadline(today, before=before, on_or_after=on_or_after)


def cases_overdue(queryset, today: datetime.date):
    """Open cases whose running deadline has passed (records not in by their due day, or no decision by its day)."""
    return cases_in_window(queryset, today, "overdue")


def cases_due_within(queryset, today: datetime.date, days: int = WEEK_DAYS):
    """Open cases whose running deadline falls today or in the next ``days - 1`` days."""
    return queryset.filter(_running_deadline(today, before=days_after(today, days), on_or_after=today))


# Which clock runs: the claims administrator's records, or the reviewer's decision.
CLOCKS = {"records": Q(status__in=RECORDS_CLOCK_STATUSES), "decision": Q(status__in=DECISION_CLOCK_STATUSES)}

# Eligible and waiting for a reviewer: found eligible in eligibility review, or remanded for a new review cycle.
WAITING_FOR_REVIEWER = Q(status=Status.ELIGIBILITY_REVIEW, found_eligible_at__isnull=False) | Q(status=Status.REMANDED)


def cases_on_clock(queryset, clock: str):
    """Open cases whose running deadline is ``clock`` ("records" or "decision")."""
    return queryset.filter(CLOCKS[clock])


def cases_waiting_for_reviewer(queryset):
    return queryset.filter(WAITING_FOR_REVIEWER)


def one_row_of(queryset, **aggregates):
    """``queryset.aggregate(**aggregates)`` as a queryset not run yet: one row (no GROUP BY: the grouping on a
    constant is dropped), for ``counts_in_one_query`` to put beside others."""
    return queryset.order_by().annotate(_one=Value(1)).values("_one").annotate(**aggregates).values(*aggregates)


class CappedCount:
    """``COUNT(*)`` of ``queryset``, reading at most ``cap + 1`` of its rows, as a one-row part named ``name`` for
    ``counts_in_one_query``. With an index serving the filter, the count stops after ``cap + 1`` index entries
    however large the table: a tile says "more than 1,000" instead of scanning a hundred thousand cases for the
    exact figure (``count_shown``)."""

    def __init__(self, name: str, queryset, cap: int):
        self.name, self.cap, self.db = name, cap, queryset.db
        self.rows = queryset.order_by().values("pk")[: cap + 1]

    def sql_with_params(self):
        sql, params = self.rows.query.sql_with_params()
        return f'SELECT COUNT(*) AS "{self.name}" FROM ({sql}) AS capped', params


def count_shown(count: int, cap: int | None) -> str:
    """A count as a tile shows it: the number, or "more than <cap>" when the count stopped at its cap."""
    return f"more than {cap:,}" if cap is not None and count > cap else f"{count:,}"


def counts_in_one_query(*rows) -> dict[str, int]:
    """Several ``one_row_of`` aggregates and ``CappedCount`` parts, of any tables, read in ONE query (``SELECT * FROM
    (a) CROSS JOIN (b)...``: each part is one row, so the join is one row too). A page of counts then costs one round
    trip, however many tiles it shows, and each aggregate keeps its own conditional aggregation (one scan for all the
    counts of a table)."""
    parts, params = [], []
    for n, row in enumerate(rows):
        sql, row_params = row.sql_with_params() if isinstance(row, CappedCount) else row.query.sql_with_params()
        parts.append(f"({sql}) AS counts_{n}")
        params.extend(row_params)
    with connections[rows[0].db].cursor() as cursor:
        cursor.execute("SELECT * FROM " + " CROSS JOIN ".join(parts), params)
        names = [column[0] for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


# The admin home counts each tile of cases up to this many (then "more than 1,000").
TODAY_WORK_CAP = 1_000


def today_work_cases(today: datetime.date) -> list[CappedCount]:
    """The case counts of the admin home's "Today's work", each capped (``CappedCount``): records overdue,
    decisions overdue, due today and due within 7 days (today included), and eligible cases waiting for a reviewer.
    Each count is what the case list shows with the matching filters (``?deadline=...&clock=...``,
    ``?reviewer_wait=waiting``). Each reads an index over its statuses and dates only (``case_today_work``: status,
    running_due; the waiting ones ``case_waiting_for_reviewer``) and stops after ``TODAY_WORK_CAP + 1`` entries: at a
    million cases the ~106,000 cases in flight are no longer all read to count them."""
    cases = Case.objects.all()
    counts = {
        "records_overdue": _in_window(today, "overdue") & CLOCKS["records"],
        "decisions_overdue": _in_window(today, "overdue") & CLOCKS["decision"],
        "decisions_due_today": _in_window(today, "today") & CLOCKS["decision"],
        "decisions_due_week": _in_window(today, "week") & CLOCKS["decision"],
        "waiting_for_reviewer": WAITING_FOR_REVIEWER,
    }
    return [CappedCount(name, cases.filter(condition), TODAY_WORK_CAP) for name, condition in counts.items()]


def cases_today_work(today: datetime.date) -> dict[str, int]:
    """``today_work_cases`` read on its own."""
    return counts_in_one_query(*today_work_cases(today))


# Letters ------------------------------------------------------------------------------------------------------


def letter_current(case):
    """The newest letter of the case's current determination, whatever its status (None if there is none)."""
    return (
        Letter.objects.filter(determination__case=case, determination__superseded_by__isnull=True)
        .select_related("determination")
        .order_by("-determination__version", "-version")
        .first()
    )


def letter_downloadable(case):
    """What ``/cases/<n>/letter.pdf`` serves: the issued letter of the case's current determination (what the parties
    received), else its newest ready letter."""
    return (
        Letter.objects.filter(
            determination__case=case, determination__superseded_by__isnull=True, status=Letter.Status.READY
        )
        .exclude(file="")
        .select_related("determination")
        .order_by(F("issued_at").desc(nulls_last=True), "-determination__version", "-version")
        .first()
    )


def letters_to_issue(queryset=None):
    """Letters of signed cases (not issued yet) on their current determination: the newest ready one of each is to be
    issued."""
    queryset = Letter.objects.all() if queryset is None else queryset
    newer_ready = Letter.objects.filter(
        determination=OuterRef("determination"), status=Letter.Status.READY, version__gt=OuterRef("version")
    )
    return queryset.filter(
        status=Letter.Status.READY,
        issued_at__isnull=True,
        determination__superseded_by__isnull=True,
        determination__case__status=Status.SIGNED,
    ).exclude(Exists(newer_ready))


def letters_failed(queryset=None):
    """Failed renders of signed cases' current determinations: retry them (or re-render) before the letter can go."""
    queryset = Letter.objects.all() if queryset is None else queryset
    return queryset.filter(
        status=Letter.Status.FAILED,
        determination__superseded_by__isnull=True,
        determination__case__status=Status.SIGNED,
    )
