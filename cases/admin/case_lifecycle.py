"""The case's lifecycle in the admin, built from the table of moves (``cases.services.lifecycle.moves.MOVES``).

Each move with a form is a button on the case page (when ``case_allowed_actions`` allows it) and a page of its own
(``<case>/lifecycle/<move>/``) with that form and the move's confirmation text; each move marked ``bulk`` is a
changelist action. Nothing here decides what is legal: the page and the action call the move's service and show its
refusal as it is. A new move with a form and a service appears here without a line of this module changing.
"""

import inspect

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from ..assignment.matching import matches_for_display, reviewer_suggestions
from ..selectors import case_has_clinical_document
from ..services.lifecycle import MOVES, Move, case_allowed_actions
from . import forms as admin_forms
from .common import error_text

# What the admin says (the services' refusals are shown as they are).
ACTION_DONE = "{case}: {action} done."
PER_CASE = "{case}: {message}"
BULK_TITLE = "{label}: the selected cases"
NO_LIFECYCLE_ACTION = "No lifecycle action: the case is closed or waits on another step (signing, issuing)."
NO_SUCH_CASE = "No case with id {object_id!r}."
NO_SUCH_ACTION = "No lifecycle action {action!r}."
RECORDS_WITHOUT_CLINICAL_DOCUMENT = (
    "{case} has no clinical document (progress report, imaging, operative report, therapy notes, QME/AME report or "
    "other medical records): the reviewer cannot sign on the application and UR letter alone. Upload the records."
)

# A form field named otherwise than the service's argument it fills.
SERVICE_ARGUMENT = {"current_reviewer": "expected_reviewer_id"}
# After a refusal the form is shown again with what was typed, except on a form that names who or what it was about:
# then only these fields are kept (a note written for a refused reviewer must not end up on the timeline of the next
# reviewer's assignment).
KEPT_AFTER_REFUSAL = {admin_forms.AssignForm: ("notice_date", "notice_channel")}


def records_warning(case) -> str:
    """Records complete on a case without a clinical document: the reviewer could not sign on what is there."""
    if case_has_clinical_document(case):
        return ""
    return RECORDS_WITHOUT_CLINICAL_DOCUMENT.format(case=case.case_number)


# A warning shown after a move succeeded (case -> message or "").
WARNING_AFTER = {"mark_records_complete": records_warning}


def form_class(name: str):
    return getattr(admin_forms, name)


def service_kwargs(move: Move, data: dict, *, bulk: bool = False) -> dict:
    """The service's keyword arguments from the form's data: each field under the name of the argument it fills,
    the fields the service does not take (a confirmation box) left out. A bulk action shows no case's state (no
    reviewer the coordinator saw) and never reassigns: a reassignment is a decision about one case, on its page."""
    accepted = inspect.signature(move.run).parameters
    kwargs = {SERVICE_ARGUMENT.get(name, name): value for name, value in data.items()}
    if bulk:
        kwargs.pop("expected_reviewer_id", None)
        kwargs["allow_reassignment"] = False
    return {name: value for name, value in kwargs.items() if name in accepted}


def _bulk_action(move: Move):
    """The changelist action of ``move``: its service on each selected case, one message per case. A move that needs
    input (``bulk_form``) asks for it once on an intermediate page."""
    label = move.bulk_label or move.label

    def action(model_admin, request, queryset):
        if move.bulk_form is None:
            model_admin.each_case(request, queryset, move, {})
            return None
        form = form_class(move.bulk_form)(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            model_admin.each_case(request, queryset, move, form.cleaned_data)
            return None
        context = {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "title": BULK_TITLE.format(label=label),
            "form": form,
            "queryset": queryset.order_by("case_number"),
            "action_name": action.__name__,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "help_text": move.help,
        }
        return TemplateResponse(request, "admin/cases/case/bulk_action.html", context)

    action.__name__ = f"{move.name}_action"
    return admin.action(description=label + ("…" if move.bulk_form else ""), permissions=["change"])(action)


BULK_ACTIONS = [_bulk_action(move) for move in MOVES.values() if move.bulk]


class CaseLifecycleMixin:
    """The lifecycle buttons, pages and bulk actions of the case admin, generated from ``MOVES``."""

    actions = BULK_ACTIONS

    @admin.display(description="actions")
    def lifecycle_buttons(self, obj):
        if obj is None or not obj.pk:
            return "-"
        links = [
            (reverse("admin:cases_case_lifecycle", args=[obj.pk, name]), MOVES[name].label)
            for name in case_allowed_actions(obj)
            if MOVES[name].form
        ]
        if not links:
            return NO_LIFECYCLE_ACTION
        return format_html(
            '<span class="lifecycle-buttons">{}</span>',
            format_html_join(" ", '<a class="button" href="{}">{}</a>', links),
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/lifecycle/<str:action>/",
                self.admin_site.admin_view(self.lifecycle_view),
                name="cases_case_lifecycle",
            ),
            *super().get_urls(),
        ]

    def lifecycle_view(self, request, object_id, action):
        """The page of one move: its confirmation text, its form, and its service on submit."""
        case = self.get_object(request, object_id)
        if case is None:
            raise Http404(NO_SUCH_CASE.format(object_id=object_id))
        if not self.has_change_permission(request, case):
            raise PermissionDenied
        move = MOVES.get(action)
        if move is None or move.form is None:
            raise Http404(NO_SUCH_ACTION.format(action=action))
        self.record_case_access(request, object_id)  # the page shows the case (and, to assign, its parties)
        change_url = reverse("admin:cases_case_change", args=[case.pk])
        form_cls = form_class(move.form)
        kwargs, suggestions = {}, None
        warn = WARNING_AFTER.get(move.name)
        warning = warn(case) if warn else ""
        if issubclass(form_cls, admin_forms.AssignForm):
            suggestions = matches_for_display(reviewer_suggestions(case=case, on=timezone.localdate()))
            kwargs["suggestions"] = suggestions
        if request.method == "POST":
            form = form_cls(request.POST, **kwargs)
            if form.is_valid():
                try:
                    move.run(case=case, actor=request.user, **service_kwargs(move, form.cleaned_data))
                except ValidationError as exc:
                    for message in exc.messages:
                        messages.error(request, message)
                    case.refresh_from_db()
                    kept = KEPT_AFTER_REFUSAL.get(form_cls)
                    if kept is not None:
                        initial = {name: form.cleaned_data[name] for name in kept}
                        form = form_cls(initial={**initial, **self._shown(case, form_cls)}, **kwargs)
                else:
                    messages.success(request, ACTION_DONE.format(case=case.case_number, action=move.label.lower()))
                    if warning:
                        messages.warning(request, warning)
                    return HttpResponseRedirect(change_url)
        else:
            initial = {"reviewer": request.GET.get("reviewer")} if suggestions is not None else {}
            form = form_cls(initial={**initial, **self._shown(case, form_cls)}, **kwargs)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"{move.label}: {case.case_number}",
            "case": case,
            "action": move,
            "form": form,
            "suggestions": suggestions,
            "warning": warning,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/cases/case/lifecycle_action.html", context)

    @staticmethod
    def _shown(case, form_cls):
        """What the page shows that the decision rests on: to assign, the case's reviewer at that moment."""
        return {"current_reviewer": case.reviewer_id} if issubclass(form_cls, admin_forms.AssignForm) else {}

    def each_case(self, request, queryset, move: Move, data: dict):
        """``move``'s service on each selected case, with the same input; a message per case."""
        kwargs = service_kwargs(move, data, bulk=True)
        done = move.done.format(**data)
        warn = WARNING_AFTER.get(move.name)
        for case in queryset.order_by("case_number"):
            try:
                move.run(case=case, actor=request.user, **kwargs)
            except ValidationError as exc:
                messages.error(request, PER_CASE.format(case=case.case_number, message=error_text(exc)))
            else:
                messages.success(request, PER_CASE.format(case=case.case_number, message=done))
                warning = warn(case) if warn else ""
                if warning:
                    messages.warning(request, warning)
