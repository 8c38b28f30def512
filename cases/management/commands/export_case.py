"""Write a case in the ``imr-case/1`` JSON format to stdout (``import_case`` reads it back)."""

import json

from django.core.management.base import BaseCommand, CommandError

from cases.interchange import case_export
from cases.models import Case

UNKNOWN_CASE = "There is no case {case_number}."


class Command(BaseCommand):
    help = "Export a case as imr-case/1 JSON to stdout."

    def add_arguments(self, parser):
        parser.add_argument("case_number", metavar="CASE_NUMBER")

    def handle(self, *args, case_number, **options):
        case = Case.objects.select_related("claim__worker").filter(case_number=case_number.strip()).first()
        if case is None:
            raise CommandError(UNKNOWN_CASE.format(case_number=case_number))
        self.stdout.write(json.dumps(case_export(case), indent=2, ensure_ascii=False))
