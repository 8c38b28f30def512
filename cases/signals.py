"""Queue a document's text extraction when a new file is stored (admin upload, import, or code)."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Document


@receiver(post_save, sender=Document, dispatch_uid="cases-document-text-extraction")
def document_file_stored(sender, instance, **kwargs):
    if getattr(instance, "_text_extraction_due", False):
        instance._text_extraction_due = False
        from .services.document_text import document_text_enqueue

        transaction.on_commit(lambda: document_text_enqueue(document_id=instance.pk))
