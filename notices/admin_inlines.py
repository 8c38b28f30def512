"""The case page's view of what was sent: every notice (with its download and, for a public copy, the redaction
report) and every proof-of-service row. Read-only: notices come from events, rows from queueing and serving.
The notices and proof of service are tables of the case page's records panel, with these inlines' columns and
displays (``cases.admin.records``). (Imports only ``cases.admin.common``: the case admin imports these.)"""

from django.contrib import admin
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from cases.admin.common import ReadOnlyInline

from .models import Notice, Service
from .selectors import case_documents


def documents_sent(case) -> str:
    """The case page's list of every letter and notice produced for the case, with its status, service and link."""
    return render_to_string("admin/notices/documents_sent.html", {"documents": case_documents(case)})


def notice_download_link(notice):
    if notice.status != Notice.Status.READY or not notice.file:
        return notice.get_status_display()
    url = reverse("notices:download", args=[notice.case.case_number, notice.pk])
    return format_html('<a href="{}">Download PDF</a>', url)


def redaction_report_table(notice):
    if notice.kind != Notice.Kind.PUBLIC_COPY:
        return "—"
    return render_to_string("admin/notices/redaction_report.html", {"report": notice.report})


class NoticeDisplays:
    """The download link and the redaction report, on the notices' admin and the case page alike."""

    @admin.display(description="PDF")
    def download(self, notice):
        return notice_download_link(notice)

    @admin.display(description="redaction report (check before publishing)")
    def redaction_report(self, notice):
        return redaction_report_table(notice)


class NoticeInline(NoticeDisplays, ReadOnlyInline):
    model = Notice
    fk_name = "case"
    fields = ("kind", "version", "status", "created", "rendered_at", "sha256", "download", "redaction_report")
    readonly_fields = fields
    verbose_name_plural = "notices and public copies (documents sent)"


class ServiceInline(ReadOnlyInline):
    model = Service
    fields = ("document", "role", "recipient", "address", "method", "served_on", "served_by")
    readonly_fields = fields
    verbose_name_plural = "proof of service (one row per recipient of each letter and notice)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("letter", "notice")  # the document column names them

    @admin.display(description="document")
    def document(self, service):
        if service.letter_id:
            return f"Letter v{service.letter.version}"
        return str(service.notice.get_kind_display())


CASE_DOCUMENT_INLINES = [NoticeInline, ServiceInline]
