"""The matching rules, one function each (DOMAIN.md section 4, rules 4-6): a reviewer may take a case only if active,
practising every specialty the disputed items name, holding a current unrestricted licence and a current board
certification in one of those specialties, under capacity, without a declared affiliation matching any party of the
case, not an earlier reviewer of the case after a remand, and not its current reviewer.

Each rule takes the reviewer (as ``matching`` loads it: ``open_cases``, ``current_licenses`` and
``current_certifications`` read) and the case's ``CaseMatchContext``, and returns its ``RuleResult``, passed or
failed, with why; the conflicts rule returns one per conflict found. ``RULES`` is the order they are checked and shown.
"""

import datetime
from dataclasses import dataclass

from reviewers.models import Reviewer

from ..models import OPEN_REVIEW_STATUSES, Case
from .conflicts import affiliation_conflicts

# Why a reviewer is refused (exact texts; the tests check them).
INACTIVE = "Reviewer {reviewer} is inactive."
NO_CASE_SPECIALTY = "No disputed item of case {case} names a specialty, so no reviewer can be matched to it."
SPECIALTY_MISMATCH = "Reviewer {reviewer} does not practise {missing}."
NO_CURRENT_LICENSE = "Reviewer {reviewer} holds no current unrestricted licence."
NO_CURRENT_BOARD_CERTIFICATION = "Reviewer {reviewer} holds no current board certification in {specialties}."
OVER_CAPACITY = "Reviewer {reviewer} is at capacity: {open_cases} open cases of {capacity}."
AFFILIATION_CONFLICT = (
    "Reviewer {reviewer} declared an affiliation ({affiliation}) that matches the {role} of case {case}: {name}."
)
EARLIER_REVIEWER = (
    "Reviewer {reviewer} reviewed case {case} in an earlier cycle; after a remand it needs a different reviewer."
)
ALREADY_ASSIGNED = "Reviewer {reviewer} is already assigned to case {case}."

# What a passed rule says.
PASSED_ACTIVE = "Active."
PASSED_SPECIALTY = "Practises {specialties}."
PASSED_LICENSE = "Current licence: {states}."
PASSED_BOARD = "Board certified: {specialties}."
PASSED_CAPACITY = "{open_cases} open cases of {capacity}."
PASSED_NO_CONFLICT = "No declared affiliation with the {count} parties of the case."
PASSED_NOT_EARLIER = "Has not reviewed this case in an earlier cycle."
PASSED_NOT_CURRENT = "Not the current reviewer."


@dataclass
class RuleResult:
    rule: str
    passed: bool
    detail: str


@dataclass
class CaseMatchContext:
    """What every reviewer is compared with, read once per case (``matching.case_match_context``)."""

    case: Case
    on: datetime.date
    specialties: dict[int, str]
    parties: list[dict]
    earlier_reviewer_ids: set[int]


def _names(names) -> str:
    names = sorted(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def rule_active(reviewer: Reviewer, context: CaseMatchContext) -> RuleResult:
    detail = PASSED_ACTIVE if reviewer.active else INACTIVE.format(reviewer=reviewer.reference)
    return RuleResult("active", reviewer.active, detail)


def rule_specialty(reviewer: Reviewer, context: CaseMatchContext) -> RuleResult:
    """Every specialty the disputed items name is practised by the reviewer (a case naming none matches nobody)."""
    if not context.specialties:
        return RuleResult("specialty", False, NO_CASE_SPECIALTY.format(case=context.case.case_number))
    practised = {s.pk for s in reviewer.specialties.all()}
    missing = [name for pk, name in context.specialties.items() if pk not in practised]
    if missing:
        return RuleResult(
            "specialty", False, SPECIALTY_MISMATCH.format(reviewer=reviewer.reference, missing=_names(missing))
        )
    return RuleResult("specialty", True, PASSED_SPECIALTY.format(specialties=_names(context.specialties.values())))


def rule_license(reviewer: Reviewer, context: CaseMatchContext) -> RuleResult:
    """A current unrestricted licence, in any state."""
    states = [lic.state for lic in reviewer.current_licenses]
    if not states:
        return RuleResult("license", False, NO_CURRENT_LICENSE.format(reviewer=reviewer.reference))
    return RuleResult("license", True, PASSED_LICENSE.format(states=", ".join(states)))


def rule_board_certification(reviewer: Reviewer, context: CaseMatchContext) -> RuleResult:
    """A current board certification in one of the case's specialties (any, when the case names none)."""
    certified = [c.specialty.name for c in reviewer.current_certifications]
    wanted = set(context.specialties.values())
    relevant = [name for name in certified if name in wanted] if wanted else certified
    if relevant:
        return RuleResult("board_certification", True, PASSED_BOARD.format(specialties=_names(relevant)))
    detail = NO_CURRENT_BOARD_CERTIFICATION.format(
        reviewer=reviewer.reference, specialties=_names(wanted) if wanted else "any specialty"
    )
    return RuleResult("board_certification", False, detail)


def reviewer_load(reviewer: Reviewer, case: Case) -> int:
    """The reviewer's open cases, not counting this one when they already hold it (refused anyway: ``rule_current``)."""
    holds_it = case.reviewer_id == reviewer.pk and case.status in OPEN_REVIEW_STATUSES
    return reviewer.open_cases - (1 if holds_it else 0)


def rule_capacity(reviewer: Reviewer, context: CaseMatchContext) -> RuleResult:
    load = reviewer_load(reviewer, context.case)
    under = load < reviewer.capacity
    detail = (PASSED_CAPACITY if under else OVER_CAPACITY).format(
        reviewer=reviewer.reference, open_cases=load, capacity=reviewer.capacity
    )
    return RuleResult("capacity", under, detail)


def rule_conflicts(reviewer: Reviewer, context: CaseMatchContext) -> list[RuleResult]:
    """No declared affiliation matches a party of the case: one failed result per conflict, or one passed result."""
    conflicts = affiliation_conflicts(reviewer.affiliations.all(), context.parties)
    if not conflicts:
        return [RuleResult("conflict", True, PASSED_NO_CONFLICT.format(count=len(context.parties)))]
    return [
        RuleResult(
            "conflict",
            False,
            AFFILIATION_CONFLICT.format(
                reviewer=reviewer.reference,
                affiliation=conflict.affiliation_name,
                role=conflict.role_label,
                case=context.case.case_number,
                name=conflict.party_name,
            ),
        )
        for conflict in conflicts
    ]


def rule_earlier_reviewer(reviewer: Reviewer, context: CaseMatchContext) -> RuleResult:
    """LC 4610.6(i): after a remand, whoever reviewed an earlier cycle of the case (or of the cases it remands)."""
    earlier = reviewer.pk in context.earlier_reviewer_ids
    detail = (
        EARLIER_REVIEWER.format(reviewer=reviewer.reference, case=context.case.case_number)
        if earlier
        else PASSED_NOT_EARLIER
    )
    return RuleResult("earlier_reviewer", not earlier, detail)


def rule_current(reviewer: Reviewer, context: CaseMatchContext) -> RuleResult:
    """A reassignment gives the case to someone else."""
    current = context.case.reviewer_id == reviewer.pk
    detail = (
        ALREADY_ASSIGNED.format(reviewer=reviewer.reference, case=context.case.case_number)
        if current
        else PASSED_NOT_CURRENT
    )
    return RuleResult("current", not current, detail)


RULES = (
    rule_active,
    rule_specialty,
    rule_license,
    rule_board_certification,
    rule_capacity,
    rule_conflicts,
    rule_earlier_reviewer,
    rule_current,
)


def rule_results(reviewer: Reviewer, context: CaseMatchContext) -> list[RuleResult]:
    """Every rule's outcome for ``reviewer`` against the case, in ``RULES`` order."""
    results = []
    for rule in RULES:
        outcome = rule(reviewer, context)
        results.extend(outcome if isinstance(outcome, list) else [outcome])
    return results
