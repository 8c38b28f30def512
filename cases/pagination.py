"""Pagination that stays fast on a table of a million cases.

``COUNT(*)`` over a whole large table is a scan that grows with the table; a page of 25 rows is not. For an
unfiltered list on PostgreSQL, the planner's row estimate (kept current by autovacuum/ANALYZE) is as good a total
for "page 3 of about 40,000" and costs nothing. Filtered lists, small tables and SQLite count exactly.
"""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination

# Below this many rows the exact count is cheap, and exactness is worth more than the saving.
EXACT_COUNT_BELOW = 50_000


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
    @cached_property
    def count(self):
        estimate = estimated_row_count(self.object_list) if hasattr(self.object_list, "query") else None
        if estimate is not None and estimate >= EXACT_COUNT_BELOW:
            return estimate
        return super().count


class LargeTablePagination(PageNumberPagination):
    """The JSON API's pages, counted as the pages' lists are."""

    django_paginator_class = LargeTablePaginator
