"""A working day for the demo: 40 cases in every status, with three more reviewers, dated from the day of loading.

Each case goes through the services a coordinator's and a reviewer's clicks call (intake, eligibility, assignment,
records, signing, issuing, appeal...), so its timeline reads like a real one. Deadlines are placed around the load
date: some records overdue, decisions due today and this week, others later, so "Today's work" and the deadline
filters have something to show on a fresh install. Idempotent: an existing case number is left as it is.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass

from reviewers.models import BoardCertification, License, Reviewer, Specialty

from .. import deadlines
from ..models import Case, Citation, Decision, Document, Guideline, Party, Priority, Status
from . import lifecycle
from .corrections import correction_open
from .intake import case_intake
from .letters import letter_mark_issued, letter_render
from .review import determination_sign, document_mark_reviewed


@dataclass(frozen=True)
class WorkloadReviewer:
    username: str
    first_name: str
    last_name: str
    reference: str
    specialty: str
    board: str
    licence_days_left: int | None = None  # None: a licence to 2099


# Reviewers of the workload. They have no password: the demo's logins stay admin, dr.psych and dr.ortho. Dr.
# Benson's licence lapses within the month, so "Today's work" has a credential to renew.
WORKLOAD_REVIEWERS = (
    WorkloadReviewer(
        "er.0003",
        "Priya",
        "Natarajan",
        "ER-0003",
        "Physical Medicine & Rehabilitation",
        "American Board of Physical Medicine and Rehabilitation",
    ),
    WorkloadReviewer("er.0004", "Samuel", "Chen", "ER-0004", "Pain Medicine", "American Board of Anesthesiology"),
    WorkloadReviewer(
        "er.0005", "Laura", "Benson", "ER-0005", "Neurology", "American Board of Psychiatry and Neurology", 20
    ),
)

TREATMENTS = {
    "Physical Medicine & Rehabilitation": ("Physical therapy, 12 sessions, lumbar spine", "Low Back Complaints 2004"),
    "Pain Medicine": ("Lumbar epidural steroid injection L4-L5", "Chronic Pain Medical Treatment 2009"),
    "Neurology": ("EMG/NCV of both lower extremities", "Low Back Complaints 2004"),
}
FIRST_NAMES = ("Maria", "James", "Guadalupe", "Robert", "Linh", "Michael", "Aisha", "David", "Rosa", "Kevin")
LAST_NAMES = ("Gonzalez", "Nguyen", "Smith", "Hernandez", "Johnson", "Patel", "Garcia", "Lee")
EMPLOYERS = ("Acme Stores, Inc.", "Valley Fresh Packing", "Bay Area Transit", "Sierra Construction Co.")
CLAIMS_ADMINISTRATORS = ("Golden State Claims Services", "Pacific Risk Administrators", "State Compensation Fund")
# Utilization review organizations whose decisions the demo cases dispute (a field of the case, not a party row).
UR_ORGANIZATIONS = ("Coastal Utilization Review, Inc.", "MedReview Partners", "Western States UR Services")


@dataclass(frozen=True)
class DemoCase:
    """Where one workload case stands; ``due`` is the running deadline in days from the load date (negative:
    overdue) for the statuses that have one."""

    status: Status
    due: int | None = None
    found_eligible: bool = False
    expedited: bool = False
    letter: str = "ready"  # signed cases: "ready" (rendered, to issue) or "queued" (for the worker)
    closed_after_assignment: bool = False  # withdrawn or terminated once a reviewer had it (the full fee)


WORKLOAD = (
    *(DemoCase(Status.RECEIVED) for _ in range(3)),
    DemoCase(Status.ELIGIBILITY_REVIEW, found_eligible=True),
    DemoCase(Status.ELIGIBILITY_REVIEW),
    DemoCase(Status.ELIGIBILITY_REVIEW),
    DemoCase(Status.DEFERRED),
    DemoCase(Status.DEFERRED),
    DemoCase(Status.INELIGIBLE),
    DemoCase(Status.INELIGIBLE),
    *(DemoCase(Status.ASSIGNED, due=due) for due in (14, 13, 12, 10, 9)),
    *(DemoCase(Status.AWAITING_RECORDS, due=due) for due in (-3, -1, 0, 2, 5, 9)),
    *(DemoCase(Status.IN_REVIEW, due=due) for due in (-1, 0, 0, 1, 3, 5, 12, 20)),
    DemoCase(Status.IN_REVIEW, due=2, expedited=True),
    DemoCase(Status.SIGNED),
    DemoCase(Status.SIGNED),
    DemoCase(Status.SIGNED, letter="queued"),
    DemoCase(Status.ISSUED),
    DemoCase(Status.ISSUED),
    DemoCase(Status.APPEALED),
    DemoCase(Status.REMANDED),
    DemoCase(Status.CORRECTING),
    DemoCase(Status.WITHDRAWN),
    DemoCase(Status.WITHDRAWN, closed_after_assignment=True),
    DemoCase(Status.TERMINATED, closed_after_assignment=True),
)
FIRST_WORKLOAD_NUMBER = 500001  # CM26-0500001 ... CM26-0500040


def workload_case_numbers() -> list[str]:
    return [f"CM26-{FIRST_WORKLOAD_NUMBER + n:07d}" for n in range(len(WORKLOAD))]


def demo_workload(report, *, today: datetime.date, actor, user_for) -> None:
    """Create the workload reviewers and cases that are missing. ``user_for(username, first_name, last_name)`` makes
    (or finds) a user without a password."""
    reviewers = [_workload_reviewer(report, spec, today, user_for) for spec in WORKLOAD_REVIEWERS]
    rotation = itertools.cycle(reviewers)
    for n, (number, spec) in enumerate(zip(workload_case_numbers(), WORKLOAD, strict=True)):
        reviewer = next(rotation)
        if Case.objects.filter(case_number=number).exists():
            report.note(f"case {number}", created=False)
            continue
        _workload_case(number, n, spec, reviewer=reviewer, today=today, actor=actor)
        report.note(f"case {number}", created=True)


def _workload_reviewer(report, spec: WorkloadReviewer, today: datetime.date, user_for) -> Reviewer:
    reviewer = Reviewer.objects.filter(reference=spec.reference).first()
    if reviewer is not None:
        report.note(f"reviewer {spec.reference}", created=False)
        return reviewer
    user = user_for(spec.username, spec.first_name, spec.last_name)
    reviewer = Reviewer.objects.create(
        user=user, reference=spec.reference, years_in_practice=14, weekly_practice_hours=30, capacity=12
    )
    specialty, _ = Specialty.objects.get_or_create(name=spec.specialty)
    reviewer.specialties.add(specialty)
    BoardCertification.objects.create(
        reviewer=reviewer, specialty=specialty, board=spec.board, certified_on=datetime.date(2008, 6, 1)
    )
    expires = (
        today + datetime.timedelta(days=spec.licence_days_left)
        if spec.licence_days_left
        else datetime.date(2099, 12, 31)
    )
    License.objects.create(
        reviewer=reviewer, state="California", number=f"A-{spec.reference[-4:]}77", expires_on=expires
    )
    report.note(f"reviewer {spec.reference}", created=True)
    return reviewer


def _dates(spec: DemoCase, today: datetime.date) -> dict:
    """The case's dates, chosen so that its running deadline falls ``spec.due`` days from today."""
    days = datetime.timedelta
    decision_days = deadlines.DECISION_DAYS_EXPEDITED if spec.expedited else deadlines.DECISION_DAYS
    if spec.status in (Status.ASSIGNED, Status.AWAITING_RECORDS):
        notice = today + days(spec.due - deadlines.RECORDS_DAYS)
        complete = None
    elif spec.status == Status.IN_REVIEW:
        complete = today + days(spec.due - decision_days)
        notice = complete - days(8)
    else:  # decided or closed long enough ago for the whole path to fit before today
        complete = today - days(35)
        notice = complete - days(10)
    received = notice - days(4) if notice else today - days(2)
    return {"received": received, "notice": notice, "complete": complete}


def _workload_case(number: str, n: int, spec: DemoCase, *, reviewer: Reviewer, today, actor) -> None:
    specialty = reviewer.specialties.get()
    treatment, guideline_title = TREATMENTS[specialty.name]
    dates = _dates(spec, today)
    case = Case(
        case_number=number,
        priority=Priority.EXPEDITED if spec.expedited else Priority.STANDARD,
        application_received=dates["received"],
        ur_decision_date=dates["received"] - datetime.timedelta(days=12),
        ur_organization=UR_ORGANIZATIONS[n % len(UR_ORGANIZATIONS)],
    )
    case_intake(
        case=case,
        worker={
            "first_name": FIRST_NAMES[n % len(FIRST_NAMES)],
            "last_name": LAST_NAMES[(n * 3) % len(LAST_NAMES)],
            "date_of_birth": datetime.date(1962 + n % 30, 1 + n % 12, 1 + n % 27),
            "sex": "female" if n % 2 else "male",
        },
        new_claim={"claim_number": f"WC-{2400 + n:05d}", "date_of_injury": dates["received"] - datetime.timedelta(400)},
        actor=actor,
    )
    Party.objects.bulk_create(
        [
            Party(case=case, role=Party.Role.EMPLOYER, name=EMPLOYERS[n % len(EMPLOYERS)], address="Sacramento, CA"),
            Party(
                case=case,
                role=Party.Role.CLAIMS_ADMINISTRATOR,
                name=CLAIMS_ADMINISTRATORS[n % len(CLAIMS_ADMINISTRATORS)],
                address="PO Box 1200, Oakland, CA 94604",
            ),
        ]
    )
    item = case.items.create(order=1, title=treatment, specialty=specialty)
    guideline = Guideline.objects.filter(title=guideline_title).first()
    if guideline is not None:
        Citation.objects.create(item=item, side=Citation.Side.CLAIMS_ADMINISTRATOR, guideline=guideline, order=1)
    report = Document.objects.create(
        case=case,
        doc_type=Document.Type.PR2,
        title="Treating physician's progress report (PR-2)",
        author="Treating physician",
        document_date=dates["received"] - datetime.timedelta(days=20),
        received_date=dates["received"],
        pages=5,
    )
    _advance(case, spec, dates, reviewer=reviewer, item=item, guideline=guideline, report=report, actor=actor)


def _advance(case, spec: DemoCase, dates, *, reviewer, item, guideline, report, actor) -> None:
    """Take the received case along the legal path to ``spec.status``, through the services."""
    target = spec.status
    if target == Status.RECEIVED:
        return
    closing = {Status.WITHDRAWN: lifecycle.case_withdraw, Status.TERMINATED: lifecycle.case_terminate}
    if target in closing and not spec.closed_after_assignment:
        closing[target](case=case, actor=actor, reason="Demo: the applicant withdrew the application.")
        return
    lifecycle.case_start_eligibility_review(case=case, actor=actor)
    if target == Status.ELIGIBILITY_REVIEW:
        if spec.found_eligible:
            lifecycle.case_find_eligible(case=case, actor=actor)
        return
    if target == Status.DEFERRED:
        lifecycle.case_defer(case=case, actor=actor, reason="Demo: liability for the injury is disputed.")
        return
    if target == Status.INELIGIBLE:
        lifecycle.case_find_ineligible(
            case=case, actor=actor, reason="Demo: filed 41 days after the UR decision.", code="late"
        )
        return
    lifecycle.case_find_eligible(case=case, actor=actor)
    lifecycle.case_assign_reviewer(case=case, reviewer=reviewer, actor=actor, notice_date=dates["notice"])
    if target in closing:
        closing[target](case=case, actor=actor, reason="Demo: the claims administrator authorized the treatment.")
        return
    if target == Status.ASSIGNED:
        return
    lifecycle.case_request_records(case=case, actor=actor)
    if target == Status.AWAITING_RECORDS:
        return
    lifecycle.case_mark_records_complete(case=case, actor=actor, on=dates["complete"])
    if target == Status.IN_REVIEW:
        return
    _sign(case, reviewer=reviewer, item=item, guideline=guideline, report=report)
    letter = case.determinations.get().letters.get()
    if spec.letter == "queued" and target == Status.SIGNED:
        return  # rendered by the Celery worker (make run), or at once without one
    letter = letter_render(letter_id=letter.pk)
    if target == Status.SIGNED:
        return
    letter_mark_issued(letter=letter, actor=actor)
    if target == Status.ISSUED:
        return
    if target == Status.CORRECTING:
        correction_open(case=case, actor=actor, reason="Demo: item 1's guideline citation names the wrong chapter.")
        return
    lifecycle.case_appeal(case=case, actor=actor, note="Demo: verified petition filed with the WCAB.")
    if target == Status.REMANDED:
        lifecycle.case_remand(case=case, actor=actor, note="Demo: the WCAB reversed the determination.")


DEMO_OVERRIDE_NOTE = "Demo data: generated wording, signed over its warnings."


def _sign(case, *, reviewer, item, guideline, report) -> None:
    """The reviewer's work: a summary, a decision with its rationale and citation, a document read; then signing."""
    case.clinical_summary = (
        "The injured worker has chronic symptoms after the industrial injury and was treated conservatively. "
        "The request is reviewed against the guidelines cited."
    )
    case.save(update_fields=["clinical_summary", "updated"])
    item.decision, item.rationale = Decision.UPHELD, "The guidelines cited do not support the request as made."
    item.save(update_fields=["decision", "rationale"])
    if guideline is not None:
        Citation.objects.create(item=item, side=Citation.Side.IMRO, guideline=guideline, order=1)
    document_mark_reviewed(document=report, user=reviewer.user)
    # The generated wording draws sign-off warnings (no record date, the guideline not named): signed over, as a
    # reviewer would with a note.
    determination_sign(case=case, user=reviewer.user, override_note=DEMO_OVERRIDE_NOTE)
