"""Admin for notices (Letters and notices → Notices): list, live status, download, redaction report, and the
actions that call the notices services (serve today, retry a failed one)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.admin.common import CaseAccessLogMixin

from .admin_inlines import notice_download_link, redaction_report_table
from .models import Notice
from .services import document_serve, notice_retry

REFUSED = "{notice}: {reason}"
SERVED = "Served {count} notice(s) today."
RETRIED = "Queued {count} notice(s) again."


@admin.register(Notice)
class NoticeAdmin(CaseAccessLogMixin, admin.ModelAdmin):
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
        "status",
        "event",
        "letter",
        "attempts",
        "error",
        "sha256",
        "download",
        "created",
        "queued_at",
        "render_started_at",
        "rendered_at",
        "redaction_report",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # notices come from their events

    def has_delete_permission(self, request, obj=None):
        return False  # a record needs what was sent

    @admin.display(description="PDF")
    def download(self, notice):
        return notice_download_link(notice)

    @admin.display(description="redaction report (check before publishing)")
    def redaction_report(self, notice):
        return redaction_report_table(notice)

    def _each(self, request, queryset, service, done_message):
        done = 0
        for notice in queryset.select_related("case"):
            try:
                service(notice)
                done += 1
            except ValidationError as exc:
                self.message_user(request, REFUSED.format(notice=notice, reason=" ".join(exc.messages)), messages.ERROR)
        if done:
            self.message_user(request, done_message.format(count=done), messages.SUCCESS)

    @admin.action(description="Serve today (proof of service for every recipient)")
    def serve_today_action(self, request, queryset):
        today = timezone.localdate()
        self._each(request, queryset, lambda n: document_serve(notice=n, served_on=today, actor=request.user), SERVED)

    @admin.action(description="Retry (a failed notice)")
    def retry_action(self, request, queryset):
        self._each(request, queryset, lambda n: notice_retry(notice=n, actor=request.user), RETRIED)
