"""The case page's read-only records, a table each: assignments, signed determinations, notices and public copies,
proof of service, and (for an imported case) the published letters it came from. They are the columns of their
read-only inlines (``AssignmentInline`` and the others), rendered as plain tables in one panel loaded after the page
(``panels``): as inlines they built a formset, a form per row and their templates, a fifth of the page's time, to show
rows nobody edits.

Each cell is what the admin's read-only field shows (a display method's value, a field's display, a related row as a
link to its admin page), each row is named with a link to its own (read-only) admin page, as the inline showed them.
One query per table whatever the number of rows."""

from django.contrib.admin.templatetags.admin_list import _boolean_icon
from django.contrib.admin.utils import display_for_field, label_for_field, lookup_field, quote
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import ForeignObjectRel, ManyToManyRel, OneToOneField
from django.forms.models import _get_foreign_key
from django.template.defaultfilters import linebreaksbr
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from letterimport.admin import LetterImportInline
from notices.admin_inlines import CASE_DOCUMENT_INLINES

from ..models import Case
from .case_inlines import AssignmentInline, DeterminationInline

RECORD_INLINES = [AssignmentInline, DeterminationInline, *CASE_DOCUMENT_INLINES, LetterImportInline]
# Shown only when the case has such rows (a case entered by hand was imported from no letter).
ONLY_WHEN_FOUND = {LetterImportInline}
NONE_YET = "None yet."


def _admin_link(remote_field, value) -> str:
    opts = remote_field.model._meta
    try:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(value.pk)])
    except NoReverseMatch:
        return str(value)
    return format_html('<a href="{}">{}</a>', url, value)


def _cell(inline, name: str, row) -> str:
    """What ``AdminReadonlyField.contents`` shows for ``name`` of ``row``, without a form around it."""
    try:
        field, attr, value = lookup_field(name, row, inline)
    except (AttributeError, ValueError, ObjectDoesNotExist):
        return inline.get_empty_value_display()
    if field is None:
        if getattr(attr, "boolean", False):
            return _boolean_icon(value)
        return value if hasattr(value, "__html__") else linebreaksbr(value)
    if isinstance(field.remote_field, ManyToManyRel) and value is not None:
        return ", ".join(map(str, value.all()))
    if isinstance(field.remote_field, ForeignObjectRel | OneToOneField) and value is not None:
        return _admin_link(field.remote_field, value)
    return linebreaksbr(display_for_field(value, field, inline.get_empty_value_display()))


def _table(inline, request, case: Case) -> dict | None:
    fk = _get_foreign_key(Case, inline.model, fk_name=inline.fk_name)
    names = list(inline.get_fields(request, case))
    model_fields = {field.name: field for field in inline.model._meta.get_fields()}
    related = [name for name in names if name in model_fields and model_fields[name].many_to_one]
    queryset = inline.get_queryset(request).filter(**{fk.name: case}).select_related(*related)
    if not queryset.ordered:  # the formset's own order
        queryset = queryset.order_by(inline.model._meta.pk.name)
    rows = list(queryset)
    if not rows and type(inline) in ONLY_WHEN_FOUND:
        return None
    opts = inline.model._meta
    linked = inline.show_change_link and inline.admin_site.is_registered(inline.model)
    for row in rows:
        fk.set_cached_value(row, case)  # what a display reads of the case (a download link's case number)
    return {
        "title": inline.verbose_name_plural,
        "headers": [label_for_field(name, inline.model, inline) for name in names],
        "rows": [
            {
                "label": str(row),
                "url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(row.pk)])
                if linked
                else "",
                "cells": [_cell(inline, name, row) for name in names],
            }
            for row in rows
        ],
    }


def case_records_html(model_admin, request, case: Case) -> str:
    inlines = [inline(Case, model_admin.admin_site) for inline in RECORD_INLINES]
    tables = [table for inline in inlines if (table := _table(inline, request, case)) is not None]
    return render_to_string("admin/cases/case/_records.html", {"tables": tables, "none_yet": NONE_YET})
