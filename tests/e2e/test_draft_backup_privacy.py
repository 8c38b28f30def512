"""The browser's copy of an unsaved draft (localStorage, PHI) never reaches another user of the same browser.

The audit: dr.psych typed without saving, logged out, the case went to another reviewer (same revision) and the new
reviewer, signed in on the same browser, was offered dr.psych's text. Now logging out deletes every copy, a
reassignment moves the revision on, and a copy is offered only to the user whose id is in its key.
"""

import json
import re

import pytest
from playwright.sync_api import expect

from cases.models import Case
from cases.services import lifecycle
from tests.lifecycle_helpers import reviewer_in

from .conftest import DEMO_PASSWORD, SEED_CASE

TYPED = "Unsaved PHI typed by dr.psych: the worker's psychiatric history (browser test)."
OTHER_PASSWORD = "imr-test-pass"  # tests.factories.UserFactory
BACKUPS = "Object.keys(localStorage).filter((key) => key.startsWith('imr-draft:')).sort()"


def _log_in(page, username, password=DEMO_PASSWORD):
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def _second_reviewer(case):
    """Another reviewer who passes every matching rule for ``case``, with a login of their own."""
    return reviewer_in(case.items.first().specialty.name, reference="ER-E2E-2", user__username="dr.second")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_next_reviewer_on_the_same_browser_is_not_offered_the_previous_ones_text(
    demo_data, chromium_page, live_server, settings
):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    page = chromium_page
    page.on("dialog", lambda dialog: dialog.accept())  # "leave with unsaved changes?" on logout: yes
    case = demo_data
    first = case.reviewer

    page.goto(f"{live_server.url}/cases/{SEED_CASE}/")
    _log_in(page, "dr.psych")
    summary = page.get_by_role("textbox", name="Clinical case summary")
    summary.fill(TYPED)
    key = f"imr-draft:{first.user.pk}:{SEED_CASE}:{case.revision}"
    # A function, not an expression string: the page's CSP forbids eval, which Playwright uses for expressions.
    page.wait_for_function("(key) => localStorage.getItem(key) !== null", arg=key)
    assert page.evaluate(BACKUPS) == [key]
    assert json.loads(page.evaluate(f"localStorage.getItem('{key}')"))["fields"]["clinical_summary"] == TYPED

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    assert page.evaluate(BACKUPS) == []

    second = _second_reviewer(case)
    lifecycle.case_assign_reviewer(case=case, reviewer=second, note="dr.psych on leave (browser test).")
    case.refresh_from_db()
    assert case.reviewer == second and case.revision == 1

    page.goto(f"{live_server.url}/cases/{SEED_CASE}/")
    _log_in(page, second.user.username, OTHER_PASSWORD)
    expect(page.get_by_role("heading", name=SEED_CASE)).to_be_visible()
    expect(page.locator("#draft-form")).to_have_attribute("data-user", str(second.user.pk))
    expect(page.locator("#draft-backup-offer")).to_have_count(0)
    expect(summary).not_to_have_value(TYPED)
    assert TYPED not in page.content()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_backup_under_another_users_id_is_never_offered(demo_data, chromium_page, live_server, settings):
    """Copies left by another user (a session that expired without a logout), or in the key format without a user,
    are deleted unseen; the user's own copy is still offered."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    page = chromium_page
    case = demo_data
    first = case.reviewer
    second = _second_reviewer(case)
    # The audit's case: another reviewer assigned, the revision unchanged.
    Case.objects.filter(pk=case.pk).update(reviewer=second)

    page.goto(f"{live_server.url}/cases/{SEED_CASE}/")
    _log_in(page, second.user.username, OTHER_PASSWORD)
    expect(page.get_by_role("heading", name=SEED_CASE)).to_be_visible()
    backup = json.dumps({"savedAt": 1_700_000_000_000, "fields": {"clinical_summary": TYPED}, "citations": {}})
    foreign = [f"imr-draft:{first.user.pk}:{SEED_CASE}:{case.revision}", f"imr-draft:{SEED_CASE}:{case.revision}"]
    for key in foreign:
        page.evaluate("([key, value]) => localStorage.setItem(key, value)", [key, backup])
    page.reload()

    summary = page.get_by_role("textbox", name="Clinical case summary")
    expect(page.get_by_role("heading", name=SEED_CASE)).to_be_visible()
    expect(page.locator("#draft-backup-offer")).to_have_count(0)
    expect(summary).not_to_have_value(TYPED)
    assert page.evaluate(BACKUPS) == []  # deleted, not just ignored

    # The same copy under this user's own id is offered: the check above is not vacuous.
    own = f"imr-draft:{second.user.pk}:{SEED_CASE}:{case.revision}"
    page.evaluate("([key, value]) => localStorage.setItem(key, value)", [own, backup])
    page.reload()
    offer = page.locator("#draft-backup-offer")
    expect(offer).to_contain_text("Restore the text you typed on")
    offer.get_by_role("button", name="Restore").click()
    expect(summary).to_have_value(TYPED)
