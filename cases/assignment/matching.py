"""Reviewers measured against a case: every rule's outcome (``rules``), a ranking for the suggestions, and the record
an assignment keeps of the check. A constant number of queries whatever the number of reviewers."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, prefetch_related_objects

from reviewers.models import Reviewer
from reviewers.selectors import board_certifications_current, licenses_current, reviewers_with_open_cases

from ..models import Assignment, Case, Determination, DisputedItem
from .conflicts import case_parties
from .rules import CaseMatchContext, RuleResult, rule_results


@dataclass
class ReviewerMatch:
    """One reviewer measured against one case: every rule, passed or failed, with why."""

    reviewer: Reviewer
    open_cases: int
    california: bool
    checks: list[RuleResult] = field(default_factory=list)
    parties: list[dict] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failures(self) -> list[str]:
        return [check.detail for check in self.checks if not check.passed]

    def rank_key(self):
        # Eligible first, then the least loaded, California licence first, then the most experienced.
        return (not self.eligible, self.open_cases, not self.california, -(self.reviewer.years_in_practice or 0))


def case_ancestor_ids(case: Case) -> list[int]:
    """The cases ``case`` remands, nearest first (a remand may arrive as a new case pointing at its parent)."""
    ids, parent_id, seen = [], case.parent_id, {case.pk}
    while parent_id and parent_id not in seen:
        ids.append(parent_id)
        seen.add(parent_id)
        parent_id = Case.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    return ids


def case_earlier_reviewer_ids(case: Case) -> set[int]:
    """Reviewers excluded by LC 4610.6(i): whoever reviewed an earlier cycle of this case or of the cases it remands."""
    ancestors = case_ancestor_ids(case)
    ids = set(Assignment.objects.filter(case_id__in=ancestors).values_list("reviewer_id", flat=True))
    ids |= set(Case.objects.filter(pk__in=ancestors, reviewer__isnull=False).values_list("reviewer_id", flat=True))
    signed = Determination.objects.filter(reviewer__isnull=False).values_list("reviewer_id", flat=True)
    ids |= set(signed.filter(case_id__in=ancestors))
    if case.pk and case.review_cycle > 1:
        ids |= set(
            Assignment.objects.filter(case=case, cycle__lt=case.review_cycle).values_list("reviewer_id", flat=True)
        )
        ids |= set(signed.filter(case=case))
    return ids


def case_match_context(case: Case, on: datetime.date) -> CaseMatchContext:
    specialties = dict(
        DisputedItem.objects.filter(case=case, specialty__isnull=False)
        .values_list("specialty_id", "specialty__name")
        .distinct()
    )
    return CaseMatchContext(
        case=case,
        on=on,
        specialties=specialties,
        parties=case_parties(case),
        earlier_reviewer_ids=case_earlier_reviewer_ids(case),
    )


def _prefetched_reviewers(queryset, on: datetime.date):
    return (
        reviewers_with_open_cases(queryset)
        .prefetch_related(
            "specialties",
            "affiliations",
            Prefetch("licenses", queryset=licenses_current(on), to_attr="current_licenses"),
            Prefetch(
                "board_certifications", queryset=board_certifications_current(on), to_attr="current_certifications"
            ),
        )
        .order_by("reference")
    )


def _match(reviewer: Reviewer, context: CaseMatchContext) -> ReviewerMatch:
    return ReviewerMatch(
        reviewer=reviewer,
        open_cases=reviewer.open_cases,
        california=any(lic.state == "California" for lic in reviewer.current_licenses),
        checks=rule_results(reviewer, context),
        parties=context.parties,
    )


def reviewer_match(*, case: Case, reviewer: Reviewer, on: datetime.date) -> ReviewerMatch:
    """One reviewer against one case, every rule with its outcome."""
    context = case_match_context(case, on)
    fresh = _prefetched_reviewers(Reviewer.objects.filter(pk=reviewer.pk), on).get()
    return _match(fresh, context)


def suggestion_candidates(context: CaseMatchContext, limit: int | None = None):
    """The reviewers worth measuring against a case: those practising every specialty its items name (anyone else
    fails the specialty rule, so is never eligible). A case naming no specialty matches nobody; then the first
    ``limit`` reviewers are shown, each saying why."""
    if not context.specialties:
        reviewers = Reviewer.objects.order_by("reference")
        return reviewers[:limit] if limit else reviewers
    reviewers = Reviewer.objects.all()
    for specialty_id in context.specialties:
        reviewers = reviewers.filter(specialties=specialty_id)
    return reviewers


def reviewer_suggestions(*, case: Case, on: datetime.date, limit: int | None = None) -> list[ReviewerMatch]:
    """The reviewers who practise the case's specialties (``suggestion_candidates``) ranked for ``case``: eligible
    first, then fewer open cases, California licence first, then more years in practice. A constant number of
    queries whatever the number of reviewers, each reading only the candidates' rows."""
    context = case_match_context(case, on)
    candidates = Reviewer.objects.filter(pk__in=suggestion_candidates(context, limit).values("pk"))
    matches = [_match(reviewer, context) for reviewer in _prefetched_reviewers(candidates, on)]
    matches.sort(key=ReviewerMatch.rank_key)
    return matches[:limit] if limit else matches


def conflict_check_record(match: ReviewerMatch, on: datetime.date) -> dict:
    """What ``Assignment.conflict_check`` keeps: the rules checked, the outcome and the parties compared."""
    return {
        "checked_on": on.isoformat(),
        "outcome": "clear" if match.eligible else "refused",
        "rules": [{"rule": c.rule, "passed": c.passed, "detail": c.detail} for c in match.checks],
        "parties": [{"role": p["role"], "name": p["name"]} for p in match.parties],
        "affiliations": [{"kind": a.kind, "name": a.name} for a in match.reviewer.affiliations.all()],
    }


def matches_for_display(matches: list) -> list:
    """Suggestions (``reviewer_suggestions``) with their reviewers' users loaded in one query, for their labels."""
    prefetch_related_objects([m.reviewer for m in matches], "user")
    return matches
