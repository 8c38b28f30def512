"""The case changelist at a million cases: every sortable column, deep page and search served by an index.

- Ordering. Django's admin breaks ties with ``-pk`` whatever the column's direction, so "status ascending" becomes
  ``ORDER BY status ASC, id DESC``, which no single index returns in order (the database sorts every case). Here the
  tie-break follows the column (``status ASC, id ASC`` / ``status DESC, id DESC``), which the ``case_sort_*`` indexes
  serve forwards and backwards. A foreign key column sorts by its key (``reviewer_id``), not the related row's
  ordering, which would need a join before the sort.
- Search goes through ``cases.selectors.cases_matching`` (case number prefix on its btree, anything else on the
  trigram-indexed ``search_text``), never ``search_fields``' ``UPPER(col) LIKE '%q%'`` over three joined tables.
- Counting and deep pages: ``cases.pagination.LargeTablePaginator`` (estimated, capped, keys first).
"""

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ChangeList
from django.db.models import OrderBy
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..pagination import LargeTablePaginator
from ..selectors import cases_matching

# A page a person reads: 25 rows render in a third of the time of Django's default 100.
ROWS_PER_PAGE = 25
# A search's rows are checked one by one against the text (the trigram index finds candidates): count at most this
# many; beyond it the list says "more than 500" and the coordinator narrows the search.
SEARCH_COUNT_CAP = 500
SEARCH_HELP = (
    "Case number (or its beginning, CM14-00001), claim number, the worker's first, last or full name (Maria Gonzalez) "
    'or any party\'s name (Acme). Every word must match; quote a phrase ("Acme Stores").'
)


def _descending(part) -> bool:
    if isinstance(part, str):
        return part.startswith("-")
    return isinstance(part, OrderBy) and part.descending


class IndexedOrderingChangeList(ChangeList):
    def _get_deterministic_ordering(self, ordering):
        ordering = [self._by_key(part) for part in ordering]
        result = super()._get_deterministic_ordering(ordering)
        if len(result) == len(ordering) + 1 and result[-1] == "-pk" and ordering:
            result[-1] = "-pk" if _descending(ordering[-1]) else "pk"
        return result

    def _by_key(self, part):
        """A foreign key column sorts by its own column (``reviewer_id``), which an index of the table holds."""
        if not isinstance(part, str):
            return part
        name = part.lstrip("-")
        field = next((f for f in self.lookup_opts.fields if f.name == name), None)
        if field is not None and field.remote_field is not None:
            return part.replace(name, field.attname)
        return part


class SearchPaginator(LargeTablePaginator):
    count_cap = SEARCH_COUNT_CAP
    keys_first_when_filtered = True  # "Maria Gonzalez" at a million cases: 5,000 matches sorted by key, 25 joined


class LargeTableAdminMixin:
    """A ModelAdmin for a table of a million rows (``cases_matching`` as the search)."""

    paginator = SearchPaginator
    list_per_page = ROWS_PER_PAGE
    show_full_result_count = False  # a second COUNT(*) of the whole table on every filtered page
    search_help_text = SEARCH_HELP

    def get_changelist(self, request, **kwargs):
        return IndexedOrderingChangeList

    @admin.display(description=mark_safe('<input type="checkbox" id="action-toggle">'))
    def action_checkbox(self, obj):
        # Django renders a form widget template per row for this; the same markup by format_html costs a tenth.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="Select {}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            obj,
        )

    def get_ordering(self, request):
        # A deadline filter lists the most pressing first: the order its index (running_due, id) returns.
        if request.GET.get("deadline"):
            return ["running_due"]
        return super().get_ordering(request)

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return cases_matching(queryset, search_term), False
