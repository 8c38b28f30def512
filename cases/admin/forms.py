"""Forms of the admin's lifecycle pages. They only collect input; the services in ``cases.services.lifecycle``
enforce the rules and their messages are shown as they are."""

from django import forms
from django.utils import timezone

from reviewers.models import Reviewer

from ..models import IneligibilityCode, NoticeChannel


class NoteForm(forms.Form):
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text="Optional; goes on the timeline.",
    )


class ReasonForm(forms.Form):
    # Not required here: the service refuses an empty reason with its own message.
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="Required. Kept on the case and on the timeline.",
    )


class IneligibleForm(ReasonForm):
    code = forms.ChoiceField(
        required=False, choices=[("", "---------"), *IneligibilityCode.choices], label="Reason code"
    )


class RecordsCompleteForm(NoteForm):
    on = forms.DateField(
        label="Records complete on",
        initial=timezone.localdate,
        help_text="The decision is due 30 calendar days later (3 when expedited), plus any extension.",
    )


class ExtensionForm(forms.Form):
    days = forms.IntegerField(min_value=1, max_value=60, help_text="Calendar days added to the decision deadline.")
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 80}))
    approved_by = forms.CharField(
        required=False, max_length=200, help_text="Who at the DWC (Administrative Director's office) approved it."
    )


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(queryset=Reviewer.objects.none())
    notice_date = forms.DateField(
        required=False,
        initial=timezone.localdate,
        help_text="Date the Notice of Assignment and Request for Information went out. Records are due 15 calendar "
        "days later (12 if electronic, the next day if expedited). Ignored for a reassignment.",
    )
    notice_channel = forms.ChoiceField(choices=NoticeChannel.choices, initial=NoticeChannel.MAIL)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 80}))

    def __init__(self, *args, suggestions=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reviewer"]
        field.queryset = Reviewer.objects.all()
        if suggestions is not None:
            # Ranked as the matching rules rank them; the label says at a glance whether each one may take it.
            field.choices = [("", "---------")] + [
                (
                    m.reviewer.pk,
                    f"{m.reviewer.reference} — {'eligible' if m.eligible else 'not eligible'}, "
                    f"{m.open_cases}/{m.reviewer.capacity} open",
                )
                for m in suggestions
            ]


class BulkAssignForm(AssignForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = Reviewer.objects.filter(active=True)
        self.fields["reviewer"].help_text = "Each selected case is checked against this reviewer on its own."


class GuidelineImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns source,title,evidence_rank,aliases,active (aliases separated by |). "
        "Every row must be valid, or nothing is imported.",
    )
