import hashlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.letters import letter_pdf
from cases.models import Case
from cases.selectors import current_determination

UNKNOWN_CASE = "Case {case_number} does not exist."
NO_DETERMINATION = "Case {case_number} has no determination to render."


class Command(BaseCommand):
    help = (
        "Render the Final Determination Letter of a case's current determination synchronously, to a file. "
        "Changes nothing in the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("case_number")
        parser.add_argument("--out", required=True, help="Where to write the PDF.")

    def handle(self, *args, case_number, out, **options):
        case = Case.objects.filter(case_number=case_number).first()
        if case is None:
            raise CommandError(UNKNOWN_CASE.format(case_number=case_number))
        determination = current_determination(case)
        if determination is None:
            raise CommandError(NO_DETERMINATION.format(case_number=case_number))
        pdf = letter_pdf(determination.snapshot)
        Path(out).write_bytes(pdf)
        digest = hashlib.sha256(pdf).hexdigest()
        self.stdout.write(
            f"Wrote {out} ({len(pdf)} bytes, SHA-256 {digest}) from determination v{determination.version}."
        )
