"""Two coordinators assign the same case at once, each from the case's own assign page: one assignment results, and
the other coordinator is told the case changed (PostgreSQL: two threads, two connections, the case row lock)."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import roles
from cases.models import Assignment, CaseEvent, Status
from cases.services.lifecycle import ASSIGNMENT_CHANGED
from tests.factories import UserFactory
from tests.lifecycle_helpers import case_needing, reviewer_in


def coordinator(username):
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=roles.COORDINATOR))
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_assigning_the_same_case_at_once_give_one_assignment(require_postgres):
    case = case_needing()
    first, second = reviewer_in(reference="ER-0001"), reviewer_in(reference="ER-0002")
    url = reverse("admin:cases_case_lifecycle", args=[case.pk, "assign_reviewer"])
    clients = {first: coordinator("cora"), second: coordinator("carl")}
    # Both open the assign page while the case has no reviewer; the hidden field records that.
    shown = {
        reviewer: client.get(url).context["form"].initial["current_reviewer"] for reviewer, client in clients.items()
    }
    assert shown == {first: None, second: None}

    barrier, outcomes = threading.Barrier(2), {}

    def assign(reviewer, client):
        try:
            barrier.wait()
            data = {
                "reviewer": reviewer.pk,
                "notice_date": timezone.localdate().isoformat(),
                "notice_channel": "mail",
                "current_reviewer": "",
            }
            response = client.post(url, data, follow=True)
            # The page's text, not response.context: the test client's context capture is not thread-safe.
            outcomes[reviewer] = response.content.decode()
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=item) for item in clients.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    case.refresh_from_db()
    assert Assignment.objects.filter(case=case).count() == 1
    winner = Assignment.objects.get(case=case).reviewer
    loser = second if winner == first else first
    assert (case.status, case.reviewer) == (Status.ASSIGNED, winner)
    refusal = ASSIGNMENT_CHANGED.format(case=case.case_number, reviewer=winner.label)  # by name, as everywhere
    done = f"{case.case_number}: assign reviewer done."
    assert done in outcomes[winner] and refusal not in outcomes[winner]
    assert refusal in outcomes[loser] and done not in outcomes[loser]
    assert not CaseEvent.objects.filter(case=case, kind="reassigned").exists()


def test_message():
    assert ASSIGNMENT_CHANGED.format(case="CM14-0000001", reviewer="Dr. Miriam Okafor (ER-0001, Psychiatry)") == (
        "Case CM14-0000001 changed while this page was open: its reviewer is now Dr. Miriam Okafor "
        "(ER-0001, Psychiatry). Nothing was changed; check the case, then assign again if it is still needed."
    )
