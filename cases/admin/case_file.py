"""The rest of the case file in the admin: workers, claims, parties, history, documents, items and citations,
and the records only services write (determinations, assignments, events, the access log), read-only.
"""

import nested_admin
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

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
from ..services.review import (
    case_content_changed,
    case_content_frozen,
    case_content_lock,
    case_content_refusal,
)
from . import forms as admin_forms
from .common import (
    CaseAccessLogMixin,
    HistoryAdmin,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    RefusalAsMessageMixin,
    ReviewerFilter,
    ReviewerLabelMixin,
)


def _case_of(obj):
    """The case a citation, an item, a document or a case (an inline's parent) belongs to."""
    if isinstance(obj, Citation):
        return obj.item.case
    if isinstance(obj, DisputedItem | Document):
        return obj.case if obj.case_id else None  # a new item of a new case (an inline's empty form)
    return obj


class FrozenContentMixin:
    """Read-only (no change, add or delete) once the case's content is frozen in a determination."""

    def _frozen(self, obj):
        case = _case_of(obj) if obj is not None else None
        return case is not None and case_content_frozen(case)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class FrozenDeleteMixin(FrozenContentMixin):
    """Records a signed determination may rest on (documents): editable, never deleted once the case is frozen."""

    def has_change_permission(self, request, obj=None):
        return super(FrozenContentMixin, self).has_change_permission(request, obj)


class FrozenContentInlineMixin(FrozenContentMixin):
    """An inline whose parent (``obj``) is the case or the item."""

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def get_queryset(self, request):
        # The permission checks read each row's case (``_case_of``): joined here, not fetched once per row.
        queryset = super().get_queryset(request)
        if queryset.model is Citation:
            return queryset.select_related("item__case")
        if queryset.model in (DisputedItem, Document):
            return queryset.select_related("case")
        return queryset


# Workers and claims ---------------------------------------------------------------------------------------------


@admin.register(InjuredWorker)
class InjuredWorkerAdmin(HistoryAdmin):
    list_display = ("__str__", "last_name", "first_name", "date_of_birth", "sex")
    search_fields = ("last_name", "first_name")
    list_filter = ("sex",)


@admin.register(Claim)
class ClaimAdmin(HistoryAdmin):
    list_display = ("__str__", "worker", "date_of_injury")
    list_select_related = ("worker",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("worker")  # the autocomplete's labels name the worker

    search_fields = ("claim_number", "worker__last_name", "worker__first_name")
    autocomplete_fields = ("worker",)
    date_hierarchy = "date_of_injury"


# The rest of the case file --------------------------------------------------------------------------------------


@admin.register(Party)
class PartyAdmin(CaseAccessLogMixin, HistoryAdmin):
    list_display = ("name", "role", "case")
    list_select_related = ("case",)
    list_filter = ("role",)
    search_fields = ("name", "case__case_number")
    autocomplete_fields = ("case",)


@admin.register(TreatmentEvent)
class TreatmentEventAdmin(CaseAccessLogMixin, HistoryAdmin):
    list_display = ("case", "date", "kind", "short_description")
    list_select_related = ("case",)
    list_filter = ("kind",)
    search_fields = ("case__case_number", "description")
    autocomplete_fields = ("case",)

    @admin.display(description="description")
    def short_description(self, obj):
        return obj.description[:80]


@admin.register(Document)
class DocumentAdmin(CaseAccessLogMixin, FrozenDeleteMixin, HistoryAdmin):
    list_display = ("title", "doc_type", "case", "author", "document_date", "received_date", "pages")
    list_select_related = ("case",)
    list_filter = ("doc_type",)
    search_fields = ("title", "author", "case__case_number")
    autocomplete_fields = ("case",)
    readonly_fields = ("size", "sha256", "text_status", "created")
    form = admin_forms.DocumentForm


@admin.register(DocumentReview)
class DocumentReviewAdmin(ReviewerLabelMixin, CaseAccessLogMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The reviewer's own "reviewed" ticks (they satisfy a sign-off rule and feed the letter): read-only here."""

    case_path = "document__case"
    list_display = ("document", "reviewer_label", "reviewed_at")
    list_filter = (ReviewerFilter,)
    list_select_related = ("document", "reviewer")
    search_fields = ("document__title", "document__case__case_number", "reviewer__reference")
    autocomplete_fields = ("document", "reviewer")


# Disputed items and citations: the reviewer owns decisions and rationales (through the workspace, which keeps the
# revision check); the admin edits the rest while the case is open, and nothing once the case is signed.


class CaseContentAdmin(RefusalAsMessageMixin, CaseAccessLogMixin, FrozenContentMixin, HistoryAdmin):
    """Saving or deleting through these pages moves the case's revision on (``case_content_changed``), so the
    reviewer's open form is refused as stale rather than overwriting the change."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a bulk delete would skip the per-case freeze and revision
        return actions

    def save_model(self, request, obj, form, change):
        case_content_lock(case=_case_of(obj))  # before writing: a signature in progress is waited for, then refused
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change or form.has_changed() or any(formset.has_changed() for formset in formsets):
            case_content_changed(case=_case_of(form.instance))

    def delete_model(self, request, obj):
        case = _case_of(obj)
        case_content_lock(case=case)
        super().delete_model(request, obj)
        case_content_changed(case=case)


class CaseContentForm(forms.ModelForm):
    """Refuses to add or move content onto a case whose content is frozen."""

    case_field = "case"

    def clean(self):
        cleaned = super().clean()
        parent = cleaned.get(self.case_field)
        if parent is not None:
            refusal = case_content_refusal(_case_of(parent) if isinstance(parent, DisputedItem) else parent)
            if refusal:
                raise ValidationError(refusal)
        return cleaned


class DisputedItemForm(CaseContentForm):
    class Meta:
        model = DisputedItem
        fields = ("case", "order", "title", "specialty", "ur_outcome", "ur_modified_to")


class CitationForm(CaseContentForm):
    """The claims administrator's citations (from the UR decision). The expert reviewer's citations are part of the
    reviewer's draft, written only through the workspace: the admin never creates or changes them."""

    case_field = "item"

    class Meta:
        model = Citation
        fields = ("item", "guideline", "sections", "pages", "order")

    def clean(self):
        self.instance.side = Citation.Side.CLAIMS_ADMINISTRATOR
        return super().clean()


class CitationInlineForm(forms.ModelForm):
    class Meta:
        model = Citation
        fields = ("order", "guideline", "sections", "pages")
        # Sections have no length limit (a text column) but read as one line in a row of the table.
        widgets = {"sections": forms.TextInput(attrs={"size": 40})}

    def clean(self):
        self.instance.side = Citation.Side.CLAIMS_ADMINISTRATOR
        return super().clean()


class CitationInline(FrozenContentInlineMixin, nested_admin.NestedTabularInline):
    model = Citation
    form = CitationInlineForm
    verbose_name = "claims administrator citation"
    extra = 0
    fields = ("order", "guideline", "sections", "pages")
    autocomplete_fields = ("guideline",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(side=Citation.Side.CLAIMS_ADMINISTRATOR)


class ReviewerCitationInline(ReadOnlyInline):
    """The expert reviewer's citations, shown for reference: they belong to the reviewer's draft."""

    model = Citation
    verbose_name = "expert reviewer citation"
    fields = ("order", "guideline", "sections", "pages")
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(side=Citation.Side.IMRO).select_related("guideline")


@admin.register(DisputedItem)
class DisputedItemAdmin(nested_admin.NestedModelAdminMixin, CaseContentAdmin):
    form = DisputedItemForm
    list_display = ("__str__", "case", "specialty", "decision")
    list_select_related = ("case", "specialty")
    list_filter = ("decision", "specialty")
    search_fields = ("title", "case__case_number")
    autocomplete_fields = ("case", "specialty")
    readonly_fields = ("decision", "rationale")  # the reviewer's, written through the workspace
    inlines = [CitationInline, ReviewerCitationInline]


@admin.register(Citation)
class CitationAdmin(CaseContentAdmin):
    case_path = "item__case"
    form = CitationForm
    list_display = ("__str__", "side", "item", "guideline")
    list_select_related = ("item", "guideline")
    list_filter = ("side", "guideline__source")
    search_fields = ("guideline__title", "item__title", "item__case__case_number")
    autocomplete_fields = ("item", "guideline")

    def has_change_permission(self, request, obj=None):
        return not _is_reviewers(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_reviewers(obj) and super().has_delete_permission(request, obj)


def _is_reviewers(citation):
    return citation is not None and citation.side == Citation.Side.IMRO


# Written by services only: read-only --------------------------------------------------------------------------


@admin.register(Determination)
class DeterminationAdmin(ReviewerLabelMixin, CaseAccessLogMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("case", "version", "origin", "reviewer_label", "signed_at", "decision_date", "superseded_by")
    list_select_related = ("case", "reviewer", "superseded_by")
    list_filter = ("origin", ReviewerFilter)
    search_fields = ("case__case_number",)
    date_hierarchy = "signed_at"


@admin.register(Assignment)
class AssignmentAdmin(ReviewerLabelMixin, CaseAccessLogMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("case", "reviewer_label", "cycle", "assigned_at", "assigned_by", "ended_at", "end_reason")
    list_select_related = ("case", "reviewer", "assigned_by")
    list_filter = ("ended_at", ReviewerFilter)
    search_fields = ("case__case_number", "reviewer__reference")
    date_hierarchy = "assigned_at"


@admin.register(CaseEvent)
class CaseEventAdmin(CaseAccessLogMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
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
