"""Who reaches which workspace URL. The URLs come from the URL configuration itself (every pattern in the ``cases``
namespace), so a new URL is in this matrix the moment it exists, and fails until its expectations are written."""

import pytest
from django.urls import get_resolver, reverse

# What reviewer A (assigned) and staff get on A's case, per URL name and method. Reviewer B gets 404 on every case
# URL, whatever the method; anonymous users are sent to the login page.
EXPECTED = {
    "queue": {"GET": 200, "POST": 405},
    "detail": {"GET": 200, "POST": 405},
    "draft_save": {"GET": 405, "POST": 302},  # a whole draft (DATA below) is saved
    "document_reviewed": {"GET": 405, "POST": 302},  # without htmx it redirects to the case page
    "document_file": {"GET": 200, "POST": 405},
    "guideline_search": {"GET": 200, "POST": 405},
    "citation_row": {"GET": 200, "POST": 405},
    "sign": {"GET": 200, "POST": 405},
    "sign_confirm": {"GET": 405, "POST": 200},  # refused (problems listed), re-shown
    # The letter (not signed yet here, so there is none): tests/cases/test_letters_views.py covers the signed case.
    "letter_download": {"GET": 404, "POST": 405},
    "letter_status": {"GET": 200, "POST": 405},
    "letter_retry": {"GET": 405, "POST": 404},
}
# Staff see every case but write nothing of the physician's: where they differ from the assigned reviewer.
STAFF_EXPECTED = {
    "draft_save": {"POST": 403},  # refused, and nothing changed (test_staff)
}
# POST bodies that make a request meaningful (a whole, valid draft: the reviewer's is saved, staff's refused).
DATA = {"draft_save": lambda case: {"revision": case.revision, "clinical_summary": "Written in the matrix"}}
# Query strings a URL needs to answer its normal GET.
QUERY = {"guideline_search": "?q=pain", "citation_row": "?guideline={guideline}"}
NOT_CASE_BOUND = {"queue"}


def workspace_patterns():
    _prefix, resolver = get_resolver().namespace_dict["cases"]
    return [(p.name, sorted(p.pattern.converters)) for p in resolver.url_patterns]


PATTERNS = workspace_patterns()
CASES = [(name, kwargs, method) for name, kwargs in PATTERNS for method in ("GET", "POST")]


def test_every_workspace_url_is_in_the_matrix():
    missing = sorted({name for name, _ in PATTERNS} - set(EXPECTED))
    assert not missing, f"Add the expectations of {missing} to EXPECTED"


def _url(name, kwargs, case, guideline):
    values = {
        "case_number": case.case_number,
        "item_pk": case.items.get().pk,
        "document_pk": case.documents.get(doc_type="pr2").pk,
    }
    unknown = set(kwargs) - set(values)
    assert not unknown, f"The matrix does not know how to fill {unknown} of cases:{name}"
    url = reverse(f"cases:{name}", kwargs={k: values[k] for k in kwargs})
    return url + QUERY.get(name, "").format(guideline=guideline.pk)


def _request(client, method, url, name=None, case=None):
    if method == "GET":
        return client.get(url)
    return client.post(url, DATA[name](case) if name in DATA else {})


def _draft_state(case):
    case.refresh_from_db()
    return case.clinical_summary, case.revision, [(i.decision, i.rationale) for i in case.items.all()]


@pytest.mark.parametrize(("name", "kwargs", "method"), CASES)
def test_assigned_reviewer(name, kwargs, method, client_a, review_case, guideline):
    response = _request(client_a, method, _url(name, kwargs, review_case, guideline), name, review_case)
    assert response.status_code == EXPECTED[name][method]


@pytest.mark.parametrize(("name", "kwargs", "method"), CASES)
def test_staff(name, kwargs, method, client_staff, review_case, guideline):
    before = _draft_state(review_case)
    response = _request(client_staff, method, _url(name, kwargs, review_case, guideline), name, review_case)
    assert response.status_code == {**EXPECTED[name], **STAFF_EXPECTED.get(name, {})}[method]
    assert _draft_state(review_case) == before  # whatever staff send, the physician's draft is untouched


@pytest.mark.parametrize(("name", "kwargs", "method"), CASES)
def test_other_reviewer_gets_404(name, kwargs, method, client_b, review_case, guideline):
    response = _request(client_b, method, _url(name, kwargs, review_case, guideline))
    if name in NOT_CASE_BOUND:
        assert response.status_code == EXPECTED[name][method]
        assert review_case.case_number.encode() not in response.content
    else:
        assert response.status_code == 404


@pytest.mark.parametrize(("name", "kwargs", "method"), CASES)
def test_anonymous_is_sent_to_login(name, kwargs, method, client, review_case, guideline):
    url = _url(name, kwargs, review_case, guideline)
    response = _request(client, method, url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(("name", "kwargs", "method"), CASES)
def test_other_reviewer_htmx_requests_get_404(name, kwargs, method, client_b, review_case, guideline):
    """The htmx partials answer through the same rule as full pages."""
    url = _url(name, kwargs, review_case, guideline)
    response = (client_b.get if method == "GET" else client_b.post)(url, headers={"HX-Request": "true"})
    assert response.status_code == (EXPECTED[name][method] if name in NOT_CASE_BOUND else 404)


def test_item_and_document_of_another_case_are_404(client_a, review_case, reviewer_a, guideline):
    from tests.factories import CaseFactory, DisputedItemFactory, DocumentFactory

    other = CaseFactory(status="in_review")
    foreign_item, foreign_document = DisputedItemFactory(case=other), DocumentFactory(case=other)
    number = review_case.case_number
    assert client_a.get(f"/cases/{number}/items/{foreign_item.pk}/guidelines/?q=pain").status_code == 404
    url = f"/cases/{number}/items/{foreign_item.pk}/citations/new/?guideline={guideline.pk}"
    assert client_a.get(url).status_code == 404
    assert client_a.post(f"/cases/{number}/documents/{foreign_document.pk}/reviewed/").status_code == 404


def test_a_case_reassigned_away_is_404(client_a, review_case, reviewer_b):
    review_case.reviewer = reviewer_b
    review_case.save()
    assert client_a.get(f"/cases/{review_case.case_number}/").status_code == 404
