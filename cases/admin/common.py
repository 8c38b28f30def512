"""Shared pieces of the admin: read-only admin classes and how a refused service is shown."""

import nested_admin
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from simple_history.admin import SimpleHistoryAdmin

from reviewers.models import Reviewer
from reviewers.selectors import reviewers_for_display

from ..services.access import case_access_record
from ..services.review import ReviewError

EDIT_REFUSED = "Nothing was saved: {reason}"
SUGGESTIONS_SHOWN = 10
RECENT_ACCESSES_SHOWN = 20


def error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


class RefusalAsMessageMixin:
    """A save or deletion the review rules refuse once the admin's transaction is under way (the case was signed
    after the form was checked: a save racing the signature) has rolled back; say so and show the page again (now
    read-only where the case is frozen) instead of a 500."""

    def changeform_view(self, request, *args, **kwargs):
        return self._refusal_as_message(request, super().changeform_view, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._refusal_as_message(request, super().delete_view, *args, **kwargs)

    def _refusal_as_message(self, request, view, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ReviewError as exc:
            self.message_user(request, EDIT_REFUSED.format(reason=error_text(exc)), messages.ERROR)
            return redirect(request.get_full_path())


class HistoryAdmin(SimpleHistoryAdmin):
    """Row history to read, never to revert: a revert saves the whole old row, past read-only fields, the state
    machine, the reviewer's ownership of the draft and the revision check. Corrections go through the services."""

    def has_change_history_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdminMixin:
    """Rows written only by services (events, assignments, signed determinations, the access log)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, nested_admin.NestedTabularInline):
    extra = 0
    can_delete = False
    show_change_link = True


class CaseAccessLogMixin:
    """Records a PHI access (``case_access_record``) whenever a page shows one case's record: the change (or view)
    page, the history page and a historical version. ``case_path`` leads from the object to its case ("" for the
    case itself)."""

    case_path = "case"

    def get_object(self, request, object_id, from_field=None):
        """Once per request: the access log, the change view and its displays share the row."""
        cache = request.__dict__.setdefault("_admin_objects", {})
        key = (self.model, object_id, from_field)
        if key not in cache:
            cache[key] = super().get_object(request, object_id, from_field)
        return cache[key]

    def case_of(self, obj):
        for name in filter(None, self.case_path.split("__")):
            obj = getattr(obj, name)
        return obj

    def record_case_access(self, request, object_id):
        if request.method != "GET":
            return
        obj = self.get_object(request, object_id)
        case = self.case_of(obj) if obj is not None else None
        if case is not None:
            case_access_record(case=case, user=request.user, path=request.get_full_path())

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self.record_case_access(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self.record_case_access(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.record_case_access(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


REFUSED_ROW = "{row}: {reason}"

# What the admin shows of a rendered document's job (``RenderedDocument``), letters and notices alike.
RENDER_JOB_FIELDS = (
    "status",
    "attempts",
    "error",
    "sha256",
    "download",
    "created",
    "queued_at",
    "render_started_at",
    "rendered_at",
)


def each_row(model_admin, request, rows, service, done_message: str) -> int:
    """Run ``service(row, user)`` on each row of an admin action; every refusal is shown with its row and reason,
    then how many were done. Returns that count."""
    done = 0
    for row in rows:
        try:
            service(row, request.user)
            done += 1
        except ValidationError as exc:  # the service (or the case transition it calls) refused
            model_admin.message_user(
                request, REFUSED_ROW.format(row=row, reason=" ".join(exc.messages)), messages.ERROR
            )
    if done:
        model_admin.message_user(request, done_message.format(count=done), messages.SUCCESS)
    return done


class ReviewerLabelChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        # The rows keep their prefetched reviewers; the date hierarchy reads dates off ``queryset``, where a prefetch
        # of the reviewers' specialties has no rows to attach to (Django raises).
        self.queryset = self.queryset.prefetch_related(None)


class ReviewerLabelMixin:
    """Rows naming a reviewer show "Dr. Miriam Okafor (ER-0001, Psychiatry)" (``Reviewer.label``), loaded in two
    queries per list; so do the pickers of a reviewer (select, autocomplete) in the forms."""

    def get_changelist(self, request, **kwargs):
        return ReviewerLabelChangeList

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Reviewer:
            kwargs.setdefault("form_class", ReviewerChoiceField)
            kwargs.setdefault("queryset", reviewers_for_display())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        # The changelist skips ``list_select_related`` once the queryset selects anything: name those here too.
        listed = getattr(self, "list_select_related", ())
        related = ("reviewer__user", *(listed if isinstance(listed, list | tuple) else ()))
        return super().get_queryset(request).select_related(*related).prefetch_related("reviewer__specialties")

    # "reviewer": the reviewers' own order (reference); the case list sorts it by key (cases.admin.changelist).
    @admin.display(description="reviewer", ordering="reviewer")
    def reviewer_label(self, obj):
        return obj.reviewer.label if obj.reviewer_id else "—"


class ReviewerChoiceField(forms.ModelChoiceField):
    """A reviewer picked by label, not by the bare reference."""

    def label_from_instance(self, obj):
        return obj.label


class ReviewerFilter(admin.SimpleListFilter):
    """Rows of one reviewer, each listed by label."""

    title = "assigned reviewer"
    parameter_name = "reviewer__id__exact"

    def lookups(self, request, model_admin):
        return [(str(reviewer.pk), reviewer.label) for reviewer in reviewers_for_display()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(reviewer_id=self.value())
        return queryset
