"""Writes of the notices room: notices queued from their events, a letter's proof-of-service rows and public copy,
serving a document (proof of service, cover pages), retry and the sweeper.

Each notice goes through the letter's job (``cases.services.render_jobs``): queued in the transaction of its event,
rendered by a Celery worker after commit from what was recorded, stored with its SHA-256, retried, swept.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cases.letters import recipients_from_snapshot, us_date
from cases.models import Case, CaseEvent, IneligibilityCode, Letter, NoticeChannel
from cases.services import render_jobs
from cases.services.letters import letter_mark_issued
from cases.services.lifecycle import case_record_event

from . import documents
from .models import Notice, Service
from .redaction import redact_snapshot, redaction_terms
from .selectors import document_distribution, document_services, recipient_label

NOTHING_TO_SERVE = "Every recipient of this document was already served."
NOTICE_NOT_READY = "Only a ready notice can be served; this notice is {status}."
NOT_SERVED_DOCUMENT = "A public copy or cover pages are not served on the parties."
NO_MAILING_ADDRESS = "No mailing address on record for: {names}. Add it (or serve them by e-mail) before serving."
SERVICE_IN_FUTURE = "The date of service ({on:%m/%d/%Y}) cannot be in the future."
SERVICE_BEFORE_DOCUMENT = "The date of service ({on:%m/%d/%Y}) cannot precede the document ({made:%m/%d/%Y})."
NO_LETTER_TO_SERVE = "The case's letter is not ready yet: serve it once its status shows Ready."
NOTICE_NOT_FAILED = "Only a failed notice can be retried; this notice is {status}."


class NoticeError(ValidationError):
    """A notice operation refused; the message says why."""


def notice_file_name(notice: Notice) -> str:
    """The one storage name of a notice, e.g. ``notices/CM14-0000001/CM14-0000001-noarfi-v1.pdf``."""
    number = notice.case.case_number
    return f"notices/{number}/{number}-{notice.kind.replace('_', '-')}-v{notice.version}.pdf"


def _notice_distribution(notice: Notice) -> list[dict]:
    return document_distribution(notice=notice) or []


def _notice_pdf(notice: Notice, distribution: list[dict]) -> bytes:
    return documents.notice_pdf(notice, distribution)


def _task():
    from .tasks import notice_render

    return notice_render


NOTICE_JOB = render_jobs.RenderJob(
    label="Notice",
    model=Notice,
    task=_task,
    file_name=notice_file_name,
    read=_notice_distribution,
    render=_notice_pdf,
    select_related=("case", "letter__determination"),
)


# Planning who a document is served on -------------------------------------------------------------------------


def _method(recipient: dict) -> str:
    if recipient["role"] == "dwc":
        return Service.Method.PORTAL
    if not recipient.get("address") and recipient.get("email"):
        return Service.Method.EMAIL
    return Service.Method.MAIL


def service_plan(*, case, recipients: list[dict], letter=None, notice=None) -> list[Service]:
    """One unserved proof-of-service row per recipient, in order: the document's distribution list."""
    return Service.objects.bulk_create(
        [
            Service(
                case=case,
                letter=letter,
                notice=notice,
                order=order,
                role=r["role"],
                recipient=r["name"][:200],
                address=r.get("address") or "",
                email=r.get("email") or "",
                method=_method(r),
            )
            for order, r in enumerate(recipients)
        ]
    )


def _worker_on_file(case: Case) -> dict:
    worker = case.claim.worker
    return {"first_name": worker.first_name, "last_name": worker.last_name, "address": worker.address}


def _parties_on_file(case: Case) -> list[dict]:
    return [
        {"role": p.role, "name": p.name, "address": p.address, "email": p.email} for p in case.parties.order_by("id")
    ]


def case_recipients(case: Case) -> list[dict]:
    """Who a notice of ``case`` goes to, as the case stands now (recorded on the notice's rows)."""
    return recipients_from_snapshot({"injured_worker": _worker_on_file(case), "parties": _parties_on_file(case)})


def _with_addresses_on_file(recipients: list[dict], case: Case) -> list[dict]:
    """The signed recipients, each without an address given the one the case has on file now for the same role and
    name (an address added after signing; a re-rendered letter picks it up)."""
    on_file = {(r["role"], r["name"].casefold()): r for r in case_recipients(case)}
    completed = []
    for r in recipients:
        known = on_file.get((r["role"], r["name"].casefold()), {})
        completed.append(
            {
                **r,
                "address": r.get("address") or known.get("address", ""),
                "email": r.get("email") or known.get("email", ""),
            }
        )
    return completed


def notice_create(*, case, kind, content: dict, recipients=None, event=None, letter=None, of_notice=None, report=None):
    """A queued notice (the next version of its kind for the case) with its recorded content and, for a notice
    served on the parties, its proof-of-service rows; rendered by a worker once the caller commits."""
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()  # one version number at a time
        version = (Notice.objects.filter(case=case, kind=kind).aggregate(v=Max("version"))["v"] or 0) + 1
        notice = Notice.objects.create(
            case=case,
            kind=kind,
            version=version,
            event=event,
            letter=letter,
            of_notice=of_notice,
            content=content,
            report=report or [],
            status=Notice.Status.QUEUED,
            queued_at=timezone.now(),
        )
        if recipients:
            service_plan(case=case, recipients=recipients, notice=notice)
        render_jobs.job_enqueue_on_commit(NOTICE_JOB, notice.id)
    return notice


# Notices from their events -------------------------------------------------------------------------------------


def _case_facts(case: Case, on: datetime.date) -> dict:
    worker = case.claim.worker
    return {
        "case_number": case.case_number,
        "notice_date": on.isoformat(),
        "priority": case.get_priority_display(),
        "date_of_injury": case.claim.date_of_injury.isoformat(),
        "ur_decision_date": case.ur_decision_date.isoformat() if case.ur_decision_date else None,
        "application_received": case.application_received.isoformat(),
        "worker_name": f"{worker.first_name} {worker.last_name}".strip(),
        "claim_number": case.claim.claim_number,
    }


def noarfi_create(*, event) -> Notice:
    """The Notice of Assignment and Request for Information of a first assignment: the records requested, due by
    the records deadline the assignment computed, and where to send them."""
    case = event.case
    notice_date = case.date_assigned
    records_due = timezone.localdate(case.records_due)
    content = {
        **_case_facts(case, notice_date),
        "channel": NoticeChannel(case.notice_channel).label.lower(),
        "records_due": records_due.isoformat(),
        "records_days": (records_due - notice_date).days,
        "items": [item.title for item in case.items.order_by("order", "id")],
    }
    return notice_create(
        case=case, kind=Notice.Kind.NOARFI, content=content, recipients=case_recipients(case), event=event
    )


def ineligibility_create(*, event) -> Notice:
    """The notice of ineligibility: the reason code's wording, the reason given, the appeal right."""
    case = event.case
    code = case.ineligibility_code
    content = {
        **_case_facts(case, timezone.localdate(event.at)),
        "code": code,
        "code_label": IneligibilityCode(code).label if code else "",
        "reason": case.status_reason,
    }
    return notice_create(
        case=case, kind=Notice.Kind.INELIGIBILITY, content=content, recipients=case_recipients(case), event=event
    )


def letter_queued(*, letter: Letter) -> Notice:
    """A letter was queued: plan its proof-of-service rows (from what was signed) and queue its public copy, with
    the redaction terms the case knows now and the report of what the redaction removes."""
    determination = letter.determination
    case = determination.case
    snapshot = determination.snapshot
    service_plan(case=case, recipients=_with_addresses_on_file(recipients_from_snapshot(snapshot), case), letter=letter)
    reviewer_names = []
    if determination.reviewer_id:
        user = determination.reviewer.user
        reviewer_names.append(user.get_full_name())
    terms = redaction_terms(
        worker=_worker_on_file(case),
        claim_number=case.claim.claim_number,
        parties=_parties_on_file(case) + list(snapshot.get("parties") or []),
        providers=[d.get("author") or "" for d in snapshot.get("documents_reviewed") or []]
        + list(case.documents.exclude(author="").values_list("author", flat=True)),
        reviewer_names=reviewer_names,
    )
    _public, report = redact_snapshot(snapshot, terms)
    return notice_create(
        case=case,
        kind=Notice.Kind.PUBLIC_COPY,
        content={"terms": terms, "letter_version": letter.version, "determination_version": determination.version},
        letter=letter,
        report=report,
    )


# Serving --------------------------------------------------------------------------------------------------------


def _document_title(letter, notice) -> str:
    if letter is not None:
        corrected = "Corrected " if letter.determination.snapshot.get("correction") else ""
        return f"{corrected}Final Determination Letter"
    return notice.get_kind_display()


def document_serve(*, served_on: datetime.date, actor=None, letter=None, notice=None) -> list[Service]:
    """Serve a letter or a notice on every recipient not yet served: each proof-of-service row gets the date and who
    served it; the timeline says so; recipients served by mail get cover pages (queued). A letter's first service
    issues it (``letter_mark_issued``: the case becomes issued, ``issued_at`` is that first service)."""
    with transaction.atomic():
        if notice is not None:
            notice = Notice.objects.select_for_update().select_related("case").get(pk=notice.pk)
            if notice.kind in (Notice.Kind.PUBLIC_COPY, Notice.Kind.COVER_PAGES):
                raise NoticeError(NOT_SERVED_DOCUMENT)
            if notice.status != Notice.Status.READY:
                raise NoticeError(NOTICE_NOT_READY.format(status=notice.get_status_display().lower()))
            case, made = notice.case, timezone.localdate(notice.created)
        else:
            letter = Letter.objects.select_related("determination__case").get(pk=letter.pk)
            case, made = letter.determination.case, timezone.localdate(letter.determination.signed_at)
        if served_on > timezone.localdate():
            raise NoticeError(SERVICE_IN_FUTURE.format(on=served_on))
        if served_on < made:
            raise NoticeError(SERVICE_BEFORE_DOCUMENT.format(on=served_on, made=made))
        rows = list(document_services(letter=letter, notice=notice).select_for_update().filter(served_on__isnull=True))
        if not rows:
            raise NoticeError(NOTHING_TO_SERVE)
        unaddressed = [r.recipient for r in rows if r.method == Service.Method.MAIL and not r.address.strip()]
        if unaddressed:
            raise NoticeError(NO_MAILING_ADDRESS.format(names=", ".join(unaddressed)))
        if letter is not None and letter.issued_at is None:
            letter_mark_issued(letter=letter, actor=actor, served_on=served_on)
        now = timezone.now()
        for row in rows:
            row.served_on, row.served_by, row.recorded_at = served_on, actor, now
        Service.objects.bulk_update(rows, ["served_on", "served_by", "recorded_at"])
        title = _document_title(letter, notice)
        case_record_event(
            case=case,
            kind=CaseEvent.Kind.SERVED,
            actor=actor,
            note=f"{title} served on {served_on:%m/%d/%Y}: "
            + "; ".join(f"{recipient_label(r.role)} {r.recipient} ({r.get_method_display().lower()})" for r in rows),
        )
        mailed = [r for r in rows if r.method == Service.Method.MAIL]
        if mailed:
            notice_create(
                case=case,
                kind=Notice.Kind.COVER_PAGES,
                content={
                    "document": title,
                    "case_number": case.case_number,
                    "served_on_us": us_date(served_on),
                    "recipients": [
                        {
                            "role_label": recipient_label(r.role),
                            "name": r.recipient,
                            "address": r.address,
                            "method": r.get_method_display(),
                        }
                        for r in mailed
                    ],
                },
                letter=letter,
                of_notice=notice,
            )
        return rows


def serve_current_letter(*, case, served_on: datetime.date, actor=None) -> list[Service]:
    """Serve the newest ready letter of the case's current determination (the case page's "Serve the letter")."""
    letter = (
        Letter.objects.filter(
            determination__case=case, determination__superseded_by__isnull=True, status=Letter.Status.READY
        )
        .order_by("-version")
        .first()
    )
    if letter is None:
        raise NoticeError(NO_LETTER_TO_SERVE)
    return document_serve(letter=letter, served_on=served_on, actor=actor)


# The job --------------------------------------------------------------------------------------------------------


def notice_render(*, notice_id: int) -> Notice | None:
    """Render notice ``notice_id`` (``render_jobs.job_render``): idempotent, retried, failed with its error."""
    return render_jobs.job_render(NOTICE_JOB, notice_id)


def notice_retry(*, notice: Notice, actor=None) -> Notice:
    """Queue a failed notice again (same version)."""
    with transaction.atomic():
        notice = render_jobs.job_requeue_failed(
            NOTICE_JOB, notice, refused=lambda status: NoticeError(NOTICE_NOT_FAILED.format(status=status))
        )
        case_record_event(
            case=notice.case,
            kind=CaseEvent.Kind.NOTICE_RETRIED,
            actor=actor,
            note=f"{notice.get_kind_display()} v{notice.version} queued again after: {notice.error[:200]}",
        )
    return notice


def notices_sweep(**limits) -> int:
    """Re-queue notices left queued or stuck rendering (``render_jobs.jobs_sweep``); returns how many."""
    return render_jobs.jobs_sweep(NOTICE_JOB, **limits)
