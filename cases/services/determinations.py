"""Signed determinations: the frozen snapshot a letter is rendered from, and its content hash. A new version
supersedes the current one and sends ``cases.hooks.determination_superseded`` after commit.

The snapshot holds everything the letter prints, so a letter re-rendered years later reads the same even if the
case file changed since. Its ``reviewer`` block never holds a name.
"""

import hashlib
import json

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from precedents.services import precedent_index_case

from ..hooks import determination_superseded
from ..models import Determination
from ..selectors import case_items_as_dicts

SNAPSHOT_SCHEMA = 1


def _iso(value):
    return value.isoformat() if value else None


def case_snapshot(
    *, case, reviewer_credentials: dict, decision_date, documents_reviewed: list[dict], items=None, parties=None
) -> dict:
    """The determination content of ``case`` as it stands now (items, citations, summary, header facts). A writer
    that has just built the items (as ``case_items_as_dicts``) and the parties passes them instead of reading them
    back."""
    worker = case.claim.worker
    items = case_items_as_dicts(case) if items is None else items
    parties = case.parties.order_by("id") if parties is None else parties
    return {
        "schema": SNAPSHOT_SCHEMA,
        "case_number": case.case_number,
        "priority": case.priority,
        "application_received": _iso(case.application_received),
        "ur_decision_date": _iso(case.ur_decision_date),
        "date_assigned": _iso(case.date_assigned),
        "date_of_injury": _iso(case.claim.date_of_injury),
        "decision_date": _iso(decision_date),
        "injured_worker": {"first_name": worker.first_name, "last_name": worker.last_name, "address": worker.address},
        "clinical_summary": case.clinical_summary,
        "items": items,
        "reviewer": reviewer_credentials,
        "documents_reviewed": documents_reviewed,
        "parties": [{"role": p.role, "name": p.name, "address": p.address} for p in parties],
    }


def snapshot_hash(snapshot: dict) -> str:
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def determination_current_locked(case) -> Determination | None:
    """The case's current determination, its row locked until the caller's transaction ends."""
    return (
        Determination.objects.select_for_update()
        .filter(case=case, superseded_by__isnull=True)
        .order_by("-version")
        .first()
    )


def determination_create(*, case, snapshot: dict, origin: str, reviewer=None, signed_by=None) -> Determination:
    """Store a new determination version for ``case``; the previous current one is superseded by it."""
    with transaction.atomic():
        previous = determination_current_locked(case)
        version = (Determination.objects.filter(case=case).aggregate(v=Max("version"))["v"] or 0) + 1
        determination = Determination.objects.create(
            case=case,
            version=version,
            origin=origin,
            reviewer=reviewer,
            signed_by=signed_by,
            signed_at=timezone.now(),
            decision_date=snapshot["decision_date"],
            snapshot=snapshot,
            content_hash=snapshot_hash(snapshot),
        )
        if previous is not None:
            previous.superseded_by = determination
            previous.save(update_fields=["superseded_by"])
            transaction.on_commit(
                lambda: determination_superseded.send(sender=Determination, old=previous, new=determination)
            )
        precedent_index_case(case=case)  # the new version's items become the case's precedents
        return determination
