"""The letter's download and status URLs: the one visibility rule, the attachment, the live status partial and the
staff retry."""

import hashlib
import io

import pypdf
import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from cases.models import CaseAccess, Letter
from cases.services.letters import letter_create, letter_mark_issued, letter_render, letter_rerender
from tests.factories import ReviewerFactory, StaffFactory, UserFactory

from .letters_support import determination_from_document, eager_celery, load_document  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

CASE = "CM14-0000001"
DOWNLOAD = f"/cases/{CASE}/letter.pdf"
STATUS = f"/cases/{CASE}/letter/status/"
RETRY = f"/cases/{CASE}/letter/retry/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def reviewer():
    return ReviewerFactory()


@pytest.fixture
def determination(reviewer):
    return determination_from_document(load_document())


@pytest.fixture
def ready_letter(determination, reviewer):
    determination.case.reviewer = reviewer
    determination.case.save()
    return letter_render(letter_id=letter_create(determination=determination).id)


def _client_for(client, who, reviewer):
    if who == "assigned reviewer":
        client.force_login(reviewer.user)
    elif who == "other reviewer":
        client.force_login(ReviewerFactory().user)
    elif who == "staff":
        client.force_login(StaffFactory())
    elif who == "user without reviewer profile":
        client.force_login(UserFactory())
    return client


@pytest.mark.parametrize(
    ("url", "method", "expected"),
    [(DOWNLOAD, "post", 405), (STATUS, "post", 405), (RETRY, "get", 302)],  # a GET on a POST URL: the case page
)
def test_wrong_method_is_405_or_302_for_who_may_see_the_case_and_404_for_others(
    client, ready_letter, reviewer, url, method, expected
):
    assert getattr(_client_for(client, "assigned reviewer", reviewer), method)(url).status_code == expected
    client.logout()
    assert getattr(_client_for(client, "other reviewer", reviewer), method)(url).status_code == 404


def test_retry_without_a_letter_is_404(client, determination, reviewer):
    case = determination.case
    case.reviewer = reviewer
    case.save()
    assert _client_for(client, "assigned reviewer", reviewer).post(RETRY).status_code == 404
    client.logout()
    assert _client_for(client, "staff", reviewer).post(RETRY).status_code == 404


def test_url_names():
    assert reverse("cases:letter_download", args=[CASE]) == DOWNLOAD
    assert reverse("cases:letter_status", args=[CASE]) == STATUS
    assert reverse("cases:letter_retry", args=[CASE]) == RETRY


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("assigned reviewer", 200),
        ("staff", 200),
        ("other reviewer", 404),
        ("user without reviewer profile", 404),
        ("anonymous", 302),
    ],
)
@pytest.mark.parametrize("url", [DOWNLOAD, STATUS])
def test_visibility_matrix(client, ready_letter, reviewer, who, expected, url):
    response = _client_for(client, who, reviewer).get(url)
    assert response.status_code == expected
    if who == "anonymous":
        assert response["Location"].startswith("/accounts/login/?next=")


def test_download_is_the_pdf_as_an_attachment(client, ready_letter, reviewer):
    response = _client_for(client, "assigned reviewer", reviewer).get(DOWNLOAD)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{CASE}.pdf"'
    assert "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF")
    assert hashlib.sha256(body).hexdigest() == ready_letter.sha256
    assert len(pypdf.PdfReader(io.BytesIO(body)).pages) >= 1
    assert CaseAccess.objects.filter(case=ready_letter.determination.case, path=DOWNLOAD).exists()


@pytest.mark.parametrize("who", ["assigned reviewer", "staff"])
def test_download_is_404_until_a_letter_is_ready(
    client, determination, reviewer, who, django_capture_on_commit_callbacks
):
    determination.case.reviewer = reviewer
    determination.case.save()
    client = _client_for(client, who, reviewer)
    assert client.get(DOWNLOAD).status_code == 404  # no letter at all
    with django_capture_on_commit_callbacks(execute=False):
        letter = letter_create(determination=determination)
    assert client.get(DOWNLOAD).status_code == 404  # queued
    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.FAILED, error="boom")
    assert client.get(DOWNLOAD).status_code == 404  # failed
    letter.status = Letter.Status.QUEUED
    letter.save()
    letter_render(letter_id=letter.id)
    assert client.get(DOWNLOAD).status_code == 200


def test_download_serves_only_the_current_determinations_letter(client, ready_letter, reviewer):
    determination_from_document(load_document(), case=ready_letter.determination.case)  # supersedes, no letter yet
    assert _client_for(client, "staff", reviewer).get(DOWNLOAD).status_code == 404


def test_status_polls_while_queued_and_stops_when_ready(
    client, determination, reviewer, django_capture_on_commit_callbacks
):
    determination.case.reviewer = reviewer
    determination.case.save()
    client = _client_for(client, "assigned reviewer", reviewer)
    with django_capture_on_commit_callbacks(execute=False):
        letter = letter_create(determination=determination)
    queued = client.get(STATUS).content.decode()
    assert 'hx-trigger="every 3s"' in queued and f'hx-get="{STATUS}"' in queued
    assert "Letter:</strong> queued" in queued and DOWNLOAD not in queued

    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.RENDERING)
    assert 'hx-trigger="every 3s"' in client.get(STATUS).content.decode()

    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.QUEUED)
    letter_render(letter_id=letter.id)
    ready = client.get(STATUS).content.decode()
    assert "hx-trigger" not in ready
    assert "Letter:</strong> ready" in ready and f'href="{DOWNLOAD}"' in ready


def test_failed_status_shows_error_and_retry_to_staff_only(client, ready_letter, reviewer):
    Letter.objects.filter(pk=ready_letter.pk).update(
        status=Letter.Status.FAILED, error="KeyError: <script>alert(1)</script>"
    )
    as_reviewer = _client_for(client, "assigned reviewer", reviewer).get(STATUS).content.decode()
    assert "Letter:</strong> failed" in as_reviewer and "hx-trigger" not in as_reviewer
    assert "KeyError" not in as_reviewer and RETRY not in as_reviewer
    client.logout()
    as_staff = _client_for(client, "staff", reviewer).get(STATUS).content.decode()
    assert f'hx-post="{RETRY}"' in as_staff
    assert "KeyError: &lt;script&gt;alert(1)&lt;/script&gt;" in as_staff


def test_retry_is_for_staff(client, ready_letter, reviewer, django_capture_on_commit_callbacks):
    Letter.objects.filter(pk=ready_letter.pk).update(status=Letter.Status.FAILED, error="boom")
    assert _client_for(client, "assigned reviewer", reviewer).post(RETRY).status_code == 403
    client.logout()
    assert _client_for(client, "other reviewer", reviewer).post(RETRY).status_code == 404
    client.logout()
    staff_client = _client_for(client, "staff", reviewer)
    assert staff_client.get(RETRY)["Location"] == f"/cases/{CASE}/"  # a GET retries nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(RETRY, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Letter:</strong> queued" in response.content.decode()  # the partial answers at once and polls from there
    ready_letter.refresh_from_db()
    assert ready_letter.status == Letter.Status.READY


def test_the_lazy_partial_loads_itself(determination):
    html = render_to_string("cases/_letter_status.html", {"case": determination.case, "letter_status_lazy": True})
    assert f'hx-get="{STATUS}"' in html and 'hx-trigger="load"' in html


def test_the_partial_before_signing_and_before_the_letter(determination):
    case = determination.case
    assert "Letter:</strong> not yet signed" in render_to_string("cases/_letter_status.html", {"case": case})
    html = render_to_string("cases/_letter_status.html", {"case": case, "determination": determination})
    assert "Letter:</strong> not created yet" in html and "hx-trigger" not in html


def test_the_partial_included_with_the_letter_renders_at_once(ready_letter, django_capture_on_commit_callbacks):
    """The case page passes the letter it has: no extra request, polling only while in progress."""
    case = ready_letter.determination.case
    ready = render_to_string("cases/_letter_status.html", {"case": case, "letter": ready_letter})
    assert "Letter:</strong> ready" in ready and f'href="{DOWNLOAD}"' in ready and "hx-trigger" not in ready
    with django_capture_on_commit_callbacks(execute=False):
        queued = letter_create(determination=ready_letter.determination)
    html = render_to_string("cases/_letter_status.html", {"case": case, "letter": queued})
    assert 'hx-trigger="every 3s"' in html and DOWNLOAD not in html


def _version_url(letter):
    return f"/cases/{CASE}/letters/{letter.pk}.pdf"


def test_once_issued_the_case_letter_is_the_issued_one(
    client, ready_letter, reviewer, django_capture_on_commit_callbacks
):
    """A newer version queued before the issue and rendered after it does not replace what the parties received."""
    with django_capture_on_commit_callbacks(execute=False):
        newer = letter_create(determination=ready_letter.determination)
    letter_mark_issued(letter=ready_letter)
    newer = letter_render(letter_id=newer.id)
    assert newer.status == Letter.Status.READY
    Letter.objects.filter(pk=newer.pk).update(sha256="f" * 64)  # tell the rows apart even if the PDFs are equal
    client = _client_for(client, "assigned reviewer", reviewer)
    response = client.get(DOWNLOAD)
    assert response["X-Letter-SHA256"] == ready_letter.sha256
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == ready_letter.sha256
    status = client.get(STATUS).content.decode()
    assert "(version 1, the one issued to the parties)" in status


def test_a_given_letter_version_is_for_staff_only(client, ready_letter, reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        newer = letter_rerender(letter=ready_letter)
    newer.refresh_from_db()
    assert reverse("cases:letter_version_download", args=[CASE, ready_letter.pk]) == _version_url(ready_letter)
    staff = _client_for(client, "staff", reviewer)
    response = staff.get(_version_url(ready_letter))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{CASE}-v1-1.pdf"'
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == ready_letter.sha256
    assert response["X-Letter-SHA256"] == ready_letter.sha256
    assert staff.get(_version_url(newer))["Content-Disposition"] == f'attachment; filename="{CASE}-v1-2.pdf"'
    assert CaseAccess.objects.filter(path=_version_url(ready_letter)).exists()
    client.logout()
    for who in ("assigned reviewer", "other reviewer", "user without reviewer profile"):
        assert _client_for(client, who, reviewer).get(_version_url(ready_letter)).status_code == 404
        client.logout()
    assert client.get(_version_url(ready_letter))["Location"].startswith("/accounts/login/?next=")


def test_a_letter_version_of_another_case_or_not_ready_is_404(
    client, ready_letter, reviewer, django_capture_on_commit_callbacks
):
    staff = _client_for(client, "staff", reviewer)
    other = determination_from_document({**load_document(), "case_number": "CM14-0000002"})
    other_letter = letter_render(letter_id=letter_create(determination=other).id)
    assert staff.get(f"/cases/{CASE}/letters/{other_letter.pk}.pdf").status_code == 404
    with django_capture_on_commit_callbacks(execute=False):
        queued = letter_create(determination=ready_letter.determination)
    assert staff.get(_version_url(queued)).status_code == 404
