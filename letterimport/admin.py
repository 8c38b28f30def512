"""Imports of published letters in the admin: read-only (the importer writes them), searchable by case, file name and
SHA-256; the case page's records panel shows them as a table of ``LetterImportInline``'s columns
(``cases.admin.records``)."""

from django.contrib import admin

from cases.admin.common import CaseAccessLogMixin, ReadOnlyAdminMixin, ReadOnlyInline

from .models import LetterImport

FIELDS = ("case", "file_name", "sha256", "layout", "importer_version", "imported_at", "document")


@admin.register(LetterImport)
class LetterImportAdmin(CaseAccessLogMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("file_name", "case", "layout", "importer_version", "imported_at")
    list_select_related = ("case",)
    list_filter = ("layout", "importer_version")
    search_fields = ("case__case_number", "file_name", "sha256")
    date_hierarchy = "imported_at"
    fields = FIELDS
    readonly_fields = FIELDS


class LetterImportInline(ReadOnlyInline):
    """On the case page: where an imported case came from."""

    model = LetterImport
    verbose_name_plural = "imported from published letters"
    fields = ("file_name", "sha256", "layout", "importer_version", "imported_at", "document")
    readonly_fields = fields
