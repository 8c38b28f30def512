from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ImrsiteConfig(AppConfig):
    name = "imrsite"
    default = True  # ImrAdminConfig below is listed by its full path
    verbose_name = "IMR site"

    def ready(self):
        from . import checks  # noqa: F401 - registers the deployment checks


class ImrAdminConfig(admin_apps.AdminConfig):
    """The admin with the IMR system's own site (title, header, home page grouped by task)."""

    default = False
    default_site = "imrsite.admin_site.ImrAdminSite"
