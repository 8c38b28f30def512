"""Admin for Final Determination Letters: a fast changelist, the live status on the change page, and actions that
call the letter services. Imported by ``cases/admin/__init__.py``; registers itself."""

from django.contrib import admin
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from ..models import Letter
from ..selectors import letters_failed, letters_to_issue
from ..services.letters import letter_rerender
from .common import RENDER_JOB_FIELDS, CaseAccessLogMixin, each_row

RERENDERED = "Queued {count} new letter version(s)."
SERVED = "Served {count} letter(s) today (proof of service recorded per recipient)."
STATUS_COLOURS = {"queued": "#6c757d", "rendering": "#0d6efd", "ready": "#198754", "failed": "#dc3545"}


class ToDoFilter(admin.SimpleListFilter):
    """Letters that need a coordinator: signed cases' letters ready to issue, or failed renders to retry."""

    title = "to do"
    parameter_name = "to_do"

    def lookups(self, request, model_admin):
        return [("issue", "Ready to issue"), ("failed", "Failed (retry or re-render)")]

    def queryset(self, request, queryset):
        if self.value() == "issue":
            return letters_to_issue(queryset)
        if self.value() == "failed":
            return letters_failed(queryset)
        return queryset


def letter_live_status(case):
    """The same htmx partial as the reviewer's case page: it loads itself and polls while the letter is in progress.
    A ModelAdmin showing it loads htmx in its ``Media`` (the admin does not load it by itself)."""
    return render_to_string("cases/_letter_status.html", {"case": case, "letter_status_lazy": True})


class LetterAdmin(CaseAccessLogMixin, admin.ModelAdmin):
    case_path = "determination__case"
    list_display = (
        "case_number",
        "determination_version",
        "version",
        "status_badge",
        "attempts",
        "queued_at",
        "rendered_at",
        "issued_at",
        "download",
    )
    list_filter = (ToDoFilter, "status", ("issued_at", admin.EmptyFieldListFilter))
    search_fields = ("determination__case__case_number",)
    list_select_related = ("determination__case",)
    ordering = ("-queued_at", "-id")
    show_full_result_count = False  # no COUNT(*) over a million rows on every page
    actions = ("rerender_action", "serve_today_action")
    fields = (
        "live_status",
        "case_number",
        "determination",
        "version",
        *RENDER_JOB_FIELDS,
        "issued_at",
    )
    readonly_fields = fields

    class Media:
        # The status partial polls with htmx; the admin does not load it by itself.
        js = ("vendor/htmx-2.0.11/htmx.min.js", "js/htmx-config.js")

    def has_add_permission(self, request):
        return False  # letters come from signing, re-render and retry only

    def has_delete_permission(self, request, obj=None):
        return False  # a record needs its letters

    @admin.display(description="Case", ordering="determination__case__case_number")
    def case_number(self, letter):
        return letter.determination.case.case_number

    @admin.display(description="Determination")
    def determination_version(self, letter):
        return f"v{letter.determination.version}"

    @admin.display(description="Status", ordering="status")
    def status_badge(self, letter):
        return format_html(
            '<span style="color:#fff;background:{};padding:1px 6px;border-radius:3px">{}</span>',
            STATUS_COLOURS.get(letter.status, "#6c757d"),
            letter.get_status_display(),
        )

    @admin.display(description="PDF")
    def download(self, letter):
        if letter.status != Letter.Status.READY or not letter.file:
            return "—"
        # This very version (the case's letter.pdf is the issued or newest one, whichever row this is).
        url = reverse("cases:letter_version_download", args=[letter.determination.case.case_number, letter.pk])
        note = " (superseded)" if letter.determination.superseded_by_id else ""
        return format_html('<a href="{}">Download v{}</a>{}', url, letter.version, note)

    @admin.display(description="Live status")
    def live_status(self, letter):
        return letter_live_status(letter.determination.case)

    def _each(self, request, queryset, service, done_message):
        each_row(self, request, queryset.select_related("determination__case"), service, done_message)

    @admin.action(description="Re-render (new version)")
    def rerender_action(self, request, queryset):
        self._each(request, queryset, lambda letter, actor: letter_rerender(letter=letter, actor=actor), RERENDERED)

    @admin.action(description="Serve today (proof of service for every recipient)")
    def serve_today_action(self, request, queryset):
        from notices.services import document_serve

        today = timezone.localdate()
        self._each(
            request,
            queryset,
            lambda letter, actor: document_serve(letter=letter, served_on=today, actor=actor),
            SERVED,
        )


admin.site.register(Letter, LetterAdmin)
