"""The index follows the current determination: created on import and signing, moved on a superseding version,
emptied by an import --replace without one; only public content; counts kept equal to a recount."""

import datetime
import json
from collections import Counter

import pytest
from django.core.management import call_command

from cases.models import Case, Determination
from cases.services.determinations import case_snapshot, determination_create
from cases.services.interchange import case_import
from precedents.models import DecisionStat, PrecedentItem
from precedents.services import precedent_index_rebuild
from tests.precedents.conftest import PARTY_ADDRESS, PARTY_NAME
from tests.support import expected_letters

pytestmark = pytest.mark.django_db


def stats():
    return {(s.dimension, s.key, s.origin): (s.items, s.overturned) for s in DecisionStat.objects.filter(items__gt=0)}


def test_every_decided_item_of_the_letters_is_a_precedent(letters):
    expected = Counter()
    for letter in expected_letters():
        for item in letter["items"]:
            expected[(letter["case_number"], item["title"], item["decision"].lower())] += 1
    indexed = Counter(
        PrecedentItem.objects.exclude(case_number="CM14-0000001").values_list("case_number", "title", "decision")
    )
    assert indexed == expected


def test_only_public_content_is_indexed(letters):
    for row in PrecedentItem.objects.all():
        stored = json.dumps(
            [row.title, row.rationale, row.citations, row.specialties, row.specialty_keys, row.guideline_keys]
        )
        assert PARTY_NAME not in stored and PARTY_ADDRESS not in stored and "CLAIM-99-SECRET" not in stored


def test_a_superseding_version_replaces_the_precedents(letters):
    case = Case.objects.get(case_number="CM16-0236134")
    old = list(PrecedentItem.objects.filter(case=case).values_list("id", "decision"))
    assert [d for _, d in old] == ["upheld"]
    current = case.determinations.get(superseded_by__isnull=True)
    snapshot = {**current.snapshot, "items": [{**current.snapshot["items"][0], "decision": "overturned"}]}
    newer = determination_create(case=case, snapshot=snapshot, origin=Determination.Origin.SIGNED)
    rows = list(PrecedentItem.objects.filter(case=case))
    assert [(r.determination_id, r.decision) for r in rows] == [(newer.pk, "overturned")]
    assert stats() == _recount()


def test_replace_without_a_determination_removes_the_precedents(letters):
    document = next(d for d in letters if d["case_number"] == "CM16-0236134")
    case_import(
        document={
            **document,
            "determination": None,
            "disputed_items": [{**document["disputed_items"][0], "decision": None}],
        },
        replace=True,
    )
    assert not PrecedentItem.objects.filter(case_number="CM16-0236134").exists()
    assert stats() == _recount()


def test_replace_with_a_determination_reindexes_once(letters):
    document = next(d for d in letters if d["case_number"] == "CM16-0236134")
    case_import(document=document, replace=True)
    assert PrecedentItem.objects.filter(case_number="CM16-0236134").count() == 1
    assert stats() == _recount()


def _recount():
    precedent_index_rebuild()
    return stats()


def test_rebuild_command_gives_the_same_index_and_counts(letters, capsys):
    before = stats()
    rows_before = sorted(PrecedentItem.objects.values_list("case_number", "position", "title", "decision"))
    call_command("rebuild_precedent_index")
    decided = sum(len(d["disputed_items"]) for d in letters)
    assert f"Precedent index rebuilt: {decided} decided items." in capsys.readouterr().out
    assert stats() == before
    assert sorted(PrecedentItem.objects.values_list("case_number", "position", "title", "decision")) == rows_before


def test_signing_here_indexes_with_timeliness(letters):
    case = Case.objects.get(case_number="CM16-0236134")
    case.records_complete = case.date_assigned
    case.decision_due = case.date_assigned
    case.save()
    snapshot = case_snapshot(
        case=case,
        reviewer_credentials={"specialties": ["Orthopedic Surgery"]},
        decision_date=case.date_assigned.replace(day=28),
        documents_reviewed=[],
    )
    determination_create(case=case, snapshot=snapshot, origin=Determination.Origin.SIGNED)
    row = PrecedentItem.objects.get(case=case)
    assert row.origin == "signed"
    assert row.days_to_decision == (snapshot_date(snapshot) - case.records_complete).days
    assert row.late is True
    assert row.specialties == ["Orthopedic Surgery"]


def snapshot_date(snapshot):
    return datetime.date.fromisoformat(snapshot["decision_date"])
