"""Keeping ``Case.search_text`` and ``Case.worker_sort`` current: what the admin search matches, one lower-cased line
per case, and the worker's name as the case list sorts it ("last, first", lower-cased).

The search finds a case by its number, its claim number, the worker's first, last or full name and any party's name.
Those live in four tables; joining them for every search (``LIKE '%q%'`` on each) scans them all at a million cases.
Instead each case carries the text once, indexed for "contains" by a pg_trgm GIN index (migration
``0006_case_sort_keys_and_search``), and the signals of ``cases.signals`` refresh it when any part changes. Bulk
loads that bypass ``save()`` (the import, ``bench/seed.py``) call ``cases_refresh_search_text`` or write it directly.
The worker's sort key lives beside it for the same reason (sorting by a joined table's column sorts every case) and
is refreshed by the same signals; migration ``case_worker_sort`` computes it for existing cases with the same rule.
"""

from collections import defaultdict

from django.db.models import Q

from ..models import Case, Party, fold_whitespace

SEARCH_SEPARATOR = " | "


def case_search_text(*, case_number: str, claim_number: str, first_name: str, last_name: str, party_names) -> str:
    """The line the search matches: whitespace folded and case-folded, parts separated so a term cannot span two."""
    parts = [case_number, claim_number, f"{first_name} {last_name}", *party_names]
    return SEARCH_SEPARATOR.join(fold_whitespace(part) for part in parts if fold_whitespace(part)).casefold()


def case_worker_sort(*, first_name: str, last_name: str) -> str:
    """``Case.worker_sort``: "gonzalez, maria" (the rule of migration ``case_worker_sort``'s SQL: trimmed, lowered)."""
    return f"{last_name.strip()}, {first_name.strip()}".lower()


def cases_refresh_search_text(*, case_ids) -> None:
    """Recompute ``search_text`` and ``worker_sort`` of the given cases (two queries whatever their number, plus one
    write for each case whose values changed)."""
    case_ids = list(case_ids)
    if not case_ids:
        return
    names = defaultdict(list)
    for case_id, name in Party.objects.filter(case_id__in=case_ids).order_by("id").values_list("case_id", "name"):
        names[case_id].append(name)
    rows = Case.objects.filter(pk__in=case_ids).values_list(
        "pk", "case_number", "claim__claim_number", "claim__worker__first_name", "claim__worker__last_name"
    )
    for pk, case_number, claim_number, first_name, last_name in rows:
        text = case_search_text(
            case_number=case_number,
            claim_number=claim_number,
            first_name=first_name,
            last_name=last_name,
            party_names=names[pk],
        )
        sort = case_worker_sort(first_name=first_name, last_name=last_name)
        unchanged = Q(search_text=text, worker_sort=sort)
        Case.objects.filter(pk=pk).exclude(unchanged).update(search_text=text, worker_sort=sort)
