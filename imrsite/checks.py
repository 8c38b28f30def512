"""The refusal to serve without a secret key when DEBUG is off (settings leave offline commands usable)."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

MISSING_SECRET_KEY = "SECRET_KEY must be set when DEBUG is off."


def require_secret_key():
    """Called by the WSGI/ASGI entry points before anything else: a server never starts with an empty key."""
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses an empty key on access
        key = ""
    if not key:
        raise ImproperlyConfigured(MISSING_SECRET_KEY)


@register(Tags.security, deploy=True)
def secret_key_set(app_configs, **kwargs):
    """`check --deploy` fails, not just warns, when a production configuration has no key."""
    try:
        require_secret_key()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), hint="Set the SECRET_KEY environment variable.", id="imrsite.E001")]
    return []
