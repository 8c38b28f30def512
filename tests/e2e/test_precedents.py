"""Precedents in a real browser: "Similar decisions" loads beside the seed case's item and one click adds a suggested
citation (with its sections) to the draft, which saves it; the guideline picker says how many similar decisions
cited each topic; the analytics page draws its charts. Screenshots go to docs/ (README)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cases.desk_selectors import library_search
from cases.models import Citation, Guideline
from cases.services.interchange import case_import
from tests.support import expected_letters
from tests.support.letters import expected_letter_as_case

from .conftest import DEMO_PASSWORD, SEED_CASE

DOCS = Path(__file__).resolve().parent.parent.parent / "docs"


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_suggested_citation_is_added_to_the_draft(demo_data, chromium_page, live_server, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    for letter in expected_letters():
        case_import(document=expected_letter_as_case(letter))
    # The letters bring guidelines the demo library lacks, marked imported-unreviewed; an administrator checks them,
    # and only then are they offered to add.
    Guideline.objects.update(imported_unreviewed=False)
    page = chromium_page
    log_in(page, live_server, "dr.psych")
    page.goto(f"{live_server.url}/cases/{SEED_CASE}/")

    item = page.locator(".disputed-item").first
    similar = item.locator(".similar-decisions")
    expect(similar.get_by_role("heading", name="Similar decisions", exact=True)).to_be_visible()
    suggestion = similar.locator(".suggested-citation").first
    title = suggestion.locator(".badge").first.evaluate("badge => badge.nextSibling.textContent").strip()
    rows = item.locator(".citation-row").filter(has_text=title)
    before = rows.count()
    suggestion.get_by_role("button", name="Add citation").click()
    expect(rows).to_have_count(before + 1)
    item.scroll_into_view_if_needed()
    page.screenshot(path=str(DOCS / "precedents-similar-decisions.png"), full_page=True)

    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#save-status")).to_contain_text("Saved at", timeout=15_000)
    saved = Citation.objects.filter(item__case__case_number=SEED_CASE, side="imro", guideline__title=title)
    assert saved.count() == before + 1


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_analytics_page_draws_its_charts(demo_data, chromium_page, live_server, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    for letter in expected_letters():
        case_import(document=expected_letter_as_case(letter))
    page = chromium_page
    failed = []  # our own files that did not load (the browser's favicon.ico guess is not one)
    page.on("response", lambda r: r.status >= 400 and "favicon" not in r.url and failed.append(r.url))
    log_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/analytics/")
    expect(page.get_by_role("heading", name="Decision analytics")).to_be_visible()
    # Chart.js has drawn on each canvas (a chart instance per canvas).
    page.wait_for_function("document.querySelectorAll('canvas.decision-chart').length === 4")
    drawn = page.evaluate("[...document.querySelectorAll('canvas.decision-chart')].every(c => Chart.getChart(c))")
    assert drawn and not failed
    page.screenshot(path=str(DOCS / "analytics.png"), full_page=True)
    page.goto(f"{live_server.url}/precedents/?q=lumbar")
    expect(page.locator("#result-count")).to_have_text(re.compile(r"\d+ decided items? match"))


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_picker_says_how_many_similar_decisions_cited_a_topic(demo_data, chromium_page, live_server, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    for letter in expected_letters():
        case_import(document=expected_letter_as_case(letter))
    Guideline.objects.update(imported_unreviewed=False)
    item = demo_data.items.first()
    topical = next(c for c in library_search("topical", item=item) if c.topic and c.topic.name == "Topical analgesics")
    assert topical.similar_decisions >= 1  # the letters decide topical creams, citing this topic
    page = chromium_page
    log_in(page, live_server, "dr.psych")
    page.goto(f"{live_server.url}/cases/{SEED_CASE}/")
    search = page.get_by_label(re.compile("Add a citation to item 1"))
    search.focus()
    page.keyboard.type("topical", delay=20)
    listbox = page.locator("#" + search.get_attribute("aria-controls"))
    option = listbox.get_by_role("option").filter(has_text=re.compile(r"^\s*MTUS\s+Topical analgesics ·"))
    expect(option).to_contain_text(f"cited in {topical.similar_decisions} similar decision")
    # Among the equally relevant "topical" topics, the one cited in similar decisions comes first.
    expect(listbox.get_by_role("option").first).to_contain_text("Topical analgesics ·")
    page.locator(".disputed-item").first.scroll_into_view_if_needed()
    search.scroll_into_view_if_needed()
    page.screenshot(path=str(DOCS / "reviewer-picker.png"))
