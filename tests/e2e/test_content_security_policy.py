"""The pages run under the Content-Security-Policy in a real browser: the reviewer's workspace (htmx search, the
"reviewed" mark, the sign page) and the admin (lists, a change page with autocomplete widgets and the live letter
status, history, the CSV import) raise no CSP violation and no script error."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case, DisputedItem, Guideline

from .conftest import DEMO_PASSWORD, SEED_CASE

# Reported by the page itself (Playwright's init script is exempt from the policy it watches).
WATCH_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`);
});
"""  # noqa: E501


@pytest.fixture
def watched_page(chromium_page, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False  # the live server speaks plain HTTP
    page = chromium_page
    page.problems = []
    page.add_init_script(WATCH_VIOLATIONS)
    page.on("console", lambda message: _problem(page, message))
    page.on(
        "response",
        lambda response: response.status >= 400 and page.problems.append(f"{response.status} {response.url}"),
    )
    page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))
    return page


def _problem(page, message):
    """A console error of the page, except the browser's own request for /favicon.ico (the site has none)."""
    url = message.location["url"]
    if message.type == "error" and not url.endswith("/favicon.ico"):
        page.problems.append(f"{message.text} ({url})")


def _log_in(page, url, username):
    page.goto(url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_workspace_runs_under_the_policy(demo_data, watched_page, live_server):
    page = watched_page
    _log_in(page, f"{live_server.url}/cases/", "dr.psych")
    expect(page.get_by_role("heading", name="My cases")).to_be_visible()
    page.get_by_role("link", name=SEED_CASE).click()
    expect(page.get_by_role("heading", name=SEED_CASE)).to_be_visible()

    # htmx: the guideline search (GET partial) and the "reviewed" mark (POST partial) still work.
    item = page.locator(".disputed-item").first
    item.get_by_label(re.compile("Add a citation to item 1")).press_sequentially("stress rel", delay=30)
    expect(item.get_by_role("option", name=re.compile("Stress Related Conditions 2004"))).to_be_visible()
    document = page.locator("#documents li").filter(has_text="(PR-2)")
    with page.expect_response(re.compile(r"/documents/\d+/reviewed/$")):
        document.get_by_label("Reviewed").click()
    page.get_by_role("link", name="Review and sign…").click()
    expect(page.get_by_role("button", name="Sign the determination")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile("/accounts/login/"))
    assert page.problems == []


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_admin_runs_under_the_policy(demo_data, watched_page, live_server):
    page = watched_page
    case = Case.objects.get(case_number=SEED_CASE)
    item = DisputedItem.objects.filter(case=case).first()
    _log_in(page, f"{live_server.url}/admin/", "admin")
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("button", name=re.compile("Log out"))).to_be_visible()
    pages = [
        "/admin/cases/case/",
        f"/admin/cases/case/{case.pk}/change/",
        f"/admin/cases/case/{case.pk}/history/",
        f"/admin/cases/disputeditem/{item.pk}/change/",
        "/admin/cases/document/add/",
        "/admin/cases/guideline/",
        f"/admin/cases/guideline/{Guideline.objects.first().pk}/history/",
        "/admin/cases/guideline/import/",
        "/admin/cases/letter/",
        "/admin/cases/caseaccess/",
        "/admin/reviewers/reviewer/",
    ]
    for path in pages:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
    # An autocomplete widget (select2, jQuery) opens and searches.
    page.goto(f"{live_server.url}/admin/cases/disputeditem/{item.pk}/change/")
    page.locator(".field-specialty .select2-selection").click()
    expect(page.locator(".select2-search__field")).to_be_visible()
    assert page.problems == []
