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


def letter_imported(sha256: str) -> LetterImport | None:
    """The latest import of a file with these bytes, if any."""
    return LetterImport.objects.filter(sha256=sha256).select_related("case").first()


def case_exists(case_number: str) -> bool:
    return Case.objects.filter(case_number=case_number).exists()
