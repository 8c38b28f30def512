"""The case in the admin: changelist, change page with timeline, suggestions and lifecycle actions.

Nothing here assigns a status or a deadline: every lifecycle button and action calls a service of
``cases.services.lifecycle`` and shows its refusal as it is. Fields a transition owns are read-only.
"""

from dataclasses import dataclass
from typing import Any

import nested_admin
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from letterimport.admin import LetterImportInline
from notices.admin_inlines import CASE_DOCUMENT_INLINES
from notices.services import serve_current_letter
from reviewers.selectors import matches_for_display, reviewer_suggestions

from ..models import Assignment, Case, Citation, Determination, DisputedItem, Status
from ..selectors import (
    annotate_running_deadline,
    case_has_clinical_document,
    cases_held_by_inactive_reviewers,
    cases_visible_to,
)
from ..services import lifecycle
from ..services.corrections import correction_open
from ..services.intake import case_intake
from ..services.review import case_content_changed, case_content_lock
from . import forms as admin_forms
from .case_display import (  # noqa: F401 - the messages are part of this page
    NO_REVIEWER_ON_FILE,
    SUGGESTIONS_NOT_NOW,
    injured_worker_html,
)
from .case_list import CaseListColumnsMixin, ClockFilter, DeadlineFilter, ReviewerWaitFilter
from .changelist import LargeTableAdminMixin
from .common import (
    CaseAccessLogMixin,
    HistoryAdmin,
    ReadOnlyInline,
    RefusalAsMessageMixin,
    ReviewerLabelMixin,
    error_text,
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
from .panels import case_panel_urls, panel_placeholder
from .preload import CasePreloadMixin

# What the admin says (the services' refusals are shown as they are).
ACTION_DONE = "{case}: {action} done."
PER_CASE = "{case}: {message}"
DONE_ELIGIBILITY_REVIEW = "eligibility review started."
DONE_FOUND_ELIGIBLE = "found eligible."
DONE_RECORDS_REQUESTED = "records requested."
DONE_RECORDS_COMPLETE = "records complete; in review."
DONE_EXPEDITED = "now expedited."
DONE_ASSIGNED = "assigned to {reviewer}."
DONE_CLOSED = "{label}."
BULK_ASSIGN_TITLE = "Assign a reviewer to the selected cases"
BULK_ASSIGN_HELP = (
    "First assignments only: each selected case must be in eligibility review (found eligible) or remanded, and is "
    "checked against the reviewer on its own. A case that already has a reviewer is refused: reassign it from its "
    "own page."
)
BULK_CLOSE_TITLE = "{label}: the selected cases"
NO_LIFECYCLE_ACTION = "No lifecycle action: the case is closed or waits on another step (signing, issuing)."
NO_SUCH_CASE = "No case with id {object_id!r}."
NO_SUCH_ACTION = "No lifecycle action {action!r}."
RECORDS_WITHOUT_CLINICAL_DOCUMENT = (
    "{case} has no clinical document (progress report, imaging, operative report, therapy notes, QME/AME report or "
    "other medical records): the reviewer cannot sign on the application and UR letter alone. Upload the records."
)

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


@dataclass
class LifecycleAction:
    """A button on the case page: its form and the one service it calls."""

    label: str
    help: str
    form_class: type[forms.Form]
    run: Any  # (case, user, cleaned_data) -> result
    # After a refusal the form is shown again with what was typed, except for an action that names who or what it
    # was about: then only these fields are kept (a note written for a refused reviewer must not end up on the
    # timeline of the next reviewer's assignment).
    kept_after_refusal: tuple[str, ...] | None = None


LIFECYCLE_ACTIONS = {
    "start_eligibility_review": LifecycleAction(
        "Start eligibility review",
        "Received (or deferred, once the liability dispute is resolved) → eligibility review: check timeliness, "
        "completeness, a prior IMR of the same treatment and liability defences.",
        admin_forms.NoteForm,
        lambda case, user, d: lifecycle.case_start_eligibility_review(case=case, actor=user, note=d["note"]),
    ),
    "find_eligible": LifecycleAction(
        "Find eligible",
        "Records that the application is eligible (on the case and its timeline): only then can a reviewer be "
        "assigned. The assignment notice is due within one business day.",
        admin_forms.NoteForm,
        lambda case, user, d: lifecycle.case_find_eligible(case=case, actor=user, note=d["note"]),
    ),
    "find_ineligible": LifecycleAction(
        "Find ineligible",
        "Eligibility review → ineligible (closed; the ineligibility itself may be appealed). A reason is required.",
        admin_forms.IneligibleForm,
        lambda case, user, d: lifecycle.case_find_ineligible(case=case, actor=user, reason=d["reason"], code=d["code"]),
    ),
    "defer": LifecycleAction(
        "Defer",
        "Eligibility review → deferred while the claims administrator disputes liability on other grounds than "
        "medical necessity. A reason is required; resume with 'Start eligibility review'.",
        admin_forms.ReasonForm,
        lambda case, user, d: lifecycle.case_defer(case=case, actor=user, reason=d["reason"]),
    ),
    "assign_reviewer": LifecycleAction(
        "Assign reviewer",
        "Eligibility review (once found eligible) or remanded → assigned: the reviewer must pass every matching "
        "rule (specialty, current licence and board certification, active, under capacity, no affiliation with any "
        "party, not an earlier reviewer after a remand). The notice date starts the records clock. On a case already "
        "assigned, awaiting records or in review this is a reassignment: the case keeps its stage and deadlines.",
        admin_forms.AssignForm,
        lambda case, user, d: lifecycle.case_assign_reviewer(
            case=case,
            reviewer=d["reviewer"],
            actor=user,
            notice_date=d["notice_date"],
            notice_channel=d["notice_channel"],
            note=d["note"],
            expected_reviewer_id=d["current_reviewer"],
        ),
        kept_after_refusal=("notice_date", "notice_channel"),
    ),
    "request_records": LifecycleAction(
        "Request records",
        "Assigned → awaiting records: the claims administrator owes the medical records by the records deadline.",
        admin_forms.NoteForm,
        lambda case, user, d: lifecycle.case_request_records(case=case, actor=user, note=d["note"]),
    ),
    "mark_records_complete": LifecycleAction(
        "Records complete",
        "Awaiting records → in review: the decision clock starts (30 calendar days, 3 when expedited).",
        admin_forms.RecordsCompleteForm,
        lambda case, user, d: lifecycle.case_mark_records_complete(case=case, actor=user, on=d["on"], note=d["note"]),
    ),
    "convert_to_expedited": LifecycleAction(
        "Convert to expedited",
        "Needs the treating physician's certification among the documents. Records become due the day after the "
        "notice, the decision 3 days after the records are complete.",
        admin_forms.NoteForm,
        lambda case, user, d: lifecycle.case_convert_to_expedited(case=case, actor=user, note=d["note"]),
    ),
    "extend_deadline": LifecycleAction(
        "Extend deadline",
        "Adds calendar days to the decision deadline. The reason is required and recorded, with the DWC approver.",
        admin_forms.ExtensionForm,
        lambda case, user, d: lifecycle.case_extend_deadline(
            case=case, actor=user, days=d["days"], reason=d["reason"], approved_by=d["approved_by"]
        ),
    ),
    "appeal": LifecycleAction(
        "Record appeal",
        "Issued or ineligible → appealed: a verified petition was filed with the WCAB (within 30 days of service).",
        admin_forms.NoteForm,
        lambda case, user, d: lifecycle.case_appeal(case=case, actor=user, note=d["note"]),
    ),
    "dismiss_appeal": LifecycleAction(
        "Appeal dismissed",
        "Appealed → back to issued (or ineligible): the WCAB let the determination stand.",
        admin_forms.NoteForm,
        lambda case, user, d: lifecycle.case_dismiss_appeal(case=case, actor=user, note=d["note"]),
    ),
    "remand": LifecycleAction(
        "Remand",
        "Appealed → remanded: a new review cycle; the earlier reviewers are excluded from the next assignment.",
        admin_forms.NoteForm,
        lambda case, user, d: lifecycle.case_remand(case=case, actor=user, note=d["note"]),
    ),
    "serve_letter": LifecycleAction(
        "Serve the letter",
        "Signed → issued: serve the newest ready letter on every recipient of its distribution list (proof of "
        "service per recipient, cover pages for mail). Each recipient served by mail needs an address.",
        admin_forms.ServeForm,
        lambda case, user, d: serve_current_letter(case=case, actor=user, served_on=d["served_on"]),
    ),
    "open_correction": LifecycleAction(
        "Open a correction",
        "Signed or issued → correction in progress: the reviewer (or a new one, assigned under the same rules) "
        "signs a new version; its letter is marked Corrected and served like the first. Nothing is deleted.",
        admin_forms.ReasonForm,
        lambda case, user, d: correction_open(case=case, actor=user, reason=d["reason"]),
    ),
    "withdraw": LifecycleAction(
        "Withdraw",
        "Any state before signing → withdrawn (closed). A reason is required; the fee tier is recorded.",
        admin_forms.ReasonForm,
        lambda case, user, d: lifecycle.case_withdraw(case=case, actor=user, reason=d["reason"]),
    ),
    "terminate": LifecycleAction(
        "Terminate",
        "Any state before signing → terminated (closed), e.g. the claims administrator authorized the treatment. "
        "A reason is required; the fee tier is recorded.",
        admin_forms.ReasonForm,
        lambda case, user, d: lifecycle.case_terminate(case=case, actor=user, reason=d["reason"]),
    ),
}


def _reasons_list(match) -> str:
    return format_html(
        "<ul style='margin:0;padding-left:1em'>{}</ul>",
        format_html_join(
            "",
            "<li style='list-style:none;color:{}'>{} {}</li>",
            (("#2a7a2a" if c.passed else "#ba2121", "✓" if c.passed else "✗", c.detail) for c in match.checks),
        ),
    )


def _records_warning(case) -> str:
    """Records complete on a case without a clinical document: the reviewer could not sign on what is there."""
    if case_has_clinical_document(case):
        return ""
    return RECORDS_WITHOUT_CLINICAL_DOCUMENT.format(case=case.case_number)


def _bulk_action(description, service, done, warn=None):
    """A changelist action that runs one lifecycle service on each selected case and reports each outcome; ``warn``
    (case -> message or "") adds a warning after a success."""

    @admin.action(description=description, permissions=["change"])
    def action(model_admin, request, queryset):
        model_admin._each(request, queryset, lambda case: service(case=case, actor=request.user), done, warn)

    return action


@admin.register(Case)
class CaseAdmin(
    LargeTableAdminMixin,
    RefusalAsMessageMixin,
    ReviewerLabelMixin,
    CaseListColumnsMixin,
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
    actions = [
        "start_eligibility_review_action",
        "find_eligible_action",
        "request_records_action",
        "mark_records_complete_today_action",
        "convert_to_expedited_action",
        "assign_reviewer_action",
        "withdraw_action",
        "terminate_action",
    ]

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
        return panel_placeholder(obj, "documents")

    @admin.display(description="letter")
    def letter_status(self, obj):
        if obj is None or not obj.pk:
            return "-"
        return letter_live_status(obj)

    @admin.display(description="actions")
    def lifecycle_buttons(self, obj):
        if obj is None or not obj.pk:
            return "-"
        links = [
            (reverse("admin:cases_case_lifecycle", args=[obj.pk, name]), LIFECYCLE_ACTIONS[name].label)
            for name in lifecycle.case_allowed_actions(obj)
        ]
        if not links:
            return NO_LIFECYCLE_ACTION
        return format_html(
            '<span class="lifecycle-buttons">{}</span>',
            format_html_join(" ", '<a class="button" href="{}">{}</a>', links),
        )

    @admin.display(description="timeline")
    def timeline(self, obj):
        return panel_placeholder(obj, "timeline")

    @admin.display(description="assignment suggestions")
    def assignment_suggestions(self, obj):
        return panel_placeholder(obj, "suggestions")

    @admin.display(description="recent accesses")
    def recent_accesses(self, obj):
        return panel_placeholder(obj, "accesses")

    # The lifecycle page: one form per action, one service per form ----------------------------------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/lifecycle/<str:action>/",
                self.admin_site.admin_view(self.lifecycle_view),
                name="cases_case_lifecycle",
            ),
            *case_panel_urls(self),
            *super().get_urls(),
        ]

    def lifecycle_view(self, request, object_id, action):
        case = self.get_object(request, object_id)
        if case is None:
            raise Http404(NO_SUCH_CASE.format(object_id=object_id))
        if not self.has_change_permission(request, case):
            raise PermissionDenied
        spec = LIFECYCLE_ACTIONS.get(action)
        if spec is None:
            raise Http404(NO_SUCH_ACTION.format(action=action))
        self.record_case_access(request, object_id)  # the page shows the case (and, to assign, its parties)
        change_url = reverse("admin:cases_case_change", args=[case.pk])
        kwargs = {}
        suggestions = None
        warning = _records_warning(case) if action == "mark_records_complete" else ""
        if action == "assign_reviewer":
            suggestions = matches_for_display(reviewer_suggestions(case=case, on=timezone.localdate()))
            kwargs["suggestions"] = suggestions
        if request.method == "POST":
            form = spec.form_class(request.POST, **kwargs)
            if form.is_valid():
                try:
                    spec.run(case, request.user, form.cleaned_data)
                except ValidationError as exc:
                    for message in exc.messages:
                        messages.error(request, message)
                    case.refresh_from_db()
                    if spec.kept_after_refusal is not None:
                        kept = {name: form.cleaned_data[name] for name in spec.kept_after_refusal}
                        form = spec.form_class(initial={**kept, **self._shown(case, action)}, **kwargs)
                else:
                    messages.success(request, ACTION_DONE.format(case=case.case_number, action=spec.label.lower()))
                    if warning:
                        messages.warning(request, warning)
                    return HttpResponseRedirect(change_url)
        else:
            initial = {"reviewer": request.GET.get("reviewer")} if action == "assign_reviewer" else {}
            form = spec.form_class(initial={**initial, **self._shown(case, action)}, **kwargs)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"{spec.label}: {case.case_number}",
            "case": case,
            "action": spec,
            "form": form,
            "suggestions": suggestions,
            "warning": warning,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/cases/case/lifecycle_action.html", context)

    @staticmethod
    def _shown(case, action):
        """What the page shows that the decision rests on: to assign, the case's reviewer at that moment."""
        return {"current_reviewer": case.reviewer_id} if action == "assign_reviewer" else {}

    # Changelist actions: each case through the same service, a message per case ---------------------------------

    def _each(self, request, queryset, run, done, warn=None):
        for case in queryset.order_by("case_number"):
            try:
                run(case)
            except ValidationError as exc:
                messages.error(request, PER_CASE.format(case=case.case_number, message=error_text(exc)))
            else:
                messages.success(request, PER_CASE.format(case=case.case_number, message=done))
                warning = warn(case) if warn else ""
                if warning:
                    messages.warning(request, warning)

    start_eligibility_review_action = _bulk_action(
        "Start eligibility review", lifecycle.case_start_eligibility_review, DONE_ELIGIBILITY_REVIEW
    )
    find_eligible_action = _bulk_action("Find eligible", lifecycle.case_find_eligible, DONE_FOUND_ELIGIBLE)
    request_records_action = _bulk_action("Request records", lifecycle.case_request_records, DONE_RECORDS_REQUESTED)
    mark_records_complete_today_action = _bulk_action(
        "Records complete today", lifecycle.case_mark_records_complete, DONE_RECORDS_COMPLETE, _records_warning
    )
    convert_to_expedited_action = _bulk_action(
        "Convert to expedited", lifecycle.case_convert_to_expedited, DONE_EXPEDITED
    )

    def _intermediate(self, request, queryset, form, title, action_name, help_text):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "form": form,
            "queryset": queryset.order_by("case_number"),
            "action_name": action_name,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "help_text": help_text,
        }
        return TemplateResponse(request, "admin/cases/case/bulk_action.html", context)

    @admin.action(description="Assign a reviewer…", permissions=["change"])
    def assign_reviewer_action(self, request, queryset):
        form = admin_forms.BulkAssignForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            d = form.cleaned_data
            self._each(
                request,
                queryset,
                lambda c: lifecycle.case_assign_reviewer(
                    case=c,
                    reviewer=d["reviewer"],
                    actor=request.user,
                    notice_date=d["notice_date"],
                    notice_channel=d["notice_channel"],
                    note=d["note"],
                    allow_reassignment=False,  # a reassignment is a decision about one case: its own page
                ),
                DONE_ASSIGNED.format(reviewer=d["reviewer"].label),
            )
            return None
        return self._intermediate(
            request, queryset, form, BULK_ASSIGN_TITLE, "assign_reviewer_action", BULK_ASSIGN_HELP
        )

    def _close_action(self, request, queryset, service, action_name, label):
        form = admin_forms.ReasonForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            reason = form.cleaned_data["reason"]
            self._each(
                request,
                queryset,
                lambda c: service(case=c, reason=reason, actor=request.user),
                DONE_CLOSED.format(label=label.lower()),
            )
            return None
        return self._intermediate(
            request,
            queryset,
            form,
            BULK_CLOSE_TITLE.format(label=label),
            action_name,
            LIFECYCLE_ACTIONS[action_name.removesuffix("_action")].help,
        )

    @admin.action(description="Withdraw…", permissions=["change"])
    def withdraw_action(self, request, queryset):
        return self._close_action(request, queryset, lifecycle.case_withdraw, "withdraw_action", "Withdrawn")

    @admin.action(description="Terminate…", permissions=["change"])
    def terminate_action(self, request, queryset):
        return self._close_action(request, queryset, lifecycle.case_terminate, "terminate_action", "Terminated")
