from datetime import timedelta

from django.core.management.base import BaseCommand

from cases.services.letters import SWEEP_QUEUED_AFTER, SWEEP_RENDERING_AFTER, letters_sweep


class Command(BaseCommand):
    help = "Re-queue letters left queued (broker down at signing) or stuck rendering (worker died)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=int(SWEEP_QUEUED_AFTER.total_seconds()),
            help="Seconds a letter may stay queued before it is re-queued (default %(default)s).",
        )
        parser.add_argument(
            "--rendering-older-than",
            type=int,
            default=int(SWEEP_RENDERING_AFTER.total_seconds()),
            help="Seconds after which a render still running is taken as dead (default %(default)s).",
        )

    def handle(self, *args, older_than, rendering_older_than, **options):
        count = letters_sweep(
            older_than=timedelta(seconds=older_than), rendering_older_than=timedelta(seconds=rendering_older_than)
        )
        self.stdout.write(f"Re-queued {count} letter(s).")
