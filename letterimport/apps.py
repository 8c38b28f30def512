from django.apps import AppConfig


class LetterImportConfig(AppConfig):
    name = "letterimport"
    verbose_name = "Published letter imports"
    default_auto_field = "django.db.models.BigAutoField"
