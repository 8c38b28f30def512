import os

from celery import Celery

from . import worker_process  # noqa: F401 - connects the pool processes' warm-up and connection reuse
from .worker_health import WorkerHeartbeat

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrsite.settings")

app = Celery("imrsite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# /healthz knows a worker is alive from the heartbeat each one writes while it consumes (imrsite/worker_health.py).
app.steps["consumer"].add(WorkerHeartbeat)
