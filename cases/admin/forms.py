"""Forms of the admin's lifecycle pages. They only collect input; the services in ``cases.services.lifecycle``
enforce the rules and their messages are shown as they are."""

from pathlib import Path

from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from reviewers.models import Reviewer
from reviewers.selectors import reviewers_for_display

from ..assignment.matching import matches_for_display
from ..deadlines import APPEAL_DAYS, EXTENSION_MAX_DAYS, NOTICE_DATE_HELP, RECORDS_COMPLETE_HELP
from ..models import DOCUMENT_EMPTY, Document, IneligibilityCode, NoticeChannel
from .common import ReviewerChoiceField

OPEN_FILE = "Open file"


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
        help_text=RECORDS_COMPLETE_HELP,
    )


class ExtensionForm(forms.Form):
    days = forms.IntegerField(
        min_value=1, max_value=EXTENSION_MAX_DAYS, help_text="Calendar days added to the decision deadline."
    )
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 80}))
    approved_by = forms.CharField(
        required=False, max_length=200, help_text="Who at the DWC (Administrative Director's office) approved it."
    )


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(queryset=Reviewer.objects.none())
    notice_date = forms.DateField(
        required=False,
        initial=timezone.localdate,
        help_text=NOTICE_DATE_HELP,
    )
    notice_channel = forms.ChoiceField(choices=NoticeChannel.choices, initial=NoticeChannel.MAIL)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 80}))
    # The reviewer the case had when the page was shown (empty: none): a case assigned meanwhile is not reassigned.
    current_reviewer = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, suggestions=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reviewer"]
        if suggestions is not None:
            field.queryset = Reviewer.objects.all()
            # Ranked as the matching rules rank them; the label says at a glance whether each one may take it.
            field.choices = [("", "---------")] + [
                (
                    m.reviewer.pk,
                    f"{m.reviewer.label} — {'eligible' if m.eligible else 'not eligible'}, "
                    f"{m.open_cases}/{m.reviewer.capacity} open",
                )
                for m in matches_for_display(suggestions)
            ]


class BulkAssignForm(AssignForm):
    reviewer = ReviewerChoiceField(
        queryset=reviewers_for_display(Reviewer.objects.filter(active=True)),
        help_text="Each selected case is checked against this reviewer on its own.",
    )


class GuidelineImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns source,title,evidence_rank,aliases,active (aliases separated by |). "
        "Every row must be valid, or nothing is imported.",
    )


class _FileLink:
    """What the file widget shows after "Currently:": the authorised view of the document, not the storage URL
    (media is never served directly: a document is PHI and every access is checked and logged)."""

    def __init__(self, url: str, text: str):
        self.url, self.text = url, text

    def __str__(self):
        return self.text


class DocumentFileWidget(AdminFileWidget):
    open_url = ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"]:
            context["widget"]["value"] = _FileLink(self.open_url, OPEN_FILE) if self.open_url else OPEN_FILE
        return context


class DocumentUploadField(forms.FileField):
    """The upload of a case document. The sender's file name may be of any length: it is never stored (the stored
    name is random, ``document_upload_to``), so the model column's 100 characters do not apply to it. An empty file
    is refused with its name, like every other refusal of ``validate_document_file``."""

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = None
        super().__init__(*args, **kwargs)

    def to_python(self, data):
        if data not in self.empty_values and getattr(data, "name", None) and not getattr(data, "size", None):
            raise ValidationError(DOCUMENT_EMPTY.format(name=Path(data.name).name), code="empty")
        return super().to_python(data)


class DocumentForm(forms.ModelForm):
    """A case document; its file links to ``cases:document_file`` (authorised, logged) instead of the storage."""

    class Meta:
        model = Document
        fields = ("case", "doc_type", "title", "author", "document_date", "received_date", "pages", "file")
        widgets = {"file": DocumentFileWidget}
        field_classes = {"file": DocumentUploadField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        document = self.instance
        if "file" in self.fields and document.pk and document.file:
            self.fields["file"].widget.open_url = reverse(
                "cases:document_file", args=[document.case.case_number, document.pk]
            )


class ServeForm(forms.Form):
    served_on = forms.DateField(
        label="Date of service",
        initial=timezone.localdate,
        help_text="The day the letter went to the recipients (not in the future, not before the signature). It is "
        f"the issued date and starts the {APPEAL_DAYS} days to appeal.",
    )
    confirm = forms.BooleanField(
        label="I confirm the letter was served on every recipient of its distribution list",
        help_text="One proof-of-service row per recipient is recorded with this date and your name; recipients "
        "served by mail get cover pages.",
    )
