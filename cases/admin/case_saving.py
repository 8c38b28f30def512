"""How the case page writes: the intake service for a new case; for an existing one only the fields the form
changed, under the row lock, and the disputed items and citations under the content lock that signing takes."""

from ..models import Case, Citation, DisputedItem
from ..services.intake import case_intake
from ..services.review import case_content_changed, case_content_lock


class CaseSaveMixin:
    def save_formset(self, request, form, formset, change):
        items_changed = change and formset.model in (DisputedItem, Citation) and formset.has_changed()
        if items_changed:
            case_content_lock(case=form.instance)  # before writing: a signature in progress is waited for, refused
        super().save_formset(request, form, formset, change)
        if items_changed:
            case_content_changed(case=form.instance)

    def save_model(self, request, obj, form, change):
        if change:
            # Only what this form changed, under the row lock: the status, the reviewer, the deadlines and the
            # revision belong to the services and may have moved since the form was loaded (a signature racing this
            # save); saving the whole row would put their old values back.
            locked = Case.objects.select_for_update().get(pk=obj.pk)
            concrete = {field.name for field in Case._meta.concrete_fields}
            changed = [name for name in form.changed_data if name in concrete]
            if changed:
                for name in changed:
                    setattr(locked, name, getattr(obj, name))
                locked.save(update_fields=[*changed, "updated"])  # its history row shows the current state
        else:
            claim = form.cleaned_data.get("claim")
            new = {} if claim is not None else {"worker": form.new_worker(), "new_claim": form.new_claim()}
            case_intake(case=obj, claim=claim, actor=request.user, **new)
