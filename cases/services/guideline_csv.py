"""The guideline library as CSV, for administrators: export, and an all-or-nothing import.

Columns: ``source,title,evidence_rank,aliases,active``. ``source`` is MTUS or Non-MTUS; ``evidence_rank`` A-F or
empty; ``aliases`` separated by ``|``; ``active`` true/false (yes/no, 1/0; empty means true). A row matches an existing
entry by source and title (case-insensitive, whitespace folded) and updates it; otherwise it creates one. Row numbers
in messages are the spreadsheet's: the header is row 1.
"""

import csv
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ..models import Guideline, fold_whitespace, normalize_title

CSV_COLUMNS = ("source", "title", "evidence_rank", "aliases", "active")

NOT_UTF8 = "The file is not UTF-8 text."
EMPTY_FILE = "The file is empty: expected a header row source,title,evidence_rank,aliases,active."
MISSING_COLUMNS = "Header: missing column(s) {columns}."
UNKNOWN_SOURCE = 'Row {row}, column "source": unknown source {value!r}; expected MTUS or Non-MTUS.'
TITLE_REQUIRED = 'Row {row}, column "title": a title is required.'
TITLE_TOO_LONG = 'Row {row}, column "title": longer than 300 characters.'
NUL_IN_CELL = 'Row {row}, column "{column}": contains a NUL character, which no text may hold.'
BAD_CSV = "Row {row}: {error}. Nothing after it was read."
CELL_TOO_LONG = "a cell is longer than {limit:,} characters"
TOO_MANY_ROWS = "The file has more than {limit:,} rows: split it into smaller files."
UNKNOWN_RANK = 'Row {row}, column "evidence_rank": {value!r} is not one of A, B, C, D, E, F (or empty).'
BAD_ACTIVE = 'Row {row}, column "active": {value!r} is not true or false (yes/no, 1/0; empty means true).'
DUPLICATE_ROW = 'Row {row}, column "title": same source and title as row {first}.'

# Spreadsheets run a cell starting with these as a formula (CSV injection): the export prefixes such a cell with a
# single quote, which spreadsheets show as text, and the import takes that quote off again.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# A whole library is a few hundred entries. The bound keeps one import a web request can finish well within a
# worker's timeout (10,000 new entries take a few seconds; 60,000 took minutes one by one and got the worker
# killed); a larger file is refused at once, before anything is written. Rows go in batches with their history.
MAX_ROWS = 10_000
BATCH_SIZE = 1000

_SOURCES = {"mtus": Guideline.Source.MTUS, "nonmtus": Guideline.Source.NON_MTUS}
_TRUE = {"", "true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


class GuidelineImportError(ValidationError):
    """The file was refused; every message names the row and column. Nothing was written."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def csv_safe_cell(value: str) -> str:
    """``value`` as a spreadsheet shows it as text: a leading formula character gets a single quote before it."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _unquote_cell(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES) else value


def guideline_csv_export(queryset) -> str:
    """The given library entries as CSV text (the import format)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for g in queryset.order_by("source", "normalized_title"):
        aliases = "|".join(line.strip() for line in g.aliases.splitlines() if line.strip())
        row = [g.source, g.title, g.evidence_rank, aliases, "true" if g.active else "false"]
        writer.writerow([csv_safe_cell(cell) for cell in row])
    return out.getvalue()


def _parse(data) -> list[dict]:
    """Validate every row; return the clean rows or raise with every error found."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise GuidelineImportError(NOT_UTF8) from exc
    reader = csv.DictReader(io.StringIO(data))
    try:
        reader.fieldnames  # noqa: B018 - reads the header row
    except csv.Error as exc:
        raise GuidelineImportError(BAD_CSV.format(row=1, error=_csv_error(exc))) from exc
    if not reader.fieldnames:
        raise GuidelineImportError(EMPTY_FILE)
    if any("\x00" in (name or "") for name in reader.fieldnames):
        raise GuidelineImportError(NUL_IN_CELL.format(row=1, column="header"))
    header = [(name or "").strip().lower() for name in reader.fieldnames]
    reader.fieldnames = header
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise GuidelineImportError(MISSING_COLUMNS.format(columns=", ".join(f'"{c}"' for c in missing)))

    errors, rows, seen = [], [], {}
    for number, raw in _numbered_rows(reader):
        values = {c: _unquote_cell((raw.get(c) or "").strip()) for c in CSV_COLUMNS}
        if not any(values.values()):
            continue  # blank line
        row_errors = [NUL_IN_CELL.format(row=number, column=c) for c in CSV_COLUMNS if "\x00" in values[c]]
        if row_errors:
            errors += row_errors
            continue
        source = _SOURCES.get(values["source"].casefold().replace("-", "").replace(" ", ""))
        if source is None:
            row_errors.append(UNKNOWN_SOURCE.format(row=number, value=values["source"]))
        title = fold_whitespace(values["title"])
        if not title:
            row_errors.append(TITLE_REQUIRED.format(row=number))
        elif len(normalize_title(title)) > 300:  # the matching key must fit too (casefold() can grow a title)
            row_errors.append(TITLE_TOO_LONG.format(row=number))
        rank = values["evidence_rank"].upper()
        if rank and rank not in Guideline.EvidenceRank.values:
            row_errors.append(UNKNOWN_RANK.format(row=number, value=values["evidence_rank"]))
        active = values["active"].casefold()
        if active not in _TRUE | _FALSE:
            row_errors.append(BAD_ACTIVE.format(row=number, value=values["active"]))
        if not row_errors:
            key = (source, normalize_title(title))
            if key in seen:
                row_errors.append(DUPLICATE_ROW.format(row=number, first=seen[key]))
            seen.setdefault(key, number)
        errors += row_errors
        if not row_errors:
            aliases = "\n".join(a.strip() for a in values["aliases"].split("|") if a.strip())
            rows.append(
                {"source": source, "title": title, "evidence_rank": rank, "aliases": aliases, "active": active in _TRUE}
            )
    if errors:
        raise GuidelineImportError(errors)
    return rows


def _numbered_rows(reader):
    """The reader's rows with their spreadsheet row numbers; a row the csv module cannot read (a cell over its
    field limit) or one row too many is refused with its number."""
    number = 1
    try:
        for number, raw in enumerate(reader, start=2):
            if number > MAX_ROWS + 1:
                raise GuidelineImportError(TOO_MANY_ROWS.format(limit=MAX_ROWS))
            yield number, raw
    except csv.Error as exc:
        raise GuidelineImportError(BAD_CSV.format(row=number + 1, error=_csv_error(exc))) from exc


def _csv_error(exc: csv.Error) -> str:
    return CELL_TOO_LONG.format(limit=csv.field_size_limit()) if "field limit" in str(exc) else str(exc)


def guideline_csv_import(*, data, actor=None) -> ImportResult:
    """Import the CSV ``data`` (bytes or text): every row valid or nothing written."""
    rows = _parse(data)
    result = ImportResult()
    with transaction.atomic():
        existing = {
            (g.source, g.normalized_title): g
            for g in Guideline.objects.select_for_update().filter(
                normalized_title__in={normalize_title(r["title"]) for r in rows}
            )
        }
        created, updated = [], []
        for row in rows:
            guideline = existing.get((row["source"], normalize_title(row["title"])))
            if guideline is None:
                created.append(Guideline(**row, normalized_title=normalize_title(row["title"])))
                continue
            changed = False
            for name in ("title", "evidence_rank", "aliases", "active"):
                if getattr(guideline, name) != row[name]:
                    setattr(guideline, name, row[name])
                    changed = True
            if changed:
                guideline.normalized_title = normalize_title(guideline.title)
                updated.append(guideline)
            else:
                result.unchanged += 1
        # In batches, each with its history row (what Guideline.save and the history middleware would write).
        bulk_create_with_history(created, Guideline, batch_size=BATCH_SIZE, default_user=actor)
        bulk_update_with_history(
            updated, Guideline, ["title", "normalized_title", "evidence_rank", "aliases", "active"],
            batch_size=BATCH_SIZE, default_user=actor,
        )  # fmt: skip
        result.created, result.updated = len(created), len(updated)
    return result
