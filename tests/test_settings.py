"""Production defaults: DEBUG off needs a SECRET_KEY, and the deploy checks pass. Run in a subprocess so the
settings are read afresh from the environment, as a server would."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, **env):
    base = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "imrsite.settings",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def test_deploy_check_fails_without_a_secret_key_when_debug_is_off():
    result = _manage("check", "--deploy", ALLOWED_HOSTS="imr.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_the_wsgi_application_refuses_to_start_without_a_secret_key():
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    result = subprocess.run(
        [sys.executable, "-c", "import imrsite.wsgi"], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_offline_commands_run_without_a_secret_key():
    result = _manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_check_deploy_is_clean_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="imr.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_debug_mode_runs_without_a_secret_key():
    result = _manage("check", DEBUG="1")
    assert result.returncode == 0, result.stderr


def _database_setting(**env):
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "DEBUG": "1", **env}
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'imrsite.settings'; from django.conf import settings; "
        "d = settings.DATABASES['default']; print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_database_connections_persist_with_health_checks_and_conn_max_age_comes_from_the_environment():
    assert _database_setting() == ["60", "True"]
    assert _database_setting(CONN_MAX_AGE="0") == ["0", "True"]
    assert _database_setting(CONN_MAX_AGE="300") == ["300", "True"]


def test_the_wsgi_application_tunes_the_garbage_collector_once_loaded():
    """Full collections walking start-up's objects made the admin pages' p95 spikes (imrsite/gc_tuning.py): the web
    process freezes what start-up built and raises the thresholds; a plain Python process keeps the defaults."""
    from imrsite.gc_tuning import THRESHOLDS

    probe = "import gc; before = gc.get_threshold(); import imrsite.wsgi; "
    probe += "print(before, gc.get_threshold(), gc.get_freeze_count() > 10_000)"
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "imr.example.org",
    }
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == f"(700, 10, 10) {THRESHOLDS} True"
    assert THRESHOLDS[0] > 700 and THRESHOLDS[2] > 10
