"""The JSON API: its OpenAPI schema validates; each endpoint's permissions per role; the exact answer shapes; the
same visibility rules as the pages; token authentication; throttling."""

import pytest
import yaml
from django.test import Client
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token

from cases.models import Case, Guideline
from precedents.api import BY_INVALID, LIMIT_INVALID, MAX_LIMIT, QUERY_REQUIRED
from precedents.selectors import decision_groups
from tests.precedents.conftest import PARTY_ADDRESS, PARTY_NAME

pytestmark = pytest.mark.django_db

PRECEDENTS = "/api/precedents/?q=MRI%20of%20the%20lumbar%20spine"
ANALYTICS = "/api/analytics/decisions/?by=year"
ROLES_200 = {"reviewer": 200, "coordinator": 200, "auditor": 200, "admin": 200}


def test_schema_validates(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)  # raises on an invalid OpenAPI document
    assert {"/api/precedents/", "/api/analytics/decisions/", "/api/cases/", "/api/cases/{case_number}/"} <= set(
        schema["paths"]
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (PRECEDENTS, {**ROLES_200, "outsider": 403, "library_editor": 403}),
        (ANALYTICS, {**ROLES_200, "reviewer": 403, "outsider": 403, "library_editor": 403}),
        ("/api/cases/", {**ROLES_200, "outsider": 200, "library_editor": 200}),  # each sees the cases it may: none
    ],
)
def test_permissions(letters, clients, url, expected):
    assert {role: clients[role].get(url).status_code for role in expected} == expected
    anonymous = Client().get(url)
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "Token"


def test_precedents_answer_shape_and_content(letters, clients):
    ca = "Decision based on MTUS Low Back Complaints 2004."
    response = clients["reviewer"].get(
        "/api/precedents/", {"q": "MRI of the lumbar spine", "ca": ca, "exclude_case": "CM16-0236134", "limit": 5}
    )
    data = response.json()
    assert set(data) == {"count", "results", "suggested_citations"}
    assert data["count"] == len(data["results"]) == 5
    first = data["results"][0]
    assert set(first) == {
        "case_number",
        "item",
        "decision",
        "decision_date",
        "specialties",
        "citations",
        "rationale",
        "score",
    }
    assert first["case_number"] == "CM16-0242419" and first["item"] == "MRI of the lumbar spine"
    assert all(r["case_number"] != "CM16-0236134" for r in data["results"])
    assert [r["score"] for r in data["results"]] == sorted((r["score"] for r in data["results"]), reverse=True)
    assert {c["side"] for r in data["results"] for c in r["citations"]} <= {"claims_administrator", "imro"}
    assert set(first["citations"][0]) == {"side", "source", "title", "sections", "pages"}
    suggestion = data["suggested_citations"][0]
    assert suggestion == {
        "source": "MTUS",
        "title": "Low Back Complaints 2004",
        "sections": "Special Studies",
        "pages": None,
        "decisions": suggestion["decisions"],
    }
    assert suggestion["decisions"] >= 1
    text = response.content.decode()
    assert PARTY_NAME not in text and PARTY_ADDRESS not in text and "CLAIM-99-SECRET" not in text


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({}, "q", QUERY_REQUIRED),
        ({"q": "mri", "limit": "0"}, "limit", LIMIT_INVALID.format(maximum=MAX_LIMIT)),
        ({"q": "mri", "limit": "many"}, "limit", LIMIT_INVALID.format(maximum=MAX_LIMIT)),
    ],
)
def test_precedents_bad_input(letters, clients, params, field, message):
    response = clients["reviewer"].get("/api/precedents/", params)
    assert response.status_code == 400
    assert response.json() == {field: message}


def test_analytics_answer(letters, clients):
    for by in ("year", "specialty", "guideline", "category"):
        for origin in ("all", "imported", "signed"):
            data = clients["auditor"].get("/api/analytics/decisions/", {"by": by, "origin": origin}).json()
            assert data == decision_groups(by=by, origin=origin)
    data = clients["auditor"].get(ANALYTICS).json()
    assert set(data) == {"total", "groups"} and set(data["groups"][0]) == {"key", "items", "overturned"}
    assert data["total"]["items"] == sum(len(d["disputed_items"]) for d in letters)


def test_analytics_bad_dimension(letters, clients):
    response = clients["admin"].get("/api/analytics/decisions/", {"by": "colour"})
    assert response.status_code == 400 and response.json() == {"by": BY_INVALID}


def test_cases_follow_the_visibility_rule(open_case, clients):
    mine = clients["reviewer"].get("/api/cases/").json()
    assert [c["case_number"] for c in mine["results"]] == [open_case.case_number]
    assert clients["reviewer"].get("/api/cases/CM16-0236134/").status_code == 404
    assert clients["outsider"].get("/api/cases/").json()["count"] == 0
    assert clients["library_editor"].get("/api/cases/").json()["count"] == 0
    everything = clients["coordinator"].get("/api/cases/").json()
    assert everything["count"] == Case.objects.count()


def test_case_answer(open_case, clients):
    data = clients["reviewer"].get(f"/api/cases/{open_case.case_number}/").json()
    assert data["case_number"] == open_case.case_number
    assert data["status"] == "in_review"
    assert data["decision_due"] == "2017-02-01"
    assert data["items"] == [{"title": "MRI of the lumbar spine without contrast", "decision": None}]
    assert data["letter"] == {"status": None, "download": None}
    assert "Open Case Employer" not in str(data)


def test_token_authentication(letters, reviewer):
    token = Token.objects.create(user=reviewer.user)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(PRECEDENTS).status_code == 200
    assert Client(HTTP_AUTHORIZATION="Token not-a-real-token").get(PRECEDENTS).status_code == 401


def test_anonymous_calls_are_throttled(db):
    client = Client()
    codes = [client.get("/api/schema/").status_code for _ in range(31)]
    assert codes[:30] == [200] * 30 and codes[30] == 429


def test_the_library_title_in_ca_text_is_recognised(letters, clients):
    """A claims administrator's guideline line names a library guideline: it is suggested even when no similar
    decision cited it (the query words find nothing)."""
    data = (
        clients["reviewer"]
        .get("/api/precedents/", {"q": "zzqx", "ca": "Decision based on MTUS Low Back Complaints 2004."})
        .json()
    )
    assert Guideline.objects.filter(title="Low Back Complaints 2004").exists()
    assert data["suggested_citations"][0]["title"] == "Low Back Complaints 2004"
