"""Import published Final Determination Letters (PDF, or their pdftotext text) as decided cases.

The parser and the import live in the ``letterimport`` app (docs/adr/0008); this command walks the paths and reports.
"""

import json
import time

from django.core.management.base import BaseCommand, CommandError

from letterimport.batch import count_letters, default_jobs, import_letters
from letterimport.services import IMPORTED, PARSED, REFUSED, REPLACED, SKIPPED

LINE_IMPORTED = "{file}: imported {case_number} ({items} item{s})"
LINE_REPLACED = "{file}: replaced {case_number} ({items} item{s})"
LINE_SKIPPED = "{file}: skipped {case_number}: {reason}"
LINE_REFUSED = "{file}: refused: {reason}"
LINE_PARSED = "{file}: read {case_number} ({items} item{s}); dry run, nothing imported"
SUMMARY = "{imported} imported, {skipped} skipped, {refused} refused"
DRY_RUN_SUMMARY = "{read} read, {refused} refused (dry run: nothing imported)"
SOME_REFUSED = "{refused} letter(s) refused; nothing of them was written."
# A progress bar (on stderr) when stderr is a terminal and the batch is at least this long.
PROGRESS_FROM = 20
_BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Import published Final Determination Letters: each PATH a PDF, a text file (pdftotext output) or a folder "
        "(searched for both). Each letter is imported whole or not at all; a second run skips what is in."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace a case whose number exists (under import_case's rules: never one signed in this system).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print each letter's imr-case/1 JSON, one line per letter; import nothing.",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=None,
            help="Processes reading the letters (PDFium and the parser) while this one writes them; default: one per "
            "core this process may use, at most 4 (1 means read and write in this process).",
        )

    def handle(self, *args, paths, replace=False, dry_run=False, jobs=None, **options):
        jobs = default_jobs() if jobs is None else jobs
        if jobs < 1:
            raise CommandError("--jobs must be at least 1.")
        progress = _Progress(self.stderr, paths)
        counts = {IMPORTED: 0, SKIPPED: 0, REFUSED: 0, PARSED: 0}
        for path, outcome in import_letters(paths, jobs=jobs, replace=replace, dry_run=dry_run):
            values = {
                "file": path,
                "case_number": outcome.case_number,
                "items": outcome.items,
                "s": "" if outcome.items == 1 else "s",
                "reason": outcome.reason,
            }
            progress.clear()
            if outcome.status == PARSED:
                # One document per line (JSON Lines): one letter's output is an import_case file as it is.
                self.stdout.write(json.dumps(outcome.document, ensure_ascii=False))
                self.stderr.write(LINE_PARSED.format(**values))
                counts[PARSED] += 1
            elif outcome.status == REFUSED:
                counts[REFUSED] += 1
                self.stderr.write(LINE_REFUSED.format(**values))
            elif outcome.status == SKIPPED:
                counts[SKIPPED] += 1
                self.stdout.write(LINE_SKIPPED.format(**values))
            else:
                counts[IMPORTED] += 1
                self.stdout.write((LINE_REPLACED if outcome.status == REPLACED else LINE_IMPORTED).format(**values))
            progress.advance()
        progress.clear()
        if dry_run:
            self.stderr.write(DRY_RUN_SUMMARY.format(read=counts[PARSED], refused=counts[REFUSED]))
        else:
            self.stdout.write(
                SUMMARY.format(imported=counts[IMPORTED], skipped=counts[SKIPPED], refused=counts[REFUSED])
            )
        if counts[REFUSED]:
            raise CommandError(SOME_REFUSED.format(refused=counts[REFUSED]))


class _Progress:
    """``[#####     ] 1234/100000  85.2 letters/s`` redrawn in place on a terminal; nothing otherwise."""

    def __init__(self, stream, paths):
        self.stream = stream
        self.total = count_letters(paths) if stream.isatty() else 0
        self.active = self.total >= PROGRESS_FROM
        self.done = 0
        self.started = time.monotonic()

    def advance(self):
        self.done += 1
        if not self.active:
            return
        filled = _BAR_WIDTH * self.done // self.total
        rate = self.done / max(time.monotonic() - self.started, 1e-9)
        bar = "#" * filled + " " * (_BAR_WIDTH - filled)
        self.stream.write(f"[{bar}] {self.done}/{self.total} {rate:6.1f} letters/s", ending="")
        self.stream.flush()

    def clear(self):
        if self.active:
            self.stream.write("\r\033[K", ending="")
