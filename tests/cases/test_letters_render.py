"""The letter as printed: sections in order, the seed letter's text read back from the PDF, the qualification
paragraph from credentials, the IMRO's names from settings, and nothing fetched on behalf of user text."""

import re
import socket
import threading

import pytest

from cases.letters import (
    LETTER_STYLESHEET,
    PDF_UA_METADATA,
    LetterFetchRefused,
    StaticOnlyURLFetcher,
    letter_html,
    letter_pdf,
    qualification_paragraph,
    resolve_static,
)

from .letters_support import (
    SEED_LETTER,
    assert_in_order,
    determination_from_document,
    fold,
    load_document,
    norm,
    pdf_all_text,
    pdf_body_text,
)

pytestmark = pytest.mark.django_db


def _seed_section(start: str, end: str) -> str:
    text = SEED_LETTER.read_text()
    return fold(text[text.index(start) + len(start) : text.index(end)])


@pytest.fixture
def seed_snapshot():
    return determination_from_document(load_document()).snapshot


def test_seed_letter_reads_back_as_the_seed(seed_snapshot):
    pdf = letter_pdf(seed_snapshot)
    assert pdf.startswith(b"%PDF")
    text = pdf_body_text(pdf)
    summary = _seed_section("including all medical records:", "IMR ISSUES, DECISIONS AND RATIONALES")
    item_line = _seed_section("set forth below:", "Claims Administrator guideline:")
    maximus_line = "MAXIMUS guideline: " + _seed_section("MAXIMUS guideline:", "Decision rationale:")
    rationale = "Decision rationale: " + fold(SEED_LETTER.read_text().split("Decision rationale:")[1])
    assert item_line.endswith(": Upheld")
    assert_in_order(text, [summary, item_line, maximus_line, rationale])
    # The seed's Claims Administrator line uses an older wording; ours follows case-format.md's rules.
    assert_in_order(
        text,
        [
            item_line,
            "Claims Administrator guideline: The Claims Administrator based their decision on recommendation(s) "
            "outside of the MTUS Guidelines. Decision based on Non-MTUS Citation ODG ; psychotherpy for affective "
            "disorders.",
            maximus_line,
        ],
    )


def test_sections_header_and_credentials_in_order(seed_snapshot):
    text = pdf_body_text(letter_pdf(seed_snapshot))
    assert_in_order(
        text,
        [
            "Case Number: CM14-0000001",
            "Date Assigned: 08/25/2014",
            "Date of Injury: 08/31/1998",
            "Decision Date: 09/15/2014",
            "UR Denial Date: 08/04/2014",
            "Priority: Standard",
            "Application Received: 08/20/2014",
            "HOW THE IMR FINAL DETERMINATION WAS MADE",
            "MAXIMUS Federal Services sent the complete case file to an expert reviewer.",
            "The Expert Reviewer has the following credentials:",
            "State(s) of Licensure: California",
            "Certification(s)/Specialty: Child Adolescent & Psychiatry",
            "CLINICAL CASE SUMMARY",
            "The expert reviewer developed the following clinical case summary based on a review of the case file, "
            "including all medical records:",
            "IMR ISSUES, DECISIONS AND RATIONALES",
            "The Final Determination was based on decisions for the disputed items/services set forth below:",
            "DOCUMENTS REVIEWED",
            "NOTICES",
            "4610.6(g)",
            "within 5 working days",
            "9792.10.7",
            "verified petition with the Workers' Compensation Appeals Board within 30 days",
            "4610.6(h)",
            "DISTRIBUTION",
            "Injured Worker",
        ],
    )


def test_running_header_and_page_numbers():
    from .letters_support import load_document as load

    document = load()
    document["disputed_items"] = document["disputed_items"] * 4
    snapshot = determination_from_document(document).snapshot
    text = pdf_all_text(letter_pdf(snapshot))
    pages = int(re.search(r"Page 1 of (\d+)", text).group(1))
    assert pages >= 3
    assert f"Page {pages} of {pages}" in text
    # The case number runs on the following pages (the first has the header block instead).
    assert text.count("Case Number: CM14-0000001") == pages


def test_documents_reviewed_and_distribution(db):
    document = load_document()
    document["parties"] = [
        {"role": "claims_administrator", "name": "Golden State Claims", "address": "PO Box 1\nFresno, CA 93701"},
        {"role": "requesting_physician", "name": "Dr. Requesting", "address": "2 Clinic Way"},
    ]
    document["injured_worker"].update(first_name="Alex", last_name="Worker")
    snapshot = determination_from_document(
        document,
        documents_reviewed=[
            {
                "title": "PR-2 progress report",
                "type": "Progress report (PR-2)",
                "author": "Dr. Treating",
                "date": "2014-07-25",
            }
        ],
    ).snapshot
    text = pdf_body_text(letter_pdf(snapshot))
    assert_in_order(
        text,
        [
            "DOCUMENTS REVIEWED",
            "PR-2 progress report, Dr. Treating, 07/25/2014",
            "DISTRIBUTION",
            "Injured Worker Alex Worker",
            "Claims Administrator Golden State Claims PO Box 1 Fresno, CA 93701",
            "Requesting Physician Dr. Requesting 2 Clinic Way",
        ],
    )


def test_reviewer_name_and_reference_never_printed(db):
    from tests.factories import ReviewerFactory, UserFactory

    reviewer = ReviewerFactory(user=UserFactory(first_name="Hieronymus", last_name="Quackenbush"), reference="ER-7781")
    document = load_document()
    document["determination"]["reviewer"]["reference"] = reviewer.reference
    snapshot = determination_from_document(document, reviewer=reviewer).snapshot
    pdf = letter_pdf(snapshot)
    for text in (pdf_all_text(pdf), letter_html(snapshot)):
        assert "ER-7781" not in text
        assert "Hieronymus" not in text and "Quackenbush" not in text


def test_organization_names_come_from_settings(seed_snapshot, settings):
    settings.IMR_ORGANIZATION_NAME = "Golden Bear Review Services"
    settings.IMR_ORGANIZATION_SHORT_NAME = "GOLDEN BEAR"
    text = pdf_all_text(letter_pdf(seed_snapshot))
    assert "MAXIMUS" not in text
    assert_in_order(
        text, ["Golden Bear Review Services sent the complete case file", "GOLDEN BEAR guideline: Decision"]
    )


def test_paragraph_breaks_of_user_text_are_kept(seed_snapshot):
    seed_snapshot["clinical_summary"] = "First paragraph.\n\nSecond paragraph,\nsame paragraph."
    seed_snapshot["items"][0]["rationale"] = "Rationale one.\r\n\r\nRationale two."
    html = letter_html(seed_snapshot)
    assert "<p>First paragraph.</p>" in html
    assert "<p>Second paragraph,<br>same paragraph.</p>" in html
    assert re.search(r"<strong>Decision rationale:</strong> Rationale one.</p>\s*<p[^>]*>Rationale two.</p>", html)


BASE = {"licensure_states": [], "specialties": ["Psychiatry"], "board_certified": False}


@pytest.mark.parametrize(
    ("credentials", "present", "absent"),
    [
        # The 2016-17 form: licensure and certification only in the credentials block, never the 2014-15 sentence.
        ({"licensure_states": ["California"], "board_certified": True}, [], ["Board Certified", "licensed to"]),
        ({"board_certified": True}, [], ["Board Certified"]),
        ({"licensure_states": ["Oregon", "California"]}, [], ["Board Certified", "licensed to", "California"]),
        (
            {"years_in_practice": 6, "weekly_practice_hours": 24},
            ["for more than five years and is currently working at least 24 hours a week in active practice."],
            [],
        ),
        (
            {"years_in_practice": 5, "weekly_practice_hours": 24},
            ["He/she is currently working at least 24 hours a week in active practice."],
            ["five years"],
        ),
        (
            {"years_in_practice": 30, "weekly_practice_hours": 23},
            ["He/she has been in active clinical practice for more than five years."],
            ["24 hours"],
        ),
        ({"years_in_practice": None, "weekly_practice_hours": None}, [], ["five years", "24 hours"]),
    ],
)
def test_qualification_paragraph_claims_only_what_the_profile_holds(credentials, present, absent):
    text = qualification_paragraph("MAXIMUS Federal Services", {**BASE, **credentials, "reference": "ER-0001"})
    assert text.startswith("MAXIMUS Federal Services sent the complete case file to an expert reviewer.")
    assert text.endswith("applies to Independent Medical Review determinations.")
    for phrase in present:
        assert phrase in text
    for phrase in absent:
        assert phrase not in text
    assert "ER-0001" not in text


# --- Nothing fetched on behalf of user text ---------------------------------------------------------------------


@pytest.fixture
def tcp_listener():
    """A TCP server on a random local port that records every connection made to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    connections = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, address = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connections.append(address)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], connections
    stop.set()
    thread.join(timeout=2)
    server.close()


def test_markup_in_user_text_prints_as_text_and_fetches_nothing(seed_snapshot, tcp_listener):
    port, connections = tcp_listener
    injected = [
        '<img src="file:///etc/passwd">',
        f'<img src="http://127.0.0.1:{port}/">',
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">',
        f"<style>@import url(http://127.0.0.1:{port}/y.css);</style>",
        f'<object data="http://127.0.0.1:{port}/z"></object>',
    ]
    seed_snapshot["clinical_summary"] = "Summary " + injected[0]
    seed_snapshot["items"][0]["title"] = "Item " + injected[1]
    seed_snapshot["items"][0]["rationale"] = "Rationale " + " ".join(injected[1:])
    seed_snapshot["parties"] = [{"role": "attorney", "name": injected[2], "address": injected[3]}]
    fetcher = StaticOnlyURLFetcher()

    pdf = letter_pdf(seed_snapshot, url_fetcher=fetcher)

    # Our stylesheet, the logo named in settings and the PDF/UA metadata: nothing the case's text names.
    assert sorted(fetcher.requested) == sorted([LETTER_STYLESHEET, "static:letters/logo.svg", PDF_UA_METADATA])
    assert fetcher.refused == []
    assert connections == []
    text = norm(pdf_body_text(pdf))
    for markup in injected:
        assert norm(markup) in text
    assert "root:x:0:0" not in text


def test_even_real_markup_fetches_nothing_but_our_stylesheet(tcp_listener):
    """The fetcher itself refuses: HTML that does reference outside URLs (were escaping ever lost) loads none."""
    from cases.letters import html_to_pdf

    port, connections = tcp_listener
    html = (
        f'<p>x</p><img src="http://127.0.0.1:{port}/a.png"><img src="file:///etc/passwd">'
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/b.css">'
        f'<img src="data:image/png;base64,iVBORw0KGgo="><img src="static:../../../../etc/passwd">'
        f'<img src="relative.png">'
    )
    fetcher = StaticOnlyURLFetcher()
    html_to_pdf(html, url_fetcher=fetcher)
    assert connections == []
    ours = {LETTER_STYLESHEET, PDF_UA_METADATA}
    assert ours <= set(fetcher.requested)
    assert set(fetcher.refused) == set(fetcher.requested) - ours
    assert len(fetcher.refused) >= 4


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/",
        "https://example.com/x.css",
        "data:text/css,body{}",
        "static:../../etc/passwd",
        "static:letters/../../../../etc/passwd",
        "static:letters/%2e%2e/%2e%2e/settings.py",
        "static:/etc/passwd",
        "static://evil.example/letters/letter.css",
        "static:letters/letter.css?x=1",
        "static:.hidden.css",
        "static:vendor/htmx-2.0.11/htmx.min.js",
        "static:admin/css/base.css",
        "static:letters/missing.css",
    ],
)
def test_fetcher_refuses_anything_but_our_static_files(url):
    with pytest.raises(LetterFetchRefused):
        resolve_static(url)
    with pytest.raises(LetterFetchRefused):
        StaticOnlyURLFetcher().fetch(url)


@pytest.mark.parametrize("url", ["static:letters/letter.css", "static:/static/letters/letter.css"])
def test_fetcher_serves_our_stylesheet(url):
    response = StaticOnlyURLFetcher().fetch(url)
    assert b"@page" in response.read()
    assert response.content_type == "text/css"
