"""Pagination that stays fast on a table of a million cases.

Three costs grow with the table when a list is paginated naively, and each is bounded here:

- ``COUNT(*)`` over the whole table. For an unfiltered list on PostgreSQL, the planner's row estimate (kept current by
  autovacuum/ANALYZE) is as good a total for "page 3 of about 40,000" and costs nothing.
- ``COUNT(*)`` of a filter or search matching much of the table. It is counted up to ``count_cap`` rows and then shown
  as "more than 10,000": narrowing the search is what the reader needs, not the exact figure.
- ``OFFSET`` on a deep page reads and throws away every row before it. Past the first pages the page's primary keys
  are read first from the ordering's index alone (index-only: each ordering index holds the key), in a subquery, and
  the rows of that page fetched by key: the skipped rows are index entries, not table rows.
- A search or filter matching thousands of rows, ordered by a column no index of the filter returns in order: the
  database sorts every match to keep the first 25. With ``keys_first_when_filtered`` (the admin changelist, whose
  rows join the claim, the worker and the reviewer) the sort runs over the matches' keys alone, and only the page's
  rows are joined and read: the joins cost as many rows as the page, not as the matches.

Small tables, SQLite and the first pages behave as Django's ``Paginator``.
"""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination

# Below this many rows the exact count is cheap, and exactness is worth more than the saving.
EXACT_COUNT_BELOW = 50_000
# A filtered list is counted up to this many rows (an index-served filter counts 10,000 index entries in milliseconds).
COUNT_CAP = 10_000
# From this row on, a page is read keys first.
KEYS_FIRST_FROM = 500


def estimated_row_count(queryset) -> int | None:
    """PostgreSQL's estimate of the rows of an unfiltered queryset's table, or None when it does not apply."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql" or queryset.query.where or queryset.query.distinct:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [queryset.model._meta.db_table]
        )
        row = cursor.fetchone()
    return row[0] if row and row[0] and row[0] > 0 else None


class LargeTablePaginator(Paginator):
    count_cap = COUNT_CAP
    keys_first_when_filtered = False

    @cached_property
    def count(self):
        if not hasattr(self.object_list, "query"):
            return super().count
        estimate = estimated_row_count(self.object_list)
        if estimate is not None and estimate >= EXACT_COUNT_BELOW:
            return estimate
        if not self.object_list.query.where:
            return super().count
        return self.object_list.order_by()[: self.count_cap + 1].count()

    @property
    def count_capped(self) -> bool:
        """Whether ``count`` stopped at the cap (the list holds more than ``count_cap`` rows)."""
        filtered = hasattr(self.object_list, "query") and bool(self.object_list.query.where)
        return filtered and self.count > self.count_cap

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if not hasattr(self.object_list, "query"):
            return super().page(number)
        filtered = self.keys_first_when_filtered and bool(self.object_list.query.where)
        if bottom < KEYS_FIRST_FROM and not filtered:
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        # One statement: the page's keys in a subquery (its sort and offset over the ordering's columns alone), then
        # those rows with whatever the list joins.
        keys = self.object_list.values("pk")[bottom:top]
        return self._get_page(self.object_list.filter(pk__in=keys), number, self)


class LargeTablePagination(PageNumberPagination):
    """The JSON API's pages, counted as the pages' lists are."""

    django_paginator_class = LargeTablePaginator
