"""Real Celery workers for the integration tests: a worker subprocess on the test database, and waiting for it."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

from cases.models import Letter

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).parent / "celery"


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def letter_status(letter_id):
    return Letter.objects.filter(pk=letter_id).values_list("status", flat=True).first()


def database_url() -> str:
    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}{port}/{db['NAME']}"


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Worker:
    def __init__(self, env, log: Path):
        self.log = log
        self.process = subprocess.Popen(
            [str(CELERY), "-A", "imrsite", "worker", "-l", "info", "--pool=prefork", "--concurrency=1",
             "-n", f"letters-{uuid.uuid4().hex[:8]}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        wait_for(lambda: b" ready." in log.read_bytes() or self.process.poll() is not None, 60, "the worker")
        assert self.process.poll() is None, log.read_text()[-3000:]

    def pool_children(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def kill(self):
        """SIGKILL the whole worker (main process and pool), as a crashed machine would."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=10)


_QUEUE_LETTER = """
import json, time, django
django.setup()
from django.db import transaction
from cases.models import Determination
from cases.services.letters import letter_create
determination = Determination.objects.get(pk={determination_id})
started = time.monotonic()
with transaction.atomic():
    letter = letter_create(determination=determination)
elapsed = time.monotonic() - started
letter.refresh_from_db()
print(json.dumps({{"letter": letter.id, "status": letter.status, "seconds": elapsed}}))
"""


def letter_queued_in_subprocess(env, determination) -> tuple[dict, str]:
    """letter_create in a separate process, the web's way of queueing, against ``env``'s broker: its outcome
    (letter id, status, seconds taken) and its stderr."""
    script = _QUEUE_LETTER.format(determination_id=determination.id)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr
