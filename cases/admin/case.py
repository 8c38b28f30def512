"""The case in the admin: changelist, change page with timeline and suggestions; the lifecycle buttons, pages and
bulk actions come from ``CaseLifecycleMixin`` (``case_lifecycle``, built from the table of moves).

Nothing here assigns a status or a deadline. Fields a transition owns are read-only.
"""

import nested_admin
from django import forms
from django.contrib import admin
from django.utils import timezone

from letterimport.admin import LetterImportInline
from notices.admin_inlines import CASE_DOCUMENT_INLINES, documents_sent

from ..models import Assignment, Case, Citation, Determination, DisputedItem, Status
from ..selectors import (
    annotate_running_deadline,
    cases_held_by_inactive_reviewers,
    cases_visible_to,
)
from ..services.intake import case_intake
from ..services.review import case_content_changed, case_content_lock
from .case_display import (  # noqa: F401 - the messages are part of this page
    NO_REVIEWER_ON_FILE,
    SUGGESTIONS_NOT_NOW,
    injured_worker_html,
    recent_accesses_html,
    suggestions_html,
    timeline_html,
)
from .case_lifecycle import CaseLifecycleMixin
from .case_list import CaseListColumnsMixin, ClockFilter, DeadlineFilter, ReviewerWaitFilter
from .changelist import LargeTableAdminMixin
from .common import (
    CaseAccessLogMixin,
    HistoryAdmin,
    ReadOnlyInline,
    RefusalAsMessageMixin,
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
from .letters import letter_live_status

# The case -------------------------------------------------------------------------------------------------------


class InactiveReviewerFilter(admin.SimpleListFilter):
    """Open cases whose reviewer was made inactive: the reviewer can no longer open or sign them; reassign them."""

    title = "reviewer inactive"
    parameter_name = "reviewer_inactive"

    def lookups(self, request, model_admin):
        return [("yes", "Held by an inactive reviewer (reassign)")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return cases_held_by_inactive_reviewers(queryset)
        return queryset


class AssignmentInline(ReviewerLabelMixin, ReadOnlyInline):
    model = Assignment
    fields = ("reviewer_label", "cycle", "assigned_at", "assigned_by", "ended_at", "end_reason")
    readonly_fields = fields
    verbose_name_plural = "assignments (history)"


class DeterminationInline(ReviewerLabelMixin, ReadOnlyInline):
    model = Determination
    fields = ("version", "origin", "reviewer_label", "signed_at", "decision_date", "content_hash", "superseded_by")
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(
    CaseLifecycleMixin,
    LargeTableAdminMixin,
    RefusalAsMessageMixin,
    ReviewerLabelMixin,
    CaseListColumnsMixin,
    CaseAccessLogMixin,
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
    # What transitions own: shown, never edited here.
    lifecycle_fields = (
        "status",
        "found_eligible_at",
        "status_reason",
        "ineligibility_code",
        "fee_tier",
        "reviewer",
        "review_started_at",
        "review_cycle",
        "date_assigned",
        "notice_channel",
        "records_due",
        "records_complete",
        "decision_due",
        "extension_days",
        "extension_reason",
        "extension_approved_by",
    )
    display_fields = (
        "lifecycle_buttons",
        "injured_worker",
        "current_reviewer",
        "timeline",
        "assignment_suggestions",
        "recent_accesses",
        "letter_status",
        "documents",
    )

    class Media:
        js = ("vendor/htmx-2.0.11/htmx.min.js", "js/htmx-config.js")  # the live letter status polls with htmx

    form = CaseIntakeForm

    def get_queryset(self, request):
        # The one visibility rule here too: the admin's view right alone does not show every case.
        visible = super().get_queryset(request) & cases_visible_to(request.user)
        return annotate_running_deadline(visible, timezone.localdate())

    @admin.display(description="injured worker")
    def injured_worker(self, obj):
        return injured_worker_html(obj)

    @admin.display(description="current reviewer")
    def current_reviewer(self, obj):
        return self.reviewer_label(obj)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return INTAKE_FIELDSETS
        application = (
            None,
            {
                "fields": (
                    "case_number",
                    "injured_worker",
                    "claim",
                    "priority",
                    "application_received",
                    "ur_decision_date",
                    "parent",
                ),
            },
        )
        return [
            application,
            (
                "Lifecycle",
                {
                    "fields": (
                        "lifecycle_buttons",
                        "status",
                        "found_eligible_at",
                        "status_reason",
                        "ineligibility_code",
                        "fee_tier",
                    ),
                    "description": "received → eligibility review → found eligible → assigned → awaiting records → "
                    "in review → signed → issued → (appealed → remanded → assigned…); or eligibility review → "
                    "(ineligible → appealed → remanded → eligibility review | deferred). Any state before signing "
                    "may end as withdrawn or terminated.",
                },
            ),
            (
                "Reviewer",
                {"fields": ("current_reviewer", "review_started_at", "review_cycle", "assignment_suggestions")},
            ),
            (
                "Deadlines",
                {
                    "fields": (
                        "date_assigned",
                        "notice_channel",
                        "records_due",
                        "records_complete",
                        "decision_due",
                        "extension_days",
                        "extension_reason",
                        "extension_approved_by",
                    ),
                    "description": "Calendar days, Pacific time, recomputed on every event: records are due 15 days "
                    "after the assignment notice (12 if it went electronically, the next day when expedited); the "
                    "decision 30 days after the records are complete (3 when expedited), plus extension days.",
                },
            ),
            ("Letters and notices", {"fields": ("letter_status", "documents")}),
            ("Timeline", {"fields": ("timeline",)}),
            ("Recent access (PHI log)", {"fields": ("recent_accesses",), "classes": ("collapse",)}),
            ("Reviewer's draft", {"fields": ("clinical_summary",), "classes": ("collapse",)}),
        ]

    def has_delete_permission(self, request, obj=None):
        return False  # cases are closed, withdrawn or terminated with a reason, never deleted (STYLE.md 10)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # Priority changes only by conversion to expedited once the case exists. The case number, the claim and the
        # parent case identify the application: fixed once it has moved past "received" (notices, the timeline and
        # the letter name them).
        identity = ("case_number", "claim", "parent") if obj.status != Status.RECEIVED else ()
        return (*self.lifecycle_fields, *self.display_fields, "priority", "clinical_summary", *identity)

    def get_inlines(self, request, obj):
        inlines = [PartyInline, DisputedItemInline, TreatmentEventInline, DocumentInline]
        if obj is not None:
            inlines += [AssignmentInline, DeterminationInline, *CASE_DOCUMENT_INLINES]
            if obj.letter_imports.exists():  # a case imported from a published letter shows where it came from
                inlines.append(LetterImportInline)
        return inlines

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["form"] = forms.ModelForm  # the intake's worker and claim fields are for a new case only
        return super().get_form(request, obj, change, **kwargs)

    def save_formset(self, request, form, formset, change):
        items_changed = change and formset.model in (DisputedItem, Citation) and formset.has_changed()
        if items_changed:
            case_content_lock(case=form.instance)  # before writing: a signature in progress is waited for, refused
        super().save_formset(request, form, formset, change)
        if items_changed:
            case_content_changed(case=form.instance)

    def save_model(self, request, obj, form, change):
        if change:
            # Only what this form changed, under the row lock: the status, the reviewer, the deadlines and the
            # revision belong to the services and may have moved since the form was loaded (a signature racing this
            # save); saving the whole row would put their old values back.
            locked = Case.objects.select_for_update().get(pk=obj.pk)
            concrete = {field.name for field in Case._meta.concrete_fields}
            changed = [name for name in form.changed_data if name in concrete]
            if changed:
                for name in changed:
                    setattr(locked, name, getattr(obj, name))
                locked.save(update_fields=[*changed, "updated"])  # its history row shows the current state
        else:
            claim = form.cleaned_data.get("claim")
            new = {} if claim is not None else {"worker": form.new_worker(), "new_claim": form.new_claim()}
            case_intake(case=obj, claim=claim, actor=request.user, **new)

    # Read-only displays on the change page --------------------------------------------------------------------

    @admin.display(description="documents sent")
    def documents(self, obj):
        return documents_sent(obj)

    @admin.display(description="letter")
    def letter_status(self, obj):
        if obj is None or not obj.pk:
            return "-"
        return letter_live_status(obj)

    @admin.display(description="timeline")
    def timeline(self, obj):
        return timeline_html(obj)

    @admin.display(description="assignment suggestions")
    def assignment_suggestions(self, obj):
        return suggestions_html(obj)

    @admin.display(description="recent accesses")
    def recent_accesses(self, obj):
        return recent_accesses_html(obj)
