"""Two signing requests at once (a double click, two tabs): the case row lock lets exactly one through."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client

from cases.models import Case, Determination, Letter, Status
from cases.services import review
from tests.factories import (
    CaseFactory,
    CitationFactory,
    DisputedItemFactory,
    DocumentFactory,
    GuidelineFactory,
    ReviewerFactory,
)


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
            review.determination_sign(case=case, user=reviewer.user)
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


def _wait_for_a_blocked_query(timeout=20):
    """Until another backend of this database waits for a row lock (the draft save queued behind the signature)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # a transaction otherwise sees one frozen snapshot
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the draft save never waited for the case row")


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
        _wait_for_a_blocked_query()  # ... while the save waits for it
        review.determination_sign(case=case, user=reviewer_a.user)
    saver.join(timeout=30)

    [response] = responses
    assert response.status_code == 409
    page = response.content.decode()
    assert review.CASE_SIGNED in page
    assert 'id="draft-form"' not in page  # nothing editable on a signed case
    assert "Your unsaved text" in page and "My late rationale." in page and "Typed while the case" in page
    item.refresh_from_db()
    assert item.rationale == "Open-ended psychotherapy is not recommended."  # the signed text is untouched
