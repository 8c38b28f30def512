import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrsite.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

from .checks import require_secret_key  # noqa: E402
from .gc_tuning import tune_garbage_collector  # noqa: E402

require_secret_key()
application = get_wsgi_application()
tune_garbage_collector()  # after loading: what start-up built is frozen out of the collector's walks
