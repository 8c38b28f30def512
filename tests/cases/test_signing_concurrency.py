"""Two signing requests at once (a double click, two tabs): the case row lock lets exactly one through."""

import threading

import pytest
from django.db import connection, transaction
from django.test import Client

from cases.admin.common import EDIT_REFUSED
from cases.models import Case, Citation, Determination, Letter, Status
from cases.services import review
from tests.factories import (
    CaseFactory,
    CitationFactory,
    DisputedItemFactory,
    DocumentFactory,
    GuidelineFactory,
    ReviewerFactory,
    StaffFactory,
)
from tests.support.concurrency import wait_for_a_blocked_query


@pytest.mark.django_db(transaction=True)
def test_a_case_signed_twice_at_once_is_signed_once(require_postgres):
    reviewer = ReviewerFactory()
    case = CaseFactory(status=Status.IN_REVIEW, reviewer=reviewer, clinical_summary="Summary.")
    item = DisputedItemFactory(case=case, decision="upheld", rationale="Because.")
    CitationFactory(item=item, guideline=GuidelineFactory())
    review.DocumentReview.objects.create(document=DocumentFactory(case=case), reviewer=reviewer)

    barrier, outcomes = threading.Barrier(2), []

    def sign():
        try:
            barrier.wait()
            review.determination_sign(case=case, user=reviewer.user, override_note="Warnings acknowledged.")
            outcomes.append("signed")
        except review.ReviewError as exc:
            outcomes.append(exc.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes, key=str) == sorted(["signed", [review.CASE_SIGNED]], key=str)
    assert Determination.objects.filter(case=case).count() == 1
    assert Letter.objects.filter(determination__case=case).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_draft_save_racing_the_signature_gets_the_read_only_409(require_postgres, signable_case, reviewer_a):
    """The save passed the view's "still open?" check, then waited for the case row while the signature held it:
    it must answer like any save on a signed case (409, the typed text read-only), not as a form to fix (422)."""
    case = signable_case
    item = case.items.get()
    data = {"revision": case.revision, "clinical_summary": "Typed while the case was being signed.",
            f"item-{item.pk}-decision": "overturned", f"item-{item.pk}-rationale": "My late rationale."}  # fmt: skip
    responses = []

    def save():
        try:
            client = Client()
            client.force_login(reviewer_a.user)
            responses.append(client.post(f"/cases/{case.case_number}/draft/", data))
        finally:
            connection.close()

    saver = threading.Thread(target=save)
    with transaction.atomic():
        Case.objects.select_for_update().get(pk=case.pk)  # the signature holds the row ...
        saver.start()
        wait_for_a_blocked_query()  # ... while the save waits for it
        review.determination_sign(case=case, user=reviewer_a.user)
    saver.join(timeout=30)

    [response] = responses
    assert response.status_code == 409
    page = response.content.decode()
    assert review.CASE_SIGNED in page
    assert 'id="draft-form"' not in page  # nothing editable on a signed case
    assert "Your unsaved text" in page and "My late rationale." in page and "Typed while the case" in page
    item.refresh_from_db()
    assert item.rationale.startswith("The MTUS Chronic Pain Medical Treatment Guidelines do not recommend")  # untouched


def _in_thread(user, request):
    """``request(client)`` by ``user`` in another thread (its own database connection); returns the thread and the
    list its response will be put in."""
    responses = []

    def run():
        try:
            client = Client()
            client.force_login(user)
            responses.append(request(client))
        finally:
            connection.close()

    return threading.Thread(target=run), responses


@pytest.mark.django_db(transaction=True)
def test_an_admin_item_edit_racing_the_signature_says_nothing_was_saved(require_postgres, signable_case, reviewer_a):
    case, item = signable_case, signable_case.items.get()
    revision = case.revision
    url = f"/admin/cases/disputeditem/{item.pk}/change/"
    data = {"case": case.pk, "order": item.order, "title": "Renamed by the coordinator", "_save": "Save",
            "specialty": item.specialty_id or "", **_empty_inlines(item)}  # fmt: skip
    editor, responses = _in_thread(StaffFactory(is_superuser=True), lambda client: client.post(url, data, follow=True))
    with transaction.atomic():
        Case.objects.select_for_update().get(pk=case.pk)  # the signature holds the row ...
        editor.start()
        wait_for_a_blocked_query()  # ... while the admin's save, its form already checked, waits for it
        review.determination_sign(case=case, user=reviewer_a.user)
    editor.join(timeout=30)

    [response] = responses
    assert response.status_code == 200
    assert response.redirect_chain == [(url, 302)]
    expected = EDIT_REFUSED.format(reason=review.CONTENT_FROZEN.format(case=case.case_number, status="signed"))
    assert [str(m) for m in response.context["messages"]] == [expected]
    assert not response.context["has_change_permission"]  # shown again, read-only now
    item.refresh_from_db()
    case.refresh_from_db()
    assert item.title != "Renamed by the coordinator"
    assert (case.status, case.revision) == (Status.SIGNED, revision)


def _empty_inlines(item):
    """The management forms of the item page's inlines, the claims administrator's citations unchanged (the
    reviewer's, read-only, post nothing)."""
    rows = list(item.citations.filter(side=Citation.Side.CLAIMS_ADMINISTRATOR))
    data = {"citations-TOTAL_FORMS": len(rows), "citations-INITIAL_FORMS": len(rows)}
    data.update({"citations-2-TOTAL_FORMS": 0, "citations-2-INITIAL_FORMS": 0})
    for number, row in enumerate(rows):
        fields = {"id": row.pk, "item": item.pk, "order": row.order, "guideline": row.guideline_id}
        data.update({f"citations-{number}-{name}": value for name, value in fields.items()})
        data.update({f"citations-{number}-sections": row.sections, f"citations-{number}-pages": row.pages})
    return data


def _change_form_data(page):
    """What the admin change page would post back unchanged: its form and every inline, with their initial values."""
    data = {"_save": "Save"}

    def add(form, prefix=""):
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:
                data[f"{prefix}{name}"] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)

    def add_formset(formset):
        add(formset.management_form, f"{formset.prefix}-")
        for number, form in enumerate(formset.initial_forms):
            add(form, f"{formset.prefix}-{number}-")
            for nested in getattr(form, "nested_formsets", ()):  # the items' citations (django-nested-admin)
                add_formset(nested)

    add(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        add_formset(inline.formset)
    return data


@pytest.mark.django_db(transaction=True)
def test_an_admin_case_save_racing_the_signature_does_not_undo_it(require_postgres, signable_case, reviewer_a):
    """The case page saved (nothing changed) while a signature held the row: the signature's status and revision
    stay, and no stale copy of the case overwrites them."""
    case = signable_case
    admin = StaffFactory(is_superuser=True)
    url = f"/admin/cases/case/{case.pk}/change/"
    page = Client()
    page.force_login(admin)
    data = _change_form_data(page.get(url))
    editor, responses = _in_thread(admin, lambda client: client.post(url, data))
    with transaction.atomic():
        Case.objects.select_for_update().get(pk=case.pk)
        editor.start()
        wait_for_a_blocked_query()
        review.determination_sign(case=case, user=reviewer_a.user)
    editor.join(timeout=30)

    [response] = responses
    assert response.status_code == 302, response.content.decode()[:3000]
    signed = Case.objects.get(pk=case.pk)
    assert signed.status == Status.SIGNED
    assert signed.history.first().status == Status.SIGNED
