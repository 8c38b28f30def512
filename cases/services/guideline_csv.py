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

from ..models import Guideline, fold_whitespace, normalize_title

CSV_COLUMNS = ("source", "title", "evidence_rank", "aliases", "active")

NOT_UTF8 = "The file is not UTF-8 text."
EMPTY_FILE = "The file is empty: expected a header row source,title,evidence_rank,aliases,active."
MISSING_COLUMNS = "Header: missing column(s) {columns}."
UNKNOWN_SOURCE = 'Row {row}, column "source": unknown source {value!r}; expected MTUS or Non-MTUS.'
TITLE_REQUIRED = 'Row {row}, column "title": a title is required.'
TITLE_TOO_LONG = 'Row {row}, column "title": longer than 300 characters.'
UNKNOWN_RANK = 'Row {row}, column "evidence_rank": {value!r} is not one of A, B, C, D, E, F (or empty).'
BAD_ACTIVE = 'Row {row}, column "active": {value!r} is not true or false (yes/no, 1/0; empty means true).'
DUPLICATE_ROW = 'Row {row}, column "title": same source and title as row {first}.'

# Spreadsheets run a cell starting with these as a formula (CSV injection): the export prefixes such a cell with a
# single quote, which spreadsheets show as text, and the import takes that quote off again.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

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
    if not reader.fieldnames:
        raise GuidelineImportError(EMPTY_FILE)
    header = [(name or "").strip().lower() for name in reader.fieldnames]
    reader.fieldnames = header
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise GuidelineImportError(MISSING_COLUMNS.format(columns=", ".join(f'"{c}"' for c in missing)))

    errors, rows, seen = [], [], {}
    for number, raw in enumerate(reader, start=2):
        values = {c: _unquote_cell((raw.get(c) or "").strip()) for c in CSV_COLUMNS}
        if not any(values.values()):
            continue  # blank line
        row_errors = []
        source = _SOURCES.get(values["source"].casefold().replace("-", "").replace(" ", ""))
        if source is None:
            row_errors.append(UNKNOWN_SOURCE.format(row=number, value=values["source"]))
        title = fold_whitespace(values["title"])
        if not title:
            row_errors.append(TITLE_REQUIRED.format(row=number))
        elif len(title) > 300:
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


def guideline_csv_import(*, data) -> ImportResult:
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
        for row in rows:
            guideline = existing.get((row["source"], normalize_title(row["title"])))
            if guideline is None:
                Guideline.objects.create(**row)
                result.created += 1
                continue
            changed = False
            for name in ("title", "evidence_rank", "aliases", "active"):
                if getattr(guideline, name) != row[name]:
                    setattr(guideline, name, row[name])
                    changed = True
            if changed:
                guideline.save()
                result.updated += 1
            else:
                result.unchanged += 1
    return result
