"""The heavy parts of the admin's case page, loaded after the page by htmx: reviewer suggestions, the timeline, the
letters and notices sent, the records (assignments, determinations, notices, proof of service, letter imports) and
the recent accesses.

Each costs queries or rendering that grow with the case's history or the reviewer roster (the suggestions match
every reviewer who practises the case's specialties); rendered inline they made the page wait for all of them. The
page shows a placeholder per panel that fetches ``<case id>/panel/<name>/`` once loaded. A panel answers under the
page's own rules: the admin site's login (staff only), the case admin's view permission, and the visibility rule of its
queryset (``cases_visible_to``): a case the user may not see is a 404, as on the page. The page that holds the
panels has recorded the PHI access already, so a panel does not record it again.
"""

from functools import partial

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import path

from notices.admin_inlines import documents_sent

from .case_display import panel_placeholder, recent_accesses_html, suggestions_html, timeline_html  # noqa: F401
from .records import case_records_html

NO_SUCH_PANEL = "No case page panel {name!r}."
NO_SUCH_CASE = "No case with id {object_id!r}."


def _of_case(render):
    """A panel drawn from the case alone."""
    return lambda model_admin, request, case: render(case)


# name -> ((case admin, request, case) -> HTML)
PANELS = {
    "suggestions": _of_case(suggestions_html),
    "timeline": _of_case(timeline_html),
    "documents": _of_case(documents_sent),
    "records": case_records_html,
    "accesses": _of_case(recent_accesses_html),
}


def case_panel_urls(model_admin) -> list:
    """The panels' URLs, behind the admin site's login like every admin view."""
    view = model_admin.admin_site.admin_view(partial(case_panel_view, model_admin))
    return [path("<path:object_id>/panel/<str:name>/", view, name="cases_case_panel")]


def case_panel_view(model_admin, request, object_id, name):
    render = PANELS.get(name)
    if render is None:
        raise Http404(NO_SUCH_PANEL.format(name=name))
    case = model_admin.get_object(request, object_id)  # the admin's queryset: only cases the user may see
    if not model_admin.has_view_or_change_permission(request, case):  # in the change page's order: 403, then 404
        raise PermissionDenied
    if case is None:
        raise Http404(NO_SUCH_CASE.format(object_id=object_id))
    return HttpResponse(render(model_admin, request, case))
