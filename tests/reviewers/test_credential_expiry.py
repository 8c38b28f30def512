"""Credentials about to lapse, or lapsed, are found before they silently take a reviewer off cases."""

import datetime

import pytest
from freezegun import freeze_time

from reviewers.models import BoardCertification, License, Reviewer
from reviewers.selectors import reviewers_credentials_expired, reviewers_credentials_expiring
from tests.factories import ReviewerFactory, SpecialtyFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)


@pytest.fixture
def reviewers():
    current = ReviewerFactory()  # licence to 2099, lifetime certification
    licence_soon = ReviewerFactory()
    License.objects.filter(reviewer=licence_soon).update(expires_on=TODAY + datetime.timedelta(days=29))
    board_soon = ReviewerFactory()
    BoardCertification.objects.filter(reviewer=board_soon).update(expires_on=TODAY + datetime.timedelta(days=10))
    lapsed = ReviewerFactory()
    License.objects.filter(reviewer=lapsed).update(expires_on=TODAY - datetime.timedelta(days=1))
    later = ReviewerFactory()
    BoardCertification.objects.create(
        reviewer=later, specialty=SpecialtyFactory(name="Neurology"), expires_on=TODAY + datetime.timedelta(days=30)
    )
    return {
        "current": current,
        "licence_soon": licence_soon,
        "board_soon": board_soon,
        "lapsed": lapsed,
        "later": later,
    }


def test_expiring_within_thirty_days(reviewers):
    found = set(reviewers_credentials_expiring(Reviewer.objects.all(), TODAY))
    assert found == {reviewers["licence_soon"], reviewers["board_soon"]}


def test_expired(reviewers):
    assert list(reviewers_credentials_expired(Reviewer.objects.all(), TODAY)) == [reviewers["lapsed"]]


@freeze_time("2026-03-10 12:00:00")
def test_the_reviewer_list_filters_by_credentials(reviewers, admin_client):
    expiring = admin_client.get("/admin/reviewers/reviewer/", {"credentials": "expiring"}).context["cl"].result_list
    assert set(expiring) == {reviewers["licence_soon"], reviewers["board_soon"]}
    expired = admin_client.get("/admin/reviewers/reviewer/", {"credentials": "expired"}).context["cl"].result_list
    assert list(expired) == [reviewers["lapsed"]]


@freeze_time("2026-03-10 12:00:00")
def test_the_admin_home_page_counts_active_reviewers_to_renew(reviewers, admin_client):
    Reviewer.objects.filter(pk=reviewers["board_soon"].pk).update(active=False)
    page = admin_client.get("/admin/").content.decode()
    assert '<span class="count">1</span> active reviewers with an expired licence or certification' in page
    assert '<span class="count">1</span> active reviewers whose credentials lapse within 30 days' in page
    assert "/admin/reviewers/reviewer/?active__exact=1&amp;credentials=expired" in page
