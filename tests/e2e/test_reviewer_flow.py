"""A reviewer signs the seed case in a real browser: login, summary, decision, a citation through the picker,
a document marked reviewed, the confirmation step, and the signed, read-only case."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case, Determination, Letter, Status

from .conftest import DEMO_PASSWORD, SEED_CASE

SUMMARY = "The injured worker is a 51 year old male injured at work on August 31, 1998 (browser test)."
RATIONALE = "The request is open-ended; the MTUS does not recommend unspecified numbers of sessions."


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_reviewer_signs_the_seed_case(demo_data, chromium_page, live_server, artifacts_dir, settings):
    # The live server speaks plain HTTP; production cookies are Secure.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    page = chromium_page

    page.goto(f"{live_server.url}/cases/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").fill("dr.psych")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="My cases")).to_be_visible()
    page.get_by_role("link", name=SEED_CASE).click()
    expect(page.get_by_role("heading", name=SEED_CASE)).to_be_visible()

    page.get_by_role("textbox", name="Clinical case summary").fill(SUMMARY)
    item = page.locator(".disputed-item").first
    item.get_by_label("Upheld").check()
    item.get_by_role("textbox", name="Decision rationale").fill(RATIONALE)

    # The seed draft already cites MTUS chapter 15 and the ODG; add the 2004 stress chapter through the picker.
    item.get_by_label(re.compile("Add a citation to item 1")).press_sequentially("stress rel", delay=30)
    item.get_by_role("option", name=re.compile("Stress Related Conditions 2004")).click()
    row = item.locator(".citation-row").filter(has_text="Stress Related Conditions 2004")
    expect(row).to_have_count(1)
    row.get_by_label(re.compile("Page")).fill("398")

    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#save-status")).to_contain_text("Saved at")
    expect(page.get_by_role("textbox", name="Clinical case summary")).to_have_value(SUMMARY)
    page.screenshot(path=str(artifacts_dir / "reviewer-workspace-draft.png"), full_page=True)

    # On a phone (390 px): nothing wider than the screen, and the draft before the case file.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    draft_top = page.locator("#draft-form").bounding_box()["y"]
    assert draft_top < page.locator("#documents").bounding_box()["y"]
    page.screenshot(path=str(artifacts_dir / "reviewer-workspace-mobile.png"), full_page=True)
    page.goto(f"{live_server.url}/cases/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.go_back()
    page.set_viewport_size({"width": 1400, "height": 1000})

    document = page.locator("#documents li").filter(has_text="Treating physician's progress report")
    with page.expect_response(re.compile(r"/documents/\d+/reviewed/$")):
        document.get_by_label("Reviewed").check()
    expect(page.locator("#documents li").filter(has_text="(PR-2)").get_by_label("Reviewed")).to_be_checked()

    # A copy of a draft this browser kept (typed before a save that never landed) is removed once the case is signed.
    page.evaluate(f"localStorage.setItem('imr-draft:{SEED_CASE}:99', '{{}}')")
    page.get_by_role("link", name="Review and sign…").click()
    letter = page.frame_locator("#letter-preview")
    expect(letter.get_by_text(SUMMARY)).to_be_visible()
    expect(letter.get_by_text("Decision based on MTUS Chronic Pain Treatment Guidelines Chapter 15")).to_be_visible()
    page.get_by_role("button", name="Sign the determination").click()

    expect(page.get_by_text("The determination is signed")).to_be_visible()
    expect(page.locator("#case-status")).to_have_text("Signed")
    expect(page.locator("#draft-form")).to_have_count(0)
    # Queued until a worker renders it (with Redis); rendered in-process at once without Redis (eager Celery).
    expect(page.locator("#letter-status")).to_contain_text(re.compile(r"Letter:\s+(queued|rendering|ready)"))
    page.screenshot(path=str(artifacts_dir / "reviewer-workspace-signed.png"), full_page=True)
    assert page.evaluate("Object.keys(localStorage).filter((key) => key.startsWith('imr-draft:'))") == []

    case = Case.objects.get(case_number=SEED_CASE)
    assert case.status == Status.SIGNED
    determination = Determination.objects.get(case=case)
    assert determination.snapshot["clinical_summary"] == SUMMARY
    citations = determination.snapshot["items"][0]["citations"]
    assert citations[-1] == {
        "source": "MTUS",
        "title": "Stress Related Conditions 2004",
        "sections": None,
        "pages": "398",
    }
    assert [d["type"] for d in determination.snapshot["documents_reviewed"]] == ["Progress report (PR-2)"]
    assert Letter.objects.filter(
        determination=determination,
        status__in=[Letter.Status.QUEUED, Letter.Status.RENDERING, Letter.Status.READY],
    ).exists()


def _log_in(page, username="dr.psych"):
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_text_typed_when_the_session_expired_is_offered_back(demo_data, chromium_page, live_server, settings):
    """The session ends while the reviewer types; the save sends them to the login page, the login back to the case,
    and the page offers the typed text (kept in localStorage) back. A successful save clears the copy."""
    from django.contrib.sessions.models import Session

    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    page = chromium_page
    page.goto(f"{live_server.url}/cases/{SEED_CASE}/")
    _log_in(page)
    expect(page.get_by_role("heading", name=SEED_CASE)).to_be_visible()
    summary = page.get_by_role("textbox", name="Clinical case summary")
    rationale = page.locator(".disputed-item").first.get_by_role("textbox", name="Decision rationale")
    summary.fill(SUMMARY)
    rationale.fill(RATIONALE)

    Session.objects.all().delete()  # the session expired meanwhile
    page.get_by_role("button", name="Save draft").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    _log_in(page)

    expect(page).to_have_url(f"{live_server.url}/cases/{SEED_CASE}/")
    offer = page.locator("#draft-backup-offer")
    expect(offer).to_contain_text("Restore the text you typed on")
    expect(summary).not_to_have_value(SUMMARY)  # nothing was saved
    offer.get_by_role("button", name="Restore").click()
    expect(summary).to_have_value(SUMMARY)
    expect(rationale).to_have_value(RATIONALE)
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#save-status")).to_contain_text("Saved at")
    expect(page.locator("#draft-backup-offer")).to_have_count(0)
    backups = page.evaluate("Object.keys(localStorage).filter((key) => key.startsWith('imr-draft:'))")
    assert backups == []
    assert Case.objects.get(case_number=SEED_CASE).clinical_summary == SUMMARY
