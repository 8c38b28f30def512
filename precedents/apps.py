from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PrecedentsConfig(AppConfig):
    name = "precedents"
    verbose_name = "Precedents and analytics"

    def ready(self):
        from .categories import categories_after_migrate

        post_migrate.connect(categories_after_migrate, sender=self, dispatch_uid="precedents.categories")
