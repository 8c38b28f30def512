"""Each notice renders from its event and appears in the case's documents: the NOARFI from a first assignment (the
records requested, due by the deadline rules, where to send them), the notice of ineligibility from the finding
(the reason code's wording, the reason, the appeal right). Printed from what was recorded, markup as text, no
reviewer name."""

import io

import pypdf
import pytest
from freezegun import freeze_time

from cases.models import CaseEvent, IneligibilityCode, NoticeChannel, Party
from cases.services.lifecycle import NOT_FOUND_ELIGIBLE, TransitionError, case_assign_reviewer, case_find_ineligible
from notices.documents import RECORDS_REQUESTED
from notices.models import Notice, Service
from notices.selectors import case_documents
from notices.services import NOT_SERVED_DOCUMENT
from tests import factories as f
from tests.lifecycle_helpers import case_needing, reviewer_in
from tests.support.case_page import case_page_with_panels

from .pdf_text import stored_pdf, stored_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

# 20:30 on the day clocks change (08/03/2026, Pacific): the notice date is the Pacific day, not UTC's 03/09.
DST_EVENING = "2026-03-09 03:30:00"


def _case_with_parties(**kwargs):
    case = case_needing(**kwargs)
    worker = case.claim.worker
    worker.address = "1234 Main Street\nFresno, CA 93721"
    worker.save()
    f.PartyFactory(case=case, role=Party.Role.CLAIMS_ADMINISTRATOR, name="Golden State Claims", address="PO Box 1")
    f.PartyFactory(case=case, role=Party.Role.EMPLOYER, name="Acme Stores, Inc.", address="9 Market Street")
    return case


def _assign(case, reviewer, channel, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case_assign_reviewer(
            case=case, reviewer=reviewer, notice_date=case.application_received.today(), notice_channel=channel
        )
    return Notice.objects.get(case=case, kind=Notice.Kind.NOARFI)


@freeze_time(DST_EVENING)
@pytest.mark.parametrize(
    ("channel", "due", "days"), [(NoticeChannel.MAIL, "03/23/2026", 15), (NoticeChannel.ELECTRONIC, "03/20/2026", 12)]
)
def test_first_assignment_renders_the_noarfi_with_the_records_due_date(
    channel, due, days, django_capture_on_commit_callbacks, settings
):
    settings.IMR_ORGANIZATION_ADDRESS = ["Independent Medical Review", "P.O. Box 138009", "Sacramento, CA 95813"]
    case = _case_with_parties()
    reviewer = reviewer_in(user__first_name="Miriam", user__last_name="Okafor")
    notice = _assign(case, reviewer, channel, django_capture_on_commit_callbacks)

    assert notice.status == Notice.Status.READY, notice.error
    assert notice.event == CaseEvent.objects.get(case=case, kind="assigned")
    text = stored_text(notice)
    assert "NOTICE OF ASSIGNMENT AND REQUEST FOR INFORMATION" in text
    assert f"Case Number: {case.case_number}" in text
    assert "Date of Notice: 03/08/2026" in text
    assert f"The records are due by {due} ({days} calendar day(s) after this notice" in text
    for line in RECORDS_REQUESTED:
        assert " ".join(line.split()[:8]) in text
    assert "Send the records, marked with the case number" in text
    assert "P.O. Box 138009 Sacramento, CA 95813" in text
    assert "Okafor" not in text and "Miriam" not in text and reviewer.reference not in text
    # Served on the worker and every party (and the DWC's copy), as its distribution list prints.
    rows = list(Service.objects.filter(notice=notice).values_list("role", "recipient"))
    assert rows == [
        ("injured_worker", "Alex Worker"),
        ("claims_administrator", "Golden State Claims"),
        ("employer", "Acme Stores, Inc."),
        ("dwc", "Division of Workers' Compensation, Independent Medical Review Unit"),
    ]
    assert (
        "Injured Worker Alex Worker 1234 Main Street Fresno, CA 93721 Claims Administrator Golden State Claims" in text
    )
    assert [d["row"] for d in case_documents(case)] == [notice]
    root = pypdf.PdfReader(io.BytesIO(stored_pdf(notice))).trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:conformance="A"' in xmp and 'pdfuaid:part="1"' in xmp and "/StructTreeRoot" in root


def test_a_reassignment_sends_no_second_noarfi(django_capture_on_commit_callbacks):
    case = _case_with_parties()
    _assign(case, reviewer_in(), NoticeChannel.MAIL, django_capture_on_commit_callbacks)
    case_assign_reviewer(case=case, reviewer=reviewer_in(), note="Capacity")
    assert Notice.objects.filter(case=case, kind=Notice.Kind.NOARFI).count() == 1


def test_a_refused_assignment_leaves_no_notice():
    case = _case_with_parties(found_eligible_at=None)
    with pytest.raises(TransitionError) as refused:
        case_assign_reviewer(case=case, reviewer=reviewer_in(), notice_date=case.application_received)
    assert refused.value.message == NOT_FOUND_ELIGIBLE.format(case=case.case_number)
    assert not Notice.objects.filter(case=case).exists()
    assert not Service.objects.filter(case=case).exists()


def test_finding_ineligible_renders_the_notice_with_code_reason_and_appeal_right(
    django_capture_on_commit_callbacks, tcp_listener
):
    port, connections = tcp_listener
    case = _case_with_parties()
    reason = f'Filed 45 days after the UR decision.\n\n<img src="http://127.0.0.1:{port}/x.png"> <b>late</b>'
    with django_capture_on_commit_callbacks(execute=True):
        case_find_ineligible(case=case, reason=reason, code=IneligibilityCode.LATE)
    notice = Notice.objects.get(case=case, kind=Notice.Kind.INELIGIBILITY)

    assert notice.status == Notice.Status.READY, notice.error
    assert notice.event.kind == "ineligible"
    text = stored_text(notice)
    assert "NOTICE OF INELIGIBILITY FOR INDEPENDENT MEDICAL REVIEW" in text
    assert f"{IneligibilityCode.LATE.label}." in text
    assert "Filed 45 days after the UR decision." in text
    assert f'<img src="http://127.0.0.1:{port}/x.png"> <b>late</b>' in text  # printed, not run
    assert connections == []
    assert "YOUR RIGHT TO APPEAL" in text
    assert "within 30 days of the date of service of this notice" in text
    assert "10575(a)" in text


def test_the_case_page_lists_every_document_sent(django_capture_on_commit_callbacks, client_staff):
    case = _case_with_parties()
    page = case_page_with_panels(client_staff, case)
    assert "No document yet" in page
    notice = _assign(case, reviewer_in(), NoticeChannel.MAIL, django_capture_on_commit_callbacks)
    page = case_page_with_panels(client_staff, case)
    assert "Notice of Assignment and Request for Information v1" in page
    url = f"/cases/{case.case_number}/notices/{notice.pk}.pdf"
    assert url in page
    response = client_staff.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{case.case_number}-noarfi-v1.pdf"'
    assert client_staff.get(f"/cases/{case.case_number}/notices/{notice.pk + 1000}.pdf").status_code == 404


def test_serving_a_notice_records_its_rows_and_its_cover_pages(django_capture_on_commit_callbacks, client_staff):
    case = _case_with_parties()
    notice = _assign(case, reviewer_in(), NoticeChannel.MAIL, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_staff.post(
            "/admin/notices/notice/", {"action": "serve_today_action", "_selected_action": [notice.pk]}, follow=True
        )
    assert "Served 1 notice(s) today." in response.content.decode()
    rows = Service.objects.filter(notice=notice)
    assert rows.filter(served_on__isnull=False).count() == rows.count() == 4
    cover = Notice.objects.get(case=case, kind=Notice.Kind.COVER_PAGES)
    assert cover.of_notice == notice and cover.status == Notice.Status.READY, cover.error
    assert "Notice of Assignment and Request for Information" in stored_text(cover)
    assert CaseEvent.objects.get(case=case, kind="served").note.startswith(
        "Notice of Assignment and Request for Information served on"
    )

    public = Notice.objects.create(case=case, kind=Notice.Kind.PUBLIC_COPY, status=Notice.Status.READY)
    response = client_staff.post(
        "/admin/notices/notice/", {"action": "serve_today_action", "_selected_action": [public.pk]}, follow=True
    )
    assert NOT_SERVED_DOCUMENT in response.content.decode()
