"""The admin's case change page loads its case and every row its inlines show in a fixed number of queries.

Left to themselves, the inlines query per row: nested_admin builds one citation formset per disputed item, each
with its own query, so a case with ten items cost ten more queries than a case with one. Here the case page (a GET
of the change view) fetches the case once with what its read-only fields name (worker, claim, reviewer, parent),
then the rows of each inline in one query per inline, and the rows of each nested inline in one query for all their
parents, each through that inline's own ``get_queryset`` (its filter, ordering and joins), and hands them to the
formsets (``PreloadedRowsMixin``). A POST reads its rows from the database as Django does.
"""

from collections import defaultdict
from functools import cached_property, partial

from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet, _get_foreign_key
from nested_admin.formsets import NestedInlineFormSet

from ..models import Case

# What the page's read-only fields and the case's label read.
CASE_RELATED = ("claim__worker", "reviewer__user", "parent")


def _rows_for(instance, formset) -> list | None:
    rows = getattr(instance, "_inline_rows", None)
    if rows is None:
        return None
    return rows.get(formset.fk.remote_field.get_accessor_name())


def _selected_option(widget, selected, name, value, attr=None):
    """``AutocompleteSelect.optgroups`` for the one value the row holds, labelled from the row's related object
    (loaded with the row) instead of a query per form; ``selected`` None: no value (a new row), no option."""
    default = (None, [], 0)
    if not widget.is_required:
        default[1].append(widget.create_option(name, "", "", False, 0))
    if selected is not None:
        label = widget.choices.field.label_from_instance(selected)
        default[1].append(widget.create_option(name, selected.pk, label, {str(selected.pk)}, len(default[1])))
    return [default]


def _label_selected_from_instance(form):
    """Each autocomplete field of a saved row names its value from the related object the row already holds; a
    field without a value (the empty form's) has nothing to look up."""
    for name, field in form.fields.items():
        widget = getattr(field.widget, "widget", field.widget)  # inside the admin's RelatedFieldWidgetWrapper
        if not isinstance(widget, AutocompleteSelect):
            continue
        model_field = form._meta.model._meta.get_field(name)
        if getattr(form.instance, model_field.attname) is None and form.initial.get(name) is None:
            widget.optgroups = partial(_selected_option, widget, None)
        elif model_field.is_cached(form.instance) and getattr(form.instance, model_field.attname) is not None:
            widget.optgroups = partial(_selected_option, widget, model_field.get_cached_value(form.instance))


class PreloadedRowsMixin:
    """For an inline formset: take the rows from the parent when the case page preloaded them (and label their
    autocomplete fields from the related rows loaded with them), and build its empty form once."""

    @cached_property
    def empty_form(self):
        # Django builds a new empty form at every access; the admin's templates, headers and media ask for it
        # several times per formset (41 empty forms per case page instead of 10).
        form = super().empty_form
        _label_selected_from_instance(form)
        return form

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if getattr(self, "_preloaded", None) is not None and i < self.initial_form_count():
            _label_selected_from_instance(form)
        return form

    def get_queryset(self):
        if self.is_bound or self.instance is None or self.instance.pk is None:
            return super().get_queryset()
        if not hasattr(self, "_preloaded"):
            rows = _rows_for(self.instance, self)
            queryset = super().get_queryset()
            if rows is not None:
                queryset._result_cache = rows
                queryset._prefetch_done = True
            self._preloaded = queryset
        return self._preloaded


class PreloadedInlineFormSet(PreloadedRowsMixin, NestedInlineFormSet):
    """The formset of a nested inline (the citations inside each item) that takes preloaded rows."""


def _load(inline, request, parents: list) -> list:
    """The rows of ``inline`` for every parent in one query, handed to each parent (``_inline_rows``)."""
    fk = _get_foreign_key(type(parents[0]), inline.model, fk_name=inline.fk_name)  # the inline's, as Django finds it
    accessor = fk.remote_field.get_accessor_name()
    by_parent = {parent.pk: parent for parent in parents}
    grouped = defaultdict(list)
    # The autocomplete fields' current values come with the rows (their labels need no query per form).
    queryset = inline.get_queryset(request).select_related(*getattr(inline, "autocomplete_fields", ()))
    if not queryset.ordered:  # the formset's own order
        queryset = queryset.order_by(inline.model._meta.pk.name)
    rows = list(queryset.filter(**{f"{fk.name}__in": list(by_parent)}))
    for row in rows:
        parent = by_parent[getattr(row, fk.attname)]
        fk.set_cached_value(row, parent)  # the row's permission checks read its parent: no query
        grouped[parent.pk].append(row)
    for parent in parents:
        parent.__dict__.setdefault("_inline_rows", {})[accessor] = grouped[parent.pk]
    return rows


def case_preload(model_admin, request, case: Case) -> Case:
    """Load the rows of the page's inlines (and their nested inlines) onto ``case``."""
    for inline in model_admin.get_inline_instances(request, case):
        rows = _load(inline, request, [case])
        if rows and getattr(inline, "inlines", None):
            for child in inline.get_inline_instances(request, case):
                _load(child, request, rows)
    return case


class CasePreloadMixin:
    """For ``CaseAdmin``: the change page's GET fetches the case with its related rows, then preloads the inlines."""

    def get_object(self, request, object_id, from_field=None):
        match = getattr(request, "resolver_match", None)
        if request.method != "GET" or match is None or match.url_name != "cases_case_change":
            return super().get_object(request, object_id, from_field)
        queryset = self.get_queryset(request).select_related(*CASE_RELATED)
        field = Case._meta.pk if from_field is None else Case._meta.get_field(from_field)
        try:
            case = queryset.get(**{field.name: field.to_python(object_id)})
        except (Case.DoesNotExist, ValidationError, ValueError):  # as Django's get_object answers a bad id
            return None
        return case_preload(self, request, case)

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            if not issubclass(formset, PreloadedRowsMixin) and issubclass(formset, BaseInlineFormSet):
                formset = type(formset.__name__, (PreloadedRowsMixin, formset), {})
            yield formset, inline
