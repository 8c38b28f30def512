"""Many letter files: found by walking folders lazily, imported one by one or by ``jobs`` worker processes.

Nothing holds the whole batch: paths are generated as the walk goes and fed to the workers a few at a time, and each
worker reads, parses and imports one file before the next. Workers are forked processes with their own database
connection; each letter is its own transaction, so a batch stopped half way resumes where it stopped (a second run
skips what is in).
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
from .services import REFUSED, Outcome, letter_file_import

LETTER_SUFFIXES = PDF_SUFFIXES | TEXT_SUFFIXES
NO_SUCH_PATH = "no such file or folder"
_PER_JOB_IN_FLIGHT = 8


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


def _worker_import(item: tuple[Path, str]) -> tuple[Path, Outcome]:
    path, problem = item
    if problem:
        return path, Outcome(REFUSED, reason=problem)
    options = dict(_worker_options)
    return path, letter_file_import(path, **options)


def import_letters(paths: Iterable[str], *, jobs=1, replace=False, dry_run=False, actor=None):
    """``(path, Outcome)`` per letter file, in order, as each is done."""
    options = {"replace": replace, "dry_run": dry_run, "actor": actor}
    items = letter_paths(paths)
    if jobs <= 1:
        _worker_init(options)
        yield from map(_worker_import, items)
        return
    connections.close_all()  # each forked worker opens its own connection
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, initializer=_worker_init, initargs=(options,)) as pool:
        while batch := list(itertools.islice(items, jobs * _PER_JOB_IN_FLIGHT)):
            yield from pool.imap(_worker_import, batch)
