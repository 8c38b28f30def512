"""The fixtures of the worker tests: the services, a private MEDIA_ROOT, the worker's environment, workers."""

import os

import pytest
import redis
from django.conf import settings
from django.db import connection

from imrsite.celery import app as celery_app
from tests.conftest import _require

from .workers import ROOT, Worker, database_url


@pytest.fixture
def services(redis_url):
    _require("PostgreSQL", connection.vendor == "postgresql", f"the database is {connection.vendor}")
    assert not celery_app.conf.task_always_eager, "REDIS_URL is set: tasks must go through the broker"
    # Leftover messages of earlier runs would only be skipped, but they cost the worker time: start clean.
    redis.Redis.from_url(redis_url).delete("celery", "unacked", "unacked_index", "unacked_mutex")
    return redis_url


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def worker_env(services, media):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url(),
        "REDIS_URL": services,
        "SECRET_KEY": settings.SECRET_KEY,
        "MEDIA_ROOT": str(media),
    }


@pytest.fixture
def start_worker(transactional_db, worker_env, tmp_path):
    started = []

    def start():
        worker = Worker(worker_env, tmp_path / f"worker-{len(started)}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.kill()
