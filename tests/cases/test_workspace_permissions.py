"""Who reaches which workspace URL. The URLs come from the URL configuration itself (every pattern in the ``cases``
namespace), so a new URL is in this matrix the moment it exists, and fails until its expectations are written."""

from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from cases import roles
from cases.models import Determination, Letter
from tests.factories import UserFactory

# What reviewer A (assigned) and staff get on A's case, per URL name and method. Reviewer B gets 404 on every case
# URL, whatever the method; anonymous users are sent to the login page (htmx requests: 401 and HX-Redirect).
# A GET on a POST-only URL goes to the case page (302; e.g. back from a login after the session expired); any other
# wrong method is 405.
EXPECTED = {
    "queue": {"GET": 200, "POST": 405},
    "detail": {"GET": 200, "POST": 405},
    "draft_save": {"GET": 302, "POST": 302},  # a whole draft (DATA below) is saved
    "document_reviewed": {"GET": 302, "POST": 302},  # without htmx it redirects to the case page
    "document_file": {"GET": 200, "POST": 405},
    "guideline_search": {"GET": 200, "POST": 405},
    "citation_row": {"GET": 200, "POST": 405},
    "document_search": {"GET": 200, "POST": 405},
    "sign": {"GET": 200, "POST": 405},
    "sign_preview": {"GET": 200, "POST": 405},  # the letter's DRAFT preview, HTML
    "sign_preview_pdf": {"GET": 200, "POST": 405},  # and PDF
    "sign_confirm": {"GET": 302, "POST": 200},  # refused (problems listed), re-shown
    # The letter (not signed yet here, so there is none): tests/cases/test_letters_views.py covers the signed case.
    "letter_download": {"GET": 404, "POST": 405},
    # One given letter version (a ready letter made for this row, see _url): staff only, 404 to anyone else.
    "letter_version_download": {"GET": 404, "POST": 404},
    "letter_status": {"GET": 200, "POST": 405},
    "letter_retry": {"GET": 302, "POST": 404},
}
# Those who see every case (a superuser, the Coordinator and Auditor groups: ``cases.view_all_cases``) write nothing of
# the physician's: where they differ from the assigned reviewer.
STAFF_EXPECTED = {
    "draft_save": {"POST": 403},  # refused, and nothing changed (test_staff)
    "letter_version_download": {"GET": 200, "POST": 405},
}
# POST bodies that make a request meaningful (a whole, valid draft: the reviewer's is saved, staff's refused).
DATA = {"draft_save": lambda case: {"revision": case.revision, "clinical_summary": "Written in the matrix"}}
# Query strings a URL needs to answer its normal GET.
QUERY = {"guideline_search": "?q=pain", "citation_row": "?guideline={guideline}", "document_search": "?q=pain"}
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
    if "letter_pk" in kwargs:
        values["letter_pk"] = _ready_letter(case).pk
    unknown = set(kwargs) - set(values)
    assert not unknown, f"The matrix does not know how to fill {unknown} of cases:{name}"
    url = reverse(f"cases:{name}", kwargs={k: values[k] for k in kwargs})
    return url + QUERY.get(name, "").format(guideline=guideline.pk)


def _ready_letter(case):
    """A ready letter of ``case`` (as a signed determination would have), for the URLs that name one."""
    determination = Determination.objects.create(
        case=case,
        version=1,
        signed_at=timezone.now(),
        decision_date=timezone.localdate(),
        snapshot={},
        content_hash="0",
    )
    return Letter.objects.create(
        determination=determination,
        version=1,
        status=Letter.Status.READY,
        file=ContentFile(b"%PDF-1.4 matrix", name="matrix.pdf"),
        sha256="0" * 64,
    )


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


def _staff_client(group):
    """A staff user (not a superuser) in ``group``; with ``group`` None, a staff user holding no permission at all."""
    user = UserFactory(username=f"staff-{group or 'bare'}".replace(" ", "-").lower(), is_staff=True)
    if group is not None:
        user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(params=["superuser", roles.COORDINATOR, roles.AUDITOR])
def client_sees_all(request, db):
    if request.param == "superuser":
        return request.getfixturevalue("client_staff")
    return _staff_client(request.param)


# Staff without ``cases.view_all_cases`` (being staff, or holding other rights, is not enough), another reviewer, and
# the assigned reviewer once made inactive: none of them sees the case.
@pytest.fixture(params=[roles.REVIEWER_MANAGER, roles.LIBRARY_EDITOR, "no permission", "other reviewer", "inactive"])
def client_sees_not(request, db, reviewer_a, review_case):
    if request.param == "other reviewer":
        return request.getfixturevalue("client_b")
    if request.param == "inactive":
        reviewer_a.active = False
        reviewer_a.save()
        return request.getfixturevalue("client_a")
    return _staff_client(None if request.param == "no permission" else request.param)


@pytest.mark.parametrize(("name", "kwargs", "method"), CASES)
def test_staff(name, kwargs, method, client_sees_all, review_case, guideline):
    before = _draft_state(review_case)
    response = _request(client_sees_all, method, _url(name, kwargs, review_case, guideline), name, review_case)
    assert response.status_code == {**EXPECTED[name], **STAFF_EXPECTED.get(name, {})}[method]
    assert _draft_state(review_case) == before  # whatever staff send, the physician's draft is untouched


@pytest.mark.parametrize(("name", "kwargs", "method"), CASES)
def test_without_the_case_in_sight_gets_404(name, kwargs, method, client_sees_not, review_case, guideline):
    before = _draft_state(review_case)
    response = _request(client_sees_not, method, _url(name, kwargs, review_case, guideline), name, review_case)
    if name in NOT_CASE_BOUND:
        assert response.status_code == EXPECTED[name][method]
        assert review_case.case_number.encode() not in response.content
    else:
        assert response.status_code == 404
    assert _draft_state(review_case) == before


@pytest.mark.parametrize(("name", "kwargs", "method"), CASES)
def test_anonymous_is_sent_to_login(name, kwargs, method, client, review_case, guideline):
    url = _url(name, kwargs, review_case, guideline)
    response = _request(client, method, url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(("name", "kwargs"), [(n, k) for n, k in PATTERNS if EXPECTED.get(n, {}).get("GET") == 302])
def test_a_get_on_a_post_only_url_goes_to_the_case_page(name, kwargs, client_a, review_case, guideline):
    response = client_a.get(_url(name, kwargs, review_case, guideline))
    assert response["Location"] == f"/cases/{review_case.case_number}/"


def test_after_the_session_expired_a_draft_save_comes_back_to_the_case_page(client, reviewer_a, review_case):
    """The save is refused (login first); the login sends the browser back to the draft URL with a GET."""
    url = f"/cases/{review_case.case_number}/draft/"
    response = client.post(url, {"revision": 0, "clinical_summary": "Typed for an hour"})
    assert response["Location"] == "/accounts/login/?next=" + quote(url)
    client.force_login(reviewer_a.user)
    assert client.get(url)["Location"] == f"/cases/{review_case.case_number}/"


def test_every_request_slides_the_session_expiry(client_a, review_case, settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    response = client_a.get(f"/cases/{review_case.case_number}/letter/status/")
    assert response.cookies["sessionid"]["max-age"] == 8 * 60 * 60


@pytest.mark.parametrize(("name", "kwargs", "method"), [c for c in CASES if c[0] not in NOT_CASE_BOUND])
def test_anonymous_htmx_requests_get_401_and_a_login_redirect_to_the_page(
    name, kwargs, method, client, review_case, guideline
):
    """An htmx call after the session expired: the browser goes to the login page (and back to the page it was on)
    rather than showing the login form inside the document list or the letter status."""
    page = f"/cases/{review_case.case_number}/?tab=1"
    url = _url(name, kwargs, review_case, guideline)
    headers = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{page}"}
    response = (client.get if method == "GET" else client.post)(url, headers=headers)
    assert response.status_code == 401
    assert response["HX-Redirect"] == "/accounts/login/?next=" + quote(page, safe="/")
    assert response.content == b""
    # From another origin (or without the header) the case page stands in for the page.
    headers["HX-Current-URL"] = "https://elsewhere.example/"
    response = (client.get if method == "GET" else client.post)(url, headers=headers)
    assert response["HX-Redirect"] == "/accounts/login/?next=" + quote(f"/cases/{review_case.case_number}/")


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
