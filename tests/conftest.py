"""Shared fixtures. Integration services (PostgreSQL, Redis) are detected here: without them those tests skip,
unless IMR_REQUIRE_SERVICES=1, which turns a missing service into a failure."""

import os

import pytest
from django.conf import settings
from django.db import connection


def _require(service: str, available: bool, why: str):
    if available:
        return
    if settings.IMR_REQUIRE_SERVICES:
        pytest.fail(f"{service} is required (IMR_REQUIRE_SERVICES=1) but {why}.", pytrace=False)
    pytest.skip(f"{service} not available: {why}")


@pytest.fixture
def require_postgres(db):
    _require("PostgreSQL", connection.vendor == "postgresql", f"the database is {connection.vendor}")


@pytest.fixture(scope="session")
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    if not url:
        _require("Redis", False, "REDIS_URL is not set")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        _require("Redis", False, f"{url} does not answer ({exc})")
    return url


def pytest_sessionstart(session):
    """The spec folder must be beside the project (its fixtures are test data); with IMR_REQUIRE_SERVICES=1, refuse
    to run on SQLite: the suite must exercise PostgreSQL."""
    from tests.support import SHARED_DIR

    if not (SHARED_DIR / "fixtures" / "letters" / "expected.json").exists():
        raise pytest.UsageError(
            f"The shared spec folder is missing: {SHARED_DIR} (DESIGN.md, fixtures/) must sit beside the project, "
            "as it does in CI; its fixtures are the tests' data."
        )
    if settings.IMR_REQUIRE_SERVICES and settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise pytest.UsageError("IMR_REQUIRE_SERVICES=1 but DATABASE_URL does not point at PostgreSQL.")
