"""The timeline events that produce a notice, in the transaction that records them (all or nothing): a first
assignment ("assigned") queues the Notice of Assignment and Request for Information, a finding of ineligibility
("ineligible") the notice of ineligibility."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from cases.models import CaseEvent

from . import services

# CaseEvent.kind values that produce a notice, and the service that queues it.
NOTICE_EVENTS = {
    "assigned": services.noarfi_create,
    "ineligible": services.ineligibility_create,
}


@receiver(post_save, sender=CaseEvent, dispatch_uid="notices-from-events")
def notice_from_event(sender, instance, created, raw=False, **kwargs):
    create = NOTICE_EVENTS.get(instance.kind)
    if created and not raw and create is not None:
        create(event=instance)
