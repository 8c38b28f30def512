from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "IMR cases"

    def ready(self):
        from . import signals  # noqa: F401  (connects the document text extraction to uploads)
