"""Downloads of a case's notices (public copies, notices, cover pages) for those who see all cases
(``cases.view_all_cases``: coordinators, auditors): through the one visibility rule
(``cases.selectors.cases_visible_to``, via ``case_view``), 404 for everyone else (the case's reviewer too), logged."""

from django.shortcuts import get_object_or_404

from cases.views.common import case_view, private_file_response

from .models import Notice

NO_NOTICE_READY = "This notice is not ready."


@case_view(methods=("GET", "HEAD"), all_cases_only=True)
def notice_download(request, case, notice_pk):
    notice = get_object_or_404(Notice, pk=notice_pk, case=case, status=Notice.Status.READY)
    response = private_file_response(
        request,
        case,
        notice.file,
        filename=f"{case.case_number}-{notice.kind.replace('_', '-')}-v{notice.version}.pdf",
        content_type="application/pdf",
        missing=NO_NOTICE_READY,
        as_attachment=True,
    )
    response["X-Document-SHA256"] = notice.sha256
    return response
