"""The reviewer's desk in Chromium (issue 13): nothing typed is lost (a save before signing, a cut network), the
records are searched and opened at the page, a citation is added from the keyboard alone, the sign page shows the
letter, Back after signing shows no live sign button, axe-core finds no WCAG 2.1 AA violation, and the queue and case
page work at 390 px."""

import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from cases.models import Case, Determination, Document, DocumentReview
from cases.services.document_text import document_extract_text
from tests.support.pdfs import pdf_with_pages

from .conftest import DEMO_PASSWORD, SEED_CASE

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(demo_data, chromium_page, live_server, settings, tmp_path):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.MEDIA_ROOT = tmp_path
    page = chromium_page
    page.goto(f"{live_server.url}/cases/{SEED_CASE}/")
    page.get_by_label("Username").fill("dr.psych")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=SEED_CASE)).to_be_visible()
    return page


def _rationale(page):
    return page.locator(".disputed-item").first.get_by_role("textbox", name="Item 1 decision rationale")


def test_typed_text_reaches_the_letter_and_survives_a_network_cut(desk, live_server):
    page = desk
    # Typed, then straight to "Review and sign…": it saves first, and the letter carries the new text.
    _rationale(page).fill("Per the MTUS, open-ended psychotherapy is not supported (typed just now).")
    page.get_by_role("link", name="Review and sign…").click()
    expect(page).to_have_url(re.compile(r"/sign/$"))
    expect(page.frame_locator("#letter-preview").get_by_text("(typed just now)")).to_be_visible()
    assert "typed just now" in Case.objects.get(case_number=SEED_CASE).items.get().rationale

    # The network goes down while typing: the text stays, the page says it is not saved, and it saves on its own
    # once the network is back.
    page.go_back()
    summary = page.get_by_role("textbox", name="Clinical case summary")
    expect(summary).to_be_visible()
    page.context.set_offline(True)
    summary.press("Control+End")
    summary.press_sequentially(" Typed while offline on 12/01/2026.", delay=10)
    expect(page.locator("#save-status")).to_contain_text("Not saved: no connection", timeout=10_000)
    # Enter in a one-line field does not submit the whole draft, and "Review and sign…" refuses to go on.
    page.evaluate(
        "window.submits = 0; document.getElementById('draft-form').addEventListener('submit', () => submits++)"
    )
    page.locator("input[name$='-cit-sections']").first.press("Enter")
    assert page.evaluate("window.submits") == 0
    page.get_by_role("link", name="Review and sign…").click()
    expect(page.locator("#save-status")).to_contain_text("Review and sign waits until the draft is saved")
    expect(page).to_have_url(re.compile(rf"/cases/{SEED_CASE}/$"))
    page.context.set_offline(False)
    expect(page.locator("#save-status")).to_contain_text("Saved at", timeout=15_000)
    assert Case.objects.get(case_number=SEED_CASE).clinical_summary.endswith("Typed while offline on 12/01/2026.")
    expect(summary).to_have_value(re.compile("Typed while offline on 12/01/2026.$"))


def test_back_after_signing_shows_no_live_sign_button(desk, live_server):
    page = desk
    case = Case.objects.get(case_number=SEED_CASE)
    clinical = case.documents.filter(doc_type=Document.Type.PR2).first()
    DocumentReview.objects.get_or_create(document=clinical, reviewer=case.reviewer)
    page.get_by_role("link", name="Review and sign…").click()
    warnings = page.locator("#signoff-warnings")
    if warnings.count():  # the seed letter's own wording may draw a warning: sign over it with a note
        page.get_by_label("Why you sign despite the warnings").fill("Checked: the seed letter as published.")
    page.get_by_role("button", name="Sign the determination").click()
    expect(page.locator("#case-status")).to_have_text("Signed")
    page.go_back()
    expect(page.get_by_text("This case is signed")).to_be_visible()
    expect(page.get_by_role("button", name="Sign the determination")).to_have_count(0)
    assert Determination.objects.filter(case=case).count() == 1


def test_search_finds_a_word_on_page_7_and_the_viewer_opens_there(desk, live_server, artifacts_dir):
    page = desk
    case = Case.objects.get(case_number=SEED_CASE)
    texts = [f"Progress note, page {n}." for n in range(1, 10)]
    texts[6] = "Page 7: the psychologist documents spondylolisthesis and sleep disturbance."
    document = Document(case=case, doc_type=Document.Type.PR2, title="PR-2 bundle 2014")
    document.file = ContentFile(pdf_with_pages(texts), name="bundle.pdf")
    document.save()
    document_extract_text(document_id=document.pk)  # what the Celery task runs (tests/integration: with a worker)
    page.reload()
    page.get_by_label(re.compile("Search the records")).fill("spondylolisthesis")
    hit = page.locator("#document-hits").get_by_role("link", name="PR-2 bundle 2014, page 7")
    expect(hit).to_be_visible()
    expect(page.locator("#document-hits")).to_contain_text("documents spondylolisthesis and sleep")
    hit.click()
    expect(page.locator("#viewer-page-label")).to_have_text("Page 7 of 9")
    expect(page.locator("#viewer-title")).to_have_text("PR-2 bundle 2014")
    # The canvas shows the page (something other than white was drawn).
    drawn = page.evaluate(
        """() => { const c = document.getElementById('viewer-canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 0; i < d.length; i += 4) { if (d[i] < 200) return true; } return false; }"""
    )
    assert drawn
    page.evaluate("window.scrollTo(0, 0)")  # the draft beside the viewer, for README's picture (docs/)
    page.screenshot(path=str(artifacts_dir / "reviewer-desk.png"))
    page.get_by_role("button", name="Next page: PR-2 bundle 2014").click()
    expect(page.locator("#viewer-page-label")).to_have_text("Page 8 of 9")
    expect(page.get_by_role("button", name="Close viewer: PR-2 bundle 2014", exact=True)).to_be_visible()


def test_a_citation_from_the_keyboard_alone(desk, live_server):
    page = desk
    search = page.get_by_label(re.compile("Add a citation to item 1"))
    search.focus()
    page.keyboard.type("Norco", delay=20)
    expect(page.locator("#" + search.get_attribute("aria-controls")).get_by_role("option").first).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    active = page.locator("[role=option][aria-selected=true]")
    expect(active).to_contain_text("opioid", ignore_case=True)
    # The chosen option keeps every text readable, its source badge too (it was white on white).
    assert page.evaluate(LOW_CONTRAST) == []
    page.keyboard.press("Enter")
    row = page.locator(".disputed-item").first.locator(".citation-row").last
    expect(row).to_contain_text("Opioid Treatment 2016")
    focused = page.evaluate("document.activeElement.name")
    assert focused.endswith("-cit-sections")
    expect(row.locator("input[name$='-cit-sections']")).to_have_value(re.compile("Maintenance of Chronic Opioid"))
    page.keyboard.press("Tab")
    page.keyboard.type("12-14")
    expect(page.locator("#save-status")).to_contain_text("Saved at", timeout=10_000)
    item = Case.objects.get(case_number=SEED_CASE).items.get()
    assert item.citations.filter(guideline__title="Opioid Treatment 2016", pages="12-14").exists()


def _axe(page):
    # Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern (an injected
    # <script> element would be refused, rightly).
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        "async () => (await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations"
        ".map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))"
    )
    return result


# Text colour against the first opaque background behind it: every text on the page at 4.8:1 or more.
LOW_CONTRAST = """() => {
  const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = (rgb) => { const [r, g, b] = rgb.map(channel); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const bg = (el) => { for (; el; el = el.parentElement) { const c = parse(getComputedStyle(el).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3); } return [255, 255, 255]; };
  const low = [];
  document.querySelectorAll('body *').forEach((el) => {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const style = getComputedStyle(el);
    if (!own || style.visibility === 'hidden' || !el.getClientRects().length) return;
    if (el.closest('.visually-hidden, .visually-hidden-focusable, [hidden], .disabled, :disabled')) return;
    const fg = parse(style.color).slice(0, 3), back = bg(el);
    const [a, b] = [lum(fg), lum(back)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const text = el.textContent.trim().slice(0, 30);
    if (ratio < 4.8) low.push(`${el.tagName}.${el.className}: ${ratio.toFixed(2)} "${text}"`);
  });
  return low;
}"""


def test_reviewer_pages_pass_axe_and_keep_contrast(desk, live_server):
    page = desk
    for url in (
        f"{live_server.url}/cases/",
        f"{live_server.url}/cases/{SEED_CASE}/",
        f"{live_server.url}/cases/{SEED_CASE}/sign/",
        f"{live_server.url}/precedents/",
    ):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert _axe(page) == [], url
        assert page.evaluate(LOW_CONTRAST) == [], url
    # A precedent's own page (the demo's signed cases are precedents).
    page.goto(f"{live_server.url}/precedents/")
    page.locator("a[href^='/precedents/'].fw-semibold").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/precedents/" in page.url
    assert _axe(page) == [], page.url
    assert page.evaluate(LOW_CONTRAST) == [], page.url
    # A skip link is the first thing the keyboard reaches, and focus is visible.
    page.goto(f"{live_server.url}/cases/{SEED_CASE}/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"


def test_phone_queue_cards_and_deadline_first(desk, live_server, artifacts_dir):
    page = desk
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/cases/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    card = page.locator("#queue tbody tr").first
    for label in ("Case", "Status", "Deadline", "Days left"):
        cell = card.locator(f"td[data-label='{label}']")
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.screenshot(path=str(artifacts_dir / "reviewer-queue-phone.png"), full_page=True)
    page.goto(f"{live_server.url}/cases/{SEED_CASE}/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    deadline = page.locator("#case-deadline").bounding_box()["y"]
    assert deadline < page.locator("#draft-form").bounding_box()["y"]
    assert deadline < page.locator("#facts-heading").bounding_box()["y"]
    page.screenshot(path=str(artifacts_dir / "reviewer-case-phone.png"))
    # The sign page's heading keeps the case number on one line (it broke after "CM14-").
    page.goto(f"{live_server.url}/cases/{SEED_CASE}/sign/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    lines = page.evaluate(
        "() => { const r = document.createRange(); r.selectNodeContents(document.getElementById('sign-case-number'));"
        " return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; }"
    )
    assert lines == 1


# The audit at 1366 and 390 px (issue 13): the save bar never hides the field the keyboard reached, and the reader
# keeps their place and sees the save status while typing far down the draft.

FOCUSED_UNDER_THE_BAR = """() => {
  const e = document.activeElement, r = e.getBoundingClientRect();
  const bar = document.getElementById('draft-save-bar').getBoundingClientRect();
  const sameColumn = r.right > bar.left && r.left < bar.right;
  const where = `${e.tagName} ${e.name || e.id}: ${r.top}-${r.bottom}, bar at ${bar.top}`;
  return sameColumn && r.bottom > bar.top + 1 && r.top < innerHeight ? where : null;
}"""


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 768}, {"width": 390, "height": 844}])
def test_tab_never_leaves_the_focused_field_under_the_save_bar(desk, live_server, viewport):
    page = desk
    page.emulate_media(reduced_motion="reduce")  # no smooth scrolling: each Tab's scroll is done at once
    page.set_viewport_size(viewport)
    page.reload()
    page.wait_for_load_state("networkidle")
    page.get_by_role("textbox", name="Clinical case summary").focus()
    covered, reached = [], 0
    while page.evaluate("document.getElementById('draft-form').contains(document.activeElement)") and reached < 80:
        if page.evaluate("document.activeElement.id") == "save-draft":
            break
        covered.append(page.evaluate(FOCUSED_UNDER_THE_BAR))
        page.keyboard.press("Tab")
        reached += 1
    assert reached > 10  # the summary, the decisions, the citation rows, the pickers, the rationale...
    assert [c for c in covered if c] == []


def _status_in_view(page):
    box = page.locator("#save-status").bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 768}, {"width": 390, "height": 844}])
def test_the_reader_keeps_their_place_and_sees_the_save_status(desk, live_server, viewport):
    page = desk
    page.emulate_media(reduced_motion="reduce")
    page.set_viewport_size(viewport)
    page.reload()
    rationale = _rationale(page)
    rationale.scroll_into_view_if_needed()
    rationale.click()
    rationale.press("Control+End")
    before = rationale.bounding_box()["y"]
    page.keyboard.type(" Typed far down the draft.", delay=10)
    expect(page.locator("#save-status")).to_contain_text("Saved at", timeout=10_000)
    assert rationale.bounding_box()["y"] == before
    assert _status_in_view(page)
    page.keyboard.type(" And saved with the button.")
    page.locator("#save-draft").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#save-status")).to_contain_text("Saved at", timeout=10_000)
    assert rationale.bounding_box()["y"] == before and _status_in_view(page)
    assert Case.objects.get(case_number=SEED_CASE).items.get().rationale.endswith("And saved with the button.")
