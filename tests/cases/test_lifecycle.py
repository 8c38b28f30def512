"""The case state machine: every legal move, and the illegal ones refused with their exact messages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from freezegun import freeze_time

from cases.models import Assignment, Case, CaseEvent, Document, FeeTier, IneligibilityCode, Status
from cases.services import lifecycle as lc
from tests import factories as f
from tests.lifecycle_helpers import case_needing, reviewer_in

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2014, 9, 2)


@pytest.fixture(autouse=True)
def clock():
    with freeze_time("2014-09-02 10:00:00-07:00"):
        yield


@pytest.fixture
def staff():
    return f.StaffFactory(username="coordinator")


def last_event(case):
    return CaseEvent.objects.filter(case=case).order_by("-at", "-id").first()


def assigned_case(staff, status=Status.ASSIGNED):
    case = case_needing()
    reviewer = reviewer_in()
    lc.case_assign_reviewer(case=case, reviewer=reviewer, actor=staff, notice_date=TODAY)
    if status in (Status.AWAITING_RECORDS, Status.IN_REVIEW):
        lc.case_request_records(case=case, actor=staff)
    if status == Status.IN_REVIEW:
        lc.case_mark_records_complete(case=case, actor=staff, on=TODAY)
    return case, reviewer


# Legal moves ----------------------------------------------------------------------------------------------------


def test_receiving_an_application_starts_the_timeline(staff):
    case = f.CaseFactory.build(claim=f.ClaimFactory(), status=Status.DEFERRED)
    event = lc.case_receive(case=case, actor=staff)
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    assert (event.kind, event.from_status, event.to_status, event.actor) == ("received", "", Status.RECEIVED, staff)
    assert event.note == "Application received 08/20/2014."


@pytest.mark.parametrize("start", [Status.RECEIVED, Status.DEFERRED])
def test_eligibility_review_starts_from_received_or_deferred(staff, start):
    case = f.CaseFactory(status=start, status_reason="Liability disputed")
    event = lc.case_start_eligibility_review(case=case, actor=staff)
    case.refresh_from_db()
    assert case.status == Status.ELIGIBILITY_REVIEW
    assert case.status_reason == ""
    assert (event.from_status, event.to_status, event.kind) == (start, Status.ELIGIBILITY_REVIEW, "eligibility_review")


def test_finding_eligible_is_an_event_without_a_status_change(staff):
    case = f.CaseFactory(status=Status.ELIGIBILITY_REVIEW)
    event = lc.case_find_eligible(case=case, actor=staff, note="Timely and complete.")
    assert (event.kind, event.from_status, event.to_status) == ("eligible", "eligibility_review", "eligibility_review")
    assert event.note == "Found eligible. Timely and complete."


def test_a_case_is_not_found_eligible_while_an_item_lacks_its_specialty(staff):
    case = f.CaseFactory(status=Status.ELIGIBILITY_REVIEW)
    f.DisputedItemFactory(case=case, title="Psychotherapy, 6 sessions", specialty=f.SpecialtyFactory())
    f.DisputedItemFactory(case=case, title="Zolpidem 10 mg, #30", specialty=None)
    with pytest.raises(lc.TransitionError) as refused:
        lc.case_find_eligible(case=case, actor=staff)
    assert refused.value.messages == [
        lc.ITEMS_WITHOUT_SPECIALTY.format(case=case.case_number, items="“Zolpidem 10 mg, #30”")
    ]
    assert refused.value.messages[0] == (
        f"Case {case.case_number} cannot be found eligible yet: give each disputed item its specialty first "
        "(“Zolpidem 10 mg, #30”). The specialty decides which reviewers can be matched."
    )
    case.refresh_from_db()
    assert case.found_eligible_at is None and not CaseEvent.objects.filter(case=case).exists()


def test_find_eligible_is_offered_only_until_the_finding(staff):
    case = case_needing(found_eligible_at=None)
    assert "find_eligible" in lc.case_allowed_actions(case)
    lc.case_find_eligible(case=case, actor=staff)
    assert "find_eligible" not in lc.case_allowed_actions(case)
    assert "assign_reviewer" in lc.case_allowed_actions(case)
    with pytest.raises(lc.TransitionError) as refused:  # nor done twice through a stale page
        lc.case_find_eligible(case=case, actor=staff)
    assert refused.value.messages == [
        f"Case {case.case_number} was already found eligible on 09/02/2014: assign a reviewer."
    ]
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.ELIGIBLE).count() == 1


def test_the_timeline_takes_only_kinds_of_the_closed_set():
    case = f.CaseFactory()
    with pytest.raises(ValueError, match="Unknown timeline event kind 'status:assigned'"):
        CaseEvent.objects.create(
            case=case, at=datetime.datetime(2014, 9, 2, tzinfo=datetime.UTC), kind="status:assigned"
        )
    assert CaseEvent.Kind.RECORDS_COMPLETE.label == "Records complete"


@pytest.mark.parametrize(
    ("target", "kind"),
    [(Status.SIGNED, "determination_signed"), (Status.ISSUED, "letter_issued"), (Status.WITHDRAWN, "withdrawn")],
)
def test_a_plain_move_is_named_by_its_target(target, kind):
    assert lc.event_kind_for(target) == kind


def test_finding_ineligible_keeps_reason_and_code(staff):
    case = f.CaseFactory(status=Status.ELIGIBILITY_REVIEW)
    lc.case_find_ineligible(case=case, actor=staff, reason="Filed 45 days after the UR letter.", code="late")
    case.refresh_from_db()
    assert case.status == Status.INELIGIBLE
    assert case.status_reason == "Filed 45 days after the UR letter."
    assert case.ineligibility_code == IneligibilityCode.LATE
    assert last_event(case).note == (
        "Filed late (more than 30 days after the UR decision): Filed 45 days after the UR letter."
    )


def test_deferral_keeps_its_reason(staff):
    case = f.CaseFactory(status=Status.ELIGIBILITY_REVIEW)
    lc.case_defer(case=case, actor=staff, reason="Compensability disputed")
    case.refresh_from_db()
    assert (case.status, case.status_reason) == (Status.DEFERRED, "Compensability disputed")


def test_assignment_records_the_reviewer_notice_and_conflict_check(staff):
    case = case_needing()
    f.PartyFactory(case=case, role="employer", name="Acme Stores")
    reviewer = reviewer_in()
    assignment = lc.case_assign_reviewer(case=case, reviewer=reviewer, actor=staff, notice_date=TODAY)
    case.refresh_from_db()
    assert case.status == Status.ASSIGNED
    assert (case.reviewer, case.date_assigned, case.notice_channel) == (reviewer, TODAY, "mail")
    assert case.review_started_at == datetime.datetime(2014, 9, 2, 17, 0, tzinfo=datetime.UTC)
    assert (assignment.assigned_by, assignment.cycle, assignment.ended_at) == (staff, 1, None)
    check = assignment.conflict_check
    assert check["outcome"] == "clear"
    assert check["parties"] == [{"role": "employer", "name": "Acme Stores"}]
    assert {rule["rule"] for rule in check["rules"]} == {
        "active",
        "specialty",
        "license",
        "board_certification",
        "capacity",
        "conflict",
        "earlier_reviewer",
        "current",
    }
    assert all(rule["passed"] for rule in check["rules"])
    assert last_event(case).note == (
        f"Assigned to {reviewer.label}; notice sent 09/02/2014 by mail. Deadlines: records due 09/17/2014."
    )


def test_records_requested_then_complete_puts_the_case_in_review(staff):
    case, _ = assigned_case(staff)
    lc.case_request_records(case=case, actor=staff)
    assert case.status == Status.AWAITING_RECORDS
    lc.case_mark_records_complete(case=case, actor=staff, on=TODAY)
    case.refresh_from_db()
    assert (case.status, case.records_complete, case.decision_due) == (
        Status.IN_REVIEW,
        TODAY,
        datetime.date(2014, 10, 2),
    )


def test_signing_and_issuing_go_through_case_transition(staff):
    case, _ = assigned_case(staff, Status.IN_REVIEW)
    lc.case_transition(case=case, to=Status.SIGNED, actor=staff)
    lc.case_transition(case=case, to=Status.ISSUED, actor=staff)
    case.refresh_from_db()
    assert case.status == Status.ISSUED
    assert list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True)) == [
        "assigned",
        "records_requested",
        "records_complete",
        "determination_signed",
        "letter_issued",
    ]
    assert CaseEvent.objects.filter(case=case).last().get_kind_display() == "Letter issued"


@pytest.mark.parametrize("status", [Status.AWAITING_RECORDS, Status.IN_REVIEW, Status.ASSIGNED])
def test_reassignment_ends_the_previous_turn_keeps_the_stage_and_restarts_days_waiting(staff, status):
    case, first = assigned_case(staff, status)
    before = (case.records_due, case.decision_due)
    second = reviewer_in()
    with freeze_time("2014-09-05 09:00:00-07:00"):
        lc.case_assign_reviewer(case=case, reviewer=second, actor=staff, note="First reviewer on leave.")
    case.refresh_from_db()
    assert (case.status, case.reviewer) == (status, second)
    assert (case.records_due, case.decision_due) == before
    assert case.review_started_at == datetime.datetime(2014, 9, 5, 16, 0, tzinfo=datetime.UTC)
    turns = list(Assignment.objects.filter(case=case).order_by("assigned_at"))
    assert [t.reviewer for t in turns] == [first, second]
    assert turns[0].end_reason == lc.END_REASSIGNED and turns[0].ended_at is not None
    assert turns[1].ended_at is None
    event = last_event(case)
    assert (event.kind, event.note) == (
        "reassigned",
        f"Reassigned from {first.label} to {second.label}. First reviewer on leave.",
    )
    assert first.label.startswith(f"Dr. {first.user.get_full_name()} ({first.reference}, ")


def test_a_reassignment_moves_the_draft_revision_on(staff):
    """The new reviewer never gets the previous reviewer's open form or browser backup (keyed by revision)."""
    case, _ = assigned_case(staff, Status.IN_REVIEW)
    assert case.revision == 0
    stale = Case.objects.get(pk=case.pk)  # loaded before a draft save moved the revision to 3
    Case.objects.filter(pk=case.pk).update(revision=3)
    lc.case_assign_reviewer(case=stale, reviewer=reviewer_in(), actor=staff)
    assert stale.revision == 4
    assert Case.objects.get(pk=case.pk).revision == 4
    first = case_needing()
    lc.case_assign_reviewer(case=first, reviewer=reviewer_in(), actor=staff, notice_date=TODAY)
    assert Case.objects.get(pk=first.pk).revision == 0  # a first assignment has no previous reviewer


CLOSABLE = [
    Status.RECEIVED,
    Status.ELIGIBILITY_REVIEW,
    Status.DEFERRED,
    Status.ASSIGNED,
    Status.AWAITING_RECORDS,
    Status.IN_REVIEW,
    Status.REMANDED,
]


@pytest.mark.parametrize(
    "service,target", [(lc.case_withdraw, Status.WITHDRAWN), (lc.case_terminate, Status.TERMINATED)]
)
@pytest.mark.parametrize("status", CLOSABLE)
def test_any_state_before_signing_can_be_withdrawn_or_terminated(staff, status, service, target):
    case = f.CaseFactory(status=status)
    service(case=case, actor=staff, reason="Treatment authorized by the claims administrator")
    case.refresh_from_db()
    assert (case.status, case.status_reason) == (target, "Treatment authorized by the claims administrator")
    assert case.fee_tier == FeeTier.BEFORE_REVIEWER


def test_closing_after_assignment_bills_the_full_fee_and_ends_the_turn(staff):
    case, _ = assigned_case(staff, Status.IN_REVIEW)
    lc.case_terminate(case=case, actor=staff, reason="Authorized")
    case.refresh_from_db()
    assert case.fee_tier == FeeTier.FULL
    assert Assignment.objects.get(case=case).end_reason == "Case terminated"


@pytest.mark.parametrize("start", [Status.ISSUED, Status.INELIGIBLE])
def test_appeal_and_dismissal_return_to_where_the_case_was(staff, start):
    case = f.CaseFactory(status=start)
    lc.case_appeal(case=case, actor=staff, note="Petition filed with the WCAB")
    assert case.status == Status.APPEALED
    lc.case_dismiss_appeal(case=case, actor=staff)
    case.refresh_from_db()
    assert case.status == start


def test_dismissal_returns_to_the_status_before_the_latest_appeal(staff):
    """An ineligibility appealed and reversed, then a determination issued and appealed: dismissing the second
    appeal returns the case to issued, not to ineligible (the first appeal's origin)."""
    case = case_needing(found_eligible_at=None)
    lc.case_find_ineligible(case=case, actor=staff, reason="Filed late", code="late")
    lc.case_appeal(case=case, actor=staff)
    lc.case_remand(case=case, actor=staff)
    lc.case_find_eligible(case=case, actor=staff)
    lc.case_assign_reviewer(case=case, reviewer=reviewer_in(), actor=staff, notice_date=TODAY)
    lc.case_request_records(case=case, actor=staff)
    lc.case_mark_records_complete(case=case, actor=staff, on=TODAY)
    lc.case_transition(case=case, to=Status.SIGNED, actor=staff)
    lc.case_transition(case=case, to=Status.ISSUED, actor=staff)
    lc.case_appeal(case=case, actor=staff)
    event = lc.case_dismiss_appeal(case=case, actor=staff)
    case.refresh_from_db()
    assert case.status == Status.ISSUED
    assert (event.from_status, event.to_status) == (Status.APPEALED, Status.ISSUED)


def test_remand_starts_a_new_cycle_that_excludes_the_earlier_reviewer(staff):
    case, first = assigned_case(staff, Status.IN_REVIEW)
    lc.case_transition(case=case, to=Status.SIGNED, actor=staff)
    lc.case_transition(case=case, to=Status.ISSUED, actor=staff)
    lc.case_appeal(case=case, actor=staff)
    lc.case_remand(case=case, actor=staff, note="WCAB order of 2014-11-01")
    case.refresh_from_db()
    assert case.status == Status.REMANDED
    assert (case.review_cycle, case.reviewer, case.date_assigned, case.records_complete) == (2, None, None, None)
    assert (case.records_due, case.decision_due) == (None, None)
    assert Assignment.objects.get(case=case).end_reason == lc.END_REMANDED

    with pytest.raises(lc.TransitionError) as refused:
        lc.case_assign_reviewer(case=case, reviewer=first, actor=staff, notice_date=TODAY)
    assert refused.value.messages == [
        f"Reviewer {first} reviewed case {case.case_number} in an earlier cycle; after a remand it needs a "
        "different reviewer."
    ]
    second = reviewer_in()
    assignment = lc.case_assign_reviewer(case=case, reviewer=second, actor=staff, notice_date=TODAY)
    assert (assignment.cycle, case.status) == (2, Status.ASSIGNED)


# Eligibility comes before assignment ----------------------------------------------------------------------------


def test_a_case_not_found_eligible_cannot_be_assigned(staff):
    case = case_needing(case_number="CM14-0000042", found_eligible_at=None)
    with pytest.raises(lc.TransitionError) as refused:
        lc.case_assign_reviewer(case=case, reviewer=reviewer_in(), actor=staff, notice_date=TODAY)
    assert refused.value.messages == [
        "Case CM14-0000042 has not been found eligible in this eligibility review: record the finding (Find "
        "eligible) before assigning a reviewer."
    ]
    assert lc.NOT_FOUND_ELIGIBLE.format(case="CM14-0000042") == refused.value.messages[0]
    case.refresh_from_db()
    assert (case.status, case.reviewer) == (Status.ELIGIBILITY_REVIEW, None)
    assert "assign_reviewer" not in lc.case_allowed_actions(case)

    lc.case_find_eligible(case=case, actor=staff)
    case.refresh_from_db()
    assert case.found_eligible_at == datetime.datetime(2014, 9, 2, 17, 0, tzinfo=datetime.UTC)
    assert "assign_reviewer" in lc.case_allowed_actions(case)
    lc.case_assign_reviewer(case=case, reviewer=reviewer_in(), actor=staff, notice_date=TODAY)
    assert case.status == Status.ASSIGNED


def test_a_finding_does_not_survive_a_deferral(staff):
    case = case_needing(found_eligible_at=None)
    lc.case_find_eligible(case=case, actor=staff)
    lc.case_defer(case=case, actor=staff, reason="Compensability disputed")
    lc.case_start_eligibility_review(case=case, actor=staff)
    case.refresh_from_db()
    assert case.found_eligible_at is None
    with pytest.raises(lc.TransitionError) as refused:
        lc.case_assign_reviewer(case=case, reviewer=reviewer_in(), actor=staff, notice_date=TODAY)
    assert refused.value.messages == [lc.NOT_FOUND_ELIGIBLE.format(case=case.case_number)]


def test_a_remanded_ineligibility_goes_back_to_eligibility_review_not_to_a_reviewer(staff):
    case = case_needing(found_eligible_at=None)
    lc.case_find_ineligible(case=case, actor=staff, reason="Filed late", code="late")
    lc.case_appeal(case=case, actor=staff)
    event = lc.case_remand(case=case, actor=staff, note="WCAB order of 2014-11-01")
    case.refresh_from_db()
    assert case.status == Status.ELIGIBILITY_REVIEW
    assert (case.status_reason, case.ineligibility_code, case.found_eligible_at) == ("", "", None)
    assert case.review_cycle == 1  # no review happened: nothing to exclude, no new cycle
    assert (event.kind, event.from_status, event.to_status) == ("remanded", Status.APPEALED, Status.ELIGIBILITY_REVIEW)
    assert event.note == (
        "The ineligibility finding was reversed: the application goes back to eligibility review. "
        "WCAB order of 2014-11-01"
    )
    with pytest.raises(lc.TransitionError) as refused:
        lc.case_assign_reviewer(case=case, reviewer=reviewer_in(), actor=staff, notice_date=TODAY)
    assert refused.value.messages == [lc.NOT_FOUND_ELIGIBLE.format(case=case.case_number)]
    lc.case_find_eligible(case=case, actor=staff)
    lc.case_assign_reviewer(case=case, reviewer=reviewer_in(), actor=staff, notice_date=TODAY)
    assert case.status == Status.ASSIGNED


def test_a_remanded_determination_needs_no_new_eligibility_finding(staff):
    case, _ = assigned_case(staff, Status.IN_REVIEW)
    for to in (Status.SIGNED, Status.ISSUED):
        lc.case_transition(case=case, to=to, actor=staff)
    lc.case_appeal(case=case, actor=staff)
    lc.case_remand(case=case, actor=staff)
    assert case.status == Status.REMANDED
    assert "assign_reviewer" in lc.case_allowed_actions(case)
    lc.case_assign_reviewer(case=case, reviewer=reviewer_in(), actor=staff, notice_date=TODAY)
    assert case.status == Status.ASSIGNED


def test_an_appealed_case_does_not_restart_eligibility_review_by_itself(staff):
    case = f.CaseFactory(status=Status.INELIGIBLE, case_number="CM14-0000042")
    lc.case_appeal(case=case, actor=staff)
    assert "start_eligibility_review" not in lc.case_allowed_actions(case)
    with pytest.raises(lc.TransitionError) as refused:
        lc.case_start_eligibility_review(case=case, actor=staff)
    assert refused.value.messages == [
        "Case CM14-0000042 is appealed: “Start eligibility review” is possible only when it is application "
        "received or deferred."
    ]


def test_a_reassignment_can_be_refused_for_first_assignments_only(staff):
    case, first = assigned_case(staff, Status.AWAITING_RECORDS)
    with pytest.raises(lc.TransitionError) as refused:
        lc.case_assign_reviewer(case=case, reviewer=reviewer_in(), actor=staff, allow_reassignment=False)
    assert refused.value.messages == [
        f"Case {case.case_number} is awaiting records: it already has a reviewer. Only a first assignment is made "
        "here; reassign it from the case's own page."
    ]
    case.refresh_from_db()
    assert case.reviewer == first


def test_expedited_conversion_is_recorded(staff):
    case = f.CaseFactory(status=Status.ELIGIBILITY_REVIEW)
    f.DocumentFactory(case=case, doc_type=Document.Type.PHYSICIAN_CERTIFICATION)
    lc.case_convert_to_expedited(case=case, actor=staff)
    case.refresh_from_db()
    assert case.priority == "expedited"
    assert last_event(case).kind == "expedited"


# Illegal moves --------------------------------------------------------------------------------------------------


def _call(name):
    calls = {
        "eligibility": lambda c: lc.case_start_eligibility_review(case=c),
        "eligible": lambda c: lc.case_find_eligible(case=c),
        "ineligible": lambda c: lc.case_find_ineligible(case=c, reason="Late"),
        "ineligible_no_reason": lambda c: lc.case_find_ineligible(case=c, reason="  "),
        "ineligible_bad_code": lambda c: lc.case_find_ineligible(case=c, reason="Late", code="tardy"),
        "defer": lambda c: lc.case_defer(case=c, reason="Liability"),
        "defer_no_reason": lambda c: lc.case_defer(case=c, reason=""),
        "assign": lambda c: lc.case_assign_reviewer(case=c, reviewer=reviewer_in(), notice_date=TODAY),
        "assign_no_notice": lambda c: lc.case_assign_reviewer(case=c, reviewer=reviewer_in()),
        "assign_future_notice": lambda c: lc.case_assign_reviewer(
            case=c, reviewer=reviewer_in(), notice_date=datetime.date(2014, 9, 3)
        ),
        "assign_early_notice": lambda c: lc.case_assign_reviewer(
            case=c, reviewer=reviewer_in(), notice_date=datetime.date(2014, 8, 1)
        ),
        "records": lambda c: lc.case_request_records(case=c),
        "complete": lambda c: lc.case_mark_records_complete(case=c),
        "complete_future": lambda c: lc.case_mark_records_complete(case=c, on=datetime.date(2014, 9, 3)),
        "complete_before_notice": lambda c: lc.case_mark_records_complete(case=c, on=datetime.date(2014, 8, 31)),
        "sign": lambda c: lc.case_transition(case=c, to=Status.SIGNED),
        "issue": lambda c: lc.case_transition(case=c, to=Status.ISSUED),
        "withdraw": lambda c: lc.case_withdraw(case=c, reason="Applicant withdrew"),
        "withdraw_no_reason": lambda c: lc.case_withdraw(case=c, reason=""),
        "terminate": lambda c: lc.case_terminate(case=c, reason="Authorized"),
        "terminate_no_reason": lambda c: lc.case_terminate(case=c, reason=" "),
        "appeal": lambda c: lc.case_appeal(case=c),
        "dismiss": lambda c: lc.case_dismiss_appeal(case=c),
        "remand": lambda c: lc.case_remand(case=c),
        "expedite": lambda c: lc.case_convert_to_expedited(case=c),
        "extend": lambda c: lc.case_extend_deadline(case=c, days=3, reason="Complex"),
    }
    return calls[name]


ILLEGAL = [
    (
        Status.RECEIVED,
        "ineligible",
        "Case CM14-0000042 is application received: “Find ineligible” is possible only when it is eligibility review.",
    ),
    (
        Status.RECEIVED,
        "defer",
        "Case CM14-0000042 is application received: “Defer” is possible only when it is eligibility review.",
    ),
    (
        Status.RECEIVED,
        "assign",
        "Case CM14-0000042 is application received: “Assign reviewer” is possible only when it is "
        "eligibility review or remanded.",
    ),
    (
        Status.RECEIVED,
        "appeal",
        "Case CM14-0000042 is application received: “Record appeal” is possible only when it is ineligible or issued.",
    ),
    (
        Status.RECEIVED,
        "eligible",
        "Case CM14-0000042 is application received: “Find eligible” is possible only when it is eligibility review.",
    ),
    (Status.ELIGIBILITY_REVIEW, "eligibility", 'Case CM14-0000042 already has the status "Eligibility review".'),
    (
        Status.ELIGIBILITY_REVIEW,
        "records",
        "Case CM14-0000042 is eligibility review: “Request records” is possible only when it is assigned.",
    ),
    (Status.ELIGIBILITY_REVIEW, "ineligible_no_reason", "Say why the case becomes ineligible: a reason is required."),
    (Status.ELIGIBILITY_REVIEW, "ineligible_bad_code", "Unknown ineligibility code 'tardy'."),
    (Status.ELIGIBILITY_REVIEW, "defer_no_reason", "Say why the case becomes deferred: a reason is required."),
    (Status.ELIGIBILITY_REVIEW, "assign_no_notice", "The date the assignment notice was sent is required."),
    (Status.ELIGIBILITY_REVIEW, "assign_future_notice", "The assignment notice (09/03/2014) cannot be in the future."),
    (
        Status.ELIGIBILITY_REVIEW,
        "assign_early_notice",
        "The assignment notice (08/01/2014) cannot precede the application (08/20/2014).",
    ),
    (
        Status.DEFERRED,
        "assign",
        "Case CM14-0000042 is deferred: “Assign reviewer” is possible only when it is eligibility review or remanded.",
    ),
    (
        Status.ASSIGNED,
        "complete",
        "Case CM14-0000042 is assigned: “Records complete” is possible only when it is awaiting records.",
    ),
    (Status.ASSIGNED, "sign", "Cannot move case CM14-0000042 from Assigned to Signed."),
    (Status.AWAITING_RECORDS, "complete_future", "The records completion date (09/03/2014) cannot be in the future."),
    (
        Status.AWAITING_RECORDS,
        "complete_before_notice",
        "Records cannot be complete (08/31/2014) before the assignment notice (09/01/2014).",
    ),
    (Status.AWAITING_RECORDS, "withdraw_no_reason", "Say why the case becomes withdrawn: a reason is required."),
    (Status.IN_REVIEW, "issue", "Cannot move case CM14-0000042 from In review to Issued."),
    (Status.IN_REVIEW, "terminate_no_reason", "Say why the case becomes terminated: a reason is required."),
    (
        Status.SIGNED,
        "withdraw",
        "Case CM14-0000042 is signed: “Withdraw” is possible only when it is application received, "
        "eligibility review, deferred, assigned, awaiting records, in review or remanded.",
    ),
    (
        Status.SIGNED,
        "terminate",
        "Case CM14-0000042 is signed: “Terminate” is possible only when it is application received, "
        "eligibility review, deferred, assigned, awaiting records, in review or remanded.",
    ),
    (
        Status.SIGNED,
        "expedite",
        "Case CM14-0000042 is signed: “Convert to expedited” is possible only when it is application "
        "received, eligibility review, deferred, assigned, awaiting records, in review or remanded.",
    ),
    (Status.ISSUED, "issue", 'Case CM14-0000042 already has the status "Issued".'),
    (Status.ISSUED, "remand", "Case CM14-0000042 is issued: “Remand” is possible only when it is appealed."),
    (Status.ISSUED, "dismiss", "Case CM14-0000042 is issued: “Appeal dismissed” is possible only when it is appealed."),
    (
        Status.ISSUED,
        "extend",
        "Case CM14-0000042 is issued: “Extend deadline” is possible only when it is assigned, awaiting "
        "records or in review.",
    ),
    (Status.APPEALED, "dismiss", "Case CM14-0000042 has no appeal on record to dismiss."),
    (
        Status.INELIGIBLE,
        "eligibility",
        "Case CM14-0000042 is ineligible: “Start eligibility review” is possible only when it is application "
        "received or deferred.",
    ),
    (
        Status.REMANDED,
        "records",
        "Case CM14-0000042 is remanded: “Request records” is possible only when it is assigned.",
    ),
    (Status.WITHDRAWN, "eligibility", "Case CM14-0000042 is withdrawn: it is closed and cannot change."),
    (Status.WITHDRAWN, "assign", "Case CM14-0000042 is withdrawn: it is closed and cannot change."),
    (Status.TERMINATED, "appeal", "Case CM14-0000042 is terminated: it is closed and cannot change."),
    (Status.TERMINATED, "withdraw", "Case CM14-0000042 is terminated: it is closed and cannot change."),
]


@pytest.mark.parametrize("status,call,message", ILLEGAL, ids=[f"{s.value}-{c}" for s, c, _ in ILLEGAL])
def test_illegal_moves_are_refused_with_the_reason(status, call, message):
    case = case_needing(status=status, case_number="CM14-0000042", date_assigned=datetime.date(2014, 9, 1))
    events_before = CaseEvent.objects.count()
    with pytest.raises(lc.TransitionError) as refused:
        _call(call)(case)
    assert refused.value.messages == [message]
    case.refresh_from_db()
    assert case.status == status
    assert CaseEvent.objects.count() == events_before


def test_every_status_has_a_row_in_the_transition_table():
    assert set(lc.TRANSITIONS) == set(Status)
    assert lc.TRANSITIONS[Status.WITHDRAWN] == lc.TRANSITIONS[Status.TERMINATED] == set()


def test_a_stale_case_object_is_checked_against_the_database(staff):
    case = f.CaseFactory(status=Status.ELIGIBILITY_REVIEW)
    stale = type(case).objects.get(pk=case.pk)
    lc.case_defer(case=case, actor=staff, reason="Liability")
    with pytest.raises(lc.TransitionError) as refused:
        lc.case_find_ineligible(case=stale, actor=staff, reason="Late")
    assert refused.value.messages == [
        f"Case {case.case_number} is deferred: “Find ineligible” is possible only when it is eligibility review."
    ]


OPEN_STATUSES = [s for s in Status if lc.TRANSITIONS[s]]


@pytest.mark.parametrize("status", OPEN_STATUSES, ids=[s.value for s in OPEN_STATUSES])
def test_the_illegal_move_message_reads_naturally_from_every_status(status):
    assert lc.ILLEGAL_TRANSITION == "Cannot move case {case} from {current} to {target}."
    case = f.CaseFactory(status=status, case_number="CM14-0000042")
    target = next(t for t in Status if t not in lc.TRANSITIONS[status] and t != status)
    with pytest.raises(lc.TransitionError) as refused:
        lc.case_transition(case=case, to=target)
    assert refused.value.messages == [f"Cannot move case CM14-0000042 from {status.label} to {target.label}."]


def test_a_transition_on_a_stale_copy_of_the_case_keeps_the_reviewers_latest_draft(db):
    from cases.services.review import case_save_draft

    case = case_needing(status=Status.AWAITING_RECORDS, reviewer=reviewer_in())
    stale = Case.objects.get(pk=case.pk)  # a coordinator's page, opened before the reviewer saved
    case_save_draft(
        case=Case.objects.get(pk=case.pk),
        user=case.reviewer.user,
        expected_revision=case.revision,
        summary="The reviewer's newest words.",
        items=[],
    )
    lc.case_mark_records_complete(case=stale)
    saved = Case.objects.get(pk=case.pk)
    assert saved.status == Status.IN_REVIEW
    assert saved.clinical_summary == "The reviewer's newest words."
    assert saved.revision == case.revision + 1


@freeze_time("2014-09-20 10:00:00")
def test_days_with_reviewer_count_from_the_assignment_and_restart_on_reassignment(db, client):
    from cases.selectors import annotate_days_left

    def case_days_with_reviewer(case, today):
        return annotate_days_left(Case.objects.filter(pk=case.pk), today).get().days_with_reviewer

    today = datetime.date(2014, 9, 20)
    first = reviewer_in()
    case = case_needing(
        status=Status.IN_REVIEW,
        reviewer=first,
        review_started_at=datetime.datetime(2014, 9, 15, 17, tzinfo=datetime.UTC),
    )
    assert case_days_with_reviewer(case, today) == 5
    client.force_login(f.StaffFactory())  # under the frozen clock, so the session is current
    response = client.get("/admin/cases/case/")
    assert response.status_code == 200, response.get("Location")
    assert '<td class="field-days_waiting">5</td>' in response.content.decode()

    lc.case_assign_reviewer(case=case, reviewer=reviewer_in(), notice_date=today)
    case.refresh_from_db()
    assert case_days_with_reviewer(case, today) == 0

    Case.objects.filter(pk=case.pk).update(status=Status.SIGNED)
    case.refresh_from_db()
    assert case_days_with_reviewer(case, today) is None


# Intake validation ----------------------------------------------------------------------------------------------


def test_the_ur_decision_cannot_be_after_the_application():
    case = f.CaseFactory.build(
        claim=f.ClaimFactory(),
        application_received=datetime.date(2014, 8, 20),
        ur_decision_date=datetime.date(2014, 8, 21),
    )
    with pytest.raises(ValidationError) as refused:
        case.full_clean()
    assert refused.value.message_dict == {
        "ur_decision_date": [
            "The UR decision date (08/21/2014) is after the application was received (08/20/2014): an IMR application "
            "answers a UR decision already made."
        ]
    }
    case.ur_decision_date = datetime.date(2014, 8, 20)
    case.full_clean()  # the same day is fine
