"""A NUL character anywhere in the address answers 400, never a 500 from the database (PostgreSQL refuses it)."""

import pytest

from imrsite.middleware import NUL_IN_REQUEST
from tests.factories import CaseFactory, DisputedItemFactory, StaffFactory, UserFactory


@pytest.fixture
def case(db):
    return CaseFactory(case_number="CM24-0000001")


@pytest.mark.parametrize(
    "url",
    [
        "/cases/%00/",
        "/cases/CM24-0000001%00/",
        "/cases/?status=a%00",
        "/cases/?priority=%00",
        "/cases/?page=1%00",
        "/cases/?a%00=1",
        "/cases/CM24-0000001/items/{item}/guidelines/?q=a%00",
        "/cases/CM24-0000001/items/{item}/citations/new/?guideline=1%00",
        "/admin/cases/case/?q=%00",
        "/admin/cases/case/?status__exact=%00",
        "/admin/cases/case/?application_received__gte=%00",
        "/admin/cases/case/%00/change/",
        "/admin/cases/guideline/?q=x%00",
        "/admin/reviewers/reviewer/?q=%00",
        "/admin/cases/caseaccess/?user__id__exact=%00",
        "/accounts/login/?next=/%00",
    ],
)
def test_a_nul_in_the_address_answers_400(client, case, url):
    item = DisputedItemFactory(case=case)
    client.force_login(StaffFactory(is_superuser=True))
    response = client.get(url.format(item=item.pk))
    assert response.status_code == 400
    assert response.content.decode() == NUL_IN_REQUEST


def test_a_nul_answers_400_before_the_login(client, db):
    response = client.get("/cases/%00/")
    assert response.status_code == 400


def test_an_address_without_nul_still_works(client, case):
    client.force_login(UserFactory())
    assert client.get("/cases/?status=").status_code == 200
    assert client.get("/cases/CM24-0000001/").status_code == 404  # not assigned: the visibility rule still holds
