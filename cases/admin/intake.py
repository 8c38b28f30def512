"""Intake on one page: the case with its worker and claim, parties, disputed items with their claims administrator
citations, treatment history and documents, all inlines (no pop-up windows, no page per item)."""

import nested_admin
from django import forms
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper

from ..models import Case, DisputedItem, Document, Party, Sex, TreatmentEvent
from . import forms as admin_forms
from .case_file import CitationInline, FrozenContentInlineMixin, FrozenDeleteMixin
from .preload import PreloadedInlineFormSet

# What the intake form says (exact texts; the tests check them).
CLAIM_OR_NEW_WORKER = (
    "Pick the worker's claim on file, or enter the injured worker (at least a last name) and the date of injury of "
    "a new claim."
)
CLAIM_AND_NEW_WORKER = "Pick a claim on file or enter a new worker and claim, not both."

# The new worker's and claim's fields on the intake form: form field -> (model, field).
NEW_WORKER_FIELDS = {
    "worker_first_name": "first_name",
    "worker_last_name": "last_name",
    "worker_date_of_birth": "date_of_birth",
    "worker_age": "age",
    "worker_sex": "sex",
}
NEW_CLAIM_FIELDS = {"claim_number": "claim_number", "date_of_injury": "date_of_injury"}
INTAKE_FIELDS = ("claim", *NEW_WORKER_FIELDS, *NEW_CLAIM_FIELDS)


# The application's own fields, entered at intake (the worker and the claim have fieldsets of their own).
APPLICATION_FIELDS = (
    "case_number",
    "priority",
    "application_received",
    "ur_decision_date",
    "ur_organization",
    "parent",
)

INTAKE_FIELDSETS = [
    (
        "Application",
        {
            "fields": APPLICATION_FIELDS,
            "description": "A new application starts as 'Application received'. Everything after that is done with "
            "the lifecycle buttons on the case page or the actions of the case list. Dates are MM/DD/YYYY.",
        },
    ),
    (
        "Injured worker and claim",
        {
            "fields": INTAKE_FIELDS,
            "description": "Pick the claim if it is already on file; otherwise enter the worker and the new claim "
            "here (no need to leave this page).",
        },
    ),
]


class NoRelatedPopupsMixin:
    """Related fields without the "+" / pencil / eye links that open pop-up windows: the case page has an inline or
    an autocomplete for each of them."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if isinstance(widget, RelatedFieldWidgetWrapper):
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return formfield


class CaseIntakeForm(forms.ModelForm):
    """A new application: on a claim already on file, or on a new claim of a new worker, entered right here."""

    worker_first_name = forms.CharField(label="Worker's first name", max_length=100, required=False)
    worker_last_name = forms.CharField(label="Worker's last name", max_length=100, required=False)
    worker_date_of_birth = forms.DateField(label="Date of birth", required=False, help_text="MM/DD/YYYY.")
    worker_age = forms.IntegerField(
        label="Age", min_value=0, max_value=120, required=False, help_text="Only when the date of birth is unknown."
    )
    worker_sex = forms.ChoiceField(label="Sex", choices=Sex.choices, initial=Sex.UNKNOWN, required=False)
    claim_number = forms.CharField(label="Claim number", max_length=60, required=False)
    date_of_injury = forms.DateField(label="Date of injury", required=False, help_text="MM/DD/YYYY.")

    class Meta:
        model = Case
        fields = (*APPLICATION_FIELDS, "claim")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "claim" in self.fields:
            self.fields["claim"].required = False
            self.fields["claim"].help_text = "A claim already on file (search by claim number or worker)."

    def clean(self):
        cleaned = super().clean()
        new_worker = any(
            cleaned.get(name) not in (None, "", Sex.UNKNOWN) for name in (*NEW_WORKER_FIELDS, *NEW_CLAIM_FIELDS)
        )
        if cleaned.get("claim") is not None:
            if new_worker:
                raise forms.ValidationError(CLAIM_AND_NEW_WORKER)
        elif not (cleaned.get("worker_last_name") or "").strip() or cleaned.get("date_of_injury") is None:
            raise forms.ValidationError(CLAIM_OR_NEW_WORKER)
        return cleaned

    def new_worker(self) -> dict:
        """The new worker's fields, as ``case_intake`` takes them (valid forms only)."""
        data = {field: self.cleaned_data[name] for name, field in NEW_WORKER_FIELDS.items()}
        return data | {"sex": data["sex"] or Sex.UNKNOWN}

    def new_claim(self) -> dict:
        return {field: self.cleaned_data[name] for name, field in NEW_CLAIM_FIELDS.items()}


class PartyInline(NoRelatedPopupsMixin, nested_admin.NestedTabularInline):
    model = Party
    extra = 0
    fields = ("role", "name", "address", "email")

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("widgets", {"address": forms.Textarea(attrs={"rows": 3, "cols": 30})})
        return super().get_formset(request, obj, **kwargs)


class CaseCitationInline(NoRelatedPopupsMixin, CitationInline):
    """The claims administrator's citations of one disputed item, inside the item on the case page."""

    classes = ("citations",)
    formset = PreloadedInlineFormSet  # the case page loads every item's citations in one query (cases.admin.preload)


class DisputedItemInline(NoRelatedPopupsMixin, FrozenContentInlineMixin, nested_admin.NestedStackedInline):
    model = DisputedItem
    extra = 0
    fields = ("order", "title", "specialty", "ur_outcome", "ur_modified_to", "decision", "rationale")
    readonly_fields = ("decision", "rationale")
    autocomplete_fields = ("specialty",)
    inlines = [CaseCitationInline]

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("widgets", {"title": forms.Textarea(attrs={"rows": 2, "cols": 60})})
        return super().get_formset(request, obj, **kwargs)


class TreatmentEventInline(nested_admin.NestedTabularInline):
    model = TreatmentEvent
    extra = 0
    fields = ("order", "date", "kind", "description")

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("widgets", {"description": forms.Textarea(attrs={"rows": 2, "cols": 40})})
        return super().get_formset(request, obj, **kwargs)


class DocumentInline(FrozenDeleteMixin, nested_admin.NestedStackedInline):
    model = Document
    form = admin_forms.DocumentForm
    extra = 0
    fieldsets = [
        (None, {"fields": (("doc_type", "title"), ("author", "document_date", "received_date", "pages"), "file")})
    ]
    show_change_link = True
