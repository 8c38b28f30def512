"""The guideline library as CSV: export, all-or-nothing import matched by source and normalized title."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.admin import library as library_admin
from cases.models import Guideline
from cases.services.guideline_csv import (
    FORMULA_PREFIXES,
    GuidelineImportError,
    csv_safe_cell,
    guideline_csv_export,
    guideline_csv_import,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

HEADER = "source,title,evidence_rank,aliases,active\r\n"


def library():
    return sorted(
        Guideline.objects.values_list("source", "title", "evidence_rank", "aliases", "active", "imported_unreviewed")
    )


def test_export_then_import_is_a_round_trip():
    f.GuidelineFactory(source="MTUS", title="Chronic Pain Medical Treatment Guidelines", evidence_rank="A")
    f.GuidelineFactory(
        source="Non-MTUS",
        title='Official Disability Guidelines (ODG), Mental Illness & Stress, "Psychotherapy"',
        evidence_rank="C",
        aliases="ODG psychotherapy\nCBT, sessions",
        active=False,
    )
    exported = guideline_csv_export(Guideline.objects.all())
    assert exported == (
        HEADER + "MTUS,Chronic Pain Medical Treatment Guidelines,A,,true\r\n"
        'Non-MTUS,"Official Disability Guidelines (ODG), Mental Illness & Stress, ""Psychotherapy""",C,'
        '"ODG psychotherapy|CBT, sessions",false\r\n'
    )
    before = library()
    result = guideline_csv_import(data=exported.encode("utf-8"))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert library() == before

    Guideline.objects.all().delete()
    result = guideline_csv_import(data=exported)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert library() == before
    assert guideline_csv_export(Guideline.objects.all()) == exported


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_a_cell_that_a_spreadsheet_would_run_as_a_formula_is_exported_as_text(start):
    title = f'{start}HYPERLINK("http://evil.example","ODG")'
    f.GuidelineFactory(source="Non-MTUS", title=title, evidence_rank="", aliases=f"{start}cmd\nsafe alias")
    exported = guideline_csv_export(Guideline.objects.all())
    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[1][1] == "'" + title
    assert rows[1][3] == f"'{start}cmd|safe alias"
    assert not any(cell.startswith(FORMULA_PREFIXES) for row in rows for cell in row)
    # The import takes the quote off again: export then import is still a round trip.
    before = library()
    Guideline.objects.all().delete()
    guideline_csv_import(data=exported)
    assert library() == before


def test_formula_prefixes_and_the_safe_cell():
    assert FORMULA_PREFIXES == ("=", "+", "-", "@", "\t", "\r")
    assert csv_safe_cell("\tx") == "'\tx" and csv_safe_cell("\rx") == "'\rx"
    assert csv_safe_cell("ODG") == "ODG" and csv_safe_cell("") == ""


def test_rows_match_existing_entries_by_source_and_normalized_title():
    existing = f.GuidelineFactory(source="MTUS", title="Low Back Complaints 2004", evidence_rank="")
    data = (
        "\ufeffSource,Title,Evidence_Rank,Aliases,Active\n"  # Excel's BOM and capitalised header
        "mtus,  low back   COMPLAINTS 2004 ,a,ACOEM ch. 12|Low back,yes\n"
        "\n"
        "Non-MTUS,Low Back Complaints 2004,,,\n"  # same title, other source: a new entry
    )
    result = guideline_csv_import(data=data.encode())
    assert (result.created, result.updated) == (1, 1)
    existing.refresh_from_db()
    assert (existing.title, existing.evidence_rank, existing.aliases, existing.active) == (
        "low back COMPLAINTS 2004",
        "A",
        "ACOEM ch. 12\nLow back",
        True,
    )
    assert Guideline.objects.get(source="Non-MTUS").active is True


def test_a_bad_file_is_refused_with_row_and_column_and_nothing_is_written():
    f.GuidelineFactory(source="MTUS", title="Stress Related Conditions", evidence_rank="A")
    before = library()
    data = HEADER + (
        "MTUS,Stress Related Conditions,B,,true\r\n"  # valid update: must not be applied
        "ACOEM,Elbow Disorders,A,,true\r\n"
        "Non-MTUS,,B,,true\r\n"
        "Non-MTUS,Some journal article,G,,maybe\r\n"
        "Non-MTUS,New Valid Entry,B,,true\r\n"
        "non-mtus,new  valid entry,C,,false\r\n"
    )
    with pytest.raises(GuidelineImportError) as refused:
        guideline_csv_import(data=data)
    assert refused.value.messages == [
        "Row 3, column \"source\": unknown source 'ACOEM'; expected MTUS or Non-MTUS.",
        'Row 4, column "title": a title is required.',
        "Row 5, column \"evidence_rank\": 'G' is not one of A, B, C, D, E, F (or empty).",
        "Row 5, column \"active\": 'maybe' is not true or false (yes/no, 1/0; empty means true).",
        'Row 7, column "title": same source and title as row 6.',
    ]
    assert library() == before


@pytest.mark.parametrize(
    "data,message",
    [
        (b"", "The file is empty: expected a header row source,title,evidence_rank,aliases,active."),
        (b"source,title\nMTUS,x\n", 'Header: missing column(s) "evidence_rank", "aliases", "active".'),
        ("source,title,evidence_rank,aliases,active\nMTUS,Ré,A,,\n".encode("latin-1"), "The file is not UTF-8 text."),
    ],
)
def test_an_unreadable_file_is_refused(data, message):
    with pytest.raises(GuidelineImportError) as refused:
        guideline_csv_import(data=data)
    assert refused.value.messages == [message]


# Through the admin ----------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    client.force_login(f.StaffFactory())
    return client


def test_admin_export_action_and_export_all(admin_client):
    kept = f.GuidelineFactory(source="MTUS", title="Kept")
    f.GuidelineFactory(source="MTUS", title="Not selected")
    response = admin_client.post(
        reverse("admin:cases_guideline_changelist"), {"action": "export_csv_action", "_selected_action": [kept.pk]}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode() == HEADER + "MTUS,Kept,A,,true\r\n"
    everything = admin_client.get(reverse("admin:cases_guideline_export"))
    assert everything.content.decode().count("\r\n") == 3
    changelist = admin_client.get(reverse("admin:cases_guideline_changelist")).content.decode()
    assert reverse("admin:cases_guideline_import") in changelist


def test_admin_import_page(admin_client):
    url = reverse("admin:cases_guideline_import")
    assert admin_client.get(url).status_code == 200
    good = SimpleUploadedFile("library.csv", (HEADER + "MTUS,Knee Complaints,A,knee,true\r\n").encode())
    response = admin_client.post(url, {"file": good}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Guidelines imported: 1 created, 0 updated, 0 unchanged."]
    assert Guideline.objects.filter(title="Knee Complaints", aliases="knee").exists()

    bad = SimpleUploadedFile("library.csv", (HEADER + "MTUS,Shoulder,A,,true\r\nODG,,A,,true\r\n").encode())
    response = admin_client.post(url, {"file": bad})
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Row 3, column \"source\": unknown source 'ODG'; expected MTUS or Non-MTUS.",
        'Row 3, column "title": a title is required.',
        "Nothing was imported.",
    ]
    assert library_admin.NOTHING_IMPORTED == "Nothing was imported."
    assert not Guideline.objects.filter(title="Shoulder").exists()
