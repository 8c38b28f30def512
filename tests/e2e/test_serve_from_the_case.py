"""A coordinator serves a signed case's letter from the case page in Chromium: the button, the date of service and
the confirmation, then the case issued with a proof-of-service row per recipient and the cover pages listed among
the documents sent."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case, Document, DocumentReview, Letter, Status
from cases.services.review import determination_sign
from notices.models import Notice, Service
from tests.cases.letters_support import eager_celery  # noqa: F401

from .conftest import DEMO_PASSWORD, SEED_CASE


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("eager_celery")
def test_coordinator_serves_the_letter_from_the_case_page(
    demo_data, chromium_page, live_server, artifacts_dir, settings
):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    case = demo_data
    worker = case.claim.worker
    worker.address = "1234 Main Street\nFresno, CA 93721"
    worker.save()
    for party in case.parties.all():
        party.address = party.address or "PO Box 100\nSacramento, CA 95814"
        party.save()
    pr2 = case.documents.exclude(doc_type=Document.Type.UR_LETTER).first()
    DocumentReview.objects.create(document=pr2, reviewer=case.reviewer)
    determination = determination_sign(case=case, user=case.reviewer.user)
    assert Letter.objects.get(determination=determination).status == Letter.Status.READY

    page = chromium_page
    page.goto(f"{live_server.url}/admin/cases/case/{case.pk}/change/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Serve the letter").click()
    expect(page.get_by_label("Date of service")).to_have_value(re.compile(r"\d"))
    confirm = page.get_by_label(re.compile("I confirm the letter was served"))
    page.get_by_role("button", name="Serve the letter").click()
    # The confirmation is required: the browser keeps the form (the server refuses it too, tests/notices).
    assert confirm.evaluate("box => box.validity.valueMissing")
    expect(page).to_have_url(re.compile(r"/lifecycle/serve_letter/$"))
    assert Case.objects.get(case_number=SEED_CASE).status == Status.SIGNED
    confirm.check()
    page.screenshot(path=str(artifacts_dir / "admin-serve-letter.png"), full_page=True)
    page.get_by_role("button", name="Serve the letter").click()

    expect(page.get_by_text("Cover pages for mailing v1")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "admin-case-served.png"), full_page=True)
    assert Case.objects.get(case_number=SEED_CASE).status == Status.ISSUED
    rows = Service.objects.filter(letter__determination=determination)
    assert rows.count() == rows.filter(served_on__isnull=False).count() == case.parties.count() + 2
    assert Notice.objects.filter(case=case, kind=Notice.Kind.COVER_PAGES).count() == 1
