"""Who handles notices (cases.roles): the Coordinator reads, serves and downloads them; the Auditor reads and
downloads, never serves; the case's own reviewer gets 404 for a notice's file."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from cases import roles
from notices.models import Notice, Service
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


def _client_in(group):
    user = UserFactory(username=group.lower().replace(" ", "-"), is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


def test_coordinator_serves_auditor_only_reads(signed, django_capture_on_commit_callbacks):

    public = Notice.objects.get(letter__determination=signed)
    url = f"/cases/{signed.case.case_number}/notices/{public.pk}.pdf"
    auditor, coordinator = _client_in(roles.AUDITOR), _client_in(roles.COORDINATOR)
    for client in (auditor, coordinator):
        assert client.get("/admin/notices/notice/").status_code == 200
        assert client.get(url).status_code == 200
    noarfi = Notice.objects.create(
        case=signed.case, kind=Notice.Kind.NOARFI, status=Notice.Status.READY, content={"case_number": "x"}
    )
    Service.objects.create(case=signed.case, notice=noarfi, role="dwc", recipient="DWC", method=Service.Method.PORTAL)
    action = {"action": "serve_today_action", "_selected_action": [noarfi.pk]}
    auditor.post("/admin/notices/notice/", action)
    assert not Service.objects.filter(notice=noarfi, served_on__isnull=False).exists()
    with django_capture_on_commit_callbacks(execute=True):
        coordinator.post("/admin/notices/notice/", action)
    assert Service.objects.filter(notice=noarfi, served_on__isnull=False).count() == 1
