from django.apps import AppConfig


class NoticesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notices"
    verbose_name = "Letters and notices"

    def ready(self):
        from . import receivers  # noqa: F401 - the timeline events that produce notices
