"""The imr-case/1 format: import, export, refusals (all or nothing), guideline matching, replace."""

import copy
import datetime
import json

import pytest
from django.utils import timezone

from cases import interchange as fmt
from cases.interchange import CaseDocumentError, case_document_parse, case_export
from cases.models import Case, CaseEvent, Citation, Determination, Guideline, Letter, Status
from cases.services import interchange as service
from cases.services.interchange import case_import
from cases.services.lifecycle import end_of_day
from tests.factories import CaseFactory, GuidelineFactory, ReviewerFactory, UserFactory
from tests.support import expected_letters, row_counts, seed_case
from tests.support.letters import expected_letter_as_case

pytestmark = pytest.mark.django_db


def errors_of(document) -> list[str]:
    with pytest.raises(CaseDocumentError) as caught:
        case_import(document=document)
    return [str(e) for e in caught.value.field_errors]


def as_json(document):
    """What a file would hold: JSON types only."""
    return json.loads(json.dumps(document))


# --- Round trips -------------------------------------------------------------------------------------------------


def test_seed_case_imports_and_exports_unchanged():
    document = seed_case()
    case = case_import(document=document)
    assert as_json(case_export(case)) == document


def test_seed_case_is_signed_with_an_imported_determination():
    case = case_import(document=seed_case())
    assert case.status == Status.SIGNED
    determination = case.determinations.get()
    assert determination.origin == Determination.Origin.IMPORTED
    assert determination.signed_by is None
    assert determination.snapshot["reviewer"] == seed_case()["determination"]["reviewer"]
    assert determination.snapshot["items"][0]["citations"][1]["title"] == "Official Disability Guidelines (ODG)"
    event = CaseEvent.objects.get(case=case)
    assert (event.kind, event.from_status, event.to_status) == ("imported", "", Status.SIGNED)


def test_undecided_case_imports_as_received_without_determination():
    document = seed_case()
    document["determination"] = None
    for item in document["disputed_items"]:
        item["decision"] = None
    case = case_import(document=document)
    assert case.status == Status.RECEIVED
    assert not case.determinations.exists()
    assert as_json(case_export(case)) == document


def test_treatment_history_items_and_citations_keep_their_order():
    document = seed_case()
    document["disputed_items"].append(
        {
            "title": "Second item",
            "decision": "overturned",
            "claims_administrator_citations": [],
            "citations": [
                {"source": "Non-MTUS", "title": "Zeta guideline", "sections": None, "pages": "3"},
                {"source": "MTUS", "title": "Low Back Complaints 2004", "sections": "Special Studies", "pages": None},
                {"source": "MTUS", "title": "Acupuncture Treatment 2007", "sections": None, "pages": None},
            ],
            "rationale": "Because.",
        }
    )
    document["treatment_history"].reverse()
    case = case_import(document=document)
    assert as_json(case_export(case)) == document


def test_optional_keys_may_be_absent_and_come_back_empty():
    document = {
        "format": "imr-case/1",
        "case_number": "CM16-0000002",
        "priority": "expedited",
        "application_received": "2016-11-28",
        "injured_worker": {"date_of_injury": "2016-10-20"},
        "disputed_items": [{"title": "MRI of the knee"}],
    }
    exported = case_export(case_import(document=document))
    assert exported["ur_decision_date"] is None
    assert exported["parties"] == [] and exported["treatment_history"] == []
    assert exported["injured_worker"] == {
        "first_name": "",
        "last_name": "",
        "age": None,
        "date_of_birth": None,
        "sex": "unknown",
        "date_of_injury": "2016-10-20",
        "claim_number": "",
    }
    assert exported["disputed_items"] == [
        {
            "title": "MRI of the knee",
            "decision": None,
            "claims_administrator_citations": [],
            "citations": [],
            "rationale": "",
        }
    ]
    assert exported["determination"] is None


def test_parties_round_trip():
    document = seed_case()
    document["parties"] = [
        {"role": "employer", "name": "Acme Freight", "address": "1 Dock St\nOakland, CA", "email": ""},
        {"role": "attorney", "name": "Law Office", "address": "", "email": "counsel@example.com"},
    ]
    assert as_json(case_export(case_import(document=document))) == document


LETTERS = {letter["case_number"]: letter for letter in expected_letters()}


@pytest.mark.parametrize("case_number", sorted(LETTERS))
def test_real_letter_imports_and_exports_unchanged(case_number):
    document = expected_letter_as_case(LETTERS[case_number])
    case = case_import(document=document)
    assert as_json(case_export(case)) == document
    assert case.status == Status.SIGNED
    assert all(item["rationale"] for item in document["disputed_items"])
    assert document["clinical_summary"]


def test_export_uses_the_current_determination():
    case = case_import(document=seed_case())
    snapshot = dict(case.determinations.get().snapshot, decision_date="2014-10-01")
    from cases.services.determinations import determination_create

    determination_create(case=case, snapshot=snapshot, origin=Determination.Origin.IMPORTED)
    assert case_export(case)["determination"]["decision_date"] == "2014-10-01"


def test_an_imported_assignment_date_starts_the_records_clock():
    document = seed_case()
    document["determination"] = None
    for item in document["disputed_items"]:
        item["decision"] = None
    document["date_assigned"] = "2014-09-02"
    case = case_import(document=document)
    assert case.records_due == end_of_day(datetime.date(2014, 9, 17))  # 15 days after a mailed notice
    assert case.decision_due is None  # records are not complete yet
    case.refresh_from_db()
    assert case.records_due == end_of_day(datetime.date(2014, 9, 17))
    # A replace recomputes them from the new facts.
    document["date_assigned"] = None
    assert case_import(document=document, replace=True).records_due is None


# --- Refusals: exact messages, nothing written -------------------------------------------------------------------


def _without(path):
    def mutate(document):
        *parents, last = path
        target = document
        for key in parents:
            target = target[key]
        del target[last]

    return mutate


def _set(path, value):
    def mutate(document):
        *parents, last = path
        target = document
        for key in parents:
            target = target[key]
        target[last] = value

    return mutate


REFUSALS = {
    "missing case number": (_without(["case_number"]), ["case_number: is required"]),
    "missing date of injury": (
        _without(["injured_worker", "date_of_injury"]),
        ["injured_worker.date_of_injury: is required"],
    ),
    "wrong format": (_set(["format"], "imr-case/2"), ['format: must be "imr-case/1"']),
    "bad case number": (
        _set(["case_number"], "CM14-000001"),
        ["case_number: must look like CM14-0000001 (CM, two digits, a hyphen, seven digits)"],
    ),
    "wrong priority": (_set(["priority"], "urgent"), ['priority: must be "standard" or "expedited"']),
    "wrong sex": (_set(["injured_worker", "sex"], "M"), ['injured_worker.sex: must be "male", "female" or "unknown"']),
    "wrong decision": (
        _set(["disputed_items", 0, "decision"], "Upheld"),
        ['disputed_items[0].decision: must be "upheld", "overturned" or null'],
    ),
    "wrong citation source": (
        _set(["disputed_items", 0, "citations", 1, "source"], "ODG"),
        ['disputed_items[0].citations[1].source: must be "MTUS" or "Non-MTUS"'],
    ),
    "wrong treatment kind": (
        _set(["treatment_history", 3, "kind"], "physio"),
        [f"treatment_history[3].kind: {fmt.WRONG_KIND}"],
    ),
    "bad date": (
        _set(["application_received"], "08/20/2014"),
        ['application_received: must be a date written YYYY-MM-DD, not "08/20/2014"'],
    ),
    "impossible date": (
        _set(["ur_decision_date"], "2014-02-30"),
        ['ur_decision_date: must be a date written YYYY-MM-DD or null, not "2014-02-30"'],
    ),
    "age as text": (
        _set(["injured_worker", "age"], "51"),
        ["injured_worker.age: must be a whole number from 0 to 130, or null"],
    ),
    "age as boolean": (
        _set(["injured_worker", "age"], True),
        ["injured_worker.age: must be a whole number from 0 to 130, or null"],
    ),
    "board certification as text": (
        _set(["determination", "reviewer", "board_certified"], "yes"),
        ["determination.reviewer.board_certified: must be true or false"],
    ),
    "no disputed items": (_set(["disputed_items"], []), ["disputed_items: must hold at least one disputed item"]),
    "items not a list": (_set(["disputed_items"], {}), ["disputed_items: must be a list"]),
    "unknown key": (_set(["disputed_item"], []), ["disputed_item: is not a field of imr-case/1"]),
    "unknown nested key": (
        _set(["disputed_items", 0, "citations", 0, "page"], "1"),
        ["disputed_items[0].citations[0].page: is not a field of imr-case/1"],
    ),
    "undecided item with a determination": (
        _set(["disputed_items", 0, "decision"], None),
        ['disputed_items[0].decision: must be "upheld" or "overturned" in a document with a determination'],
    ),
    "blank item title": (_set(["disputed_items", 0, "title"], "  "), ["disputed_items[0].title: must not be empty"]),
    "bad party": (
        _set(["parties"], [{"role": "judge", "name": "X", "email": "nope"}]),
        ["parties[0].email: must be an email address or empty", f"parties[0].role: {fmt.WRONG_ROLE}"],
    ),
    "over-long citation title": (
        _set(["disputed_items", 0, "citations", 0, "title"], "x" * 301),
        ["disputed_items[0].citations[0].title: must be at most 300 characters"],
    ),
}


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_malformed_document_is_refused_and_changes_nothing(name):
    mutate, expected = REFUSALS[name]
    document = seed_case()
    mutate(document)
    before = row_counts()
    assert errors_of(document) == expected
    assert row_counts() == before


def test_every_error_of_a_document_is_reported():
    document = seed_case()
    document["format"] = "imr-case"
    document["priority"] = "Standard"
    document["injured_worker"]["date_of_injury"] = "1998-8-31"
    document["disputed_items"][0]["decision"] = "denied"
    del document["disputed_items"][0]["citations"][0]["title"]
    assert errors_of(document) == [
        'format: must be "imr-case/1"',
        'priority: must be "standard" or "expedited"',
        'injured_worker.date_of_injury: must be a date written YYYY-MM-DD, not "1998-8-31"',
        'disputed_items[0].decision: must be "upheld", "overturned" or null',
        "disputed_items[0].citations[0].title: is required",
    ]


def test_a_document_that_is_not_an_object_is_refused():
    with pytest.raises(CaseDocumentError) as caught:
        case_document_parse([seed_case()])
    assert [str(e) for e in caught.value.field_errors] == ["(document): must be a JSON object"]


def test_duplicate_case_number_is_refused_and_changes_nothing():
    case_import(document=seed_case())
    before = row_counts()
    assert errors_of(seed_case()) == [
        "case_number: CM14-0000001 already exists (import it with --replace to replace it)"
    ]
    assert row_counts() == before


# --- Guideline matching ------------------------------------------------------------------------------------------


def _document_citing(*citations):
    document = seed_case()
    document["disputed_items"][0]["citations"] = list(citations)
    document["disputed_items"][0]["claims_administrator_citations"] = []
    return document


def test_citation_matches_library_title_ignoring_case_and_whitespace():
    entry = GuidelineFactory(source="MTUS", title="Low Back Complaints 2004")
    case = case_import(
        document=_document_citing(
            {"source": "MTUS", "title": "  low back\n COMPLAINTS   2004 ", "sections": None, "pages": None}
        )
    )
    assert Citation.objects.get(item__case=case).guideline == entry
    assert Guideline.objects.count() == 1


def test_citation_matches_an_alias():
    entry = GuidelineFactory(
        source="Non-MTUS",
        title="Official Disability Guidelines (ODG)",
        aliases="ODG\nOfficial Disability  Guidelines\n",
    )
    case = case_import(
        document=_document_citing(
            {"source": "Non-MTUS", "title": "official disability guidelines", "sections": "Low Back", "pages": None},
            {"source": "Non-MTUS", "title": "ODG", "sections": None, "pages": None},
        )
    )
    assert {c.guideline for c in Citation.objects.filter(item__case=case)} == {entry}
    assert Guideline.objects.count() == 1


def test_source_is_part_of_the_match():
    GuidelineFactory(source="MTUS", title="Low Back Complaints 2004")
    case_import(document=_document_citing({"source": "Non-MTUS", "title": "Low Back Complaints 2004"}))
    assert Guideline.objects.filter(
        source="Non-MTUS", title="Low Back Complaints 2004", imported_unreviewed=True
    ).exists()


def test_unknown_title_is_added_to_the_library_marked_unreviewed():
    GuidelineFactory(source="MTUS", title="Low Back Complaints 2004")
    case_import(
        document=_document_citing({"source": "MTUS", "title": "Hip  and Pelvis 2004", "sections": None, "pages": None})
    )
    added = Guideline.objects.get(normalized_title="hip and pelvis 2004")
    assert added.imported_unreviewed is True
    assert added.title == "Hip and Pelvis 2004"
    assert added.evidence_rank == "A"
    assert not Guideline.objects.get(title="Low Back Complaints 2004").imported_unreviewed


def test_inactive_library_entry_still_matches():
    entry = GuidelineFactory(source="MTUS", title="Low Back Complaints 2004", active=False)
    case = case_import(document=_document_citing({"source": "MTUS", "title": "Low Back Complaints 2004"}))
    assert Citation.objects.get(item__case=case).guideline == entry


# --- Replace -----------------------------------------------------------------------------------------------------


def test_replace_swaps_the_content_and_keeps_the_case_row():
    case = case_import(document=seed_case())
    document = seed_case()
    document["clinical_summary"] = "Rewritten summary."
    document["disputed_items"][0]["rationale"] = "Rewritten rationale."
    document["treatment_history"] = document["treatment_history"][:2]
    document["injured_worker"]["age"] = 52
    document["determination"]["decision_date"] = "2014-09-16"
    replaced = case_import(document=document, replace=True)
    assert replaced.pk == case.pk
    assert as_json(case_export(replaced)) == document
    assert replaced.determinations.get().snapshot["clinical_summary"] == "Rewritten summary."
    assert [e.kind for e in CaseEvent.objects.filter(case=case)] == ["imported", "imported"]


def test_replace_removes_imported_determinations_and_their_letters():
    case = case_import(document=seed_case())
    Letter.objects.create(determination=case.determinations.get())
    document = seed_case()
    document["determination"] = None
    replaced = case_import(document=document, replace=True)
    assert not Letter.objects.exists()
    assert not Determination.objects.exists()
    assert replaced.status == Status.RECEIVED
    event = CaseEvent.objects.filter(case=case).last()
    assert (event.from_status, event.to_status) == (Status.SIGNED, Status.RECEIVED)


def test_replace_keeps_the_status_of_a_case_under_review():
    document = seed_case()
    document["determination"] = None
    case = case_import(document=document)
    case.status = Status.IN_REVIEW  # arranged directly: the lifecycle is not under test here
    case.save()
    document["clinical_summary"] = "Corrected."
    assert case_import(document=document, replace=True).status == Status.IN_REVIEW


def test_case_signed_in_this_system_is_never_replaced():
    case = case_import(document=seed_case())
    determination = case.determinations.get()
    determination.origin = Determination.Origin.SIGNED
    determination.reviewer = ReviewerFactory()
    determination.save()
    before = row_counts()
    with pytest.raises(CaseDocumentError) as caught:
        case_import(document=seed_case(), replace=True)
    assert [str(e) for e in caught.value.field_errors] == [
        "case_number: CM14-0000001 has a determination signed in this system and is never replaced"
    ]
    assert row_counts() == before


@pytest.mark.parametrize("status", [Status.ISSUED, Status.APPEALED, Status.REMANDED])
def test_a_case_whose_determination_was_issued_is_never_replaced(status):
    case = case_import(document=seed_case())
    case.status = status  # arranged directly: the lifecycle is not under test here
    case.save()
    before = row_counts()
    with pytest.raises(CaseDocumentError) as caught:
        case_import(document=seed_case(), replace=True)
    label = Status(status).label.lower()
    assert [str(e) for e in caught.value.field_errors] == [
        "case_number: " + service.ISSUED_NOT_REPLACED.format(case_number="CM14-0000001", status=label)
    ]
    assert service.ISSUED_NOT_REPLACED.format(case_number="CM14-0000001", status="issued") == (
        "CM14-0000001 is issued: its determination was served to the parties and it is never replaced"
    )
    assert row_counts() == before
    case.refresh_from_db()
    assert case.status == status


def test_a_case_with_a_served_letter_is_never_replaced():
    case = case_import(document=seed_case())
    letter = Letter.objects.create(determination=case.determinations.get(), issued_at=timezone.now())
    before = row_counts()
    with pytest.raises(CaseDocumentError) as caught:
        case_import(document=seed_case(), replace=True)
    assert [str(e) for e in caught.value.field_errors] == [
        "case_number: CM14-0000001 has a letter served to the parties and is never replaced"
    ]
    assert row_counts() == before
    assert Letter.objects.filter(pk=letter.pk).exists()


def test_failed_replace_changes_nothing():
    case_import(document=seed_case())
    before = row_counts()
    document = seed_case()
    document["priority"] = "urgent"
    with pytest.raises(CaseDocumentError):
        case_import(document=document, replace=True)
    assert row_counts() == before


def test_messages_are_the_module_constants():
    assert service.CASE_EXISTS.format(case_number="X") == "X already exists (import it with --replace to replace it)"
    assert fmt.WRONG_DECISION == 'must be "upheld", "overturned" or null'


def test_parse_does_not_change_its_input():
    document = seed_case()
    kept = copy.deepcopy(document)
    case_document_parse(document)
    assert document == kept


def test_replace_gives_a_case_its_own_claim_when_the_claim_is_shared():
    case = case_import(document=seed_case())
    sibling = CaseFactory(claim=case.claim)
    document = seed_case()
    document["injured_worker"]["claim_number"] = "NEW-1"
    replaced = case_import(document=document, replace=True)
    sibling.refresh_from_db()
    assert replaced.claim_id != sibling.claim_id
    assert sibling.claim.claim_number == ""
    assert replaced.claim.claim_number == "NEW-1"


def test_import_event_records_the_actor():
    actor = UserFactory()
    case = case_import(document=seed_case(), actor=actor)
    assert CaseEvent.objects.get(case=case).actor == actor


def test_export_costs_a_constant_number_of_queries(django_assert_num_queries):
    small = case_import(document=seed_case())
    document = seed_case()
    document["case_number"] = "CM14-0000002"
    document["disputed_items"] *= 6
    document["parties"] = [{"role": "employer", "name": f"Employer {n}"} for n in range(5)]
    large = case_import(document=document)
    for case in (small, large):
        fresh = Case.objects.get(pk=case.pk)
        with django_assert_num_queries(5):  # claim, worker, determination (its snapshot has the items), parties...
            case_export(fresh)
    undecided = seed_case()
    undecided["case_number"], undecided["determination"] = "CM14-0000003", None
    for item in undecided["disputed_items"]:
        item["decision"] = None
    fresh = Case.objects.get(pk=case_import(document=undecided).pk)
    with django_assert_num_queries(7):  # ... and the live items, their citations with guidelines
        case_export(fresh)


def test_a_decided_case_exports_what_was_signed_not_the_live_rows():
    document = seed_case()
    case = case_import(document=document)
    # The live rows drift after signing (e.g. a direct database fix): the export stays what the letter says.
    case.items.update(decision="overturned", rationale="Changed afterwards.")
    Case.objects.filter(pk=case.pk).update(clinical_summary="Changed afterwards.")
    Citation.objects.filter(item__case=case).delete()
    assert as_json(case_export(Case.objects.get(pk=case.pk))) == document
