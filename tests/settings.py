"""Settings for the test run: the real settings, with a throwaway key and media folder."""

import os
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdefghijklmnop")
os.environ.setdefault("MEDIA_ROOT", str(Path(__file__).resolve().parent.parent / "var" / "test-media"))
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from imrsite.settings import *  # noqa: E402,F403

# Fast hashing: tests create many users; production keeps the strong default.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No collectstatic in tests: serve static files straight from the finders.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# SQLite (the embedded default): the test database is a file, not Django's shared in-memory one. The browser tests'
# live server answers the page's parallel requests (the case page loads its panels at once) in several threads;
# with an in-memory database they all share one connection and collide ("cannot start a transaction within a
# transaction"). With a file each thread has its own connection, as the running site does.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    VAR_DIR.mkdir(exist_ok=True)  # noqa: F405  (a fresh clone has no var/ yet)
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405
