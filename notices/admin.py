"""Admin for notices (Letters and notices → Notices): list, live status, download, redaction report, and the
actions that call the notices services (serve today, retry a failed one)."""

from django.contrib import admin
from django.utils import timezone

from cases.admin.common import RENDER_JOB_FIELDS, CaseAccessLogMixin, each_row

from .admin_inlines import NoticeDisplays
from .models import Notice
from .services import document_serve, notice_retry

SERVED = "Served {count} notice(s) today."
RETRIED = "Queued {count} notice(s) again."


@admin.register(Notice)
class NoticeAdmin(NoticeDisplays, CaseAccessLogMixin, admin.ModelAdmin):
    case_path = "case"
    list_display = ("case", "kind", "version", "status", "attempts", "queued_at", "rendered_at", "download")
    list_filter = ("kind", "status")
    search_fields = ("case__case_number",)
    list_select_related = ("case",)
    ordering = ("-queued_at", "-id")
    show_full_result_count = False
    actions = ("serve_today_action", "retry_action")
    fields = (
        "case",
        "kind",
        "version",
        "event",
        "letter",
        *RENDER_JOB_FIELDS,
        "redaction_report",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # notices come from their events

    def has_delete_permission(self, request, obj=None):
        return False  # a record needs what was sent

    def _each(self, request, queryset, service, done_message):
        each_row(self, request, queryset.select_related("case"), service, done_message)

    @admin.action(description="Serve today (proof of service for every recipient)", permissions=["change"])
    def serve_today_action(self, request, queryset):
        today = timezone.localdate()
        self._each(request, queryset, lambda n, actor: document_serve(notice=n, served_on=today, actor=actor), SERVED)

    @admin.action(description="Retry (a failed notice)", permissions=["change"])
    def retry_action(self, request, queryset):
        self._each(request, queryset, lambda n, actor: notice_retry(notice=n, actor=actor), RETRIED)
