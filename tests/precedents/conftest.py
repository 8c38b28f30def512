"""The 14 published letters of fixtures/letters (their answer keys as imr-case/1 documents) and the seed case,
imported as decided cases: the precedent corpus of these tests. A case in review (reviewer A) is the open case that
asks for suggestions. ``engine`` runs a test on each search engine: PostgreSQL's (the database in use) and SQLite
FTS5 on a separate in-memory SQLite connection, so CI on PostgreSQL exercises both."""

import datetime
import sqlite3

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from cases.models import Citation, Guideline, Party, Status
from cases.services.interchange import case_import
from precedents.search.postgres import PostgresSearchBackend
from precedents.search.sqlite import SqliteSearchBackend
from precedents.services import precedent_index_rebuild
from tests.factories import (
    CaseFactory,
    CitationFactory,
    DisputedItemFactory,
    GuidelineFactory,
    ReviewerFactory,
    StaffFactory,
    UserFactory,
)
from tests.support import expected_letters, seed_case
from tests.support.letters import expected_letter_as_case

PARTY_NAME = "Zebulon Quackenbush"
PARTY_ADDRESS = "77 Sunset Boulevard, Pasadena"


@pytest.fixture
def letters(db):
    """Every letter imported (with a named party added to each, which precedents must never show)."""
    documents = [expected_letter_as_case(letter) for letter in expected_letters()] + [seed_case()]
    for document in documents:
        document["parties"] = [
            {"role": "employer", "name": PARTY_NAME, "address": PARTY_ADDRESS, "email": "boss@example.com"}
        ]
        document["injured_worker"]["claim_number"] = "CLAIM-99-SECRET"
        case_import(document=document)
    return documents


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reviewer(db):
    return ReviewerFactory(user__username="dr.open")


@pytest.fixture
def other_reviewer(db):
    return ReviewerFactory(user__username="dr.other")


def _staff_in(group_name, username):
    user = StaffFactory(username=username, is_superuser=False)
    group, _ = Group.objects.get_or_create(name=group_name)
    user.groups.add(group)
    return user


@pytest.fixture
def coordinator(db):
    return _staff_in("Coordinator", "coord")


@pytest.fixture
def auditor(db):
    return _staff_in("Auditor", "audit")


@pytest.fixture
def library_editor(db):
    """Staff, but no case content: no precedents, no analytics."""
    return _staff_in("Library editor", "librarian")


@pytest.fixture
def admin_user(db):
    return StaffFactory(username="root")


@pytest.fixture
def outsider(db):
    """Signed in, but neither staff nor a reviewer."""
    return UserFactory(username="outsider")


@pytest.fixture
def users(reviewer, coordinator, auditor, admin_user, outsider, library_editor):
    return {
        "reviewer": reviewer.user,
        "coordinator": coordinator,
        "auditor": auditor,
        "admin": admin_user,
        "outsider": outsider,
        "library_editor": library_editor,
    }


@pytest.fixture
def clients(users):
    return {role: _client(user) for role, user in users.items()}


@pytest.fixture
def open_case(reviewer, letters):
    """An undecided lumbar MRI request in review, the claims administrator citing Low Back Complaints."""
    case = CaseFactory(
        case_number="CM17-0999999",
        status=Status.IN_REVIEW,
        reviewer=reviewer,
        date_assigned=datetime.date(2017, 1, 2),
        decision_due=datetime.date(2017, 2, 1),
        clinical_summary="Chronic low back pain with lumbar radiculopathy after a lifting injury.",
    )
    Party.objects.create(case=case, role="employer", name="Open Case Employer")
    item = DisputedItemFactory(case=case, title="MRI of the lumbar spine without contrast", order=0)
    low_back = Guideline.objects.get(source="MTUS", title="Low Back Complaints 2004")
    CitationFactory(item=item, side=Citation.Side.CLAIMS_ADMINISTRATOR, guideline=low_back, sections="")
    return case


@pytest.fixture
def library_guideline(db):
    return GuidelineFactory(source=Guideline.Source.MTUS, title="Low Back Complaints 2004")


@pytest.fixture(params=["postgresql", "sqlite"])
def engine(request, db):
    """A search engine holding the whole index (rebuilt into it)."""
    if request.param == "postgresql":
        request.getfixturevalue("require_postgres")
        backend = PostgresSearchBackend()
    else:
        conn = sqlite3.connect(":memory:")
        request.addfinalizer(conn.close)
        backend = SqliteSearchBackend(conn)
        backend.install()
    return backend


@pytest.fixture
def indexed(engine, letters):
    precedent_index_rebuild(backend=engine)
    return engine


@pytest.fixture
def analytics_permission(db):
    return Permission.objects.get(codename="view_analytics", content_type__app_label="precedents")


@pytest.fixture(autouse=True)
def fresh_throttles():
    """API throttles count in the cache: each test starts with none (the anonymous limit is per address)."""
    from django.core.cache import cache

    cache.clear()
