"""Receivers: queue a document's text extraction when a new file is stored (admin upload, import, or code), and keep
``Case.search_text`` current whichever screen or service changes a part of it."""

from django.db import transaction
from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver

from .models import Case, Claim, Document, InjuredWorker, Party
from .services.search import cases_refresh_search_text


@receiver(post_save, sender=Document, dispatch_uid="cases-document-text-extraction")
def document_file_stored(sender, instance, **kwargs):
    if getattr(instance, "_text_extraction_due", False):
        instance._text_extraction_due = False
        from .services.document_text import document_text_enqueue

        transaction.on_commit(lambda: document_text_enqueue(document_id=instance.pk))


def _search_key(case):
    # Read from the instance's own values: a deferred field (``.only()``) stays unloaded, and unchanged.
    return case.__dict__.get("case_number"), case.__dict__.get("claim_id")


@receiver(post_init, sender=Case)
def _remember_search_key(sender, instance, **kwargs):
    instance._search_key = _search_key(instance)


@receiver(post_save, sender=Case)
def _case_saved(sender, instance, created, **kwargs):
    # Only a new case or a new number or claim changes the text: a lifecycle save costs no extra query. A case
    # created with its text (the import computes it from the document) needs no second look.
    if (created and not instance.search_text) or (not created and instance._search_key != _search_key(instance)):
        cases_refresh_search_text(case_ids=[instance.pk])
        instance._search_key = _search_key(instance)


@receiver(post_save, sender=Party)
@receiver(post_delete, sender=Party)
def _party_changed(sender, instance, **kwargs):
    cases_refresh_search_text(case_ids=[instance.case_id])


@receiver(post_save, sender=Claim)
def _claim_saved(sender, instance, created, **kwargs):
    if not created:
        cases_refresh_search_text(case_ids=Case.objects.filter(claim=instance).values_list("pk", flat=True))


@receiver(post_save, sender=InjuredWorker)
def _worker_saved(sender, instance, created, **kwargs):
    if not created:
        cases_refresh_search_text(case_ids=Case.objects.filter(claim__worker=instance).values_list("pk", flat=True))
