"""A coordinator in a real browser: intake on one page at 1,366 px (worker, claim, a party with its address, a
disputed item with its specialty and the claims administrator's citation, a document), no pop-up windows; then the
home page's "Today's work", the case list's running deadline, and a case printed without the admin's chrome."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from cases.models import Case, Citation, Guideline, Status
from reviewers.models import Specialty
from tests import factories as f

from .conftest import DEMO_PASSWORD

WIDTH = 1366  # the coordinators' laptops: no admin page may be wider
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#todays-work")).to_be_visible()


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def pick(page, container, text):
    """Choose ``text`` in an admin autocomplete (select2) inside ``container``."""
    container.locator(".select2-selection").first.click()
    page.locator(".select2-search__field").last.fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_intake_on_one_page_within_1366_px(chromium_page, live_server, artifacts_dir, settings, tmp_path):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    f.StaffFactory(username="coordinator", first_name="Carla", last_name="Mendez", password=DEMO_PASSWORD)
    Specialty.objects.create(name="Psychiatry")
    Guideline.objects.create(source="MTUS", title="Chronic Pain Medical Treatment 2009", evidence_rank="A")
    page = chromium_page
    page.set_viewport_size({"width": WIDTH, "height": 900})
    log_in(page, live_server, "coordinator", DEMO_PASSWORD)

    page.goto(f"{live_server.url}/admin/cases/case/add/")
    assert page.locator(".related-widget-wrapper-link").count() == 0  # no "+", pencil or eye pop-up links
    page.get_by_label("Case number").fill("CM26-0000321")
    page.get_by_label("Application received").fill("11/20/2026")
    page.get_by_label("UR decision date").fill("11/03/2026")
    page.get_by_label("Worker's first name").fill("Maria")
    page.get_by_label("Worker's last name").fill("Gonzalez")
    page.get_by_label("Date of birth").fill("03/02/1970")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Claim number").fill("WC-55120")
    page.get_by_label("Date of injury").fill("01/15/2026")

    page.get_by_role("link", name="Add another Party").click()
    party = page.locator(".djn-item:visible", has=page.locator("select[name$='-role']")).last
    party.locator("select[name$='-role']").select_option("employer")
    party.locator("input[name$='-name']").fill("Acme Stores, Inc.")
    party.locator("textarea[name$='-address']").fill("1 Market St\nSan Francisco, CA 94105")

    page.get_by_role("link", name="Add another Disputed item").click()
    item = page.locator(".djn-item:visible", has=page.locator("textarea[name$='-title']")).last
    item.locator("textarea[name$='-title']").fill("Cognitive behavioral therapy, 6 sessions")
    pick(page, item.locator(".field-specialty"), "Psychiatry")
    item.get_by_role("link", name=re.compile("Add another Claims Administrator Citation", re.I)).click()
    citation = item.locator(".djn-item:visible", has=page.locator("[name$='-sections']")).last
    pick(page, citation, "Chronic Pain Medical Treatment 2009")
    citation.locator("[name$='-sections']").fill("Behavioral interventions")
    citation.locator("input[name$='-pages']").fill("23")

    page.get_by_role("link", name="Add another Document").click()
    document = page.locator(".djn-item:visible", has=page.locator("input[type=file]")).last
    document.locator("select[name$='-doc_type']").select_option("ur_letter")
    document.locator("input[name$='-title']").fill("Utilization review determination")
    upload = tmp_path / "ur-letter.pdf"
    upload.write_bytes(PDF)
    document.locator("input[type=file]").set_input_files(str(upload))

    assert fits(page), "the intake page is wider than 1,366 px"
    page.screenshot(path=str(artifacts_dir / "admin-intake.png"), full_page=True)
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    assert fits(page), "the case page is wider than 1,366 px"
    case = Case.objects.get(case_number="CM26-0000321")
    assert case.status == Status.RECEIVED
    assert (case.claim.worker.first_name, case.claim.worker.last_name) == ("Maria", "Gonzalez")
    assert case.parties.get().address.splitlines() == ["1 Market St", "San Francisco, CA 94105"]
    item = case.items.get()
    assert item.specialty.name == "Psychiatry"
    citation = item.citations.get()
    assert (citation.side, citation.sections, citation.pages) == (
        Citation.Side.CLAIMS_ADMINISTRATOR,
        "Behavioral interventions",
        "23",
    )
    assert case.documents.get().sha256
    expect(page.locator(".field-injured_worker")).to_contain_text("Maria Gonzalez, born 03/02/1970")
    expect(page.locator(".case-timeline")).to_contain_text("Application received")
    expect(page.locator(".case-timeline")).to_contain_text("Carla Mendez")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_coordinators_day_on_the_demo(demo_data, chromium_page, live_server, artifacts_dir, settings):
    """The demo's working day: today's work links to the filtered list, the list shows the running deadline, and a
    case prints as a file (no header or sidebar, its number on the first page)."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    page = chromium_page
    page.set_viewport_size({"width": WIDTH, "height": 900})
    log_in(page, live_server, "admin", DEMO_PASSWORD)
    expect(page.locator("#site-name")).to_contain_text("Independent Medical Review")
    assert fits(page)
    page.screenshot(path=str(artifacts_dir / "admin-home.png"), full_page=True)

    page.locator("#work-records_overdue a").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    for row in rows.all():
        expect(row).to_contain_text("Records due")
        expect(row).to_contain_text("overdue")
    assert fits(page)
    page.goto(f"{live_server.url}/admin/cases/case/?clock=decision&deadline=week")
    assert fits(page)
    page.screenshot(path=str(artifacts_dir / "admin-case-list.png"), full_page=True)

    page.locator("#result_list tbody tr th a").first.click()
    expect(page.locator(".field-current_reviewer")).to_contain_text(re.compile(r"Dr\. \w+ \w+ \(ER-\d{4}, "))
    assert fits(page)
    page.screenshot(path=str(artifacts_dir / "admin-case.png"), full_page=True)
    number = page.locator(".field-case_number .readonly").inner_text().strip()

    page.emulate_media(media="print")
    expect(page.locator("#header")).to_be_hidden()
    expect(page.locator("#nav-sidebar")).to_be_hidden()
    expect(page.locator(".submit-row").first).to_be_hidden()
    pages = PdfReader(io.BytesIO(page.pdf(format="Letter"))).pages
    assert number in pages[0].extract_text()  # the case starts on the first page, not after a blank one
    printed = "".join(p.extract_text() for p in pages)
    assert "California Independent Medical Review" not in printed and "Start typing to filter" not in printed
