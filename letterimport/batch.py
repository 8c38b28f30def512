"""Many letter files: found by walking folders lazily, read by ``jobs`` worker processes, written by this one.

Nothing holds the whole run: paths are generated as the walk goes and handed out ``READ_CHUNK`` letters at a time,
two batches ahead. Reading is most of the work (PDFium, then the parser): the workers read and parse chunks
(``letter_files_read``) while this process writes the letters already read, in order, ``BATCH_SIZE`` at a time, each
batch in one transaction with one bulk insert per table (``letter_files_write``: each letter still whole or not at
all). Chunks smaller than a batch let every worker read a part of the first batch (the writer waits less), while the
batches stay large enough for their fixed cost (about 40-50 statements) to be small per letter.

The citations are read in the writing process, against the guideline library as the batches before have left it,
so any number of jobs imports exactly what one job does. A run stopped half way resumes where it stopped (a second
run skips what is in, by SHA-256, without parsing it again).
"""

from __future__ import annotations

import collections
import itertools
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path

from django.db import connection, connections

from .extract import PDF_SUFFIXES, TEXT_SUFFIXES
from .selectors import guideline_library
from .services import letter_files_read, letter_files_write

LETTER_SUFFIXES = PDF_SUFFIXES | TEXT_SUFFIXES
NO_SUCH_PATH = "no such file or folder"
# Letters written together (one bulk insert per table, one commit), and letters a worker reads at a time.
BATCH_SIZE = 50
READ_CHUNK = 10
_CHUNKS_AHEAD = 2 * BATCH_SIZE // READ_CHUNK
MAX_DEFAULT_JOBS = 4


def default_jobs() -> int:
    """One reading process per core this process may run on, at most ``MAX_DEFAULT_JOBS``: writing a letter (this
    process and its database connection, 3-4 ms of CPU) costs nearly what reading it does (4-5 ms), so beyond a few
    readers the one writing process is the limit."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(cores, MAX_DEFAULT_JOBS)


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


def _batches(items: Iterator, size: int) -> Iterator[list]:
    while batch := list(itertools.islice(items, size)):
        yield batch


def import_letters(paths: Iterable[str], *, jobs=1, replace=False, dry_run=False, actor=None):
    """``(path, Outcome)`` per letter file, in order, as each batch is written."""
    library = guideline_library()
    read = partial(letter_files_read, skip_imported=not (replace or dry_run))
    chunks = _batches(letter_paths(paths), READ_CHUNK)
    for files in _regrouped(_read_in_order(read, chunks, jobs), BATCH_SIZE):
        outcomes = letter_files_write(files, library=library, replace=replace, dry_run=dry_run, actor=actor)
        yield from zip((file.path for file in files), outcomes, strict=True)


def _regrouped(chunks: Iterator[list], size: int) -> Iterator[list]:
    group = []
    for chunk in chunks:
        group += chunk
        if len(group) >= size:
            yield group
            group = []
    if group:
        yield group


def _read_in_order(read, chunks: Iterator[list], jobs: int) -> Iterator[list]:
    """``read(chunk)`` of every chunk, in order: by ``jobs`` forked worker processes (each with its own database
    connection), ahead of the caller; here with one job, or inside a transaction (the workers would not see its rows,
    and the connection cannot be closed under it for the fork)."""
    if jobs <= 1 or connection.in_atomic_block:
        yield from map(read, chunks)
        return
    connections.close_all()  # each forked worker opens its own connection
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        pending = collections.deque()
        for chunk in chunks:
            pending.append(pool.apply_async(read, (chunk,)))
            if len(pending) >= max(_CHUNKS_AHEAD, 2 * jobs):
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
