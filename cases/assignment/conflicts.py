"""Conflicts of interest: a reviewer's declared affiliation that names a party of the case, whatever the party's role.

Names are compared by ``party_name_key``, which ignores case, punctuation, spacing and legal suffixes, so "Acme
Stores, Inc." and "ACME STORES" are the same party. The matching rule (``rules.rule_conflicts``) and the sign-off
re-check (``cases.services.review``) both read ``affiliation_conflicts``.
"""

import re
import unicodedata
from dataclasses import dataclass

from reviewers.models import Reviewer

from ..models import UR_ORGANIZATION_ROLE, Case, party_role_label

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


def case_parties(case: Case) -> list[dict]:
    """Everyone a reviewer of ``case`` must not be affiliated with, as the rules compare them (role, name and the
    name's ``party_name_key``): its parties and its UR organization (a field of the case, listed under the
    pseudo-role ``ur_organization``)."""
    parties = list(case.parties.order_by("id").values_list("role", "name"))
    if case.ur_organization.strip():
        parties.append((UR_ORGANIZATION_ROLE, case.ur_organization.strip()))
    return [{"role": role, "name": name, "key": party_name_key(name)} for role, name in parties]


def reviewer_case_conflicts(*, reviewer: Reviewer, case: Case) -> list[AffiliationConflict]:
    """The conflicts of ``reviewer`` with the parties ``case`` has now (re-checked at sign-off: a party may have
    been added after the assignment)."""
    return affiliation_conflicts(reviewer.affiliations.all(), case_parties(case))
