"""Analytics: for the analytics permission only; counts equal to counts made independently from the imported
fixtures; the CSV is the table; treatment categories from the admin-edited table."""

import csv
import datetime
import html as html_lib
import io
import re
from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Case, Determination
from cases.services.determinations import case_snapshot, determination_create
from precedents.models import PrecedentItem, TreatmentCategory
from precedents.selectors import decision_groups
from precedents.services import precedent_index_rebuild

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("reviewer", 403),
        ("outsider", 403),
        ("library_editor", 403),
        ("coordinator", 200),
        ("auditor", 200),
        ("admin", 200),
    ],
)
@pytest.mark.parametrize("url", ["analytics:decisions", "analytics:decisions_csv"])
def test_access(letters, clients, role, status, url):
    assert clients[role].get(reverse(url)).status_code == status


def test_needs_login(letters):
    response = Client().get(reverse("analytics:decisions"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def independent_counts(documents):
    """Counts straight from the imr-case/1 documents, without the index."""
    counts = {by: Counter() for by in ("year", "specialty", "guideline")}
    overturned = {by: Counter() for by in counts}
    for document in documents:
        year = str(datetime.date.fromisoformat(document["determination"]["decision_date"]).year)
        for item in document["disputed_items"]:
            keys = {
                "year": [year],
                "specialty": document["determination"]["reviewer"]["specialties"],
                "guideline": list(dict.fromkeys(f"{c['source']}: {c['title']}" for c in item["citations"]))
                or ["(no guideline cited)"],
            }
            for by, values in keys.items():
                for value in values:
                    counts[by][value] += 1
                    overturned[by][value] += item["decision"] == "overturned"
    return counts, overturned


@pytest.mark.parametrize("by", ["year", "specialty", "guideline"])
def test_counts_equal_counts_from_the_fixtures(letters, by):
    counts, overturned = independent_counts(letters)
    answer = decision_groups(by=by, origin="all")
    assert {g["key"]: (g["items"], g["overturned"]) for g in answer["groups"]} == {
        key: (counts[by][key], overturned[by][key]) for key in counts[by]
    }
    items = sum(len(d["disputed_items"]) for d in letters)
    flipped = sum(i["decision"] == "overturned" for d in letters for i in d["disputed_items"])
    assert answer["total"] == {"items": items, "overturned": flipped}


def test_origin_filter(letters):
    assert decision_groups(by="year", origin="signed") == {"total": {"items": 0, "overturned": 0}, "groups": []}
    assert decision_groups(by="year", origin="imported") == decision_groups(by="year", origin="all")


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("MRI of the lumbar spine", "Imaging"),
        ("Lidocaine 5% patch #1", "Medications: topical"),
        ("Acupuncture therapy sessions lumbar spine #6", "Physical medicine"),
    ],
)
def test_seeded_categories(letters, title, category):
    assert PrecedentItem.objects.filter(title=title).first().category.name == category


def test_opioids_before_other_medications(letters):
    norco = PrecedentItem.objects.filter(title__startswith="Norco").first()
    assert norco.category.name == "Medications: opioids"


def test_edited_categories_apply_after_a_rebuild(letters):
    imaging = TreatmentCategory.objects.get(name="Imaging")
    TreatmentCategory.objects.create(name="Spine imaging", keywords="mri of the lumbar spine", position=0)
    precedent_index_rebuild()
    assert PrecedentItem.objects.filter(title="MRI of the lumbar spine").first().category.name == "Spine imaging"
    groups = {g["key"]: g["items"] for g in decision_groups(by="category")["groups"]}
    assert groups["Spine imaging"] == 2 and imaging.name in groups


def table_rows(html, by):
    table = re.search(rf'<table class="[^"]*analytics-table" data-by="{by}">(.*?)</table>', html, re.S).group(1)
    body = table.split("<tbody>", 1)[1]
    return [
        [
            html_lib.unescape(re.sub(r"<[^>]+>", "", cell).strip())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_csv_matches_the_tables(letters, clients):
    html = clients["auditor"].get(reverse("analytics:decisions")).content.decode()
    response = clients["auditor"].get(reverse("analytics:decisions_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["dimension", "key", "items", "overturned", "overturned_share"]
    for by in ("year", "specialty", "guideline", "category"):
        from_csv = [[key, items, overturned] for dim, key, items, overturned, _share in rows[1:] if dim == by]
        from_table = [[key, items, overturned] for key, items, overturned, _rate in table_rows(html, by)]
        assert from_csv == from_table and from_table


def test_page_shows_total_and_timeliness(letters, clients):
    html = clients["coordinator"].get(reverse("analytics:decisions")).content.decode()
    items = sum(len(d["disputed_items"]) for d in letters)
    assert re.search(rf"<strong>{items}</strong> decided items", html)
    assert "No case decided here yet." in html
    assert "vendor/chartjs-4.6.1/chart.umd.min.js" in html and "<script>" not in html


def test_timeliness_of_cases_decided_here(letters, clients):
    """Two cases signed here in 2017: one 20 days after records complete and on time, one 40 days after and late."""
    for case_number, days, late in (("CM16-0236134", 20, False), ("CM16-0242419", 40, True)):
        case = Case.objects.get(case_number=case_number)
        case.records_complete = datetime.date(2017, 3, 1)
        case.decision_due = datetime.date(2017, 3, 31)
        case.save()
        decided = case.records_complete + datetime.timedelta(days=days)
        snapshot = case_snapshot(
            case=case, reviewer_credentials={"specialties": []}, decision_date=decided, documents_reviewed=[]
        )
        determination_create(case=case, snapshot=snapshot, origin=Determination.Origin.SIGNED)
        assert PrecedentItem.objects.filter(case=case).first().late is late
    html = clients["auditor"].get(reverse("analytics:decisions")).content.decode()
    row = re.search(r'<table class="table table-sm" id="timeliness-table">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells == ["2017", "2", "30.0", "1", "50%"]
