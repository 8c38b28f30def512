"""The administrators' site: named for the IMR system, its home page grouped by task instead of by Django app."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView

# The home page's groups, in order: each model (app_label.ModelName) or whole app goes under the task it serves.
TASK_GROUPS = (
    (
        "intake",
        "Intake and cases",
        (
            "cases.Case",
            "cases.InjuredWorker",
            "cases.Claim",
            "cases.Party",
            "cases.DisputedItem",
            "cases.Citation",
            "cases.Document",
            "cases.TreatmentEvent",
            "letterimport",
        ),
    ),
    ("review", "Review", ("cases.Assignment", "cases.DocumentReview", "cases.Determination")),
    ("letters", "Letters and notices", ("cases.Letter", "notices", "letterimport")),
    ("reviewers", "Reviewers", ("reviewers",)),
    ("library", "Guideline library", ("cases.Guideline", "precedents")),
    ("audit", "Audit", ("cases.CaseEvent", "cases.CaseAccess", "axes", "simple_history")),
    ("access", "Users and groups", ("auth", "authtoken")),
)
OTHER_GROUP = ("other", "Other")


def task_of(app_label: str, object_name: str) -> tuple[str, str]:
    """The (key, title) of the task group a model belongs to; anything not listed goes under "Other"."""
    for key, title, members in TASK_GROUPS:
        if f"{app_label}.{object_name}" in members or app_label in members:
            return key, title
    return OTHER_GROUP


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """An autocomplete's results labelled as the model's admin names its rows (``autocomplete_label``, e.g. a
    reviewer as "Dr. Miriam Okafor (ER-0001, Psychiatry)"), else by ``str``."""

    def serialize_result(self, obj, to_field_name):
        label = getattr(self.model_admin, "autocomplete_label", None)
        return {"id": str(getattr(obj, to_field_name)), "text": label(obj) if label else str(obj)}


class ImrAdminSite(admin.AdminSite):
    site_title = "IMR case management"
    index_title = "The coordinator's desk"

    @property
    def site_header(self):
        return f"{settings.IMR_ORGANIZATION_SHORT_NAME} · California Independent Medical Review"

    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)

    def get_app_list(self, request, app_label=None):
        """By task on the home page and in the sidebar; an app's own page (``app_label``) stays as Django makes it."""
        apps = super().get_app_list(request, app_label)
        if app_label is not None:
            return apps
        groups: dict[str, dict] = {}
        order = [key for key, _, _ in TASK_GROUPS] + [OTHER_GROUP[0]]
        for app in apps:
            for model in app["models"]:
                key, title = task_of(app["app_label"], model["object_name"])
                group = groups.setdefault(
                    key,
                    {
                        "name": title,
                        "app_label": key,
                        "app_url": model["admin_url"],
                        "has_module_perms": True,
                        "models": [],
                    },
                )
                group["models"].append(model)
        return [groups[key] for key in order if key in groups]
