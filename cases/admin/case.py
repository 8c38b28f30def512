"""The case in the admin: changelist, change page with timeline and suggestions; the lifecycle buttons, pages and
bulk actions come from ``CaseLifecycleMixin`` (``case_lifecycle``, built from the table of moves).

Nothing here assigns a status or a deadline. Fields a transition owns are read-only.
"""

import nested_admin
from django import forms
from django.contrib import admin
from django.utils import timezone

from ..models import Case, Status
from ..selectors import (
    annotate_running_deadline,
    cases_visible_to,
)
from .case_display import (  # noqa: F401 - the messages are part of this page
    NO_REVIEWER_ON_FILE,
    SUGGESTIONS_NOT_NOW,
    CaseDisplaysMixin,
)
from .case_fieldsets import CASE_FIELDSETS, DISPLAY_FIELDS, TRANSITION_FIELDS
from .case_lifecycle import CaseLifecycleMixin
from .case_list import CaseListColumnsMixin, ClockFilter, DeadlineFilter, InactiveReviewerFilter, ReviewerWaitFilter
from .case_saving import CaseSaveMixin
from .changelist import LargeTableAdminMixin
from .common import (
    CaseAccessLogMixin,
    HistoryAdmin,
    RefusalAsMessageMixin,
    ReviewerFilter,
    ReviewerLabelMixin,
)
from .intake import (
    INTAKE_FIELDSETS,
    CaseIntakeForm,
    DisputedItemInline,
    DocumentInline,
    NoRelatedPopupsMixin,
    PartyInline,
    TreatmentEventInline,
)
from .panels import case_panel_urls
from .preload import CasePreloadMixin

# The case -------------------------------------------------------------------------------------------------------


@admin.register(Case)
class CaseAdmin(
    CaseLifecycleMixin,
    LargeTableAdminMixin,
    RefusalAsMessageMixin,
    ReviewerLabelMixin,
    CaseListColumnsMixin,
    CaseDisplaysMixin,
    CaseSaveMixin,
    CaseAccessLogMixin,
    CasePreloadMixin,
    NoRelatedPopupsMixin,
    nested_admin.NestedModelAdminMixin,
    HistoryAdmin,
):
    list_display = (
        "case_number",
        "worker_name",
        "status",
        "priority",
        "reviewer_label",
        "running_deadline",
        "deadline_days_left",
        "days_waiting",
    )
    list_filter = (
        "status",
        "priority",
        DeadlineFilter,
        ReviewerFilter,
        InactiveReviewerFilter,
        ClockFilter,
        ReviewerWaitFilter,
        ("application_received", admin.DateFieldListFilter),
    )
    # Shown for the search box; the search itself is LargeTableAdminMixin's (an index serves every form of it).
    search_fields = ("case_number", "claim__claim_number", "claim__worker__last_name", "parties__name")
    list_select_related = ("reviewer__user", "claim__worker")
    # No date_hierarchy: its SELECT DISTINCT over every case's date grows with the table. A date filter is free.
    autocomplete_fields = ("claim", "parent")
    change_form_template = "admin/cases/case/change_form.html"
    case_path = ""  # the case itself

    class Media:
        js = ("vendor/htmx-2.0.11/htmx.min.js", "js/htmx-config.js")  # the live letter status polls with htmx

    form = CaseIntakeForm

    def get_queryset(self, request):
        # The one visibility rule here too: the admin's view right alone does not show every case.
        visible = super().get_queryset(request) & cases_visible_to(request.user)
        return annotate_running_deadline(visible, timezone.localdate())

    def get_fieldsets(self, request, obj=None):
        return INTAKE_FIELDSETS if obj is None else CASE_FIELDSETS

    def has_delete_permission(self, request, obj=None):
        return False  # cases are closed, withdrawn or terminated with a reason, never deleted (STYLE.md 10)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # Priority changes only by conversion to expedited once the case exists. The case number, the claim and the
        # parent case identify the application: fixed once it has moved past "received" (notices, the timeline and
        # the letter name them).
        identity = ("case_number", "claim", "parent") if obj.status != Status.RECEIVED else ()
        return (*TRANSITION_FIELDS, *DISPLAY_FIELDS, "priority", "clinical_summary", *identity)

    # The read-only records (assignments, determinations, notices, proof of service, letter imports) are a panel
    # (cases.admin.records): as inlines they built a formset and a form per row to show rows nobody edits here.
    inlines = [PartyInline, DisputedItemInline, TreatmentEventInline, DocumentInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["form"] = forms.ModelForm  # the intake's worker and claim fields are for a new case only
        return super().get_form(request, obj, change, **kwargs)

    def get_urls(self):
        return [*case_panel_urls(self), *super().get_urls()]
