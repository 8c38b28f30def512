from django.core.management.base import BaseCommand

from cases.services.deadlines import deadlines_flag_missed


class Command(BaseCommand):
    help = "Record a 'deadline missed' event on every overdue case not yet flagged (Celery beat does it hourly)."

    def handle(self, *args, **options):
        count = deadlines_flag_missed()
        self.stdout.write(f"{count} newly missed deadline(s) flagged.")
