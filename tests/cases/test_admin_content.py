"""Disputed items and citations in the admin: the reviewer's decision and rationale are never edited there, a signed
case's content is frozen, and any admin change of an open case's content moves its revision on (stale-form check)."""

import pytest
from django.urls import reverse

from cases.models import Case, Citation, Decision, DisputedItem, Status
from cases.services import review
from cases.services.review import ItemInput, StaleRevisionError, case_save_draft
from tests import factories as f

pytestmark = pytest.mark.django_db

FROZEN = [Status.SIGNED, Status.ISSUED, Status.APPEALED, Status.REMANDED]


@pytest.fixture
def admin_client(client):
    client.force_login(f.StaffFactory(username="coordinator"))
    return client


def item_url(item, action="change"):
    return reverse(f"admin:cases_disputeditem_{action}", args=[item.pk])


def citation_url(citation, action="change"):
    return reverse(f"admin:cases_citation_{action}", args=[citation.pk])


def item_post(item, **changes):
    data = {
        "case": item.case_id,
        "order": item.order,
        "title": item.title,
        "specialty": "",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
        "citations-MIN_NUM_FORMS": "0",
        "citations-MAX_NUM_FORMS": "1000",
        # The expert reviewer's citations: a read-only inline, its management form only.
        "citations-2-TOTAL_FORMS": "0",
        "citations-2-INITIAL_FORMS": "0",
        "citations-2-MIN_NUM_FORMS": "0",
        "citations-2-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    return {**data, **changes}


def revision(case):
    return Case.objects.values_list("revision", flat=True).get(pk=case.pk)


def test_decision_and_rationale_are_read_only_in_the_admin(admin_client, review_case):
    item = review_case.items.get()
    item.decision, item.rationale = Decision.UPHELD, "The reviewer's words."
    item.save()
    form = admin_client.get(item_url(item)).context["adminform"].form
    assert "decision" not in form.fields and "rationale" not in form.fields
    response = admin_client.post(item_url(item), item_post(item, decision="overturned", rationale="Rewritten."))
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.decision, item.rationale) == (Decision.UPHELD, "The reviewer's words.")


def test_an_admin_change_to_an_item_makes_the_reviewers_open_form_stale(admin_client, review_case):
    item = review_case.items.get()
    opened_at = revision(review_case)
    response = admin_client.post(item_url(item), item_post(item, title="Psychotherapy, 6 sessions"))
    assert response.status_code == 302
    assert revision(review_case) == opened_at + 1
    with pytest.raises(StaleRevisionError):
        case_save_draft(
            case=review_case,
            user=review_case.reviewer.user,
            expected_revision=opened_at,
            summary="Draft",
            items=[ItemInput(item_id=item.pk, decision="upheld", rationale="Mine.")],
        )


def test_an_admin_change_to_a_citation_moves_the_revision_on(admin_client, review_case, guideline):
    citation = Citation.objects.get(item__case=review_case)
    before = revision(review_case)
    data = {
        "item": citation.item_id,
        "side": citation.side,
        "guideline": guideline.pk,
        "sections": "Behavioral interventions",
        "pages": "23",
        "order": "0",
        "_save": "Save",
    }
    assert admin_client.post(citation_url(citation), data).status_code == 302
    assert revision(review_case) == before + 1
    assert admin_client.post(citation_url(citation, "delete"), {"post": "yes"}).status_code == 302
    assert revision(review_case) == before + 2


def test_an_item_edited_on_the_case_page_moves_the_revision_on(admin_client, review_case):
    item = review_case.items.get()
    page = admin_client.get(reverse("admin:cases_case_change", args=[review_case.pk]))
    data = {}

    def fill(formset):
        """The formset as the page shows it, with the citations nested inside each item."""
        management = formset.management_form
        for name, field in management.fields.items():
            data[f"{management.prefix}-{name}"] = management.initial.get(name, field.initial)
        for form in formset.forms:
            data[form.add_prefix("id")] = form.instance.pk
            data[form.add_prefix(formset.fk.name)] = formset.instance.pk
            for name in form.fields:
                value = form.initial.get(name)
                if value is not None and name != "file":
                    data[form.add_prefix(name)] = getattr(value, "pk", value)
            for nested in getattr(form, "nested_formsets", []):
                fill(nested)

    for formset in page.context["inline_admin_formsets"]:
        fill(formset.formset)
    data.update(
        {
            "case_number": review_case.case_number,
            "claim": review_case.claim_id,
            "application_received": "2014-08-20",
            "ur_decision_date": "2014-08-04",
            "items-0-title": "Psychotherapy, 4 sessions",
            "_save": "Save",
        }
    )
    before = revision(review_case)
    response = admin_client.post(reverse("admin:cases_case_change", args=[review_case.pk]), data)
    assert response.status_code == 302, response.context["errors"]
    item.refresh_from_db()
    assert item.title == "Psychotherapy, 4 sessions"
    assert revision(review_case) == before + 1


@pytest.mark.parametrize("status", FROZEN, ids=[s.value for s in FROZEN])
def test_a_decided_cases_items_and_citations_are_read_only(admin_client, review_case, status):
    Case.objects.filter(pk=review_case.pk).update(status=status)
    item = review_case.items.get()
    citation = Citation.objects.get(item=item)
    before = revision(review_case)

    page = admin_client.get(item_url(item))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert not page.context["has_delete_permission"]
    assert admin_client.post(item_url(item), item_post(item, title="Changed")).status_code == 403
    assert admin_client.post(item_url(item, "delete"), {"post": "yes"}).status_code == 403
    assert admin_client.post(citation_url(citation), {"pages": "99"}).status_code == 403
    assert admin_client.post(citation_url(citation, "delete"), {"post": "yes"}).status_code == 403
    inline = page.context["inline_admin_formsets"][0]
    assert not (inline.has_add_permission or inline.has_change_permission or inline.has_delete_permission)

    # Nothing can be added to it either, from the item's or the citation's add page.
    add = admin_client.post(reverse("admin:cases_disputeditem_add"), item_post(item, title="New item"))
    assert add.status_code == 200
    message = review.CONTENT_FROZEN.format(case=review_case.case_number, status=Status(status).label.lower())
    assert add.context["adminform"].form.non_field_errors() == [message]
    add = admin_client.post(
        reverse("admin:cases_citation_add"),
        {"item": item.pk, "side": "imro", "guideline": citation.guideline_id, "order": "1", "_save": "Save"},
    )
    assert add.context["adminform"].form.non_field_errors() == [message]

    # On the case page, the items inline is read-only too.
    case_page = admin_client.get(reverse("admin:cases_case_change", args=[review_case.pk]))
    items_inline = next(i for i in case_page.context["inline_admin_formsets"] if i.opts.model is DisputedItem)
    assert not (items_inline.has_add_permission or items_inline.has_change_permission)
    assert not items_inline.has_delete_permission

    item.refresh_from_db()
    assert item.title == "Psychotherapy, 10 sessions"
    assert Citation.objects.filter(pk=citation.pk).exists()
    assert revision(review_case) == before


def test_the_frozen_message_and_the_revision_service():
    assert review.CONTENT_FROZEN == (
        "Case {case} is {status}: its disputed items and citations are frozen in its determination and cannot change."
    )
    case = f.CaseFactory(status=Status.SIGNED, case_number="CM14-0000042")
    with pytest.raises(review.ReviewError) as refused:
        review.case_content_changed(case=case)
    assert refused.value.messages == [
        "Case CM14-0000042 is signed: its disputed items and citations are frozen in its determination and cannot "
        "change."
    ]
    open_case = f.CaseFactory(status=Status.IN_REVIEW)
    assert review.case_content_changed(case=open_case) == 1
