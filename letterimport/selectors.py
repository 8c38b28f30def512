"""Reads for the letter importer."""

from cases.models import Case, Guideline

from .models import LetterImport
from .parser import Library


def guideline_library() -> Library:
    """The guideline library's titles and aliases, for telling citations apart in a guideline line."""
    entries, aliases = [], []
    for source, title, alias_lines in Guideline.objects.values_list("source", "title", "aliases"):
        entries.append((source, title))
        aliases += [(source, alias, title) for alias in alias_lines.splitlines() if alias.strip()]
    return Library(entries, aliases)


def letters_imported(sha256s) -> dict[str, LetterImport]:
    """The latest import of each file with these bytes, by SHA-256 (one query)."""
    latest = {}
    for row in (
        LetterImport.objects.filter(sha256__in=set(sha256s)).select_related("case").order_by("imported_at", "id")
    ):
        latest[row.sha256] = row
    return latest


def cases_existing(case_numbers) -> set[str]:
    """Which of these case numbers exist (one query)."""
    return set(Case.objects.filter(case_number__in=set(case_numbers)).values_list("case_number", flat=True))
