"""Reads about reviewers: their credentials as of a date, and which of them may review a given case.

Matching (DOMAIN.md section 4, rules 4-6): a reviewer may take a case only if active, practising every specialty the
disputed items name, holding a current unrestricted licence and a current board certification in one of those
specialties, under capacity, without a declared affiliation matching any party of the case (whatever the party's
role; names compared by ``party_name_key``, which ignores case, punctuation, spacing and legal suffixes), and, after a
remand, not having reviewed the case (or the cases it remands) in an earlier cycle. Each rule's outcome is kept, so
the admin can say why and the assignment can record it.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce

from cases.models import (
    OPEN_REVIEW_STATUSES,
    Assignment,
    Case,
    Determination,
    DisputedItem,
    party_role_label,
)
from cases.selectors import case_conflict_parties

from .models import BoardCertification, License, Reviewer

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

# Legal-form words dropped from the end of a name before comparing (written as they appear; compared without
# punctuation), so "Acme Stores, Inc." and "ACME STORES" are the same party.
LEGAL_SUFFIXES = (
    "inc",
    "inc.",
    "incorporated",
    "co",
    "co.",
    "corp",
    "corp.",
    "corporation",
    "company",
    "llc",
    "l.l.c.",
    "llp",
    "l.l.p.",
    "lp",
    "l.p.",
    "ltd",
    "ltd.",
    "limited",
    "pc",
    "p.c.",
    "pllc",
    "p.l.l.c.",
    "plc",
    "pa",
    "p.a.",
    "group",
)

RULES = ("active", "specialty", "license", "board_certification", "capacity", "conflict", "earlier_reviewer", "current")


def _name_tokens(name: str) -> list[str]:
    text = unicodedata.normalize("NFKC", name or "").casefold().replace("&", " and ")
    text = re.sub(r"[.'’]", "", text)  # "P.C." is "pc", "O'Brien" is "obrien"
    text = re.sub(r"[^\w\s]|_", " ", text)  # any other punctuation separates words
    return text.split()


_SUFFIX_TOKENS = frozenset(" ".join(_name_tokens(suffix)) for suffix in LEGAL_SUFFIXES)


def party_name_key(name: str) -> str:
    """How a declared affiliation and a party's name are compared: casefolded, punctuation stripped, whitespace folded,
    and trailing legal suffixes (``LEGAL_SUFFIXES``) dropped; a name made only of suffixes is kept whole."""
    tokens = _name_tokens(name)
    while len(tokens) > 1 and tokens[-1] in _SUFFIX_TOKENS:
        tokens.pop()
    return " ".join(tokens)


@dataclass(frozen=True)
class AffiliationConflict:
    """A declared affiliation that names a party of the case."""

    affiliation_name: str
    affiliation_kind: str
    party_role: str
    party_name: str

    @property
    def role_label(self) -> str:
        return party_role_label(self.party_role)


def affiliation_conflicts(affiliations, parties) -> list[AffiliationConflict]:
    """Every (affiliation, party) pair whose names match by ``party_name_key``, whatever the party's role: a
    reviewer tied to "Acme Inc." as an employer is just as conflicted when Acme is the claims administrator.
    ``parties`` are dicts with ``role`` and ``name`` (``key`` too when already computed)."""
    conflicts = []
    for affiliation in affiliations:
        wanted = party_name_key(affiliation.name)
        if not wanted:
            continue
        for party in parties:
            key = party["key"] if "key" in party else party_name_key(party["name"])
            if key == wanted:
                conflicts.append(
                    AffiliationConflict(
                        affiliation_name=affiliation.name,
                        affiliation_kind=affiliation.kind,
                        party_role=party["role"],
                        party_name=party["name"],
                    )
                )
    return conflicts


def reviewer_case_conflicts(*, reviewer: Reviewer, case: Case) -> list[AffiliationConflict]:
    """The conflicts of ``reviewer`` with the parties ``case`` has now (re-checked at sign-off: a party may have
    been added after the assignment)."""
    return affiliation_conflicts(reviewer.affiliations.all(), case_conflict_parties(case))


# What "current" means, the one rule of matching and sign-off alike: a credential is current through its expiry
# day (Pacific date) and lapses the day after; a board certification without an expiry date does not lapse.


def licenses_current(on: datetime.date):
    return License.objects.filter(expires_on__gte=on, restricted=False).order_by("state")


def board_certifications_current(on: datetime.date):
    return (
        BoardCertification.objects.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))
        .select_related("specialty")
        .order_by("specialty__name")
    )


def current_licenses(reviewer: Reviewer, on: datetime.date):
    return licenses_current(on).filter(reviewer=reviewer)


def current_board_certifications(reviewer: Reviewer, on: datetime.date):
    return board_certifications_current(on).filter(reviewer=reviewer)


def reviewer_credentials(reviewer: Reviewer, on: datetime.date) -> dict:
    """The credentials a letter may state, as of ``on``: only what the profile holds and is current.

    The shape is the ``determination.reviewer`` block of ``imr-case/1`` (the reference is internal, never printed).
    """
    certifications = [c.specialty.name for c in current_board_certifications(reviewer, on)]
    specialties = certifications or [s.name for s in reviewer.specialties.order_by("name")]
    # California first: it is the licence that matters for a California IMR, and the real letters list it so.
    states = sorted({lic.state for lic in current_licenses(reviewer, on)}, key=lambda s: (s != "California", s))
    return {
        "reference": reviewer.reference,
        "licensure_states": states,
        "specialties": specialties,
        "board_certified": bool(certifications),
        "years_in_practice": reviewer.years_in_practice,
        "weekly_practice_hours": reviewer.weekly_practice_hours,
    }


# Credential expiry: licences and board certifications due to lapse soon, or already lapsed, need renewing before the
# reviewer silently drops out of matching and sign-off.
CREDENTIAL_WARNING_DAYS = 30


def reviewers_credentials_expiring(queryset, today: datetime.date, *, within_days: int = CREDENTIAL_WARNING_DAYS):
    """Reviewers holding a licence or board certification that expires from today to ``within_days`` ahead."""
    until = today + datetime.timedelta(days=within_days)
    return queryset.filter(
        Q(licenses__expires_on__gte=today, licenses__expires_on__lt=until)
        | Q(board_certifications__expires_on__gte=today, board_certifications__expires_on__lt=until)
    ).distinct()


def reviewers_credentials_expired(queryset, today: datetime.date):
    """Reviewers holding a licence or board certification past its expiry date (renew it or remove it)."""
    return queryset.filter(Q(licenses__expires_on__lt=today) | Q(board_certifications__expires_on__lt=today)).distinct()


def reviewers_with_open_cases(queryset=None):
    """Reviewers annotated with ``open_cases``: cases assigned to them that are assigned, awaiting records or in
    review. Counted per reviewer by a subquery that the ``case_queue`` index (reviewer, status, ...) answers alone,
    reading only that reviewer's open cases, however many cases the table holds."""
    queryset = Reviewer.objects.all() if queryset is None else queryset
    open_cases = (
        Case.objects.filter(reviewer=OuterRef("pk"), status__in=OPEN_REVIEW_STATUSES)
        .order_by()
        .values("reviewer")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return queryset.annotate(open_cases=Coalesce(Subquery(open_cases, output_field=IntegerField()), 0))


@dataclass
class RuleResult:
    rule: str
    passed: bool
    detail: str


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


@dataclass
class CaseMatchContext:
    """What every reviewer is compared with, read once per case."""

    case: Case
    on: datetime.date
    specialties: dict[int, str]
    parties: list[dict]
    earlier_reviewer_ids: set[int]


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
    parties = [party | {"key": party_name_key(party["name"])} for party in case_conflict_parties(case)]
    return CaseMatchContext(
        case=case,
        on=on,
        specialties=specialties,
        parties=parties,
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


def _names(names) -> str:
    names = sorted(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _match(reviewer: Reviewer, context: CaseMatchContext) -> ReviewerMatch:
    case, ref = context.case, reviewer.reference
    states = [lic.state for lic in reviewer.current_licenses]
    match = ReviewerMatch(
        reviewer=reviewer, open_cases=reviewer.open_cases, california="California" in states, parties=context.parties
    )
    add = match.checks.append

    add(RuleResult("active", reviewer.active, PASSED_ACTIVE if reviewer.active else INACTIVE.format(reviewer=ref)))

    practised = {s.pk for s in reviewer.specialties.all()}
    if not context.specialties:
        add(RuleResult("specialty", False, NO_CASE_SPECIALTY.format(case=case.case_number)))
    else:
        missing = [name for pk, name in context.specialties.items() if pk not in practised]
        add(
            RuleResult(
                "specialty",
                not missing,
                SPECIALTY_MISMATCH.format(reviewer=ref, missing=_names(missing))
                if missing
                else PASSED_SPECIALTY.format(specialties=_names(context.specialties.values())),
            )
        )

    add(
        RuleResult(
            "license",
            bool(states),
            PASSED_LICENSE.format(states=", ".join(states)) if states else NO_CURRENT_LICENSE.format(reviewer=ref),
        )
    )

    certified = [c.specialty.name for c in reviewer.current_certifications]
    wanted = set(context.specialties.values())
    relevant = [name for name in certified if name in wanted] if wanted else certified
    add(
        RuleResult(
            "board_certification",
            bool(relevant),
            PASSED_BOARD.format(specialties=_names(relevant))
            if relevant
            else NO_CURRENT_BOARD_CERTIFICATION.format(
                reviewer=ref, specialties=_names(wanted) if wanted else "any specialty"
            ),
        )
    )

    is_current = case.reviewer_id == reviewer.pk
    # The current reviewer's own open case does not count against taking it again (refused anyway below).
    load = reviewer.open_cases - (1 if is_current and case.status in OPEN_REVIEW_STATUSES else 0)
    under = load < reviewer.capacity
    add(
        RuleResult(
            "capacity",
            under,
            (PASSED_CAPACITY if under else OVER_CAPACITY).format(
                reviewer=ref, open_cases=load, capacity=reviewer.capacity
            ),
        )
    )

    conflicts = [
        AFFILIATION_CONFLICT.format(
            reviewer=ref,
            affiliation=conflict.affiliation_name,
            role=conflict.role_label,
            case=case.case_number,
            name=conflict.party_name,
        )
        for conflict in affiliation_conflicts(reviewer.affiliations.all(), context.parties)
    ]
    if conflicts:
        for detail in conflicts:
            add(RuleResult("conflict", False, detail))
    else:
        add(RuleResult("conflict", True, PASSED_NO_CONFLICT.format(count=len(context.parties))))

    earlier = reviewer.pk in context.earlier_reviewer_ids
    add(
        RuleResult(
            "earlier_reviewer",
            not earlier,
            EARLIER_REVIEWER.format(reviewer=ref, case=case.case_number) if earlier else PASSED_NOT_EARLIER,
        )
    )
    add(
        RuleResult(
            "current",
            not is_current,
            ALREADY_ASSIGNED.format(reviewer=ref, case=case.case_number) if is_current else PASSED_NOT_CURRENT,
        )
    )
    return match


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


def reviewers_for_display(queryset=None):
    """Reviewers with what ``Reviewer.label`` reads (user, specialties): two queries for any number of them."""
    queryset = Reviewer.objects.all() if queryset is None else queryset
    return queryset.select_related("user").prefetch_related("specialties")


def matches_for_display(matches: list) -> list:
    """Suggestions (``reviewer_suggestions``) with their reviewers' users loaded in one query, for their labels."""
    prefetch_related_objects([m.reviewer for m in matches], "user")
    return matches
