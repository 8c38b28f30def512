"""Provenance of a case imported from a published Final Determination Letter."""

from django.db import models

from cases.models import Case, Document


class LetterImport(models.Model):
    """One import of one letter file: which file (name and SHA-256), read as which layout, by which version of the
    importer, when. A replace adds a new row; the rows of a case are its import history."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="letter_imports")
    document = models.OneToOneField(
        Document,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letter_import",
        help_text="The original PDF, kept as a case document (none when the letter was imported from its text).",
    )
    file_name = models.CharField(max_length=255, help_text="The file's name as imported (without its folder).")
    sha256 = models.CharField(
        "SHA-256", max_length=64, db_index=True, help_text="Of the file's bytes; a second run skips a file seen before."
    )
    layout = models.CharField(max_length=60, help_text="The published letter layout the importer recognised.")
    importer_version = models.CharField(max_length=20)
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = "published letter import"

    def __str__(self):
        return f"{self.file_name} → {self.case.case_number}"
