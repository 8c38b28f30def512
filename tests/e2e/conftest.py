"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Chromium is never downloaded (closed network): without /usr/bin/chromium the tests skip, or fail when
IMR_REQUIRE_SERVICES=1.
"""

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings

from cases.models import Citation, Document, Guideline, Status, TreatmentEvent
from reviewers.models import BoardCertification, License, Specialty
from tests.factories import (
    CaseFactory,
    ClaimFactory,
    DisputedItemFactory,
    DocumentFactory,
    GuidelineFactory,
    ReviewerFactory,
    StaffFactory,
    UserFactory,
    WorkerFactory,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
DEMO_PASSWORD = "imr-demo"
SEED_CASE = "CM14-0000001"


@pytest.fixture
def chromium_page(monkeypatch):
    if not os.path.exists(CHROMIUM):
        message = f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)."
        if settings.IMR_REQUIRE_SERVICES:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself are still
    # synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.set_default_timeout(15_000)
            yield page
        finally:
            browser.close()


@pytest.fixture
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def demo_data(db):
    """The demo users and the seed case, as `load_demo` will create them (until it lands on main)."""
    StaffFactory(username="admin", password=DEMO_PASSWORD)
    psych = _reviewer("dr.psych", "Child Adolescent & Psychiatry", "American Board of Psychiatry and Neurology")
    ortho = _reviewer("dr.ortho", "Orthopaedic Surgery", "American Board of Orthopaedic Surgery")
    CaseFactory(reviewer=ortho, status=Status.IN_REVIEW, decision_due=datetime.date.today())

    library = {
        title: GuidelineFactory(source=source, title=title, aliases=aliases)
        for source, title, aliases in [
            (
                "MTUS",
                "Chronic Pain Treatment Guidelines Chapter 15, Stress Related Conditions, Behavioral Techniques",
                "",
            ),
            ("MTUS", "Chronic Pain Medical Treatment Guidelines", "CPMTG"),
            ("Non-MTUS", "Official Disability Guidelines (ODG)", "ODG"),
            ("Non-MTUS", "ODG ; psychotherpy for affective disorders", ""),
        ]
    }
    worker = WorkerFactory(first_name="", last_name="", age=51, date_of_birth=None, sex="male")
    case = CaseFactory(
        case_number=SEED_CASE,
        claim=ClaimFactory(worker=worker, claim_number="", date_of_injury=datetime.date(1998, 8, 31)),
        status=Status.IN_REVIEW,
        reviewer=psych,
        application_received=datetime.date(2014, 8, 20),
        ur_decision_date=datetime.date(2014, 8, 4),
        date_assigned=datetime.date(2014, 8, 25),
        decision_due=datetime.date(2014, 9, 24),
    )
    for order, (date, kind, description) in enumerate(
        [
            (datetime.date(2000, 4, 17), "surgery", "Anterior cervical fusion"),
            (datetime.date(2003, 11, 11), "injection", "Epidural lumbar spinal injections"),
            (None, "diagnosis", "Major depression"),
            (datetime.date(2014, 7, 25), "report", "Treating physician's report: group and individual psychotherapy"),
        ]
    ):
        TreatmentEvent.objects.create(case=case, date=date, kind=kind, description=description, order=order)
    item = DisputedItemFactory(
        case=case,
        order=0,
        title="On-going supportive psychotherapy, CBT for pain and DBT for distress tolerance (unspec. freq/duration)",
    )
    Citation.objects.create(
        item=item,
        side=Citation.Side.CLAIMS_ADMINISTRATOR,
        guideline=library["ODG ; psychotherpy for affective disorders"],
    )
    DocumentFactory(
        case=case, doc_type=Document.Type.PR2, title="Treating physician's report (PR-2)", author="Treating physician"
    )
    DocumentFactory(
        case=case,
        doc_type=Document.Type.UR_LETTER,
        title="Utilization review determination",
        author="Claims administrator's UR organization",
        document_date=datetime.date(2014, 8, 4),
    )
    assert Guideline.objects.filter(active=True).count() == 4
    return case


def _reviewer(username, specialty_name, board):
    user = UserFactory(username=username, password=DEMO_PASSWORD, first_name="Demo", last_name=username)
    reviewer = ReviewerFactory(user=user, credentials=False)
    specialty = Specialty.objects.get_or_create(name=specialty_name)[0]
    reviewer.specialties.add(specialty)
    License.objects.create(reviewer=reviewer, state="California", number="A00001", expires_on=datetime.date(2099, 1, 1))
    BoardCertification.objects.create(reviewer=reviewer, specialty=specialty, board=board)
    return reviewer
