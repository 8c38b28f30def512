"""The changelist's "Worker" column sorts by ``Case.worker_sort`` ("last, first", lower-cased), a stored key kept
current whichever way the worker, the claim or the case is written (a save, an import, a replace), and served by the
``case_sort_worker`` index on PostgreSQL."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case
from cases.services.interchange import case_import
from cases.services.search import case_worker_sort
from tests import factories as f
from tests.cases.test_import_batch import document

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:cases_case_changelist")


def sort_key(case):
    return Case.objects.values_list("worker_sort", flat=True).get(pk=case.pk)


def test_a_new_case_gets_its_workers_key():
    case = f.CaseFactory(claim__worker__first_name=" Maria ", claim__worker__last_name="Gonzalez-Ruiz")
    assert sort_key(case) == "gonzalez-ruiz, maria"


def test_renaming_the_worker_or_moving_the_case_to_another_claim_updates_the_key():
    case = f.CaseFactory(claim__worker__first_name="Maria", claim__worker__last_name="Gonzalez")
    worker = case.claim.worker
    worker.last_name = "Alvarez"
    worker.save()
    assert sort_key(case) == "alvarez, maria"
    case.claim = f.ClaimFactory(worker__first_name="Ana", worker__last_name="Zamora")
    case.save()
    assert sort_key(case) == "zamora, ana"


def test_an_imported_case_and_a_replaced_one_carry_the_key_of_their_document():
    doc = document(41, worker="Okafor")
    doc["injured_worker"]["first_name"] = "Miriam"
    case = case_import(document=doc)
    assert sort_key(case) == "okafor, miriam"
    doc["injured_worker"]["last_name"] = "Adeyemi"
    case_import(document=doc, replace=True)
    assert sort_key(case) == "adeyemi, miriam"


def test_the_worker_column_lists_cases_by_last_then_first_name_both_ways(client):
    client.force_login(f.StaffFactory())
    for first, last in [("Ana", "Zamora"), ("Maria", "alvarez"), ("Carlos", "Alvarez"), ("Wei", "Chen")]:
        f.CaseFactory(
            claim__worker__first_name=first,
            claim__worker__last_name=last,
            application_received=datetime.date(2014, 9, 1),
        )
    with CaptureQueriesContext(connection) as captured:
        rows = client.get(f"{CHANGELIST}?o=2").context["cl"].result_list
    assert [str(case.claim.worker) for case in rows] == ["Carlos Alvarez", "Maria alvarez", "Wei Chen", "Ana Zamora"]
    row_query = [q["sql"] for q in captured.captured_queries if q["sql"].startswith('SELECT "cases_case"."id"')][-1]
    assert 'ORDER BY "cases_case"."worker_sort" ASC, "cases_case"."id" ASC' in row_query
    backwards = client.get(f"{CHANGELIST}?o=-2").context["cl"].result_list
    assert [str(case.claim.worker) for case in backwards][0] == "Ana Zamora"


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_key_of_existing_cases_by_the_same_rule():
    before, after = [("cases", "0016_case_ur_organization")], [("cases", "0017_case_worker_sort")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    worker = old.get_model("cases", "InjuredWorker").objects.create(first_name=" Maria", last_name="Gonzalez ")
    claim = old.get_model("cases", "Claim").objects.create(worker=worker, date_of_injury=datetime.date(2014, 1, 15))
    case = old.get_model("cases", "Case").objects.create(
        case_number="CM14-0000901", claim=claim, application_received=datetime.date(2014, 8, 20)
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps.get_model("cases", "Case")
    assert new.objects.get(pk=case.pk).worker_sort == case_worker_sort(first_name=" Maria", last_name="Gonzalez ")
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
