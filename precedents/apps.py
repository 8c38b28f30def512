from django.apps import AppConfig


class PrecedentsConfig(AppConfig):
    name = "precedents"
    verbose_name = "Precedents and analytics"
