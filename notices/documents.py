"""The notices as HTML and PDF: each printed only from what was recorded on the notice (``Notice.content``) or signed
(the letter's determination snapshot), through the letter's renderer (``cases.letters.html_to_pdf``: our static files
only, autoescaped user text, PDF/A-3a with PDF/UA identification)."""

from django.template.loader import render_to_string

from cases.letters import distribution_lines, html_to_pdf, letter_html, letterhead, paragraphs, us_date

from .redaction import redact_snapshot

NOTICE_TEMPLATES = {
    "noarfi": "notices/noarfi.html",
    "ineligibility": "notices/ineligibility.html",
    "cover_pages": "notices/cover_pages.html",
}

# 8 CCR 9792.10.5(a)(1): what the claims administrator must send with the notice of assignment.
RECORDS_REQUESTED = (
    "A copy of the Application for Independent Medical Review (DWC Form IMR) and the utilization review "
    "determination letter, with all information provided to the employee about the utilization review decision.",
    "All medical records in your possession or control relevant to the employee's condition and the disputed "
    "treatment, including the treating physician's reports for the six months before the request for authorization.",
    "All correspondence about the disputed treatment, and any documents submitted by the employee or the treating "
    "physician in support of the request.",
    "Any evidence-based medical guidelines or other materials relied on in the utilization review decision.",
)


def public_copy_snapshot(notice) -> tuple[dict, list[dict]]:
    """The letter's signed snapshot, redacted with the terms recorded on the public copy; and the report."""
    return redact_snapshot(notice.letter.determination.snapshot, notice.content.get("terms") or [])


def notice_context(notice, distribution: list[dict]) -> dict:
    content = notice.content
    return {
        **letterhead(),
        "kind": notice.get_kind_display(),
        "c": content,
        "dates": {
            key: us_date(content.get(key)) for key in content if key.endswith(("_date", "_due", "_received", "_injury"))
        },
        "reason_paragraphs": paragraphs(content.get("reason") or ""),
        "records_requested": RECORDS_REQUESTED,
        "distribution": distribution_lines(distribution),
        "recipients": content.get("recipients") or [],
    }


def notice_html(notice, distribution: list[dict]) -> str:
    if notice.kind == "public_copy":
        snapshot, _report = public_copy_snapshot(notice)
        return letter_html(snapshot, distribution=[], public=True)
    return render_to_string(NOTICE_TEMPLATES[notice.kind], notice_context(notice, distribution))


def notice_pdf(notice, distribution: list[dict]) -> bytes:
    return html_to_pdf(notice_html(notice, distribution))
