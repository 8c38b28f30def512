"""The guideline library in the admin, with its CSV import and export."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from ..models import Guideline, GuidelineTopic
from ..services.guideline_csv import GuidelineImportError, guideline_csv_export, guideline_csv_import
from . import forms as admin_forms
from .common import HistoryAdmin

NOTHING_IMPORTED = "Nothing was imported."
IMPORTED = "Guidelines imported: {created} created, {updated} updated, {unchanged} unchanged."
IMPORT_TITLE = "Import guidelines from CSV"


class GuidelineTopicInline(admin.TabularInline):
    """The topics reviewers search by under this guideline; the seed ones come from the published letters."""

    model = GuidelineTopic
    extra = 0
    fields = ("name", "sections", "pages", "aliases", "imported_unreviewed", "times_cited")
    readonly_fields = ("times_cited",)


@admin.register(Guideline)
class GuidelineAdmin(HistoryAdmin):
    inlines = [GuidelineTopicInline]
    list_display = ("title", "source", "evidence_rank", "active", "imported_unreviewed")
    list_filter = ("source", "evidence_rank", "active", "imported_unreviewed")
    search_fields = ("title", "aliases")
    actions = ["export_csv_action"]
    change_list_template = "admin/cases/guideline/change_list.html"

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="cases_guideline_import"),
            path("export/", self.admin_site.admin_view(self.export_view), name="cases_guideline_export"),
            *super().get_urls(),
        ]

    @staticmethod
    def _csv_response(queryset):
        response = HttpResponse(guideline_csv_export(queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="guidelines-{timezone.localdate():%Y%m%d}.csv"'
        return response

    @admin.action(description="Export selected to CSV", permissions=["view"])
    def export_csv_action(self, request, queryset):
        return self._csv_response(queryset)

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self._csv_response(Guideline.objects.all())

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        if request.method == "POST":
            form = admin_forms.GuidelineImportForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    result = guideline_csv_import(data=form.cleaned_data["file"].read(), actor=request.user)
                except GuidelineImportError as exc:
                    for message in exc.messages:
                        messages.error(request, message)
                    messages.error(request, NOTHING_IMPORTED)
                else:
                    messages.success(
                        request,
                        IMPORTED.format(created=result.created, updated=result.updated, unchanged=result.unchanged),
                    )
                    return HttpResponseRedirect(reverse("admin:cases_guideline_changelist"))
        else:
            form = admin_forms.GuidelineImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": IMPORT_TITLE,
            "form": form,
        }
        return TemplateResponse(request, "admin/cases/guideline/import.html", context)
