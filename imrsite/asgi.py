import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrsite.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

from .checks import require_secret_key  # noqa: E402

require_secret_key()
application = get_asgi_application()
