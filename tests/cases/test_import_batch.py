"""import_case in batches: one commit per batch of files, each file still whole or nothing in its own savepoint, the
guideline library read once per batch, history rows written in bulk, the search text written with the case."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, Citation, DisputedItem, Guideline, Party
from cases.selectors import cases_matching
from cases.services.interchange import case_import, case_import_batch
from tests.support import seed_case

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
        with CaptureQueriesContext(connection) as captured, case_import_batch():
            for doc in documents:
                case_import(document=doc)
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
