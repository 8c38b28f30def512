"""The redacted public copy, rendered with every letter: no name of the worker, the parties, the providers or the
reviewer, no claim number, address, phone, e-mail, SSN or date of birth, no distribution list; the medical content
stays; a report says what was removed. Measured with pdftotext on the named case, on every fixture (the seed case
and the real letters) and on every demo case, each given names that its free text repeats."""

import re

import pytest

from cases.models import Case, Letter
from cases.selectors import current_determination
from cases.services.demo import demo_load
from cases.services.determinations import case_snapshot, determination_create
from cases.services.interchange import case_import
from cases.services.letters import letter_create
from notices.admin_inlines import redaction_report_table
from notices.models import Notice
from notices.redaction import REDACTED, redact_snapshot, redaction_terms
from tests.cases.letters_support import load_document
from tests.support import expected_letters
from tests.support.case_page import case_page_with_panels
from tests.support.letters import expected_letter_as_case

from .pdf_text import pdftotext, stored_pdf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

NAMED_CASE_IDENTIFIERS = [
    "Maria",
    "Gonzalez",
    "CLM-778899",
    "123-45-6789",
    "03/04/1970",
    "Acme Stores",
    "Golden State Claims Services",
    "Jane Smith",
    "Smith",
    "Okafor",
    "Miriam",
    "(559) 555-0142",
    "559.555.0199",
    "jsmith@example.com",
    "claims@goldenstate.example",
    "1234 Main Street",
    "500 Oak Avenue",
    "77 Cedar Lane",
    "9 Market Street",
    "PO Box 100",
]


def _absent(text: str, identifiers: list[str]) -> list[str]:
    """The identifiers found in ``text`` (case-insensitive, whole words): empty when the redaction held."""
    return [i for i in identifiers if re.search(r"(?<!\w)" + re.escape(i) + r"(?!\w)", text, re.IGNORECASE)]


def _public_copy(letter) -> Notice:
    notice = Notice.objects.get(letter=letter, kind=Notice.Kind.PUBLIC_COPY)
    assert notice.status == Notice.Status.READY, notice.error
    return notice


def test_the_named_cases_public_copy_keeps_no_identifier_and_reports_each_removal(signed):
    letter = Letter.objects.get(determination=signed)
    public = _public_copy(letter)
    text = pdftotext(stored_pdf(public))

    assert _absent(text, NAMED_CASE_IDENTIFIERS) == []
    assert "DISTRIBUTION" not in text and "served on" not in text
    assert REDACTED in text
    # What DWC publishes stays: the header, the medical content, the decision and its reasons.
    assert f"Case Number: {signed.case.case_number}" in pdftotext(stored_pdf(letter))
    for kept in [
        "CM14-",
        "Psychotherapy, 10 sessions: Upheld",
        "reports depression after the injury",
        "is not recommended",
    ]:
        assert kept in text
    # The letter itself still names them all: only the public copy is redacted.
    assert "Maria Gonzalez" in pdftotext(stored_pdf(letter))

    report = {(r["where"], r["kind"], r["text"]) for r in public.report}
    assert ("Clinical case summary", "worker name", "Maria Gonzalez") in report
    assert ("Clinical case summary", "SSN", "123-45-6789") in report
    assert ("Clinical case summary", "date of birth", "DOB 03/04/1970") in report
    assert ("Clinical case summary", "claim number", "CLM-778899") in report
    assert ("Item 1 rationale", "reviewer name", "Okafor") in report
    assert ("Item 1 rationale", "street address", "77 Cedar Lane") in report
    assert ("Item 1 rationale", "phone", "559.555.0199") in report


def test_the_redaction_report_is_shown_on_the_case_page_and_the_copy_downloads_for_staff_only(
    signed, client_staff, client_a
):
    public = _public_copy(Letter.objects.get(determination=signed))
    page = case_page_with_panels(client_staff, signed.case)  # the notices: in the records panel
    assert "Redacted public copy" in page
    assert "redaction report (check before publishing)" in page.lower()
    url = f"/cases/{signed.case.case_number}/notices/{public.pk}.pdf"
    assert url in page
    response = client_staff.get(url)
    assert response.status_code == 200
    assert response["X-Document-SHA256"] == public.sha256
    assert client_a.get(url).status_code == 404  # the case's own reviewer: staff only


def _identify(document: dict, number: int) -> tuple[dict, list[str]]:
    """``document`` given a named worker, parties and a claim number, its summary and first rationale repeating
    them with patterns; and the identifiers that must not reach the public copy."""
    first, last = f"Rosalind{number}", f"Quintero{number}"
    claim = f"ADJ{9100000 + number}"
    physician = f"Dr. Evelyn Marsh{number}"
    employer = f"Harbor Freight{number} Logistics, Inc."
    document["injured_worker"].update(first_name=first, last_name=last, claim_number=claim)
    document["parties"] = [
        {
            "role": "employer",
            "name": employer,
            "address": f"{400 + number} Harbor Boulevard\nLong Beach, CA",
            "email": "",
        },
        {"role": "requesting_physician", "name": physician, "address": "", "email": f"emarsh{number}@clinic.example"},
    ]
    sentence = (
        f"{first} {last} (date of birth 02/03/1961, SSN 321-54-{9000 + number}, claim # {claim}) of "
        f"{100 + number} Willow Creek Road was seen by {physician}; call (415) 555-{1000 + number} or "
        f"emarsh{number}@clinic.example. Harbor Freight{number} Logistics employs {first}. "
    )
    document["clinical_summary"] = sentence + (document.get("clinical_summary") or "")
    items = document["disputed_items"]
    items[0]["rationale"] = f"Mr. {last} saw Dr. Marsh{number}. " + (items[0].get("rationale") or "")
    identifiers = [
        first,
        last,
        claim,
        f"Evelyn Marsh{number}",
        f"Marsh{number}",
        f"Harbor Freight{number} Logistics",
        f"321-54-{9000 + number}",
        f"555-{1000 + number}",
        f"emarsh{number}@clinic.example",
        f"{100 + number} Willow Creek Road",
        f"{400 + number} Harbor Boulevard",
        "02/03/1961",
    ]
    return document, identifiers


FIXTURES = [pytest.param(load_document, id="seed-case")] + [
    pytest.param(lambda letter=letter: expected_letter_as_case(letter), id=letter["case_number"])
    for letter in expected_letters()
]


@pytest.mark.parametrize("fixture", FIXTURES)
def test_no_known_name_survives_in_the_public_copy_of_a_fixture(fixture, django_capture_on_commit_callbacks):
    document, identifiers = _identify(fixture(), number=7)
    case = case_import(document=document)
    with django_capture_on_commit_callbacks(execute=True):
        letter = letter_create(determination=current_determination(case))
    text = pdftotext(stored_pdf(_public_copy(letter)))
    assert _absent(text, identifiers) == []
    assert "IMR ISSUES, DECISIONS AND RATIONALES" in text
    assert document["disputed_items"][0]["title"].split()[0] in text


def test_no_known_name_survives_in_the_public_copy_of_any_demo_case(django_capture_on_commit_callbacks):
    demo_load()
    cases = list(Case.objects.select_related("claim__worker").order_by("case_number"))
    assert cases
    for number, case in enumerate(cases):
        worker = case.claim.worker
        worker.first_name, worker.last_name = (
            worker.first_name or f"Ines{number}",
            worker.last_name or f"Calder{number}",
        )
        worker.save()
        parties = list(case.parties.values_list("name", flat=True))
        known = [worker.first_name, worker.last_name, *parties]
        if case.claim.claim_number:
            known.append(case.claim.claim_number)
        case.clinical_summary = (
            f"{worker.first_name} {worker.last_name} works for {' and '.join(parties) or 'a warehouse'}. "
            + case.clinical_summary
        )
        case.save()
        snapshot = case_snapshot(
            case=case, reviewer_credentials={}, decision_date=case.application_received, documents_reviewed=[]
        )
        with django_capture_on_commit_callbacks(execute=True):
            letter = letter_create(
                determination=determination_create(
                    case=case, snapshot=snapshot, origin="signed", reviewer=case.reviewer
                )
            )
        text = pdftotext(stored_pdf(_public_copy(letter)))
        assert _absent(text, known) == [], case.case_number
        if case.reviewer:
            assert _absent(text, [case.reviewer.user.last_name]) == [], case.case_number


def test_redaction_terms_split_people_not_organisations():
    terms = redaction_terms(
        worker={"first_name": "Maria", "last_name": "Gonzalez", "address": "1 Elm St\nFresno"},
        claim_number="",
        parties=[
            {"role": "employer", "name": "Central Valley Distribution Co."},
            {"role": "requesting_physician", "name": "Dr. Jane Smith"},
        ],
        providers=["Treating psychiatrist", "Dr. Treating", "Injured worker"],
        reviewer_names=["Daniel Reyes"],
    )
    texts = {text for _kind, text in terms}
    assert {"Maria", "Gonzalez", "Jane", "Smith", "Treating", "Daniel", "Reyes"} <= texts
    assert {"Central Valley Distribution", "Central Valley Distribution Co."} <= texts
    # Organisations and roles are redacted whole, never word by word ("central stenosis", "the injured worker").
    assert not {"Central", "Valley", "Injured", "worker", "psychiatrist"} & texts
    public, _report = redact_snapshot(
        {"clinical_summary": "Central stenosis; the injured worker saw a treating psychiatrist.", "items": []}, terms
    )
    assert public["clinical_summary"] == "Central stenosis; the injured worker saw a [REDACTED] psychiatrist."


def test_the_redaction_report_table_lists_each_removal_escaped():
    rows = [
        {"where": "Item 1 rationale", "kind": "reviewer name", "text": "<b>Okafor</b>", "count": 2},
        {"where": "Clinical case summary", "kind": "claim number", "text": "CLM-778899", "count": 1},
    ]
    copy = Notice(kind=Notice.Kind.PUBLIC_COPY, report=rows)
    html = redaction_report_table(copy)
    assert html.count("<tr><td>") == 2
    assert "<td>Item 1 rationale</td><td>reviewer name</td><td>&lt;b&gt;Okafor&lt;/b&gt;</td><td>2</td>" in html
    assert redaction_report_table(Notice(kind=Notice.Kind.PUBLIC_COPY, report=[])).strip() == (
        "Nothing removed from the free text."
    )
    assert redaction_report_table(Notice(kind=Notice.Kind.NOARFI)) == "—"
