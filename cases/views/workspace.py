from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from ..selectors import cases_visible_to


@login_required
def queue(request):
    cases = cases_visible_to(request.user).select_related("claim").order_by("decision_due", "case_number")[:50]
    return render(request, "cases/queue.html", {"cases": cases})


@login_required
def case_detail(request, case_number):
    case = get_object_or_404(cases_visible_to(request.user), case_number=case_number)
    return render(request, "cases/case_detail.html", {"case": case})
