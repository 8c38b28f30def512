"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Chromium is never downloaded (closed network): without /usr/bin/chromium the tests skip, or fail when
IMR_REQUIRE_SERVICES=1.
"""

import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from cases.models import Case

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
DEMO_PASSWORD = "imr-demo"
SEED_CASE = "CM14-0000001"


@pytest.fixture
def chromium_page(monkeypatch):
    if not os.path.exists(CHROMIUM):
        message = f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)."
        if settings.IMR_REQUIRE_SERVICES:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself are still
    # synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.set_default_timeout(15_000)
            yield page
        finally:
            # The test's ORM calls while Playwright runs open a connection in Playwright's context, which nothing
            # else closes; PostgreSQL would then refuse to drop the test database at the end of the run.
            connections.close_all()
            browser.close()


@pytest.fixture
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def demo_data(db):
    """The demo users and the seed case, exactly as `make run` loads them (load_demo needs --force with DEBUG off)."""
    call_command("load_demo", force=True, stdout=io.StringIO())
    return Case.objects.get(case_number=SEED_CASE)
