"""Reads of the notices room: a document's distribution (its proof-of-service rows) and a case's documents."""

from django.urls import reverse

from cases.letters import RECIPIENT_LABELS
from cases.models import Letter

from .models import Notice, Service


def document_services(*, letter=None, notice=None):
    rows = Service.objects.filter(letter=letter) if letter is not None else Service.objects.filter(notice=notice)
    return rows.order_by("order", "id")


def document_distribution(*, letter=None, notice=None) -> list[dict] | None:
    """The recipients a document prints in its distribution list: its proof-of-service rows, in order; None when it
    has none (a letter queued before proof of service existed prints the recipients its snapshot names)."""
    rows = [
        {"role": s.role, "name": s.recipient, "address": s.address, "email": s.email}
        for s in document_services(letter=letter, notice=notice)
    ]
    return rows or None


def recipient_label(role: str) -> str:
    return RECIPIENT_LABELS.get(role, (role or "").replace("_", " ").title())


def case_documents(case) -> list[dict]:
    """Every document the system produced for ``case``, oldest first: letters (each version) and notices."""
    documents = [
        {
            "title": f"Final Determination Letter v{letter.determination.version}.{letter.version}"
            + (" (corrected)" if letter.determination.snapshot.get("correction") else ""),
            "row": letter,
            "created": letter.created,
            "served": letter.issued_at,
            "url": reverse("cases:letter_version_download", args=[case.case_number, letter.pk])
            if letter.status == Letter.Status.READY
            else "",
        }
        for letter in Letter.objects.filter(determination__case=case).select_related("determination")
    ]
    documents += [
        {
            "title": f"{notice.get_kind_display()} v{notice.version}",
            "row": notice,
            "created": notice.created,
            "served": Service.objects.filter(notice=notice, served_on__isnull=False)
            .values_list("served_on", flat=True)
            .first(),
        }
        for notice in Notice.objects.filter(case=case)
    ]
    return sorted(documents, key=lambda d: d["created"])
