"""Helpers for the letter tests: import a decided case from an ``imr-case/1`` document, read a PDF's body text back,
and run Celery eagerly for unit tests (the integration tests use a real worker)."""

import datetime
import io
import json
import re
from pathlib import Path

import pypdf
import pytest

from cases import models as m
from cases.selectors import current_determination
from cases.services.determinations import case_snapshot, determination_create
from cases.services.interchange import case_import
from imrsite.celery import app as celery_app
from tests.support import SEED_CASE_PATH, SHARED_DIR

SEED_CASE = SEED_CASE_PATH
SEED_LETTER = SHARED_DIR / "seed" / "determination-letter.txt"

# The page area inside the margins (PDF points from the bottom of a Letter page): the running header and the page
# numbers live outside it, so text read from here flows across page breaks as the letter does.
BODY_BOTTOM, BODY_TOP = 50.0, 740.0


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def norm(text: str) -> str:
    """Whitespace folded; a line broken after a hyphen or slash reads as unbroken (the PDF wraps there)."""
    return re.sub(r"([-/]) ", r"\1", fold(text))


def pdf_body_text(pdf: bytes) -> str:
    """The text of every page's body, in order, without the running header and footer."""
    chunks = []
    last_y = None

    def visit(text, cm, tm, font_dict, font_size):
        nonlocal last_y
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if not text or not BODY_BOTTOM < y < BODY_TOP:
            return
        if last_y is not None and abs(y - last_y) > 0.5:
            chunks.append(" ")
        chunks.append(text)
        last_y = y

    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
        chunks.append(" ")
        last_y = None
    return "".join(chunks)


def pdf_all_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def assert_in_order(haystack: str, needles: list[str]):
    """Each needle occurs in ``haystack`` (both normalised), each after the previous one."""
    text = norm(haystack)
    position = 0
    for needle in needles:
        found = text.find(norm(needle), position)
        assert found >= 0, f"not found after position {position}: {norm(needle)[:120]!r}"
        position = found + len(norm(needle))


def load_document(path=SEED_CASE) -> dict:
    return json.loads(Path(path).read_text())


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def determination_from_document(document: dict, *, case=None, documents_reviewed=None, reviewer=None):
    """The current determination of a decided ``imr-case/1`` document, imported with ``case_import``.

    With ``case`` (or documents reviewed, or a reviewer, which an import does not carry) a new determination of the
    document's content is signed on top: it supersedes the previous one, as a correction does.
    """
    if case is None:
        case = case_import(document=document)
        if documents_reviewed is None and reviewer is None:
            return current_determination(case)
    decided = document["determination"]
    snapshot = case_snapshot(
        case=case,
        reviewer_credentials=decided["reviewer"],
        decision_date=_date(decided["decision_date"]),
        documents_reviewed=documents_reviewed or [],
    )
    return determination_create(case=case, snapshot=snapshot, origin=m.Determination.Origin.SIGNED, reviewer=reviewer)


@pytest.fixture
def eager_celery():
    """Run tasks in-process for this test, whatever REDIS_URL says (unit tests have no worker)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous
