"""Is a Celery worker alive? Each worker writes a heartbeat key to Redis from its consumer; ``/healthz`` reads them.

The heartbeat is a consumer bootstep driven by the worker's own timer: it runs only while the worker consumes from
the broker (it stops when the connection is lost and starts again after the reconnection), so a live key means a
worker that takes tasks, not merely a process that exists. Each key expires after ``HEARTBEAT_TTL`` seconds, so a
worker killed outright disappears by itself; one stopped cleanly removes its key at once. See docs/adr/0011.
"""

import logging
import time

import redis
from celery import bootsteps
from django.conf import settings

logger = logging.getLogger(__name__)

HEARTBEAT_KEY_PREFIX = "imr:worker-heartbeat:"
HEARTBEAT_INTERVAL = 10  # seconds between two writes
HEARTBEAT_TTL = 30  # a worker not heard of for this long is dead
NO_WORKER = f"error: no worker seen in the last {HEARTBEAT_TTL} s"


def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)


def heartbeat_write(hostname: str) -> None:
    """Record that worker ``hostname`` is consuming now. A broker error is logged, never raised (the worker's own
    reconnection handles the outage)."""
    try:
        _client().set(HEARTBEAT_KEY_PREFIX + hostname, int(time.time()), ex=HEARTBEAT_TTL)
    except redis.RedisError as exc:
        logger.warning("Worker heartbeat of %s not written: %s", hostname, exc)


def heartbeat_clear(hostname: str) -> None:
    try:
        _client().delete(HEARTBEAT_KEY_PREFIX + hostname)
    except redis.RedisError as exc:
        logger.warning("Worker heartbeat of %s not removed: %s", hostname, exc)


def workers_alive() -> list[str]:
    """The names of the workers heard of within ``HEARTBEAT_TTL`` seconds (raises ``redis.RedisError``)."""
    keys = _client().scan_iter(match=HEARTBEAT_KEY_PREFIX + "*", count=100)
    return sorted(key.decode()[len(HEARTBEAT_KEY_PREFIX) :] for key in keys)


class WorkerHeartbeat(bootsteps.StartStopStep):
    """A consumer bootstep: a heartbeat now and every ``HEARTBEAT_INTERVAL`` seconds while the consumer runs."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, c, **kwargs):
        super().__init__(c, **kwargs)
        self.timer_entry = None

    def start(self, c):
        heartbeat_write(c.hostname)
        self.timer_entry = c.timer.call_repeatedly(HEARTBEAT_INTERVAL, heartbeat_write, (c.hostname,))

    def stop(self, c):
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None

    def shutdown(self, c):
        self.stop(c)
        heartbeat_clear(c.hostname)
