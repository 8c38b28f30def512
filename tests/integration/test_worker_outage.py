"""A real worker survives a broker outage: its own Redis stops for 5 s and starts again, and the same worker
process renders a letter queued afterwards; /healthz sees it through its heartbeat (imrsite/worker_health.py).

The Redis here is a private `redis-server` on a free port (the shared one is never stopped); the letter is queued
from a subprocess whose REDIS_URL points at it, as the web would.
"""

import shutil
import subprocess
import time

import pytest
import redis
from django.test import override_settings

from imrsite.worker_health import workers_alive

from ..cases.letters_support import determination_from_document, load_document
from .workers import Worker, letter_queued_in_subprocess, letter_status, unused_port, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]

OUTAGE_SECONDS = 5


class PrivateRedis:
    """A throwaway redis-server bound to 127.0.0.1 on ``port``, no persistence."""

    def __init__(self, port: int, tmp_path):
        self.port, self.tmp_path, self.process = port, tmp_path, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", str(self.tmp_path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self._answers, 10, "the private redis-server")

    def _answers(self) -> bool:
        try:
            return redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def private_redis(tmp_path):
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is not installed (apt-get install redis-server)", pytrace=False)
    server = PrivateRedis(unused_port(), tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def private_worker(worker_env, private_redis, tmp_path):
    worker = Worker({**worker_env, "REDIS_URL": private_redis.url}, tmp_path / "worker.log")
    yield worker
    worker.kill()


def test_the_same_worker_renders_after_redis_was_away_for_five_seconds(
    private_redis, private_worker, worker_env, client
):
    with override_settings(REDIS_URL=private_redis.url, CELERY_BROKER_URL=private_redis.url):
        assert client.get("/healthz").json()["worker"] == "ok"
    pid = private_worker.process.pid

    private_redis.stop()
    time.sleep(OUTAGE_SECONDS)
    assert private_worker.process.poll() is None, private_worker.log.read_text()[-3000:]
    private_redis.start()

    determination = determination_from_document(load_document())
    outcome, _ = letter_queued_in_subprocess({**worker_env, "REDIS_URL": private_redis.url}, determination)
    letter_id = outcome["letter"]
    wait_for(lambda: letter_status(letter_id) in ("ready", "failed"), 90, "the letter queued after the outage")
    assert letter_status(letter_id) == "ready"
    assert private_worker.process.poll() is None and private_worker.process.pid == pid
    assert "Unrecoverable error" not in private_worker.log.read_text()
    # The heartbeat came back with the reconnection: /healthz sees a live worker again.
    with override_settings(REDIS_URL=private_redis.url, CELERY_BROKER_URL=private_redis.url):
        wait_for(workers_alive, 15, "the heartbeat after the reconnection")
        assert client.get("/healthz").status_code == 200


def test_healthz_says_no_worker_once_the_worker_stopped(private_redis, private_worker, client):
    with override_settings(REDIS_URL=private_redis.url, CELERY_BROKER_URL=private_redis.url):
        assert client.get("/healthz").status_code == 200
        private_worker.process.terminate()  # a warm shutdown removes the worker's heartbeat at once
        private_worker.process.wait(timeout=30)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"].startswith("error: no worker")
