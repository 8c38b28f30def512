"""The precedent pages: who may see them, public content only, never the case itself, "Similar decisions" beside an
item behind the case's own visibility rule, and the one-click citation prefilled with sections and pages."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Case, Determination, Guideline
from cases.services.determinations import case_snapshot, determination_create
from precedents.models import PrecedentItem
from tests.factories import ReviewerFactory
from tests.precedents.conftest import PARTY_ADDRESS, PARTY_NAME

pytestmark = pytest.mark.django_db

SECRETS = (PARTY_NAME, PARTY_ADDRESS, "CLAIM-99-SECRET", "boss@example.com")


def assert_public(html: str):
    for secret in SECRETS:
        assert secret not in html


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("reviewer", 200),
        ("coordinator", 200),
        ("auditor", 200),
        ("admin", 200),
        ("outsider", 403),
        ("library_editor", 403),
    ],
)
def test_search_page_access(letters, clients, role, status):
    assert clients[role].get(reverse("precedents:search")).status_code == status


def test_search_page_needs_login(letters):
    response = Client().get(reverse("precedents:search"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_search_page_lists_matches_with_public_content_only(letters, clients):
    response = clients["reviewer"].get(reverse("precedents:search"), {"q": "MRI lumbar", "decision": "upheld"})
    html = response.content.decode()
    assert "MRI of the lumbar spine" in html
    assert_public(html)
    rows = PrecedentItem.objects.filter(pk__in=re.findall(r'data-precedent="(\d+)"', html))
    assert rows and all(row.decision == "upheld" for row in rows)


def test_search_page_paginates(letters, clients):
    first = clients["reviewer"].get(reverse("precedents:search")).content.decode()
    second = clients["reviewer"].get(reverse("precedents:search"), {"page": 2}).content.decode()
    first_ids, second_ids = (set(re.findall(r'data-precedent="(\d+)"', h)) for h in (first, second))
    assert len(first_ids) == 20 and second_ids and not first_ids & second_ids
    assert "Page 1 of 2" in first


def test_an_invalid_filter_is_shown_and_left_out(letters, clients):
    response = clients["reviewer"].get(reverse("precedents:search"), {"q": "spine", "decision": "maybe"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_precedent_page_shows_public_content_never_parties_or_reviewer(letters, clients):
    case = Case.objects.get(case_number="CM16-0236134")
    reviewer = ReviewerFactory(user__first_name="Hieronymus", user__last_name="Bosch", reference="ER-7777")
    snapshot = case_snapshot(
        case=case,
        reviewer_credentials={"reference": "ER-7777", "specialties": ["Family Practice"]},
        decision_date=case.date_assigned,
        documents_reviewed=[{"title": "Secret PR-2 by Dr. Who"}],
    )
    determination_create(case=case, snapshot=snapshot, origin=Determination.Origin.SIGNED, reviewer=reviewer)
    precedent = PrecedentItem.objects.get(case=case)
    html = clients["reviewer"].get(reverse("precedents:detail", args=[precedent.pk])).content.decode()
    assert "MRI of the lumbar spine" in html
    assert "Decision based on MTUS Low Back Complaints 2004, Section(s): Special Studies." in html
    assert precedent.rationale[:80] in html
    assert "Family Practice" in html
    assert_public(html)
    for private in ("Hieronymus", "Bosch", "ER-7777", "Secret PR-2"):
        assert private not in html


def test_precedent_page_forbidden_to_others(letters, clients):
    precedent = PrecedentItem.objects.first()
    assert clients["outsider"].get(reverse("precedents:detail", args=[precedent.pk])).status_code == 403


def similar_url(case, item):
    return reverse("precedents:similar_for_item", args=[case.case_number, item.pk])


def test_similar_decisions_beside_the_open_item(open_case, clients):
    item = open_case.items.get()
    low_back = Guideline.objects.get(source="MTUS", title="Low Back Complaints 2004")
    # Imported from the letters, unreviewed: suggested, but not offered to add until an administrator checks it.
    assert low_back.imported_unreviewed
    html = clients["reviewer"].get(similar_url(open_case, item)).content.decode()
    assert "Low Back Complaints 2004" in html and "add-suggested-citation" not in html
    low_back.imported_unreviewed = False
    low_back.save()
    html = clients["reviewer"].get(similar_url(open_case, item)).content.decode()
    assert "Similar decisions" in html
    assert "MRI of the lumbar spine" in html
    assert "Guidelines cited in similar decisions" in html
    assert_public(html)
    shown = PrecedentItem.objects.filter(pk__in=re.findall(r'data-precedent="(\d+)"', html))
    assert shown and all(p.case_id != open_case.pk for p in shown)
    # The first suggestion is Low Back Complaints (cited by the reviewers of both lumbar MRIs), with the section
    # they used, and its button adds it with that section prefilled.
    citation_url = reverse("cases:citation_row", args=[open_case.case_number, item.pk])
    first_button = re.search(r'hx-get="([^"]*)"', html.split("suggested-citation", 1)[1]).group(1)
    assert first_button == f"{citation_url}?guideline={low_back.pk}&amp;sections=Special%20Studies&amp;pages="
    assert f'hx-target="#item-{item.pk}-citations"' in html


def test_each_add_citation_button_names_its_guideline_and_item(open_case, clients):
    item = open_case.items.get()
    Guideline.objects.update(imported_unreviewed=False)
    html = clients["reviewer"].get(similar_url(open_case, item)).content.decode()
    names = re.findall(r'add-suggested-citation"[^>]*>(.*?)</button>', html, re.S)
    assert names and len(set(names)) == len(names)
    assert names[0] == (
        'Add citation<span class="visually-hidden">: Low Back Complaints 2004, to MRI of the lumbar spine without '
        "contrast</span>"
    )


def test_similar_decisions_never_show_the_case_itself(letters, clients):
    case = Case.objects.get(case_number="CM16-0236134")  # decided: its own precedent would match best
    item = case.items.get()
    html = clients["admin"].get(similar_url(case, item)).content.decode()
    assert "MRI of the lumbar spine" in html  # the other case's
    assert "CM16-0242419" in html and "CM16-0236134" not in html  # no link to the case either
    assert "Add citation" not in html  # staff read a decided case; nothing to add to


def test_similar_decisions_follow_the_case_visibility_rule(open_case, clients, other_reviewer):
    item = open_case.items.get()
    client = Client()
    client.force_login(other_reviewer.user)
    assert client.get(similar_url(open_case, item)).status_code == 404


def test_the_case_page_loads_similar_decisions_per_item(open_case, clients):
    item = open_case.items.get()
    html = clients["reviewer"].get(reverse("cases:detail", args=[open_case.case_number])).content.decode()
    assert f'hx-get="{similar_url(open_case, item)}"' in html


def test_citation_row_prefills_sections_and_pages(open_case, clients):
    item = open_case.items.get()
    guideline = Guideline.objects.get(source="MTUS", title="Low Back Complaints 2004")
    guideline.imported_unreviewed = False  # an administrator checked it: the picker offers it
    guideline.save()
    url = reverse("cases:citation_row", args=[open_case.case_number, item.pk])
    html = clients["reviewer"].get(url, {"guideline": guideline.pk, "sections": "Special Studies", "pages": "303"})
    html = html.content.decode()
    assert f'name="item-{item.pk}-cit-sections" value="Special Studies"' in html
    assert f'name="item-{item.pk}-cit-pages" value="303"' in html


def test_an_inactive_reviewer_sees_no_precedents(letters, reviewer, clients):
    reviewer.active = False
    reviewer.save()
    assert clients["reviewer"].get(reverse("precedents:search")).status_code == 403
