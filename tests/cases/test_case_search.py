"""The admin case search: a case is found by its number (whole or its beginning), its claim number, the worker's
first, last or full name and any party's name, through ``Case.search_text`` kept current whatever changes a part."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.admin.changelist import SearchPaginator
from cases.models import Case, Party
from cases.selectors import cases_matching, search_terms
from tests import factories as f

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:cases_case_changelist")


@pytest.fixture
def admin_client(client):
    client.force_login(f.StaffFactory(username="coordinator"))
    return client


@pytest.fixture
def maria():
    case = f.CaseFactory(
        case_number="CM14-0012345",
        claim__claim_number="ADJ9876543",
        claim__worker__first_name="Maria",
        claim__worker__last_name="Gonzalez",
    )
    f.PartyFactory(case=case, role=Party.Role.EMPLOYER, name="Acme Stores, Inc.")
    f.PartyFactory(case=case, role=Party.Role.CLAIMS_ADMINISTRATOR, name="Zenith Insurance Company")
    return case


@pytest.fixture
def decoy():
    case = f.CaseFactory(
        case_number="CM14-0099999",
        claim__claim_number="ADJ1111111",
        claim__worker__first_name="Mario",
        claim__worker__last_name="Gonzales",
    )
    f.PartyFactory(case=case, role=Party.Role.EMPLOYER, name="Pacific Farms")
    return case


def found(admin_client, query):
    response = admin_client.get(CHANGELIST, {"q": query})
    assert response.status_code == 200
    return {case.case_number for case in response.context["cl"].result_list}


@pytest.mark.parametrize(
    "query",
    [
        "CM14-0012345",  # the case number
        "cm14-0012345",  # typed in lower case
        "CM14-00123",  # its beginning
        "ADJ9876543",  # the claim number
        "adj98765",  # part of the claim number
        "Maria",  # the worker's first name
        "Gonzalez",  # last name
        "Maria Gonzalez",  # full name
        "gonzalez maria",  # either order, any case
        "Acme",  # a party
        '"Acme Stores"',  # a quoted phrase
        "zenith",  # the other party
        "gonz acme",  # parts of words, across fields
    ],
)
def test_each_search_form_finds_its_case_and_only_it(admin_client, maria, decoy, query):
    assert found(admin_client, query) == {"CM14-0012345"}


def test_a_term_matching_nothing_finds_nothing(admin_client, maria, decoy):
    assert found(admin_client, "Okafor") == set()
    assert found(admin_client, "Maria Pacific") == set()  # every term must match the same case


def test_the_decoy_is_found_by_its_own_names(admin_client, maria, decoy):
    assert found(admin_client, "Gonzales") == {"CM14-0099999"}
    assert found(admin_client, "CM14-00") == {"CM14-0012345", "CM14-0099999"}


def test_search_terms_split_like_the_admin():
    assert search_terms('  Maria   "Acme  Stores" ') == ["maria", "acme stores"]
    assert search_terms("") == []


def test_the_search_text_follows_every_change_of_its_parts(maria):
    def hits(query):
        return set(cases_matching(Case.objects.all(), query).values_list("case_number", flat=True))

    worker = maria.claim.worker
    worker.last_name = "Okafor"
    worker.save()
    assert hits("Okafor") == {"CM14-0012345"} and hits("Gonzalez") == set()

    claim = maria.claim
    claim.claim_number = "SCIF-42"
    claim.save()
    assert hits("scif-42") == {"CM14-0012345"} and hits("ADJ9876543") == set()

    party = f.PartyFactory(case=maria, name="Redwood Logistics")
    assert hits("redwood") == {"CM14-0012345"}
    party.delete()
    assert hits("redwood") == set()

    other_claim = f.ClaimFactory(claim_number="NEW-CLAIM-7")
    maria.claim = other_claim
    maria.save()
    assert hits("NEW-CLAIM-7") == {"CM14-0012345"}


def test_a_lifecycle_save_does_not_rewrite_the_search_text(maria):
    maria.refresh_from_db()
    maria.status_reason = "x"
    with CaptureQueriesContext(connection) as queries:
        maria.save(update_fields=["status_reason"])
    statements = [q["sql"] for q in queries.captured_queries]
    assert statements and not any("cases_party" in sql or '"search_text" =' in sql for sql in statements)


def test_a_search_matching_more_than_the_cap_says_more_than(admin_client, monkeypatch):
    monkeypatch.setattr(SearchPaginator, "count_cap", 3)
    for _ in range(5):
        f.PartyFactory(name="Acme Builders")
    response = admin_client.get(CHANGELIST, {"q": "acme"})
    assert len(response.context["cl"].result_list) == 5
    assert "more than 3 cases: narrow the search or filter" in response.content.decode()
    assert "more than 3 results" in response.content.decode()
    f.PartyFactory(name="Acme Farms")
    f.PartyFactory(name="Acme Farms")
    response = admin_client.get(CHANGELIST, {"q": "acme farms"})  # under the cap: counted exactly
    assert "2 cases" in response.content.decode() and "more than" not in response.content.decode()


def test_a_search_matching_more_than_a_page_sorts_keys_and_joins_only_the_page(admin_client):
    """5,000 matches at a million cases: the sort runs over the matches' keys, the claim, worker and reviewer are
    joined for the page's 25 rows only; the page is what a plain sort of every match would give."""
    for n in range(30):
        f.CaseFactory(
            claim__worker__first_name="Maria", claim__worker__last_name="Gonzalez", case_number=f"CM14-{n:07d}"
        )
    f.CaseFactory(claim__worker__first_name="Ana", claim__worker__last_name="Lopez")
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(CHANGELIST, {"q": "maria gonzalez"})
    expected = cases_matching(Case.objects.all(), "maria gonzalez").order_by("-application_received", "case_number")
    assert [c.pk for c in response.context["cl"].result_list] == [c.pk for c in expected[:25]]
    joined = [q["sql"] for q in queries.captured_queries if "cases_injuredworker" in q["sql"]]
    assert joined and all('"cases_case"."id" IN (' in sql for sql in joined)
