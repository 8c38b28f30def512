"""The data migration that closes the set of timeline kinds: old rows get a kind of the set and lose nothing."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("cases", "0009_roles_groups")]
AFTER = [("cases", "0010_case_event_kind_closed_set")]


def test_old_kinds_become_kinds_of_the_closed_set():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    worker = old.get_model("cases", "InjuredWorker").objects.create(last_name="Gonzalez")
    claim = old.get_model("cases", "Claim").objects.create(worker=worker, date_of_injury=datetime.date(2014, 1, 15))
    case = old.get_model("cases", "Case").objects.create(
        case_number="CM14-0000900", claim=claim, application_received=datetime.date(2014, 8, 20)
    )
    events = old.get_model("cases", "CaseEvent").objects
    at = datetime.datetime(2014, 9, 2, tzinfo=datetime.UTC)
    for kind, note in [
        ("status:assigned", ""),
        ("status:in_review", ""),
        ("status:issued", "Served"),
        ("records_complete", "Records complete 09/02/2014."),
        ("draft_saved", "Saved"),
    ]:
        events.create(case=case, at=at, kind=kind, note=note)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("cases", "CaseEvent")
    rows = list(new.objects.filter(case_id=case.pk).order_by("id").values_list("kind", "note"))
    assert rows == [
        ("assigned", ""),
        ("records_complete", ""),
        ("letter_issued", "Served"),
        ("records_complete", "Records complete 09/02/2014."),
        ("status_changed", "[draft_saved] Saved"),
    ]
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
