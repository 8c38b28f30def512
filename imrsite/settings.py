"""Settings, read from the environment (names fixed by DESIGN.md).

Every variable has a working default for ``make run``; with DEBUG off the defaults are the safe ones
and a missing SECRET_KEY is an error.
"""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

# Core: DEBUG is off unless asked for, so a forgotten variable never exposes debug pages.
DEBUG = env.bool("DEBUG", default=False)
# With DEBUG off a missing key is an error where it matters: the WSGI/ASGI entry points refuse to start and
# `check --deploy` fails (imrsite/checks.py); offline commands (makemigrations, collectstatic) still run.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "insecure-development-key-only-for-debug-mode-0123456789abcdef"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])

INSTALLED_APPS = [
    "imrsite.apps.ImrAdminConfig",  # django.contrib.admin with our site (imrsite/admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # full-text and trigram lookups (precedent search on PostgreSQL)
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    "nested_admin",  # citations inside their disputed item on the case page (docs/adr)
    "axes",
    "csp",
    "imrsite",
    "reviewers",
    "cases",
    "notices",
    "letterimport",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "precedents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "imrsite.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "imrsite.middleware.NoStoreForUsersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "imrsite.urls"
WSGI_APPLICATION = "imrsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "imrsite.context_processors.organization",
            ],
        },
    },
]
# Django's form renderer, with <input> widgets and empty error lists written without a template (the same HTML).
FORM_RENDERER = "imrsite.forms_renderer.FormRenderer"

# Database: PostgreSQL in production and CI; SQLite under var/ is the embedded default for `make run`.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'imr.sqlite3'}")}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
# Persistent connections: a new PostgreSQL connection per request costs more than a page's queries. Health checks
# replace a connection the server closed (restart, idle timeout) before a request uses it. 0 closes after each request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the in-process worker and the web server write without "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# E-mail goes out only when EMAIL_URL says how (django-environ's form, e.g. smtp+tls://user:password@host:587).
# Without it nothing is sent, and the password reset pages answer 404 rather than claim a mail that never leaves.
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url_config(EMAIL_URL))
    DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost")
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# The proxies in front of the site (DESIGN.md): unset or 0, none, and the client address is REMOTE_ADDR; N, the N
# trusted proxies each append to X-Forwarded-For, so the client is its N-th address from the right (what a client
# writes there itself is further left and never read). Only then is X-Forwarded-Proto trusted for HTTPS.
IMR_TRUSTED_PROXY_COUNT = env.int("IMR_TRUSTED_PROXY_COUNT", default=0)

# Lockout: repeated failed logins lock that username *from that address* for an hour (PHI behind the login). The
# combination: a flood from one address cannot lock a user out everywhere, nor lock every user behind one address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "imrsite.client_address.client_address"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Los_Angeles"  # California deadlines are counted in Pacific time.
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["imrsite.formats"]  # MM/DD/YYYY everywhere, as the letters

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Media holds case documents and letters (PHI): never served as static files, only through views.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Documents: what a case file may hold (checked on upload).
IMR_DOCUMENT_MAX_BYTES = env.int("IMR_DOCUMENT_MAX_BYTES", default=50 * 1024 * 1024)

# Security: secure cookies and HSTS whenever DEBUG is off (production sits behind TLS).
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
# Sessions end after 8 hours of inactivity, not 8 hours after login: every request slides the expiry, so a reviewer
# writing a long draft (each save, each htmx call) is not logged out in the middle of it.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if IMR_TRUSTED_PROXY_COUNT else None
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy on every response (django-csp; docs/adr/0012). Scripts, styles, images, fonts and htmx's
# requests come from this origin only; no inline script unless it carries the request's nonce
# (``nonce="{{ request.csp_nonce }}"``), no eval (htmx's eval and script tags are off: static/js/htmx-config.js).
# Style *attributes* are allowed (the admin, django-simple-history and htmx's settling write some); with images and
# fonts limited to this origin they can fetch nothing. Style *elements* come from this origin or carry the nonce.
# Files served from case storage keep their own stricter "sandbox" policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],  # Bootstrap's and the admin's icons are data: SVGs in their stylesheets
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Celery: Redis when REDIS_URL is set; otherwise tasks run eagerly, in-process (make run, no services).
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Each pool process reserves one message at a time: a long render never holds a second message while the other
# process idles (with late acknowledgement, the reserved message is the only one a killed process gives back).
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A pool process keeps its database connection across tasks (Celery closes it before and after each task by default)
# and reopens it after this many tasks; between tasks, CONN_MAX_AGE and the health check apply as they do between
# requests (imrsite/worker_process.py).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=200)
# How long a new pool process may take to start: each one renders a small document first (warm-up, a second or two
# on a loaded machine; Celery's default 4 s would kill it).
CELERY_WORKER_PROC_ALIVE_TIMEOUT = 30.0
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A short connect timeout so signing never hangs when Redis is down; the sweeper re-queues later.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600, "socket_connect_timeout": 2, "socket_timeout": 5}
# The timeout bounds a publish (the web's enqueue gives up after it); retries are unlimited, so that a worker
# whose broker went away reconnects however long it takes instead of exiting (docs/adr/0012).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE = {
    "sweep-letters": {"task": "cases.tasks.letters_sweep", "schedule": 60.0},
    "sweep-notices": {"task": "notices.tasks.notices_sweep", "schedule": 60.0},
    "flag-missed-deadlines": {"task": "cases.tasks.deadlines_flag_missed", "schedule": 3600.0},
}

# The IMRO named in every letter.
IMR_ORGANIZATION_NAME = env.str("IMR_ORGANIZATION_NAME", default="MAXIMUS Federal Services")
IMR_ORGANIZATION_SHORT_NAME = env.str("IMR_ORGANIZATION_SHORT_NAME", default="MAXIMUS")
# The letterhead's mark: a path among our static files (PNG, JPEG or SVG); empty prints the name instead.
IMR_ORGANIZATION_LOGO = env.str("IMR_ORGANIZATION_LOGO", default="letters/logo.svg")
# Where parties send records and correspondence (printed on notices and cover pages); lines separated by "|".
IMR_ORGANIZATION_ADDRESS = env.str(
    "IMR_ORGANIZATION_ADDRESS", default="Independent Medical Review|P.O. Box 138009|Sacramento, CA 95813-8009"
).split("|")

# Tests: with 1, a missing PostgreSQL/Redis fails the run instead of skipping the integration tests.
IMR_REQUIRE_SERVICES = env.bool("IMR_REQUIRE_SERVICES", default=False)

# Row history is an audit trail: readable in the admin, never reverted (cases.admin.common.HistoryAdmin).
SIMPLE_HISTORY_REVERT_DISABLED = True

# JSON API (/api/): the browser's session or a per-user token (admin: Auth Token), throttled per user and per
# address so a script cannot page through the precedents at will; the OpenAPI schema comes from drf-spectacular.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous call is answered 401 with "WWW-Authenticate: Token".
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": "30/minute",
        "user": "600/minute",
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "cases.pagination.LargeTablePagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "IMR case management API",
    "DESCRIPTION": "Precedents, decision analytics and cases, with the same visibility rules as the pages.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every layout step at INFO; keep its warnings (refused fetches) only.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
