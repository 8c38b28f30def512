from django.apps import AppConfig


class ImrsiteConfig(AppConfig):
    name = "imrsite"
    verbose_name = "IMR site"

    def ready(self):
        from . import checks  # noqa: F401 - registers the deployment checks
