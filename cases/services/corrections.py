"""Corrected determinations: a coordinator opens a correction with a reason; the case's reviewer (or a new one,
assigned under the same rules) signs a new version from "correction in progress"; the new version supersedes the
old one, its letter is marked "Corrected" and served like the first. Nothing is deleted: both determinations and
their letters stay, linked (``Determination.superseded_by``, ``Correction``)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import Correction, Determination
from ..selectors import correction_pending
from .determinations import determination_current_locked
from .lifecycle import Outcome, locked_move

CORRECTION_REASON_REQUIRED = "Say why the determination is corrected: a reason is required."
NOTHING_TO_CORRECT = "Case {case} has no signed determination to correct."


class CorrectionError(ValidationError):
    """A correction refused; the message says why."""


def correction_open(*, case, reason: str, actor=None) -> Correction:
    """Signed or issued -> correction in progress, on record with its reason. The reviewer's draft (the signed
    content) opens again for the new version; a case without a reviewer (an imported one), or whose reviewer should
    not sign, gets one with "Assign reviewer" (a reassignment, under the matching rules)."""
    reason = (reason or "").strip()
    if not reason:
        raise CorrectionError(CORRECTION_REASON_REQUIRED)
    with transaction.atomic():
        current = determination_current_locked(case)
        note = f"Correction of determination v{current.version} opened: {reason}" if current else reason
        # The move's legality first (signed or issued only), then what it needs: a refusal rolls both back.
        locked_move(case, "open_correction", actor=actor, work=lambda _locked: Outcome(note=note))
        if current is None:
            raise CorrectionError(NOTHING_TO_CORRECT.format(case=case.case_number))
        return Correction.objects.create(
            case=case, determination=current, reason=reason, opened_by=actor, opened_at=timezone.now()
        )


def correction_mark(case) -> dict | None:
    """What a corrected determination's snapshot records about the version it replaces (the letter prints it)."""
    correction = correction_pending(case)
    if correction is None:
        return None
    old = correction.determination
    return {"version": old.version, "decision_date": old.decision_date.isoformat()}


def correction_close(*, case, determination: Determination) -> Correction | None:
    """Link the open correction to the version just signed (inside the signing transaction)."""
    correction = correction_pending(case)
    if correction is None:
        return None
    correction.corrected_by = determination
    correction.save(update_fields=["corrected_by"])
    return correction
