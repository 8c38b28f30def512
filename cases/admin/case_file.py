"""The rest of the case file in the admin: workers, claims, parties, history, documents, items and citations,
and the records only services write (determinations, assignments, events, the access log), read-only.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ..models import (
    Assignment,
    CaseAccess,
    CaseEvent,
    Citation,
    Claim,
    Determination,
    DisputedItem,
    Document,
    DocumentReview,
    InjuredWorker,
    Party,
    TreatmentEvent,
)
from .common import ReadOnlyAdminMixin

# Workers and claims ---------------------------------------------------------------------------------------------


@admin.register(InjuredWorker)
class InjuredWorkerAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "last_name", "first_name", "date_of_birth", "sex")
    search_fields = ("last_name", "first_name")
    list_filter = ("sex",)


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "worker", "date_of_injury")
    list_select_related = ("worker",)
    search_fields = ("claim_number", "worker__last_name", "worker__first_name")
    autocomplete_fields = ("worker",)
    date_hierarchy = "date_of_injury"


# The rest of the case file --------------------------------------------------------------------------------------


@admin.register(Party)
class PartyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "role", "case")
    list_select_related = ("case",)
    list_filter = ("role",)
    search_fields = ("name", "case__case_number")
    autocomplete_fields = ("case",)


@admin.register(TreatmentEvent)
class TreatmentEventAdmin(admin.ModelAdmin):
    list_display = ("case", "date", "kind", "short_description")
    list_select_related = ("case",)
    list_filter = ("kind",)
    search_fields = ("case__case_number", "description")
    autocomplete_fields = ("case",)

    @admin.display(description="description")
    def short_description(self, obj):
        return obj.description[:80]


@admin.register(Document)
class DocumentAdmin(SimpleHistoryAdmin):
    list_display = ("title", "doc_type", "case", "author", "document_date", "received_date", "pages")
    list_select_related = ("case",)
    list_filter = ("doc_type",)
    search_fields = ("title", "author", "case__case_number")
    autocomplete_fields = ("case",)
    readonly_fields = ("size", "sha256", "created")


@admin.register(DocumentReview)
class DocumentReviewAdmin(admin.ModelAdmin):
    list_display = ("document", "reviewer", "reviewed_at")
    list_select_related = ("document", "reviewer")
    search_fields = ("document__title", "document__case__case_number", "reviewer__reference")
    autocomplete_fields = ("document", "reviewer")


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 0
    fields = ("side", "order", "guideline", "sections", "pages")
    autocomplete_fields = ("guideline",)


@admin.register(DisputedItem)
class DisputedItemAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "case", "specialty", "decision")
    list_select_related = ("case", "specialty")
    list_filter = ("decision", "specialty")
    search_fields = ("title", "case__case_number")
    autocomplete_fields = ("case", "specialty")
    inlines = [CitationInline]


@admin.register(Citation)
class CitationAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "side", "item", "guideline")
    list_select_related = ("item", "guideline")
    list_filter = ("side", "guideline__source")
    search_fields = ("guideline__title", "item__title", "item__case__case_number")
    autocomplete_fields = ("item", "guideline")


# Written by services only: read-only --------------------------------------------------------------------------


@admin.register(Determination)
class DeterminationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("case", "version", "origin", "reviewer", "signed_at", "decision_date", "superseded_by")
    list_select_related = ("case", "reviewer", "superseded_by")
    list_filter = ("origin",)
    search_fields = ("case__case_number",)
    date_hierarchy = "signed_at"


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("case", "reviewer", "cycle", "assigned_at", "assigned_by", "ended_at", "end_reason")
    list_select_related = ("case", "reviewer", "assigned_by")
    list_filter = ("ended_at",)
    search_fields = ("case__case_number", "reviewer__reference")
    date_hierarchy = "assigned_at"


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "case", "kind", "from_status", "to_status", "actor", "note")
    list_select_related = ("case", "actor")
    list_filter = ("kind", "to_status")
    search_fields = ("case__case_number", "note")
    date_hierarchy = "at"


@admin.register(CaseAccess)
class CaseAccessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The PHI access log: who opened which case, and when. Nobody edits or deletes it."""

    list_display = ("at", "user", "case", "path")
    list_select_related = ("user", "case")
    list_filter = ("at", ("user", admin.RelatedOnlyFieldListFilter))
    search_fields = ("case__case_number", "user__username")
    date_hierarchy = "at"
