"""Shared pieces of the letter importer's tests: the guideline library as shipped, running ``import_letters``, and
reading a rendered letter back as text."""

import html
import io
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.services.guideline_csv import guideline_csv_import
from tests.support import SHARED_DIR

LETTERS_DIR = SHARED_DIR / "fixtures" / "letters"
PUBLIC_DIR = SHARED_DIR / "fixtures" / "public-letters"
GUIDELINES_CSV = Path(settings.BASE_DIR) / "cases" / "fixtures" / "guidelines.csv"


@pytest.fixture
def guideline_library_rows(db):
    """The guideline library a deployment starts with (cases/fixtures/guidelines.csv)."""
    guideline_csv_import(data=GUIDELINES_CSV.read_bytes())


# Three fixture letters of one batch; the middle one is what the fault-injection tests make the database refuse.
BATCH_OF_THREE = ["CM16-0234202.pdf", "CM16-0235724.pdf", "CM16-0238676.pdf"]


@pytest.fixture
def batch_of_three(tmp_path) -> Path:
    """A folder holding the ``BATCH_OF_THREE`` letters."""
    folder = tmp_path / "letters"
    folder.mkdir()
    for name in BATCH_OF_THREE:
        shutil.copy(LETTERS_DIR / name, folder / name)
    return folder


class Run:
    """What one run printed, and the CommandError it ended with (``None`` when it exited 0)."""

    def __init__(self, stdout: str, stderr: str, error: str | None):
        self.stdout, self.stderr, self.error = stdout, stderr, error

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines() + self.stderr.splitlines()


def import_letters(*args, **options) -> Run:
    """``import_letters`` as an operator runs it; a refusal's CommandError is kept, not raised."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_letters", *map(str, args), stdout=out, stderr=err, **options)
        error = None
    except CommandError as exc:
        error = str(exc)
    return Run(out.getvalue(), err.getvalue(), error)


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def html_text(markup: str) -> str:
    """A rendered letter's text, tags dropped (the comparison is of words, not of the template's look)."""
    return fold(html.unescape(re.sub(r"<[^>]+>", " ", markup)))
