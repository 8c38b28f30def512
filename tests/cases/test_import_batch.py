"""import_case in batches (``cases_import``): one bulk insert per table for a whole batch of files and one commit,
each file still whole or nothing (a file the database refuses falls back to one savepoint per file, which isolates
it), the guideline library read once per batch, history rows for every row, the search text written with the case,
and a number of statements that does not grow with the number of files."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.interchange import case_export
from cases.models import (
    Case,
    CaseEvent,
    Citation,
    Claim,
    Determination,
    DisputedItem,
    Guideline,
    InjuredWorker,
    Party,
    TreatmentEvent,
)
from cases.selectors import cases_matching
from cases.services.determinations import case_snapshot
from cases.services.interchange import case_import, cases_import
from cases.services.search import case_search_text
from precedents.models import PrecedentItem
from tests.support import expected_letters, row_counts, seed_case
from tests.support.faults import refusing_trigger_install
from tests.support.letters import expected_letter_as_case

pytestmark = pytest.mark.django_db


def document(number: int, *, title="A Title The Library Lacks", worker="Okafor") -> dict:
    doc = seed_case()
    doc["case_number"] = f"CM19-{number:07d}"
    doc["injured_worker"]["last_name"] = worker
    doc["parties"] = [{"role": "employer", "name": f"Acme Packing {number}"}]
    doc.pop("determination", None)
    for item in doc["disputed_items"]:
        item["decision"] = None
        item["citations"] = item["claims_administrator_citations"] = [{"source": "MTUS", "title": title}]
    return doc


def import_files(tmp_path, documents):
    paths = []
    for n, doc in enumerate(documents):
        path = tmp_path / f"{n}.json"
        path.write_text(json.dumps(doc))
        paths.append(str(path))
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_case", *paths, stdout=out, stderr=err)
    except CommandError:
        pass
    return paths, out.getvalue(), err.getvalue()


def test_a_refused_file_in_a_batch_writes_nothing_and_the_others_are_committed(tmp_path):
    duplicate = document(1, worker="Duplicate")
    paths, out, err = import_files(tmp_path, [document(1), duplicate, document(2)])
    assert out.splitlines() == [f"{paths[0]}: imported CM19-0000001", f"{paths[2]}: imported CM19-0000002"]
    assert "CM19-0000001 already exists" in err
    assert sorted(Case.objects.values_list("case_number", flat=True)) == ["CM19-0000001", "CM19-0000002"]
    assert not cases_matching(Case.objects.all(), "Duplicate").exists()  # its worker, claim: rolled back with it
    assert Case.objects.get(case_number="CM19-0000001").claim.worker.last_name == "Okafor"


def test_a_title_the_library_lacks_is_added_once_for_the_whole_batch(tmp_path):
    import_files(tmp_path, [document(n) for n in range(1, 4)])
    added = Guideline.objects.filter(title="A Title The Library Lacks")
    assert added.count() == 1 and added.get().imported_unreviewed
    assert Citation.objects.filter(guideline=added.get()).count() == 6  # both sides of each file's item


def test_the_library_is_read_once_per_batch_not_once_per_citation():
    Guideline.objects.create(source="MTUS", title="Known Chapter")

    def guideline_reads(documents):
        with CaptureQueriesContext(connection) as captured:
            cases_import(documents)
        return sum('FROM "cases_guideline"' in q["sql"] for q in captured.captured_queries)

    assert guideline_reads([document(n, title="Known Chapter") for n in range(1, 3)]) == 1
    assert guideline_reads([document(n, title="Known Chapter") for n in range(3, 9)]) == 1


def test_items_citations_and_parties_get_their_history_rows():
    case = case_import(document=document(5))
    items = DisputedItem.objects.filter(case=case)
    assert DisputedItem.history.filter(id__in=items.values("id"), history_type="+").count() == items.count() > 0
    citations = Citation.objects.filter(item__case=case)
    assert Citation.history.filter(id__in=citations.values("id"), history_type="+").count() == citations.count() > 0
    parties = Party.objects.filter(case=case)
    assert Party.history.filter(id__in=parties.values("id"), history_type="+").count() == parties.count() > 0


def test_an_imported_case_is_found_by_its_worker_and_parties():
    doc = document(6, worker="Gonzalez")
    case = case_import(document=doc)
    party = doc["parties"][0]["name"]
    assert list(cases_matching(Case.objects.all(), "gonzalez")) == [case]
    assert list(cases_matching(Case.objects.all(), f'"{party}"')) == [case]


def test_a_replace_keeps_the_search_text_of_the_new_content():
    case_import(document=document(7, worker="Before"))
    doc = document(7, worker="After")
    doc["parties"] = [{"role": "employer", "name": "Redwood Packing"}]
    case_import(document=doc, replace=True)
    assert cases_matching(Case.objects.all(), "after redwood").count() == 1
    assert not cases_matching(Case.objects.all(), "before").exists()


# --- One bulk insert per table for the batch, and what keeps each file whole ---------------------------------------

REFUSED_TITLE = "Refused by the database"
CITATION_SIDES = ("claims_administrator_citations", "citations")


def decided(number: int, *, worker="Okafor") -> dict:
    """The seed case (with its imported determination) under another number, worker and party."""
    doc = seed_case()
    doc["case_number"] = f"CM19-{number:07d}"
    doc["injured_worker"]["last_name"] = worker
    doc["injured_worker"]["claim_number"] = f"ADJ{number:07d}"
    doc["parties"] = [{"role": "employer", "name": f"Acme Packing {number}", "address": "1 Main St", "email": ""}]
    return doc


def mixed(numbers) -> list[dict]:
    """One decided document in four, as the benchmark imports them."""
    return [decided(n) if n % 4 == 0 else document(n) for n in numbers]


def as_json(doc):
    return json.loads(json.dumps(doc))


def exported_form(doc: dict) -> dict:
    """``doc`` as its export writes it: the optional keys it leaves out, present and empty."""
    parties = [{"address": "", "email": "", **p} for p in doc["parties"]]
    items = [
        {
            **item,
            **{side: [{"sections": None, "pages": None, **c} for c in item[side]] for side in CITATION_SIDES},
        }
        for item in doc["disputed_items"]
    ]
    return as_json({**doc, "parties": parties, "disputed_items": items, "determination": doc.get("determination")})


@pytest.fixture
def trigger_refusing_a_title(require_postgres):
    """A PostgreSQL trigger that refuses any disputed item titled ``REFUSED_TITLE``: a database error on one file's
    insert, in the middle of a batch. (DDL is transactional: it goes with the test's transaction.)"""
    refusing_trigger_install(
        "imr_test_refuse_title",
        table="cases_disputeditem",
        condition=f"NEW.title = '{REFUSED_TITLE}'",
        message="item title refused by a test trigger",
    )


def test_a_file_the_database_refuses_mid_batch_is_not_written_and_the_others_land_whole(
    tmp_path, trigger_refusing_a_title
):
    documents = mixed(range(1, 6))
    bad = documents[2]
    bad["injured_worker"].update(last_name="Refused", claim_number="ADJ-REFUSED")
    bad["parties"] = [{"role": "employer", "name": "Refused Packing"}]
    bad["disputed_items"][-1]["title"] = REFUSED_TITLE  # its first items are inserted before the trigger fires
    paths, out, err = import_files(tmp_path, documents)

    assert err.splitlines() == [f"{paths[2]}: (document): could not be written: item title refused by a test trigger"]
    good = [doc for doc in documents if doc is not bad]
    assert out.splitlines() == [
        f"{p}: imported {d['case_number']}" for p, d in zip(paths, documents, strict=True) if d is not bad
    ]
    # Each other file wholly in: it exports as it was imported.
    for doc in good:
        assert as_json(case_export(Case.objects.get(case_number=doc["case_number"]))) == exported_form(doc)
    # The refused one not at all: no row of any table (history included) is left of it.
    assert not Case.objects.filter(case_number=bad["case_number"]).exists()
    assert not InjuredWorker.objects.filter(last_name="Refused").exists()
    assert not InjuredWorker.history.filter(last_name="Refused").exists()
    assert not Claim.history.filter(claim_number="ADJ-REFUSED").exists()
    assert not Party.history.filter(name="Refused Packing").exists()
    assert InjuredWorker.objects.count() == Claim.objects.count() == len(good)
    items = sum(len(doc["disputed_items"]) for doc in good)
    assert DisputedItem.objects.count() == DisputedItem.history.count() == items
    assert CaseEvent.objects.count() == len(good)


def test_a_case_number_taken_by_a_concurrent_import_refuses_that_file_alone():
    documents = mixed(range(11, 16))
    rival = document(13, worker="Rival")
    taken = []

    def rival_imports_meanwhile(execute, sql, params, many, context):
        # Right after the batch checked which numbers exist, another import creates CM19-0000013.
        result = execute(sql, params, many, context)
        if not taken and '"cases_case"."case_number" IN' in sql:
            taken.append(rival["case_number"])
            case_import(document=rival)
        return result

    with connection.execute_wrapper(rival_imports_meanwhile):
        results = cases_import(documents)

    assert taken
    assert [str(e) for e in results[2].errors] == [
        "case_number: CM19-0000013 already exists (import it with --replace to replace it)"
    ]
    assert results[2].case is None
    assert [r.case.case_number for r in results if not r.errors] == [
        d["case_number"] for d in documents if d["case_number"] != "CM19-0000013"
    ]
    assert Case.objects.get(case_number="CM19-0000013").claim.worker.last_name == "Rival"  # the rival's, untouched
    assert InjuredWorker.objects.count() == Claim.objects.count() == Case.objects.count() == 5
    assert InjuredWorker.history.count() == 5  # the rows of the bulk attempt that failed went with its savepoint


def statements(documents) -> int:
    with CaptureQueriesContext(connection) as captured:
        results = cases_import(documents)
    assert not any(r.errors for r in results)
    return len(captured.captured_queries)


def test_a_batch_costs_the_same_statements_for_10_files_as_for_50(require_postgres):
    statements(mixed(range(1, 5)))  # the new title and the analytics counters now exist
    assert statements(mixed(range(100, 110))) == statements(mixed(range(200, 250)))


def test_a_batch_writes_each_table_once_and_copies_history_in_the_database(require_postgres):
    with CaptureQueriesContext(connection) as captured:
        cases_import(mixed(range(300, 340)))
    sql = [q["sql"] for q in captured.captured_queries]
    for table in ("cases_case", "cases_injuredworker", "cases_party", "cases_disputeditem", "cases_citation"):
        assert sum(s.startswith(f'COPY "{table}"') for s in sql) == 1, table
        assert sum(s.startswith(f'INSERT INTO "cases_historical{table[6:]}"') for s in sql) == 1, table


def test_every_imported_row_has_its_history_row():
    cases_import(mixed(range(20, 28)))
    for model in (InjuredWorker, Claim, Case, Party, TreatmentEvent, DisputedItem, Citation):
        ids = list(model.objects.values_list("id", flat=True))
        assert ids, model
        created = model.history.filter(id__in=ids, history_type="+")
        assert sorted(created.values_list("id", flat=True)) == sorted(ids), model
    # A history row holds the row as written.
    case = Case.objects.get(case_number="CM19-0000024")
    record = Case.history.get(id=case.id)
    assert (record.case_number, record.status, record.claim_id) == (case.case_number, case.status, case.claim_id)


def test_search_text_after_a_bulk_import_is_what_the_signals_would_write():
    cases_import(mixed(range(30, 38)))
    for case in Case.objects.select_related("claim__worker"):
        worker = case.claim.worker
        assert case.search_text == case_search_text(
            case_number=case.case_number,
            claim_number=case.claim.claim_number,
            first_name=worker.first_name,
            last_name=worker.last_name,
            party_names=list(case.parties.order_by("id").values_list("name", flat=True)),
        )
    assert list(cases_matching(Case.objects.all(), "acme packing 32").values_list("case_number", flat=True)) == [
        "CM19-0000032"
    ]
    # The generated sort keys are the database's: a received or signed case is not open work.
    assert set(Case.objects.values_list("queue_rank", flat=True)) == {1}


def test_the_determination_of_a_batch_is_the_snapshot_read_back_and_its_precedents_are_indexed(require_postgres):
    cases_import(mixed(range(40, 48)))
    determinations = Determination.objects.select_related("case__claim__worker")
    assert determinations.count() == 2
    for determination in determinations:
        case = determination.case
        assert determination.snapshot == case_snapshot(
            case=case,
            reviewer_credentials=determination.snapshot["reviewer"],
            decision_date=determination.decision_date,
            documents_reviewed=[],
        )
        precedents = PrecedentItem.objects.filter(case=case)
        assert precedents.count() == case.items.count() > 0
        assert not precedents.filter(search_vector__isnull=True).exists()


def test_the_seed_case_and_the_fixture_letters_round_trip_through_one_batch():
    documents = [seed_case(), *(expected_letter_as_case(letter) for letter in expected_letters())]
    results = cases_import(documents)
    assert not any(r.errors for r in results)
    for doc, result in zip(documents, results, strict=True):
        assert as_json(case_export(result.case)) == doc


def test_a_batch_with_a_replace_and_a_repeated_number_keeps_each_file_whole():
    case_import(document=document(50, worker="Before"))
    before = row_counts()
    results = cases_import([document(51), document(50, worker="After"), document(51, worker="Twice")], replace=True)
    assert [r.replaced for r in results] == [False, True, True]
    assert Case.objects.get(case_number="CM19-0000050").claim.worker.last_name == "After"
    assert Case.objects.get(case_number="CM19-0000051").claim.worker.last_name == "Twice"
    assert row_counts()["cases.Case"] == before["cases.Case"] + 1
