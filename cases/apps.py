from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "IMR cases"

    def ready(self):
        # Receivers: Case.search_text kept current; document text extraction queued on upload.
        from . import signals  # noqa: F401
        from .roles import roles_after_migrate

        # After the permissions of every app exist (cases is the last of INSTALLED_APPS to be sent post_migrate).
        post_migrate.connect(roles_after_migrate, sender=self, dispatch_uid="cases.roles")
