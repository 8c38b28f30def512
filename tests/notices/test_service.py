"""Proof of service: a letter's rows are planned from what was signed when it is queued and its distribution list
prints from them; serving records the date and who served per recipient, issues the letter (its first service is the
issued date), queues cover pages for mailing; the case page offers it with a date and a confirmation."""

import datetime
import io

import pypdf
import pytest
from django.utils import timezone
from freezegun import freeze_time

from cases.models import CaseEvent, Letter, Status
from cases.services.letters import letter_render
from cases.services.review import determination_sign
from notices.models import Notice, Service
from notices.services import (
    NO_MAILING_ADDRESS,
    NOTHING_TO_SERVE,
    SERVICE_BEFORE_DOCUMENT,
    SERVICE_IN_FUTURE,
    NoticeError,
    document_serve,
)
from tests.factories import StaffFactory
from tests.notices.conftest import SIGNED_OVER_WARNINGS
from tests.support.case_page import case_page_with_panels

from .conftest import CLAIMS_ADMINISTRATOR_ADDRESS, PHYSICIAN_ADDRESS, WORKER_ADDRESS
from .pdf_text import stored_pdf, stored_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

DWC = "Division of Workers' Compensation, Independent Medical Review Unit"


def _letter(determination):
    return Letter.objects.get(determination=determination)


def test_the_letters_rows_are_planned_from_what_was_signed_and_drive_its_distribution_list(signed, media):
    letter = _letter(signed)
    rows = list(letter.services.values_list("role", "recipient", "method", "served_on"))
    assert rows == [
        ("injured_worker", "Maria Gonzalez", "mail", None),
        ("employer", "Acme Stores, Inc.", "mail", None),
        ("claims_administrator", "Golden State Claims Services", "mail", None),
        ("requesting_physician", "Dr. Jane Smith", "mail", None),
        ("dwc", DWC, "portal", None),
    ]
    text = stored_text(letter)
    distribution = text[text.index("DISTRIBUTION") :]
    assert distribution.startswith(
        "DISTRIBUTION A copy of this determination is served on: Injured Worker Maria Gonzalez 1234 Main Street "
        "Fresno, CA 93721 Employer Acme Stores, Inc. 9 Market Street Fresno, CA Claims Administrator Golden State "
        "Claims Services PO Box 100 Sacramento, CA 95814 Requesting Physician Dr. Jane Smith 500 Oak Avenue, Suite 2 "
        f"Fresno, CA 93710 Copy {DWC}"
    )

    # The rows, not the case file, are what it prints: a row recorded otherwise prints as recorded.
    Service.objects.filter(letter=letter, role="employer").update(recipient="Acme Distribution Center")
    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.QUEUED)
    letter = letter_render(letter_id=letter.pk)
    assert "Employer Acme Distribution Center 9 Market Street" in stored_text(letter)


def test_serving_records_each_recipient_issues_the_letter_and_queues_cover_pages(
    named_case, django_capture_on_commit_callbacks
):
    coordinator = StaffFactory(username="coordinator2")
    # 20:30 Pacific on 11/01/2026, the day clocks go back (already 11/02 in UTC).
    with freeze_time("2026-11-02 04:30:00"):
        with django_capture_on_commit_callbacks(execute=True):
            signed = determination_sign(
                case=named_case, user=named_case.reviewer.user, override_note=SIGNED_OVER_WARNINGS
            )
        letter = _letter(signed)
        today = timezone.localdate()
        assert today == datetime.date(2026, 11, 1)
        with django_capture_on_commit_callbacks(execute=True):
            rows = document_serve(letter=letter, served_on=today, actor=coordinator)

    assert len(rows) == 5
    assert set(letter.services.values_list("served_on", "served_by")) == {(today, coordinator.pk)}
    letter.refresh_from_db()
    assert timezone.localtime(letter.issued_at).date() == today
    assert signed.case.__class__.objects.get(pk=signed.case_id).status == Status.ISSUED
    event = CaseEvent.objects.get(case=signed.case, kind="served")
    assert event.actor == coordinator
    assert event.note.startswith(
        "Final Determination Letter served on 11/01/2026: Injured Worker Maria Gonzalez (mail);"
    )
    assert event.note.endswith(f"Copy {DWC} (portal)")

    cover = Notice.objects.get(case=signed.case, kind=Notice.Kind.COVER_PAGES)
    assert cover.letter == letter and cover.status == Notice.Status.READY, cover.error
    assert len(pypdf.PdfReader(io.BytesIO(stored_pdf(cover))).pages) == 4  # one per mailed recipient, not the DWC's
    text = stored_text(cover)
    for name, address in [
        ("Maria Gonzalez", WORKER_ADDRESS),
        ("Golden State Claims Services", CLAIMS_ADMINISTRATOR_ADDRESS),
        ("Dr. Jane Smith", PHYSICIAN_ADDRESS),
    ]:
        assert f"{name} {' '.join(address.split())}" in text
    assert "Date of service: 11/01/2026" in text
    assert DWC not in text

    with pytest.raises(NoticeError) as again:
        document_serve(letter=letter, served_on=timezone.localdate(), actor=coordinator)
    assert again.value.message == NOTHING_TO_SERVE


def test_a_later_service_date_is_the_issued_date_and_bad_dates_are_refused(signed):
    letter = _letter(signed)
    signed_on = timezone.localdate(signed.signed_at)
    with pytest.raises(NoticeError) as future:
        document_serve(letter=letter, served_on=signed_on + datetime.timedelta(days=1))
    assert future.value.message == SERVICE_IN_FUTURE.format(on=signed_on + datetime.timedelta(days=1))
    before = signed_on - datetime.timedelta(days=1)
    with pytest.raises(NoticeError) as early:
        document_serve(letter=letter, served_on=before)
    assert early.value.message == SERVICE_BEFORE_DOCUMENT.format(on=before, made=signed_on)
    assert not letter.services.filter(served_on__isnull=False).exists()
    letter.refresh_from_db()
    assert letter.issued_at is None


def test_no_service_by_mail_without_an_address(signed):
    letter = _letter(signed)
    letter.services.filter(role__in=["employer", "requesting_physician"]).update(address="")
    with pytest.raises(NoticeError) as refused:
        document_serve(letter=letter, served_on=timezone.localdate())
    assert refused.value.message == NO_MAILING_ADDRESS.format(names="Acme Stores, Inc., Dr. Jane Smith")
    letter.refresh_from_db()
    assert letter.issued_at is None  # all or nothing
    assert not Notice.objects.filter(kind=Notice.Kind.COVER_PAGES).exists()


def test_the_case_page_serves_the_letter_with_a_date_and_a_confirmation(signed, client_staff):
    url = f"/admin/cases/case/{signed.case_id}/lifecycle/serve_letter/"
    page = client_staff.get(f"/admin/cases/case/{signed.case_id}/change/").content.decode()
    assert url in page and "Serve the letter" in page
    today = timezone.localdate()
    unconfirmed = client_staff.post(url, {"served_on": today.strftime("%Y-%m-%d")})
    assert unconfirmed.status_code == 200
    assert "This field is required." in unconfirmed.content.decode()
    assert not Service.objects.filter(served_on__isnull=False).exists()

    response = client_staff.post(url, {"served_on": today.strftime("%Y-%m-%d"), "confirm": "on"})
    assert response.status_code == 302
    case = signed.case.__class__.objects.get(pk=signed.case_id)
    assert case.status == Status.ISSUED
    assert Service.objects.filter(letter__determination=signed, served_on=today).count() == 5
    page = case_page_with_panels(client_staff, signed.case)  # proof of service: in the records panel
    assert "Serve the letter" not in page
    assert "proof of service (one row per recipient" in page.lower()
