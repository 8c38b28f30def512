import pytest
from django.test import override_settings

from tests.factories import ReviewerFactory, StaffFactory, UserFactory


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_healthz_checks_the_broker_when_configured(client, db, redis_url):
    with override_settings(REDIS_URL=redis_url, CELERY_BROKER_URL=redis_url):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_is_unhealthy_when_the_broker_is_down(client, db):
    closed = "redis://127.0.0.1:1/0"
    with override_settings(REDIS_URL=closed, CELERY_BROKER_URL=closed):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")


def test_root_sends_anonymous_users_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("factory", "target"), [(StaffFactory, "/admin/"), (ReviewerFactory, "/cases/"), (UserFactory, "/cases/")]
)
def test_root_sends_staff_to_admin_and_reviewers_to_their_queue(client, db, factory, target):
    made = factory()
    client.force_login(getattr(made, "user", made))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == target
