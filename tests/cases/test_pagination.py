"""Large unfiltered lists take PostgreSQL's row estimate instead of a COUNT(*) scan; everything else counts."""

import pytest
from django.db import connection

from cases import pagination
from cases.models import Case
from cases.pagination import LargeTablePaginator, estimated_row_count
from tests.factories import CaseFactory


def _analyze():
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")


def test_an_unfiltered_large_list_uses_the_planner_estimate(require_postgres, monkeypatch):
    CaseFactory.create_batch(30)
    _analyze()
    CaseFactory.create_batch(5)  # not yet analysed: the estimate still says 30
    monkeypatch.setattr(pagination, "EXACT_COUNT_BELOW", 10)
    assert estimated_row_count(Case.objects.order_by("case_number")) == 30
    assert LargeTablePaginator(Case.objects.order_by("case_number"), 25).count == 30


def test_a_filtered_list_counts_exactly(require_postgres, monkeypatch):
    CaseFactory.create_batch(30)
    _analyze()
    monkeypatch.setattr(pagination, "EXACT_COUNT_BELOW", 10)
    filtered = Case.objects.filter(priority="standard").order_by("case_number")
    assert estimated_row_count(filtered) is None
    assert LargeTablePaginator(filtered, 25).count == 30


def test_a_small_table_counts_exactly(require_postgres):
    CaseFactory.create_batch(3)
    _analyze()
    CaseFactory.create_batch(2)
    assert LargeTablePaginator(Case.objects.order_by("case_number"), 25).count == 5


@pytest.mark.django_db
def test_lists_of_python_objects_count_exactly():
    assert LargeTablePaginator(list(range(7)), 5).count == 7


@pytest.mark.django_db
def test_a_filtered_list_is_counted_up_to_its_cap(monkeypatch):
    CaseFactory.create_batch(4)
    filtered = Case.objects.filter(priority="standard").order_by("case_number")
    monkeypatch.setattr(LargeTablePaginator, "count_cap", 3)
    capped = LargeTablePaginator(filtered, 2)
    assert (capped.count, capped.count_capped) == (4, True)  # counted to cap + 1: "more than 3"
    monkeypatch.setattr(LargeTablePaginator, "count_cap", 10)
    exact = LargeTablePaginator(filtered, 2)
    assert (exact.count, exact.count_capped) == (4, False)
    assert LargeTablePaginator(list(range(7)), 5).count_capped is False
