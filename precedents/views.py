"""Pages: precedent search (/precedents/), one precedent, the "Similar decisions" fragment beside a case's item, and
the decision analytics (/analytics/) with its CSV."""

import csv
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from cases import selectors as case_selectors
from cases.desk_selectors import offered_guidelines
from cases.services import review
from cases.views.common import case_view

from . import selectors
from .forms import AnalyticsForm, PrecedentSearchForm
from .models import DecisionStat, PrecedentItem
from .search import COUNT_CAP, Filters

PAGE_SIZE = 20
CSV_HEADER = ["dimension", "key", "items", "overturned", "overturned_share"]


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


@dataclass
class ResultPage:
    number: int
    count: int  # COUNT_CAP + 1: more than COUNT_CAP, shown as "About 2,000+"; the pages stop at COUNT_CAP
    size: int
    cap: int = COUNT_CAP

    @property
    def capped(self):
        return self.count > self.cap

    @property
    def cap_label(self):
        return f"{self.cap:,}"

    @property
    def num_pages(self):
        return max(1, -(-min(self.count, self.cap) // self.size))

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.num_pages


def _page_number(value) -> int:
    return int(value) if str(value).isdigit() and int(value) > 0 else 1


@require_GET
@login_required
def search(request):
    _require(selectors.can_view_precedents(request.user))
    form = PrecedentSearchForm(request.GET)
    chosen = form.chosen()
    guideline = chosen.get("guideline")
    filters = Filters(
        decision=chosen.get("decision") or "",
        guideline_id=guideline.pk if guideline else None,
        specialty=chosen.get("specialty") or "",
        year=chosen.get("year"),
        origin=chosen.get("origin") or "",
    )
    number = _page_number(request.GET.get("page"))
    count, results = selectors.precedent_search(
        query=chosen.get("q") or "", filters=filters, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "results": results,
        "page": ResultPage(number=number, count=count, size=PAGE_SIZE),
        "query_string": query.urlencode(),
    }
    return render(request, "precedents/search.html", context)


@require_GET
@login_required
def detail(request, pk):
    _require(selectors.can_view_precedents(request.user))
    precedent = get_object_or_404(PrecedentItem.objects.select_related("determination", "category"), pk=pk)
    return render(request, "precedents/detail.html", selectors.precedent_public(precedent))


@case_view()
def similar_for_item(request, case, item_pk):
    """ "Similar decisions" beside one item of a case the user may see (htmx fragment, loaded with the page)."""
    _require(selectors.can_view_precedents(request.user))
    item = get_object_or_404(case.items, pk=item_pk)
    can_add = review.case_edit_refusal(case) is None and case_selectors.case_is_assigned_to(case, request.user)
    suggestions = selectors.item_suggestions(item)
    # Only what the picker offers may be added: an imported-unreviewed guideline waits for an administrator.
    cited = {c.guideline_id for c in suggestions.citations if c.guideline_id} if can_add else set()
    offered = set(offered_guidelines().filter(pk__in=cited).values_list("pk", flat=True)) if cited else set()
    context = {"case": case, "item": item, "suggestions": suggestions, "can_add": can_add, "offered": offered}
    return render(request, "precedents/_similar_for_item.html", context)


def _analytics_origin(request) -> str:
    form = AnalyticsForm(request.GET)
    form.is_valid()
    return form.cleaned_data.get("origin") or "all"


@require_GET
@login_required
def analytics(request):
    _require(selectors.can_view_analytics(request.user))
    origin = _analytics_origin(request)
    sections = [
        {"by": value, "label": label, "json_id": f"data-{value}", **selectors.decision_groups(by=value, origin=origin)}
        for value, label in DecisionStat.Dimension.choices
    ]
    context = {
        "origin": origin,
        "origins": AnalyticsForm.base_fields["origin"].choices,
        "sections": sections,
        "total": sections[0]["total"],
        "timeliness": selectors.timeliness(),
    }
    return render(request, "precedents/analytics.html", context)


@require_GET
@login_required
def analytics_csv(request):
    """Every dimension's table as one CSV (the numbers the page shows)."""
    _require(selectors.can_view_analytics(request.user))
    origin = _analytics_origin(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="decisions-{origin}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for dimension, _label in DecisionStat.Dimension.choices:
        for group in selectors.decision_groups(by=dimension, origin=origin)["groups"]:
            share = f"{group['overturned'] / group['items']:.3f}" if group["items"] else ""
            writer.writerow([dimension, group["key"], group["items"], group["overturned"], share])
    return response
