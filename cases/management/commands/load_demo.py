"""Demo data for ``make run``: users, reviewers, the guideline library and cases. Idempotent; DEBUG only."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases.services.demo import DEMO_PASSWORD, demo_load, demo_logins

NOT_IN_DEBUG = (
    "load_demo creates users whose password is published (imr-demo); it runs only with DEBUG on. "
    "Pass --force to load it anyway."
)


class Command(BaseCommand):
    help = "Load the demo data (idempotent): admin, dr.psych with the seed case, dr.ortho with his cases, guidelines."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load even though DEBUG is off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(NOT_IN_DEBUG)
        report = demo_load()
        for label in report.created:
            self.stdout.write(f"created  {label}")
        if report.existing and not report.created:
            self.stdout.write("Demo data already loaded; nothing changed.")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (every password is {DEMO_PASSWORD}):")
        width = max(len(login.username) for login in demo_logins())
        for login in demo_logins():
            self.stdout.write(f"  {login.username:<{width}} / {DEMO_PASSWORD}  {login.role}: {login.sees}")
