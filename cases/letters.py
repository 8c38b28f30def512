"""The Final Determination Letter: its text rules (guideline lines, the qualification paragraph) and HTML-to-PDF
rendering with WeasyPrint.

Rendering reads only the determination's frozen snapshot, so a letter re-rendered later reads the same. WeasyPrint
gets a URL fetcher that serves our own static files and refuses everything else: letters carry user text (PHI), and
a rendered page must never reach the network or the file system on its behalf (docs/adr/0005).
"""

import datetime
import mimetypes
import re
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

MTUS = "MTUS"
NON_MTUS = "Non-MTUS"


def _fold(text):
    return re.sub(r"\s+", " ", text or "").strip()


def _citation_text(citation: dict, *, sections_lead: str) -> str:
    """One citation: ``<title><sections_lead><sections>`` if sections, `` Page(s): <pages>`` if pages."""
    text = _fold(citation["title"])
    if citation.get("sections"):
        text += f"{sections_lead}{_fold(citation['sections'])}"
    if citation.get("pages"):
        text += f" Page(s): {_fold(citation['pages'])}"
    return text


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."


def guideline_line(side: str, citations: list[dict]) -> str:
    """One side's guideline line by the rules of ``case-format.md``.

    ``side`` is "The Claims Administrator" or "The Expert Reviewer"; ``citations`` are dicts with
    source, title, sections and pages, in their order.
    """
    mtus = [c for c in citations if c["source"] == MTUS]
    non_mtus = [c for c in citations if c["source"] == NON_MTUS]
    non_mtus_text = (
        _sentence(
            "Decision based on Non-MTUS Citation " + ", ".join(_citation_text(c, sections_lead=", ") for c in non_mtus)
        )
        if non_mtus
        else ""
    )
    if not mtus and not non_mtus:
        return f"{side} did not cite any medical evidence for its decision."
    if not mtus:
        return f"{side} based their decision on recommendation(s) outside of the MTUS Guidelines. {non_mtus_text}"
    line = _sentence(
        "Decision based on MTUS " + ", and ".join(_citation_text(c, sections_lead=", Section(s): ") for c in mtus)
    )
    return f"{line} {non_mtus_text}" if non_mtus else line


# --- The qualification paragraph -------------------------------------------------------------------------------


def qualification_paragraph(organization_name: str, reviewer: dict) -> str:
    """How the IMR determination was made, claiming only what the reviewer's stored credentials show.

    The 2016-17 form: licensure and certification are printed once, in the credentials block that follows
    ("State(s) of Licensure:", "Certification(s)/Specialty:"), never also as the 2014-15 sentence ("The expert
    reviewer is Board Certified in ... and is licensed ..."). ``reviewer`` is the snapshot's credentials block; the
    name and the internal reference are never read.
    """
    years = reviewer.get("years_in_practice")
    hours = reviewer.get("weekly_practice_hours")
    sentences = [
        f"{organization_name} sent the complete case file to an expert reviewer.",
        "He/she has no affiliation with the employer, employee, providers or the claims administrator.",
    ]
    experienced = years is not None and years > 5
    full_time = hours is not None and hours >= 24
    if experienced and full_time:
        sentences.append(
            "He/she has been in active clinical practice for more than five years and is currently working at least "
            "24 hours a week in active practice."
        )
    elif experienced:
        sentences.append("He/she has been in active clinical practice for more than five years.")
    elif full_time:
        sentences.append("He/she is currently working at least 24 hours a week in active practice.")
    sentences += [
        "The expert reviewer was selected based on his/her clinical experience, education, background, and expertise "
        "in the same or similar specialties that evaluate and/or treat the medical condition and disputed "
        "items/services.",
        "He/she is familiar with governing laws and regulations, including the strength of evidence hierarchy that "
        "applies to Independent Medical Review determinations.",
    ]
    return " ".join(sentences)


# --- Fetching: our static files only ---------------------------------------------------------------------------

STATIC_SCHEME = "static"
LETTER_STYLESHEET = "static:letters/letter.css"
FETCHABLE_SUFFIXES = {".css", ".ttf", ".otf", ".woff", ".woff2", ".png", ".jpg", ".jpeg", ".svg", ".xmp"}
FETCH_REFUSED = "Letters may only load our own static files; refused {url!r}: {reason}."


class LetterFetchRefused(ValueError):
    """A URL the letter renderer will not load."""


def _static_dirs() -> list[Path]:
    dirs = []
    for entry in settings.STATICFILES_DIRS:
        path = entry[1] if isinstance(entry, (tuple, list)) else entry
        dirs.append(Path(path).resolve())
    return dirs


def resolve_static(url: str) -> Path:
    """The file behind ``static:<path>`` if it is one of ours (inside STATICFILES_DIRS); otherwise raise."""

    def refuse(reason):
        raise LetterFetchRefused(FETCH_REFUSED.format(url=url[:200], reason=reason))

    parts = urlsplit(url)
    if parts.scheme.lower() != STATIC_SCHEME:
        refuse("only static: URLs are served")
    if parts.netloc or parts.query or parts.fragment or "%" in url or "\\" in url:
        refuse("no host, query, fragment or escapes allowed")
    path = parts.path
    static_prefix = urlsplit(settings.STATIC_URL).path
    if static_prefix and path.startswith(static_prefix):
        path = path[len(static_prefix) :]
    path = path.lstrip("/")
    segments = path.split("/")
    if not path or any(s in ("", ".", "..") or s.startswith(".") for s in segments):
        refuse("not a plain relative path")
    if Path(path).suffix.lower() not in FETCHABLE_SUFFIXES:
        refuse("not a stylesheet, font or image")
    found = finders.find(path)
    if not found:
        refuse("no such static file")
    resolved = Path(found).resolve()
    if not any(resolved.is_relative_to(base) for base in _static_dirs()):
        refuse("outside our static folders")
    return resolved


class StaticOnlyURLFetcher(URLFetcher):
    """WeasyPrint's fetcher, reduced to our static files. Every URL asked for is recorded in ``requested``
    (tests count them); anything not ours raises, so WeasyPrint skips it with a warning and fetches nothing."""

    def __init__(self):
        super().__init__(allowed_protocols=[STATIC_SCHEME], allow_redirects=False)
        self.requested: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        self.requested.append(url)
        try:
            path = resolve_static(url)
        except LetterFetchRefused:
            self.refused.append(url)
            raise
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})


# --- The letter as HTML and PDF --------------------------------------------------------------------------------

ROLE_LABELS = {
    "employer": "Employer",
    "claims_administrator": "Claims Administrator",
    "requesting_physician": "Requesting Physician",
    "attorney": "Attorney",
    "employee_representative": "Employee Representative",
}
DECISION_LABELS = {"upheld": "Upheld", "overturned": "Overturned"}
RECIPIENT_LABELS = {
    "injured_worker": "Injured Worker",
    **ROLE_LABELS,
    "dwc": "Copy",
}
DWC_NAME = "Division of Workers' Compensation, Independent Medical Review Unit"
CLAIMS_ADMINISTRATOR_SIDE = "The Claims Administrator"
EXPERT_REVIEWER_SIDE = "The Expert Reviewer"


def us_date(value) -> str:
    """MM/DD/YYYY, as the letters print dates; '' for no date."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value[:10])
    return value.strftime("%m/%d/%Y")


def _document_line(document: dict) -> str:
    title = document.get("title") or document.get("type") or document.get("doc_type") or "Document"
    parts = [title, document.get("author") or ""]
    date = document.get("document_date") or document.get("date")
    if date:
        parts.append(us_date(date))
    return ", ".join(_fold(p) for p in parts if p)


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a user's text: blank lines separate them (as Django's ``linebreaks`` filter reads it)."""
    text = re.sub(r"\r\n|\r", "\n", text or "").strip()
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def recipients_from_snapshot(snapshot: dict) -> list[dict]:
    """Who a determination is served on, from what was signed: the injured worker, each party, and the DWC's copy.
    Each is ``{role, name, address, email}``; the proof-of-service rows are planned from this list."""
    worker = snapshot.get("injured_worker") or {}
    recipients = [
        {
            "role": "injured_worker",
            "name": _fold(f"{worker.get('first_name', '')} {worker.get('last_name', '')}") or "The injured worker",
            "address": worker.get("address") or "",
            "email": "",
        }
    ]
    recipients += [
        {
            "role": p.get("role") or "",
            "name": p.get("name") or "",
            "address": p.get("address") or "",
            "email": p.get("email") or "",
        }
        for p in snapshot.get("parties") or []
    ]
    recipients.append({"role": "dwc", "name": DWC_NAME, "address": "", "email": ""})
    return recipients


def distribution_lines(recipients: list[dict]) -> list[dict]:
    """The distribution list as printed: the role's label, the name, the address (its own lines)."""
    return [
        {
            "role": RECIPIENT_LABELS.get(r["role"], (r["role"] or "").replace("_", " ").title()),
            "name": r["name"],
            "address": r.get("address") or "",
        }
        for r in recipients
    ]


def letter_context(snapshot: dict, *, distribution: list[dict] | None = None) -> dict:
    """What the template prints, from a determination snapshot. Names of the IMRO come from settings.
    ``distribution`` is the recipients it is served on (its proof-of-service rows); by default, those the snapshot
    names."""
    reviewer = snapshot.get("reviewer") or {}
    short_name = settings.IMR_ORGANIZATION_SHORT_NAME
    items = [
        {
            "title": item["title"],
            "decision": DECISION_LABELS.get(item.get("decision") or "", "Not decided"),
            "claims_administrator_guideline": guideline_line(
                CLAIMS_ADMINISTRATOR_SIDE, item.get("claims_administrator_citations") or []
            ),
            "imro_guideline": guideline_line(EXPERT_REVIEWER_SIDE, item.get("citations") or []),
            "rationale_paragraphs": paragraphs(item.get("rationale") or ""),
        }
        for item in snapshot.get("items") or []
    ]
    return {
        "organization_short_name": short_name,
        "case_number": snapshot["case_number"],
        "header": {
            "date_assigned": us_date(snapshot.get("date_assigned")),
            "decision_date": us_date(snapshot.get("decision_date")),
            "priority": (snapshot.get("priority") or "").capitalize(),
            "date_of_injury": us_date(snapshot.get("date_of_injury")),
            "ur_denial_date": us_date(snapshot.get("ur_decision_date")),
            "application_received": us_date(snapshot.get("application_received")),
        },
        "qualification": qualification_paragraph(settings.IMR_ORGANIZATION_NAME, reviewer),
        "licensure": ", ".join(reviewer.get("licensure_states") or []),
        "specialties": ", ".join(reviewer.get("specialties") or []),
        "clinical_summary": snapshot.get("clinical_summary") or "",
        "items": items,
        "documents_reviewed": [_document_line(d) for d in snapshot.get("documents_reviewed") or []],
        "distribution": distribution_lines(
            recipients_from_snapshot(snapshot) if distribution is None else distribution
        ),
        "correction": _correction_line(snapshot.get("correction")),
        **letterhead(),
    }


CORRECTED_LINE = "Corrected: this Final Determination replaces the determination dated {date} (version {version})."


def _correction_line(correction: dict | None) -> str:
    """The "Corrected" mark of a determination that supersedes another, from what was signed."""
    if not correction:
        return ""
    return CORRECTED_LINE.format(date=us_date(correction.get("decision_date")), version=correction.get("version"))


def letterhead() -> dict:
    """What every document's letterhead prints: the organisation's name, logo (a static file, from settings) and
    return address."""
    return {
        "organization_name": settings.IMR_ORGANIZATION_NAME,
        "organization_logo": f"{STATIC_SCHEME}:{settings.IMR_ORGANIZATION_LOGO}"
        if settings.IMR_ORGANIZATION_LOGO
        else "",
        "organization_address": settings.IMR_ORGANIZATION_ADDRESS,
    }


def letter_html(
    snapshot: dict, *, distribution: list[dict] | None = None, public: bool = False, draft: bool = False
) -> str:
    """The letter as HTML; ``draft`` marks every page DRAFT (the sign page's preview, never an issued letter)."""
    context = letter_context(snapshot, distribution=distribution)
    return render_to_string("letters/letter.html", {**context, "public": public, "draft": draft})


# Archival and accessible: PDF/A-3 level A (tagged, with a structure tree, fonts embedded) plus the PDF/UA-1
# identification in the XMP metadata (WeasyPrint's tags, the html ``lang`` and ``<title>``). docs/adr/0016.
PDF_VARIANT = "pdf/a-3a"
PDF_UA_METADATA = "static:letters/pdfua.xmp"


def html_to_pdf(html: str, *, url_fetcher=None) -> bytes:
    """WeasyPrint, with our print stylesheet, no base URL (no relative file access) and the static-only fetcher."""
    fetcher = url_fetcher or StaticOnlyURLFetcher()
    stylesheet = CSS(url=LETTER_STYLESHEET, url_fetcher=fetcher)
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(
        stylesheets=[stylesheet], pdf_variant=PDF_VARIANT, xmp_metadata=[PDF_UA_METADATA]
    )


def letter_pdf(
    snapshot: dict, *, url_fetcher=None, distribution: list[dict] | None = None, draft: bool = False
) -> bytes:
    """The letter of a determination snapshot as PDF bytes."""
    return html_to_pdf(letter_html(snapshot, distribution=distribution, draft=draft), url_fetcher=url_fetcher)
