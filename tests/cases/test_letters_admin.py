"""The letters admin: changelist (search, filter), the live status on the change page, and the actions."""

import pytest
from django.contrib import admin
from django.utils import timezone

from cases.admin.letters import LetterAdmin
from cases.models import Letter, Status
from cases.services.letters import letter_create, letter_render
from tests.factories import StaffFactory
from tests.support.case_page import case_page_with_panels

from .letters_support import determination_from_document, eager_celery, load_document  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

CHANGELIST = "/admin/cases/letter/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


@pytest.fixture
def ready_letter():
    determination = determination_from_document(load_document())
    worker = determination.case.claim.worker
    worker.address = "12 Elm Street\nFresno, CA 93721"  # served by mail: the letter's rows need an address
    worker.save()
    return letter_render(letter_id=letter_create(determination=determination).id)


def test_registered():
    assert isinstance(admin.site._registry[Letter], LetterAdmin)


def test_changelist_search_and_filter(staff_client, ready_letter):
    page = staff_client.get(CHANGELIST).content.decode()
    assert "CM14-0000001" in page and "Ready" in page
    # Each row downloads its own version, not the case's current letter.
    assert f'<a href="/cases/CM14-0000001/letters/{ready_letter.pk}.pdf">Download v1</a>' in page
    assert "CM14-0000001" in staff_client.get(CHANGELIST, {"q": "CM14-0000001"}).content.decode()
    assert "CM14-0000001" not in staff_client.get(CHANGELIST, {"q": "CM99"}).content.decode().split("result")[-1]
    assert staff_client.get(CHANGELIST, {"status__exact": "failed"}).context["cl"].result_count == 0
    assert staff_client.get(CHANGELIST, {"status__exact": "ready"}).context["cl"].result_count == 1


def test_change_page_embeds_the_polling_status(staff_client, ready_letter):
    page = staff_client.get(f"{CHANGELIST}{ready_letter.pk}/change/").content.decode()
    assert 'hx-get="/cases/CM14-0000001/letter/status/"' in page
    assert "htmx.min.js" in page
    assert ready_letter.sha256 in page


def test_the_case_change_page_shows_the_live_letter_status(staff_client, ready_letter):
    case = ready_letter.determination.case
    page = case_page_with_panels(staff_client, case)
    assert "Final Determination Letter" in page
    assert 'hx-get="/cases/CM14-0000001/letter/status/"' in page
    assert "htmx.min.js" in page


def test_no_add_or_delete(staff_client, ready_letter):
    assert staff_client.get(f"{CHANGELIST}add/").status_code == 403
    assert staff_client.get(f"{CHANGELIST}{ready_letter.pk}/delete/").status_code == 403


def test_rerender_action(staff_client, ready_letter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            CHANGELIST, {"action": "rerender_action", "_selected_action": [ready_letter.pk]}, follow=True
        )
    assert "Queued 1 new letter version(s)." in response.content.decode()
    assert list(Letter.objects.order_by("version").values_list("version", "status")) == [(1, "ready"), (2, "ready")]


def test_serve_today_action_and_its_refusal(staff_client, ready_letter):
    queued = letter_create(determination=ready_letter.determination)
    response = staff_client.post(
        CHANGELIST, {"action": "serve_today_action", "_selected_action": [queued.pk]}, follow=True
    )
    assert "Only a ready letter can be issued; this letter is queued." in response.content.decode()
    response = staff_client.post(
        CHANGELIST, {"action": "serve_today_action", "_selected_action": [ready_letter.pk]}, follow=True
    )
    assert "Served 1 letter(s) today (proof of service recorded per recipient)." in response.content.decode()
    ready_letter.refresh_from_db()
    assert ready_letter.issued_at is not None
    assert ready_letter.determination.case.status == Status.ISSUED
    served = list(ready_letter.services.values_list("role", "served_on"))
    assert [role for role, _ in served] == ["injured_worker", "dwc"]
    assert all(on == timezone.localdate() for _, on in served)
