"""The guideline CSV import on hostile or huge files: a clear error naming the row, or success; never a 500."""

import csv

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Guideline
from cases.services import guideline_csv
from cases.services.guideline_csv import GuidelineImportError, guideline_csv_import
from tests import factories as f

pytestmark = pytest.mark.django_db

HEADER = "source,title,evidence_rank,aliases,active\r\n"


def refused(data):
    with pytest.raises(GuidelineImportError) as raised:
        guideline_csv_import(data=data)
    assert not Guideline.objects.exists()
    return raised.value.messages


def test_a_nul_in_a_cell_is_refused_with_its_row_and_column():
    data = HEADER + "MTUS,Knee Complaints,A,,true\r\nMTUS,Elbow\x00 Disorders,A,knee\x00,true\r\n"
    assert refused(data.encode()) == [
        'Row 3, column "title": contains a NUL character, which no text may hold.',
        'Row 3, column "aliases": contains a NUL character, which no text may hold.',
    ]


def test_a_nul_in_the_header_is_refused():
    assert refused(b"source,title\x00,evidence_rank,aliases,active\r\n") == [
        'Row 1, column "header": contains a NUL character, which no text may hold.'
    ]


def test_a_cell_over_the_csv_field_limit_is_refused_with_its_row():
    limit = csv.field_size_limit()
    data = HEADER + "MTUS,Knee Complaints,A,,true\r\n" + f"MTUS,Elbow,A,{'x' * (limit + 1)},true\r\n"
    assert refused(data.encode()) == [f"Row 3: a cell is longer than {limit:,} characters. Nothing after it was read."]
    assert guideline_csv.CELL_TOO_LONG.format(limit=131072) == "a cell is longer than 131,072 characters"


def test_an_oversized_header_cell_is_refused():
    assert refused(("x" * (csv.field_size_limit() + 1)).encode()) == [
        "Row 1: a cell is longer than 131,072 characters. Nothing after it was read."
    ]


def test_a_title_that_grows_past_its_column_when_folded_is_refused():
    # "ß" casefolds to "ss": 300 characters become 301 in the matching key (the column holds 300).
    assert refused((HEADER + f"MTUS,{'ß' * 150}{'a' * 150},A,,true\r\n").encode()) == [
        'Row 2, column "title": longer than 300 characters.'
    ]


def test_more_rows_than_the_limit_are_refused(monkeypatch):
    monkeypatch.setattr(guideline_csv, "MAX_ROWS", 3)
    rows = "".join(f"MTUS,Entry {n},A,,true\r\n" for n in range(4))
    assert refused((HEADER + rows).encode()) == ["The file has more than 3 rows: split it into smaller files."]
    assert guideline_csv_import(data=(HEADER + rows[: rows.index("Entry 3") - 5]).encode()).created == 3


def test_an_import_writes_each_entry_with_its_history_and_its_author():
    user = f.StaffFactory()
    existing = f.GuidelineFactory(source="MTUS", title="Knee Complaints", evidence_rank="B")
    data = HEADER + "MTUS,knee   complaints,A,,true\r\nNon-MTUS,New  Entry,C,one|two,false\r\n"
    result = guideline_csv_import(data=data.encode(), actor=user)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    existing.refresh_from_db()
    new = Guideline.objects.get(source="Non-MTUS")
    assert (existing.title, existing.normalized_title, existing.evidence_rank) == (
        "knee complaints",
        "knee complaints",
        "A",
    )
    assert (new.title, new.normalized_title, new.aliases, new.active) == ("New Entry", "new entry", "one\ntwo", False)
    assert new.created is not None
    assert [(h.history_type, h.history_user) for h in new.history.all()] == [("+", user)]
    assert [(h.history_type, h.history_user, h.evidence_rank) for h in existing.history.all()][0] == ("~", user, "A")


def _upload(rows: int):
    lines = "".join(f"MTUS,Guideline number {n},A,alias {n}|other {n},true\r\n" for n in range(rows))
    return SimpleUploadedFile("library.csv", (HEADER + lines).encode())


@pytest.fixture
def admin_client(client):
    client.force_login(f.StaffFactory(is_superuser=True))
    return client


def test_a_60000_row_file_is_refused_at_once_through_the_admin(admin_client):
    response = admin_client.post(reverse("admin:cases_guideline_import"), {"file": _upload(60_000)})
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "The file has more than 10,000 rows: split it into smaller files.",
        "Nothing was imported.",
    ]
    assert not Guideline.objects.exists()


def test_a_file_at_the_row_limit_imports_through_the_admin(admin_client):
    assert guideline_csv.MAX_ROWS == 10_000
    response = admin_client.post(reverse("admin:cases_guideline_import"), {"file": _upload(10_000)}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Guidelines imported: 10000 created, 0 updated, 0 unchanged."
    ]
    assert Guideline.objects.count() == Guideline.history.count() == 10_000
