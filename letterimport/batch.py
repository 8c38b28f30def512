"""Many letter files: found by walking folders lazily, imported one by one or by ``jobs`` worker processes.

Nothing holds the whole run: paths are generated as the walk goes and fed to the workers a few batches at a time
(``BATCH_SIZE`` letters each); a worker reads and parses a batch's files, then writes them together in one
transaction (each letter still whole or not at all). Workers are forked processes with their own database
connection; a run stopped half way resumes where it stopped (a second run skips what is in).
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.db import connections

from .extract import PDF_SUFFIXES, TEXT_SUFFIXES
from .selectors import guideline_library
from .services import REFUSED, Outcome, letter_files_import

LETTER_SUFFIXES = PDF_SUFFIXES | TEXT_SUFFIXES
NO_SUCH_PATH = "no such file or folder"
# Letters written together (``letter_files_import``: one bulk insert per table, one commit), and batches queued per
# worker process at a time.
BATCH_SIZE = 50
_PER_JOB_IN_FLIGHT = 2


def letter_paths(paths: Iterable[str]) -> Iterator[tuple[Path, str]]:
    """``(path, problem)`` for every letter file named or found in the folders named (``.pdf``, ``.txt``, in name
    order); ``problem`` is "" or why the path cannot be imported."""
    for name in paths:
        path = Path(name)
        if path.is_dir():
            yield from ((p, "") for p in _walk(path))
        elif path.is_file():
            yield path, ""
        else:
            yield path, NO_SUCH_PATH


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            if Path(name).suffix.lower() in LETTER_SUFFIXES:
                yield Path(root) / name


def count_letters(paths: Iterable[str]) -> int:
    return sum(1 for _ in letter_paths(paths))


_worker_options: dict = {}


def _worker_init(options: dict):
    _worker_options.update(options, library=guideline_library())


def _worker_import(batch: list[tuple[Path, str]]) -> list[tuple[Path, Outcome]]:
    """Import a batch of letter files (``letter_files_import``): ``(path, Outcome)`` per file, in order."""
    outcomes = {i: Outcome(REFUSED, reason=problem) for i, (_, problem) in enumerate(batch) if problem}
    todo = [i for i in range(len(batch)) if i not in outcomes]
    imported = letter_files_import([batch[i][0] for i in todo], **_worker_options)
    outcomes.update(zip(todo, imported, strict=True))
    return [(path, outcomes[i]) for i, (path, _) in enumerate(batch)]


def _batches(items: Iterator, size: int) -> Iterator[list]:
    while batch := list(itertools.islice(items, size)):
        yield batch


def import_letters(paths: Iterable[str], *, jobs=1, replace=False, dry_run=False, actor=None):
    """``(path, Outcome)`` per letter file, in order, as each batch is done."""
    options = {"replace": replace, "dry_run": dry_run, "actor": actor}
    batches = _batches(letter_paths(paths), BATCH_SIZE)
    if jobs <= 1:
        _worker_init(options)
        for batch in batches:
            yield from _worker_import(batch)
        return
    connections.close_all()  # each forked worker opens its own connection
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, initializer=_worker_init, initargs=(options,)) as pool:
        while group := list(itertools.islice(batches, jobs * _PER_JOB_IN_FLIGHT)):
            for done in pool.imap(_worker_import, group):
                yield from done
