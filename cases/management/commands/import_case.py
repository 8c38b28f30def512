"""Import cases in the ``imr-case/1`` JSON format (``../shared/case-format.md``): all or nothing per file."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from cases.services.interchange import cases_import

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
# Files written together (one bulk insert per table and one commit per batch: ``cases_import``); each file is still
# imported whole or not at all.
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
            labels, documents, errors = [], [], {}
            for name in files[start : start + BATCH_SIZE]:
                labels.append(STDIN_LABEL if name == STDIN else name)
                document, problem = _load(name, stdin=stdin)
                if problem:
                    errors[len(documents)] = [problem]
                documents.append(document)
            readable = [i for i in range(len(documents)) if i not in errors]
            results = dict(zip(readable, cases_import([documents[i] for i in readable], replace=replace), strict=True))
            for i, result in results.items():
                if result.errors:
                    errors[i] = [str(error) for error in result.errors]
            # Said once the batch is committed: "imported" is true when it is read.
            for i, label in enumerate(labels):
                if i in errors:
                    failed += 1
                    for error in errors[i]:
                        self.stderr.write(f"{label}: {error}")
                else:
                    result = results[i]
                    message = REPLACED if result.replaced else IMPORTED
                    self.stdout.write(message.format(label=label, case_number=result.case.case_number))
        if failed:
            raise CommandError(SOME_FAILED.format(failed=failed, total=len(files)))


def _load(name, *, stdin) -> tuple[object, str]:
    """(the decoded JSON document, "") or (None, why it cannot be read)."""
    try:
        text = stdin.read() if name == STDIN else _read(name)
    except OSError as exc:
        return None, CANNOT_READ.format(error=exc.strerror or exc)
    except UnicodeDecodeError:
        return None, NOT_UTF8
    try:
        return json.loads(text), ""
    except json.JSONDecodeError as exc:
        return None, INVALID_JSON.format(message=exc.msg, line=exc.lineno, column=exc.colno)
    except RecursionError:
        return None, TOO_DEEP
    except ValueError:  # int() refuses more than sys.get_int_max_str_digits() digits
        return None, NUMBER_TOO_LONG


def _read(path) -> str:
    # utf-8-sig: a byte-order mark from a Windows editor is not part of the JSON.
    with open(path, encoding="utf-8-sig") as handle:
        return handle.read()
