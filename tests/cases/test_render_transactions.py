"""The transactions of a render (``cases.services.render_jobs``): one to claim (and read what the render needs), the
render outside any transaction and without a query, one to store; a store the database refuses leaves the letter
failed and retryable, or (a transient refusal) rendering for the retry, and never a file beside it.

The refusals are real: a PostgreSQL trigger refuses the update that marks the letter ready.
"""

import hashlib

import pytest
from django.db import OperationalError, connection, transaction

from cases.models import Letter
from cases.services.letters import letter_create, letter_render, letter_retry
from tests.support.faults import refusing_trigger_install, refusing_trigger_remove

from .letters_support import determination_from_document, eager_celery, load_document  # noqa: F401

pytestmark = [pytest.mark.usefixtures("eager_celery", "require_postgres")]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _letter_files(media):
    folder = media / "letters" / "CM14-0000001"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _refuse_ready(errcode: str):
    """A trigger refusing to mark any letter ready, with SQLSTATE ``errcode``."""
    refusing_trigger_install(
        "refuse_ready",
        table="cases_letter",
        event="BEFORE UPDATE",
        when="NEW.status = 'ready'",
        message="injected refusal of the store",
        errcode=errcode,
    )


def _allow_ready():
    refusing_trigger_remove("refuse_ready", table="cases_letter")


@pytest.mark.django_db(transaction=True)
def test_a_render_is_one_transaction_to_claim_and_one_to_store_and_the_render_queries_nothing(media):
    """Each query's transaction id, as PostgreSQL assigns it: the claim's queries share one, the store's share
    another, and nothing runs in between (a query outside a transaction would have its own id)."""
    with transaction.atomic():
        letter = letter_create(determination=determination_from_document(load_document()))
    # The eager task rendered it on commit; queue it again as a redelivered message would find it.
    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.QUEUED)
    statements = []
    recording = [False]

    def record(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not recording[0]:
            recording[0] = True
            try:
                with context["connection"].cursor() as cursor:
                    cursor.execute("SELECT txid_current()")
                    statements.append((cursor.fetchone()[0], sql.split()[0]))
            finally:
                recording[0] = False
        return result

    with connection.execute_wrapper(record):
        rendered = letter_render(letter_id=letter.id)

    assert rendered.status == Letter.Status.READY, rendered.error
    transactions = []
    for txid, verb in statements:
        if not transactions or transactions[-1][0] != txid:
            transactions.append((txid, []))
        transactions[-1][1].append(verb)
    assert [verbs for _txid, verbs in transactions] == [
        # claim: lock the letter with its case, mark it rendering (and its history row), read its recipients
        ["SELECT", "UPDATE", "INSERT", "SELECT"],
        # store: lock the letter, mark it ready (and its history row); the file is written meanwhile
        ["SELECT", "UPDATE", "INSERT"],
    ]


@pytest.mark.django_db
def test_a_store_the_database_refuses_leaves_the_letter_failed_retryable_and_no_file(media):
    letter = letter_create(determination=determination_from_document(load_document()))
    _refuse_ready("P0001")  # a plain error, not a transient one

    failed = letter_render(letter_id=letter.id)

    failed.refresh_from_db()
    assert failed.status == Letter.Status.FAILED
    assert "injected refusal of the store" in failed.error
    assert (failed.sha256, failed.file.name) == ("", "")
    assert _letter_files(media) == []  # the PDF written before the refusal was removed with it

    _allow_ready()
    assert letter_retry(letter=failed).status == Letter.Status.QUEUED
    rendered = letter_render(letter_id=letter.id)
    assert (rendered.status, rendered.attempts) == (Letter.Status.READY, 2)
    assert _letter_files(media) == [rendered.file.name.split("/")[-1]]
    assert rendered.sha256 == hashlib.sha256((media / rendered.file.name).read_bytes()).hexdigest()


@pytest.mark.django_db
def test_a_transient_store_refusal_leaves_no_file_and_the_retry_writes_the_one_file(media):
    letter = letter_create(determination=determination_from_document(load_document()))
    _refuse_ready("40001")  # serialization failure: transient, for the task to retry

    with pytest.raises(OperationalError, match="injected refusal of the store"):
        letter_render(letter_id=letter.id)

    letter.refresh_from_db()
    assert (letter.status, letter.error, letter.sha256) == (Letter.Status.RENDERING, "", "")
    assert _letter_files(media) == []
    _allow_ready()
    rendered = letter_render(letter_id=letter.id)
    assert (rendered.status, rendered.attempts) == (Letter.Status.READY, 2)
    assert _letter_files(media) == ["CM14-0000001-v1-1.pdf"]
