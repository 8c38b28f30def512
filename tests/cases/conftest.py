"""A case in review assigned to reviewer A, with one disputed item, a PR-2 and a UR letter, and a small library."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cases.models import Citation, Document, DocumentReview, Guideline, Status
from tests.factories import (
    CaseFactory,
    CitationFactory,
    DisputedItemFactory,
    DocumentFactory,
    GuidelineFactory,
    ReviewerFactory,
    StaffFactory,
)


@pytest.fixture
def reviewer_a(db):
    return ReviewerFactory(user__username="dr.a")


@pytest.fixture
def reviewer_b(db):
    return ReviewerFactory(user__username="dr.b")


@pytest.fixture
def staff_user(db):
    return StaffFactory(username="coordinator")


def _client(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def client_a(reviewer_a):
    return _client(reviewer_a.user)


@pytest.fixture
def client_b(reviewer_b):
    return _client(reviewer_b.user)


@pytest.fixture
def client_staff(staff_user):
    return _client(staff_user)


@pytest.fixture
def guideline(db):
    return GuidelineFactory(
        source=Guideline.Source.MTUS,
        title="Chronic Pain Medical Treatment Guidelines",
        aliases="CPMTG\nBehavioral interventions",
    )


@pytest.fixture
def odg(db):
    return GuidelineFactory(source=Guideline.Source.NON_MTUS, title="Official Disability Guidelines (ODG)")


@pytest.fixture
def review_case(reviewer_a, guideline, odg):
    case = CaseFactory(
        status=Status.IN_REVIEW,
        reviewer=reviewer_a,
        date_assigned=datetime.date(2014, 8, 25),
        decision_due=datetime.date(2014, 10, 10),
    )
    item = DisputedItemFactory(case=case, title="Psychotherapy, 10 sessions", order=1)
    CitationFactory(item=item, side=Citation.Side.CLAIMS_ADMINISTRATOR, guideline=odg, sections="Psychotherapy")
    DocumentFactory(
        case=case,
        doc_type=Document.Type.PR2,
        title="PR-2 of 07/25/2014",
        author="Dr. Treating",
        file=SimpleUploadedFile("pr2.pdf", b"%PDF-1.4 treating physician report"),
    )
    DocumentFactory(case=case, doc_type=Document.Type.UR_LETTER, title="UR determination", author="UR company")
    return case


SIGNABLE_SUMMARY = "The injured worker is a 51 year old male. The PR-2 of 07/25/2014 reports ongoing anxiety."


def make_signable(case):
    """Fill ``case`` so that every sign-off rule passes for its reviewer."""
    # Content that passes the sign-off warnings too: a dated record, the guideline named, the treatment mentioned and
    # a conclusion that agrees with the decision.
    case.clinical_summary = SIGNABLE_SUMMARY
    case.save()
    for item in case.items.all():
        item.decision = "upheld"
        item.rationale = (
            "The MTUS Chronic Pain Medical Treatment Guidelines do not recommend open-ended psychotherapy; "
            "the request is not medically necessary."
        )
        item.save()
        CitationFactory(
            item=item,
            side=Citation.Side.IMRO,
            guideline=Guideline.objects.get(title="Chronic Pain Medical Treatment Guidelines"),
            pages="23",
        )
    DocumentReview.objects.create(document=case.documents.get(doc_type=Document.Type.PR2), reviewer=case.reviewer)
    return case


@pytest.fixture
def signable_case(review_case):
    return make_signable(review_case)
