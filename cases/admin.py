from . import admin_letters  # noqa: F401
