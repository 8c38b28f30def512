"""Headers on every page: a Content-Security-Policy (django-csp) on HTML, and Cache-Control: no-store on whatever a
signed-in user is served (case content is PHI). The workspace URLs come from the URL conf (the permission matrix)."""

import pytest

from tests.factories import StaffFactory

from .test_workspace_permissions import CASES, _request, _url

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "style-src-attr": "'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(response) -> dict:
    directives = (part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    return {name: value for name, value in directives}


def assert_no_store(response):
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], response.get(
        "Cache-Control"
    )


@pytest.mark.parametrize(("name", "kwargs", "method"), CASES)
def test_every_workspace_response_is_never_stored(name, kwargs, method, client_a, review_case, guideline):
    response = _request(client_a, method, _url(name, kwargs, review_case, guideline), name, review_case)
    assert_no_store(response)
    if response["Content-Type"].startswith("text/html"):
        # The letter's DRAFT preview is framed by the sign page: this origin may frame it, no other.
        expected = {**POLICY, "frame-ancestors": "'self'"} if name == "sign_preview" else POLICY
        assert policy(response) == expected


def test_the_refused_draft_pages_are_never_stored(client_a, review_case):
    stale = client_a.post(f"/cases/{review_case.case_number}/draft/", {"revision": 99, "clinical_summary": "x"})
    assert stale.status_code == 409
    assert_no_store(stale)
    assert policy(stale) == POLICY


@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/cases/case/", "/admin/cases/guideline/import/", "/admin/reviewers/reviewer/"]
)
def test_admin_pages_carry_the_policy_and_no_store(client, db, url):
    client.force_login(StaffFactory(is_superuser=True))
    response = client.get(url)
    assert response.status_code == 200
    assert policy(response) == POLICY
    assert_no_store(response)


def test_the_login_page_carries_the_policy(client, db):
    response = client.get("/accounts/login/")
    assert policy(response) == POLICY


def test_a_page_using_the_nonce_gets_it_in_the_policy(rf):
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    def view(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}">1</script>')

    request = rf.get("/")
    response = CSPMiddleware(view)(request)
    nonce = str(request.csp_nonce)
    assert f"'nonce-{nonce}'" in policy(response)["script-src"]
