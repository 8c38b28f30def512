"""Demo data for ``make run`` (``load_demo``): the seed case as dr.psych's unsigned draft, dr.ortho with cases of his
own, an administrator, a coordinator and an auditor (in their groups, ``cases.roles``), the guideline library, and a
working day of 40 more cases in every status for three more reviewers (``demo_workload``). Idempotent: whatever
exists already is left exactly as it is, so a second run writes nothing (not even a history row).

Cases move through ``case_transition`` along the legal path (received, eligibility review, assigned, awaiting
records, in review), so the timeline reads like a real one and nothing sets ``status`` by hand. Deadlines are set
relative to the day of loading (decision due 20 days later, records due 11 days later) so that a fresh demo is
neither hopelessly overdue nor empty of due dates; a later run does not move them.
"""

from __future__ import annotations

import copy
import csv
import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html

from reviewers.models import BoardCertification, License, Reviewer, Specialty

from .. import deadlines
from ..letters import html_to_pdf
from ..models import Assignment, Case, Document, Guideline, Status, UROutcome, normalize_title
from ..roles import AUDITOR, COORDINATOR
from .demo_workload import UR_ORGANIZATIONS, demo_workload
from .guideline_topics import guideline_topics_load
from .interchange import case_import
from .lifecycle import case_transition

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"
# The app's own copy of ../shared/fixtures/seed-case.json (a test keeps them identical): the demo must not depend on
# a folder beside the repository.
SEED_CASE_PATH = FIXTURES_DIR / "seed-case.json"
GUIDELINES_CSV_PATH = FIXTURES_DIR / "guidelines.csv"

DEMO_PASSWORD = "imr-demo"
SEED_CASE_NUMBER = "CM14-0000001"
DECISION_DUE_IN_DAYS = 20


@dataclass
class DemoReport:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)

    def note(self, label: str, created: bool):
        (self.created if created else self.existing).append(label)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    sees: str


def demo_logins() -> list[DemoLogin]:
    ortho = ", ".join(spec["case_number"] for spec in ORTHO_CASES)
    return [
        DemoLogin("admin", "administrator", "Django admin at /admin/: every case, reviewers, the guideline library"),
        DemoLogin("coordinator", "coordinator", "/admin/: intake, lifecycle actions and letters of every case"),
        DemoLogin("auditor", "auditor", "/admin/: every case, its timeline, access log and history, read-only"),
        DemoLogin("dr.psych", "expert reviewer", f"/cases/: {SEED_CASE_NUMBER}, the seed case, in review (draft)"),
        DemoLogin("dr.ortho", "expert reviewer", f"/cases/: {ortho}"),
    ]


def demo_load(*, today: datetime.date | None = None) -> DemoReport:
    """Create whatever part of the demo data is missing; return what was created and what already existed."""
    today = today or timezone.localdate()
    report = DemoReport()
    with transaction.atomic():
        admin = _user(report, "admin", first_name="Ada", last_name="Admin", staff=True, superuser=True)
        _user(report, "coordinator", first_name="Cora", last_name="Coordinator", staff=True, group=COORDINATOR)
        _user(report, "auditor", first_name="Otto", last_name="Auditor", staff=True, group=AUDITOR)
        _guideline_library(report)
        psych = _reviewer(
            report,
            username="dr.psych",
            first_name="Miriam",
            last_name="Okafor",
            reference="ER-0001",
            specialty="Child Adolescent & Psychiatry",
            board="American Board of Psychiatry and Neurology",
            licenses=[("California", "A-104233")],
            years=16,
            hours=32,
        )
        ortho = _reviewer(
            report,
            username="dr.ortho",
            first_name="Daniel",
            last_name="Reyes",
            reference="ER-0002",
            specialty="Orthopedic Surgery",
            board="American Board of Orthopaedic Surgery",
            licenses=[("California", "G-88210"), ("Oregon", "MD-31877")],
            years=22,
            hours=40,
        )
        seed = json.loads(SEED_CASE_PATH.read_text(encoding="utf-8"))
        # The seed as an unsigned draft: its summary, decisions, citations and rationale are the reviewer's work in
        # progress; no determination until dr.psych signs it here.
        seed["determination"] = None
        _demo_case(
            report, seed, reviewer=psych, status=Status.IN_REVIEW, documents=SEED_DOCUMENTS, actor=admin, today=today
        )
        for spec in ORTHO_CASES:
            _demo_case(
                report,
                spec["document"],
                reviewer=ortho,
                status=spec["status"],
                documents=spec["documents"],
                actor=admin,
                today=today,
            )

        def unnamed_login(username, first_name, last_name):
            return _user(report, username, first_name=first_name, last_name=last_name, login=False)

        demo_workload(report, today=today, actor=admin, user_for=unnamed_login)
    return report


def _user(
    report: DemoReport,
    username: str,
    *,
    first_name: str,
    last_name: str,
    staff=False,
    superuser=False,
    group="",
    login=True,
):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    created = user is None
    if created:
        user = User(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@imro.example",
            is_staff=staff,
            is_superuser=superuser,
        )
        if login:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()  # a reviewer of the workload, named on cases, not a demo login
        user.save()
        if group:
            user.groups.add(Group.objects.get(name=group))
    report.note(f"user {username}", created=created)
    return user


def _reviewer(report, *, username, first_name, last_name, reference, specialty, board, licenses, years, hours):
    user = _user(report, username, first_name=first_name, last_name=last_name)
    reviewer = Reviewer.objects.filter(reference=reference).first()
    if reviewer is not None:
        report.note(f"reviewer {reference}", created=False)
        return reviewer
    reviewer = Reviewer.objects.create(
        user=user, reference=reference, years_in_practice=years, weekly_practice_hours=hours
    )
    specialty_row, _ = Specialty.objects.get_or_create(name=specialty)
    reviewer.specialties.add(specialty_row)
    BoardCertification.objects.create(
        reviewer=reviewer, specialty=specialty_row, board=board, certified_on=datetime.date(2005, 6, 1)
    )
    for state, number in licenses:
        License.objects.create(reviewer=reviewer, state=state, number=number, expires_on=datetime.date(2099, 12, 31))
    report.note(f"reviewer {reference}", created=True)
    return reviewer


def _guideline_library(report: DemoReport):
    """Entries of ``guidelines.csv`` missing from the library (matched by source and title) are added."""
    created = 0
    with GUIDELINES_CSV_PATH.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if Guideline.objects.filter(source=row["source"], normalized_title=normalize_title(row["title"])).exists():
                continue
            Guideline.objects.create(
                source=row["source"],
                title=row["title"],
                evidence_rank=row["evidence_rank"],
                aliases="\n".join(alias.strip() for alias in row["aliases"].split("|") if alias.strip()),
                active=row["active"].strip().lower() not in {"false", "no", "n", "0"},
            )
            created += 1
    report.note(f"guideline library ({created} entries added)", created=bool(created))
    topics = guideline_topics_load()
    report.note(f"guideline topics ({topics} added)", created=bool(topics))


# The legal path from an application to each demo status.
_PATH = [Status.ELIGIBILITY_REVIEW, Status.ASSIGNED, Status.AWAITING_RECORDS, Status.IN_REVIEW]


def _demo_case(report, document, *, reviewer, status, documents, actor, today):
    case_number = document["case_number"]
    if Case.objects.filter(case_number=case_number).exists():
        report.note(f"case {case_number}", created=False)
        return
    case = case_import(document=copy.deepcopy(document), actor=actor)
    # The format carries no specialty nor UR outcome; the demo's items are in their reviewer's field, so matching has
    # a basis, and UR denied them (as the seed letter's UR determination did).
    case.items.update(specialty=reviewer.specialties.order_by("name").first(), ur_outcome=UROutcome.DENIED)
    # Nor the UR organization (saved with the first transition below).
    case.ur_organization = UR_ORGANIZATIONS[0]
    now = timezone.now()
    for doc in documents:
        Document.objects.create(case=case, file=_demo_pdf(case_number, doc), **doc)
    for step in _PATH[: _PATH.index(status) + 1]:
        if step == Status.ASSIGNED:
            case.found_eligible_at = now
            case.reviewer = reviewer
            case.review_started_at = now
            # Deadlines follow the day of loading: a notice the document does not date went out a few days ago (two
            # weeks for a case already in review), so the records are due soon, not years ago.
            days_ago = datetime.timedelta(days=14 if status == Status.IN_REVIEW else 4)
            case.date_assigned = case.date_assigned or today - days_ago
            Assignment.objects.create(
                case=case,
                reviewer=reviewer,
                assigned_at=now,
                assigned_by=actor,
                conflict_check={"result": "clear", "note": "Demo data: no affiliation declared."},
            )
        if step == Status.IN_REVIEW:
            # Deadlines are computed from the facts on every transition (case_deadlines): date the records so the
            # decision falls DECISION_DUE_IN_DAYS from today, never later than today.
            days = deadlines.DECISION_DAYS_EXPEDITED if case.priority == "expedited" else deadlines.DECISION_DAYS
            case.records_complete = min(today, today + datetime.timedelta(days=DECISION_DUE_IN_DAYS - days))
        case.save()  # the facts the step rests on first: the move works on the locked row
        case_transition(case=case, to=step, actor=actor, note="Demo data.")
    report.note(f"case {case_number}", created=True)


def _demo_pdf(case_number: str, doc: dict) -> ContentFile:
    """A one-page stand-in PDF for a demo document, so reviewers have something to open."""
    html = format_html(
        "<h1>{}</h1><p>{}</p><p>{}</p><p><em>Demo document of case {}: a stand-in for the real record.</em></p>",
        doc["title"],
        doc.get("author", ""),
        doc["document_date"].strftime("%m/%d/%Y") if doc.get("document_date") else "",
        case_number,
    )
    return ContentFile(html_to_pdf(html), name=f"{doc['doc_type']}.pdf")


SEED_DOCUMENTS = [
    {
        "doc_type": Document.Type.IMR_APPLICATION,
        "title": "Application for Independent Medical Review (DWC Form IMR)",
        "author": "Injured worker",
        "document_date": datetime.date(2014, 8, 18),
        "received_date": datetime.date(2014, 8, 20),
        "pages": 3,
    },
    {
        "doc_type": Document.Type.UR_LETTER,
        "title": "Utilization review determination: psychotherapy, CBT and DBT not certified",
        "author": "Utilization review organization",
        "document_date": datetime.date(2014, 8, 4),
        "received_date": datetime.date(2014, 8, 20),
        "pages": 4,
    },
    {
        "doc_type": Document.Type.PR2,
        "title": "Treating physician's progress report (PR-2)",
        "author": "Treating psychiatrist",
        "document_date": datetime.date(2014, 7, 25),
        "received_date": datetime.date(2014, 8, 29),
        "pages": 6,
    },
]


def _ortho_document(case_number, *, received, ur, injury, age, sex, items, summary="", history=()):
    return {
        "format": "imr-case/1",
        "case_number": case_number,
        "priority": "standard",
        "application_received": received,
        "ur_decision_date": ur,
        "date_assigned": None,
        "injured_worker": {
            "first_name": "",
            "last_name": "",
            "age": age,
            "date_of_birth": None,
            "sex": sex,
            "date_of_injury": injury,
            "claim_number": "",
        },
        "parties": [
            {"role": "employer", "name": "Central Valley Distribution Co.", "address": "", "email": ""},
            {"role": "claims_administrator", "name": "Golden State Claims Services", "address": "", "email": ""},
        ],
        "treatment_history": list(history),
        "clinical_summary": summary,
        "disputed_items": items,
        "determination": None,
    }


def _item(title, ca_citations):
    return {"title": title, "decision": None, "claims_administrator_citations": ca_citations, "citations": []}


def _mtus(title, sections=None, pages=None):
    return {"source": "MTUS", "title": title, "sections": sections, "pages": pages}


def _application(received):
    return {
        "doc_type": Document.Type.IMR_APPLICATION,
        "title": "Application for Independent Medical Review (DWC Form IMR)",
        "author": "Injured worker",
        "document_date": received - datetime.timedelta(days=2),
        "received_date": received,
        "pages": 3,
    }


def _ur_letter(date, about):
    return {
        "doc_type": Document.Type.UR_LETTER,
        "title": f"Utilization review determination: {about}",
        "author": "Utilization review organization",
        "document_date": date,
        "received_date": date + datetime.timedelta(days=20),
        "pages": 5,
    }


ORTHO_CASES = [
    {
        "case_number": "CM16-0301234",
        "status": Status.ASSIGNED,
        "document": _ortho_document(
            "CM16-0301234",
            received="2016-12-14",
            ur="2016-11-30",
            injury="2016-03-02",
            age=46,
            sex="female",
            items=[
                _item(
                    "Right knee arthroscopy with partial medial meniscectomy",
                    [_mtus("Knee Complaints 2004", "Surgical Considerations")],
                )
            ],
        ),
        "documents": [_application(datetime.date(2016, 12, 14)), _ur_letter(datetime.date(2016, 11, 30), "knee")],
    },
    {
        "case_number": "CM16-0301877",
        "status": Status.AWAITING_RECORDS,
        "document": _ortho_document(
            "CM16-0301877",
            received="2016-12-19",
            ur="2016-12-02",
            injury="2015-09-21",
            age=58,
            sex="male",
            items=[
                _item(
                    "Lumbar epidural steroid injection L5-S1 under fluoroscopy",
                    [_mtus("Chronic Pain Medical Treatment 2009", "Epidural steroid injections (ESIs)")],
                )
            ],
            history=[
                {"date": "2015-10-05", "kind": "diagnostic", "description": "MRI lumbar spine"},
                {"date": None, "kind": "therapy", "description": "Physical therapy, 12 sessions"},
            ],
        ),
        "documents": [_application(datetime.date(2016, 12, 19)), _ur_letter(datetime.date(2016, 12, 2), "ESI")],
    },
    {
        "case_number": "CM16-0302410",
        "status": Status.IN_REVIEW,
        "document": _ortho_document(
            "CM16-0302410",
            received="2016-12-21",
            ur="2016-12-06",
            injury="2016-06-14",
            age=39,
            sex="male",
            items=[
                _item(
                    "Physical therapy two times a week for six weeks, left shoulder (12 sessions)",
                    [_mtus("Postsurgical Treatment 2009", "Shoulder")],
                ),
                _item("MRI of the left shoulder without contrast", []),
            ],
            history=[
                {
                    "date": "2016-08-30",
                    "kind": "surgery",
                    "description": "Left shoulder arthroscopic rotator cuff repair",
                },
                {"date": None, "kind": "medication", "description": "Naproxen, Tramadol"},
            ],
        ),
        "documents": [
            _application(datetime.date(2016, 12, 21)),
            _ur_letter(datetime.date(2016, 12, 6), "physical therapy and MRI"),
            {
                "doc_type": Document.Type.PR2,
                "title": "Treating orthopedist's progress report (PR-2)",
                "author": "Treating orthopedic surgeon",
                "document_date": datetime.date(2016, 11, 22),
                "received_date": datetime.date(2016, 12, 28),
                "pages": 4,
            },
            {
                "doc_type": Document.Type.OTHER,
                "title": "Operative report, left shoulder arthroscopy",
                "author": "Treating orthopedic surgeon",
                "document_date": datetime.date(2016, 8, 30),
                "received_date": datetime.date(2016, 12, 28),
                "pages": 2,
            },
        ],
    },
]
