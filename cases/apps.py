from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "IMR cases"

    def ready(self):
        from . import signals  # noqa: F401  (registers the receivers keeping Case.search_text current)
