import pytest
from django.test import override_settings

from imrsite.worker_health import (
    HEARTBEAT_KEY_PREFIX,
    HEARTBEAT_TTL,
    NO_WORKER,
    heartbeat_clear,
    heartbeat_write,
    workers_alive,
)
from tests.factories import ReviewerFactory, StaffFactory, UserFactory


@override_settings(REDIS_URL="", CELERY_BROKER_URL="memory://")
def test_healthz_without_a_broker_reports_the_database_only(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.fixture
def broker(redis_url):
    """The test Redis as the configured broker, with no worker heartbeat in it before or after."""
    with override_settings(REDIS_URL=redis_url, CELERY_BROKER_URL=redis_url):
        clear = lambda: [heartbeat_clear(name) for name in workers_alive()]  # noqa: E731
        clear()
        yield redis_url
        clear()


def test_healthz_checks_the_broker_and_a_live_worker_when_configured(client, db, broker):
    heartbeat_write("letters@host")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "worker": "ok"}


def test_healthz_is_unhealthy_when_no_worker_was_seen(client, db, broker):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "broker": "ok", "worker": NO_WORKER}
    assert NO_WORKER == "error: no worker seen in the last 30 s"


def test_a_worker_heartbeat_expires_after_its_time_to_live(db, broker):
    import redis

    heartbeat_write("letters@host")
    ttl = redis.Redis.from_url(broker).ttl(HEARTBEAT_KEY_PREFIX + "letters@host")
    assert 0 < ttl <= HEARTBEAT_TTL == 30
    assert workers_alive() == ["letters@host"]


def test_healthz_is_unhealthy_when_the_broker_is_down(client, db):
    closed = "redis://127.0.0.1:1/0"
    with override_settings(REDIS_URL=closed, CELERY_BROKER_URL=closed):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")
    assert response.json()["worker"] == NO_WORKER


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
