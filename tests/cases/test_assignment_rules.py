"""The case-assignment room's rules, one function each: a reviewer who fails one rule alone is refused by that rule
with its own message, and every other rule passes (cases.assignment.rules)."""

import datetime

import pytest
from freezegun import freeze_time

from cases.assignment import rules
from cases.assignment.matching import case_match_context, reviewer_match
from cases.models import Case, DisputedItem
from reviewers.models import BoardCertification, License
from tests import factories as f
from tests.lifecycle_helpers import case_needing, reviewer_in

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2014, 9, 2)
CASE = "CM14-0000042"
REF = "ER-0001"


@pytest.fixture(autouse=True)
def clock():
    with freeze_time("2014-09-02 10:00:00-07:00"):
        yield


def inactive(case, reviewer):
    reviewer.active = False
    reviewer.save()


def second_specialty(case, reviewer):
    DisputedItem.objects.create(case=case, title="EMG", specialty=f.SpecialtyFactory(name="Neurology"))


def no_case_specialty(case, reviewer):
    DisputedItem.objects.filter(case=case).update(specialty=None)


def licence_lapsed(case, reviewer):
    License.objects.filter(reviewer=reviewer).update(expires_on=TODAY - datetime.timedelta(days=1))


def licence_restricted(case, reviewer):
    License.objects.filter(reviewer=reviewer).update(restricted=True)


def certification_lapsed(case, reviewer):
    BoardCertification.objects.filter(reviewer=reviewer).update(expires_on=TODAY - datetime.timedelta(days=1))


def at_capacity(case, reviewer):
    reviewer.capacity = 0
    reviewer.save()


def affiliated(case, reviewer):
    f.PartyFactory(case=case, role="employer", name="Acme Stores, Inc.")  # the message ends with its own dot
    f.AffiliationFactory(reviewer=reviewer, kind="employer", name="ACME STORES")


def reviewed_the_remanded_case(case, reviewer):
    Case.objects.filter(pk=case.pk).update(parent=f.CaseFactory(reviewer=reviewer))


def already_holds_it(case, reviewer):
    Case.objects.filter(pk=case.pk).update(reviewer=reviewer)


# (rule function, what breaks it alone, its failure message)
FAILURES = [
    (rules.rule_active, inactive, f"Reviewer {REF} is inactive."),
    (rules.rule_specialty, second_specialty, f"Reviewer {REF} does not practise Neurology."),
    (
        rules.rule_specialty,
        no_case_specialty,
        f"No disputed item of case {CASE} names a specialty, so no reviewer can be matched to it.",
    ),
    (rules.rule_license, licence_lapsed, f"Reviewer {REF} holds no current unrestricted licence."),
    (rules.rule_license, licence_restricted, f"Reviewer {REF} holds no current unrestricted licence."),
    (
        rules.rule_board_certification,
        certification_lapsed,
        f"Reviewer {REF} holds no current board certification in Psychiatry.",
    ),
    (rules.rule_capacity, at_capacity, f"Reviewer {REF} is at capacity: 0 open cases of 0."),
    (
        rules.rule_conflicts,
        affiliated,
        f"Reviewer {REF} declared an affiliation (ACME STORES) that matches the employer of case {CASE}: "
        "Acme Stores, Inc..",
    ),
    (
        rules.rule_earlier_reviewer,
        reviewed_the_remanded_case,
        f"Reviewer {REF} reviewed case {CASE} in an earlier cycle; after a remand it needs a different reviewer.",
    ),
    (rules.rule_current, already_holds_it, f"Reviewer {REF} is already assigned to case {CASE}."),
]


def test_every_rule_has_its_failure_case():
    assert {rule for rule, _, _ in FAILURES} == set(rules.RULES)


@pytest.mark.parametrize(
    "rule,breaks,message", FAILURES, ids=[f"{rule.__name__}-{breaks.__name__}" for rule, breaks, _ in FAILURES]
)
def test_a_rule_failing_alone_refuses_with_its_own_message(rule, breaks, message):
    case = case_needing(case_number=CASE)
    reviewer = reviewer_in(reference=REF)
    assert reviewer_match(case=case, reviewer=reviewer, on=TODAY).eligible  # a qualified reviewer, before
    breaks(case, reviewer)
    case.refresh_from_db()

    match = reviewer_match(case=case, reviewer=reviewer, on=TODAY)
    assert match.failures == [message]
    # The rule function itself, on the reviewer as matching loads it: failed, with that message.
    outcome = rule(match.reviewer, case_match_context(case, TODAY))
    outcomes = outcome if isinstance(outcome, list) else [outcome]
    assert [(o.passed, o.detail) for o in outcomes] == [(False, message)]


@pytest.mark.parametrize("rule", rules.RULES, ids=lambda rule: rule.__name__)
def test_each_rule_passes_a_qualified_reviewer(rule):
    case = case_needing(case_number=CASE)
    match = reviewer_match(case=case, reviewer=reviewer_in(reference=REF), on=TODAY)
    outcome = rule(match.reviewer, case_match_context(case, TODAY))
    assert all(o.passed for o in (outcome if isinstance(outcome, list) else [outcome]))
