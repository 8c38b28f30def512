from django.apps import AppConfig


class LetterImportConfig(AppConfig):
    name = "letterimport"
    verbose_name = "Published letter imports"
