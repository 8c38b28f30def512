"""A signed case whose file names people everywhere: the worker, the parties, a provider and the reviewer, in the
structured fields and in the free text, with addresses for service by mail."""

import pytest

from cases.models import Party
from cases.services.review import determination_sign
from tests.cases.conftest import (  # noqa: F401 - fixtures shared with the case tests
    client_a,
    client_staff,
    guideline,
    odg,
    review_case,
    reviewer_a,
    signable_case,
    staff_user,
)
from tests.cases.letters_support import eager_celery  # noqa: F401
from tests.cases.test_letters_render import tcp_listener  # noqa: F401
from tests.factories import PartyFactory

WORKER_ADDRESS = "1234 Main Street\nFresno, CA 93721"
CLAIMS_ADMINISTRATOR_ADDRESS = "PO Box 100\nSacramento, CA 95814"
PHYSICIAN_ADDRESS = "500 Oak Avenue, Suite 2\nFresno, CA 93710"
NAMED_SUMMARY = (
    "Maria Gonzalez (DOB 03/04/1970, claim number CLM-778899, SSN 123-45-6789) is a 51 year old cashier at Acme "
    "Stores who was seen by Dr. Jane Smith on 07/25/2014 (phone (559) 555-0142, jsmith@example.com, 500 Oak Avenue). "
    "Ms. Gonzalez reports depression after the injury; Golden State Claims Services denied psychotherapy."
)
NAMED_RATIONALE = (
    "Dr. Okafor reviewed the records of Jane Smith, MD. Open-ended psychotherapy is not recommended for Maria; "
    "call 559.555.0199 or write to 77 Cedar Lane for the file."
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


SIGNED_OVER_WARNINGS = "Checked: the wording is intended."


def name_the_case(case):
    """Names, addresses and identifiers on ``case`` (and its reviewer), and in its draft's free text."""
    worker = case.claim.worker
    worker.first_name, worker.last_name, worker.address = "Maria", "Gonzalez", WORKER_ADDRESS
    worker.save()
    case.claim.claim_number = "CLM-778899"
    case.claim.save()
    PartyFactory(case=case, role=Party.Role.EMPLOYER, name="Acme Stores, Inc.", address="9 Market Street\nFresno, CA")
    PartyFactory(
        case=case,
        role=Party.Role.CLAIMS_ADMINISTRATOR,
        name="Golden State Claims Services",
        address=CLAIMS_ADMINISTRATOR_ADDRESS,
        email="claims@goldenstate.example",
    )
    PartyFactory(case=case, role=Party.Role.REQUESTING_PHYSICIAN, name="Dr. Jane Smith", address=PHYSICIAN_ADDRESS)
    user = case.reviewer.user
    user.first_name, user.last_name = "Miriam", "Okafor"
    user.save()
    case.clinical_summary = NAMED_SUMMARY
    case.save()
    case.items.update(rationale=NAMED_RATIONALE)
    return case


@pytest.fixture
def named_case(signable_case):  # noqa: F811
    return name_the_case(signable_case)


@pytest.fixture
def signed(named_case, eager_celery, django_capture_on_commit_callbacks):  # noqa: F811
    """``named_case`` signed by its reviewer; its letter and public copy rendered (eager Celery, on commit)."""
    with django_capture_on_commit_callbacks(execute=True):
        # The named text is written to test redaction, not to pass the sign-off warnings: the reviewer signs over them.
        determination = determination_sign(
            case=named_case, user=named_case.reviewer.user, override_note=SIGNED_OVER_WARNINGS
        )
    named_case.refresh_from_db()
    return determination
