"""Import cases in the ``imr-case/1`` JSON format (``../shared/case-format.md``): all or nothing per file."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from cases.interchange import CaseDocumentError, case_number_valid
from cases.models import Case
from cases.services.interchange import case_import, case_import_batch

STDIN = "-"
STDIN_LABEL = "<stdin>"
CANNOT_READ = "cannot be read: {error}"
NOT_UTF8 = "is not UTF-8 text"
INVALID_JSON = "is not valid JSON: {message} at line {line}, column {column}"
TOO_DEEP = "is not readable JSON: nested too deeply"
NUMBER_TOO_LONG = "is not readable JSON: it holds a number of more than 4,300 digits"
IMPORTED = "{label}: imported {case_number}"
REPLACED = "{label}: replaced {case_number}"
SOME_FAILED = "{failed} of {total} file(s) not imported; nothing was written for them."
# Files committed together (one commit per batch, not per file); each file is still imported whole or not at all.
BATCH_SIZE = 100


class Command(BaseCommand):
    help = "Import cases from imr-case/1 JSON files ('-' reads stdin). Each file is imported whole or not at all."
    # Tests hand a StringIO in place of the process's stdin.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="imr-case/1 JSON file, or - for stdin")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace a case whose number exists (never one with a determination signed in this system).",
        )

    def handle(self, *args, files, replace=False, **options):
        stdin = options.get("stdin") or sys.stdin
        failed = 0
        for start in range(0, len(files), BATCH_SIZE):
            reports = []
            with case_import_batch():
                for name in files[start : start + BATCH_SIZE]:
                    label = STDIN_LABEL if name == STDIN else name
                    reports.append((label, self._import_one(name, label, stdin=stdin, replace=replace)))
            # Said once the batch is committed: "imported" is true when it is read.
            for label, (message, errors) in reports:
                if errors:
                    failed += 1
                    for error in errors:
                        self.stderr.write(f"{label}: {error}")
                else:
                    self.stdout.write(message)
        if failed:
            raise CommandError(SOME_FAILED.format(failed=failed, total=len(files)))

    def _import_one(self, name, label, *, stdin, replace) -> tuple[str, list[str]]:
        """(what to say once committed, errors)."""
        try:
            text = stdin.read() if name == STDIN else _read(name)
        except OSError as exc:
            return "", [CANNOT_READ.format(error=exc.strerror or exc)]
        except UnicodeDecodeError:
            return "", [NOT_UTF8]
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            return "", [INVALID_JSON.format(message=exc.msg, line=exc.lineno, column=exc.colno)]
        except RecursionError:
            return "", [TOO_DEEP]
        except ValueError:  # int() refuses more than sys.get_int_max_str_digits() digits
            return "", [NUMBER_TOO_LONG]
        case_number = document.get("case_number") if isinstance(document, dict) else None
        existed = case_number_valid(case_number) and Case.objects.filter(case_number=case_number).exists()
        try:
            case = case_import(document=document, replace=replace)
        except CaseDocumentError as exc:
            return "", [str(error) for error in exc.field_errors]
        message = REPLACED if existed else IMPORTED
        return message.format(label=label, case_number=case.case_number), []


def _read(path) -> str:
    # utf-8-sig: a byte-order mark from a Windows editor is not part of the JSON.
    with open(path, encoding="utf-8-sig") as handle:
        return handle.read()
