"""Two signing requests at once (a double click, two tabs): the case row lock lets exactly one through."""

import threading

import pytest
from django.db import connection

from cases.models import Determination, Letter, Status
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
