"""Forms of the reviewer workspace. They parse and validate input and re-show it exactly as typed; the rules
(who may edit, the revision lock, what signing needs) live in ``cases.services.review``."""

from django import forms

from .models import Citation, Decision, Guideline, Priority, Status
from .services.review import CitationInput, ItemInput

MISSING_REVISION = "This form is incomplete (its revision is missing). Reload the case and try again."
MALFORMED_CITATIONS = "The citations of this item were not sent completely. Reload the case and try again."
UNKNOWN_GUIDELINE = "This guideline is not in the library."
PAGES_TOO_LONG = "Pages: at most {limit} characters (you typed {length})."

PAGES_MAX = Citation._meta.get_field("pages").max_length


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any status"), *Status.choices], required=False)
    priority = forms.ChoiceField(choices=[("", "Any priority"), *Priority.choices], required=False)

    def chosen(self) -> dict:
        """Every filter on its own: an invalid value in one (its error is shown) does not drop the valid others."""
        self.is_valid()
        return {name: self.cleaned_data.get(name, "") for name in self.fields}


class SummaryForm(forms.Form):
    clinical_summary = forms.CharField(
        label="Clinical case summary",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Your own summary of the records; it is printed in the letter as you write it.",
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ItemForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("", "Not decided yet"), *Decision.choices],
        required=False,
        widget=forms.RadioSelect,
        help_text="Upheld: not medically necessary. Overturned: medically necessary and appropriate.",
    )
    rationale = forms.CharField(
        label="Decision rationale", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 6})
    )


class CitationRow:
    """One IMRO citation as shown in the form: an existing one, or one just picked (``citation_id`` None)."""

    def __init__(self, *, guideline, citation_id=None, sections="", pages="", guideline_id=None):
        self.guideline = guideline
        self.guideline_id = guideline.pk if guideline is not None else guideline_id
        self.citation_id = citation_id
        self.sections = sections
        self.pages = pages
        self.errors = []

    def as_input(self) -> CitationInput:
        return CitationInput(
            guideline_id=self.guideline_id, citation_id=self.citation_id, sections=self.sections, pages=self.pages
        )


class ItemDraft:
    """The part of the draft form for one disputed item: decision, rationale, and the IMRO citations."""

    def __init__(self, item, data=None, guidelines=None, citations_elsewhere=frozenset(), number=None):
        self.item = item
        self.prefix = f"item-{item.pk}"
        self.form = ItemForm(data, prefix=self.prefix, initial={"decision": item.decision, "rationale": item.rationale})
        if number is not None:  # every control says which item it belongs to
            self.form.fields["decision"].label = f"Item {number} decision"
            self.form.fields["rationale"].label = f"Item {number} decision rationale"
        citations = list(item.citations.all())
        self.claims_administrator_citations = [c for c in citations if c.side == Citation.Side.CLAIMS_ADMINISTRATOR]
        stored = {c.pk: c for c in citations if c.side == Citation.Side.IMRO}
        self.errors = []
        if data is None:
            self.rows = [
                CitationRow(guideline=c.guideline, citation_id=c.pk, sections=c.sections, pages=c.pages)
                for c in stored.values()
            ]
        else:
            self.rows = self._rows_from(data, stored, guidelines or {}, citations_elsewhere)

    def field(self, name):
        return f"{self.prefix}-cit-{name}"

    def _rows_from(self, data, stored, guidelines, citations_elsewhere):
        ids, guideline_ids = data.getlist(self.field("id")), data.getlist(self.field("guideline"))
        sections, pages = data.getlist(self.field("sections")), data.getlist(self.field("pages"))
        if not len(ids) == len(guideline_ids) == len(sections) == len(pages):
            self.errors.append(MALFORMED_CITATIONS)
            return []
        rows = []
        for raw_id, raw_guideline, row_sections, row_pages in zip(ids, guideline_ids, sections, pages, strict=True):
            citation_id = _int_or_none(raw_id)
            citation = stored.get(citation_id)
            if citation is None and citation_id not in citations_elsewhere:
                # Deleted since the page was opened (saved over from another tab): re-shown, and saved, as a new
                # citation of its guideline, instead of an id that would be refused at every later save.
                citation_id = None
            guideline_id = _int_or_none(raw_guideline)
            row = CitationRow(
                guideline=citation.guideline if citation else guidelines.get(guideline_id),
                guideline_id=guideline_id,
                citation_id=citation_id,
                sections=row_sections.strip(),
                pages=row_pages.strip(),
            )
            if row.guideline is None:
                row.errors.append(UNKNOWN_GUIDELINE)
            if len(row.pages) > PAGES_MAX:
                row.errors.append(PAGES_TOO_LONG.format(limit=PAGES_MAX, length=len(row.pages)))
            rows.append(row)
        return rows

    def is_valid(self) -> bool:
        form_valid = self.form.is_valid()
        return form_valid and not self.errors and not any(row.errors for row in self.rows)

    def as_input(self) -> ItemInput:
        return ItemInput(
            item_id=self.item.pk,
            decision=self.form.cleaned_data["decision"],
            rationale=self.form.cleaned_data["rationale"],
            citations=[row.as_input() for row in self.rows],
        )


class CaseDraftForm:
    """The whole draft of a case: the summary and every item. Unbound, it shows what is stored; bound, it shows
    exactly what was typed, errors and all, so nothing is lost when a save is refused."""

    def __init__(self, *, case, items, data=None):
        self.case = case
        self.bound = data is not None
        self.summary = SummaryForm(data, initial={"clinical_summary": case.clinical_summary, "revision": case.revision})
        items = list(items)
        guidelines, elsewhere = {}, frozenset()
        if data is not None:
            wanted = _posted_ids(data, "-cit-guideline")
            guidelines = Guideline.objects.in_bulk(wanted)
            imro = {c.pk for item in items for c in item.citations.all() if c.side == Citation.Side.IMRO}
            unknown = _posted_ids(data, "-cit-id") - imro
            if unknown:  # still stored, but not an IMRO citation of this case: the service refuses them, clearly
                elsewhere = frozenset(Citation.objects.filter(pk__in=unknown).values_list("pk", flat=True))
        self.items = [
            ItemDraft(item, data, guidelines, elsewhere, number=number) for number, item in enumerate(items, start=1)
        ]
        self.errors = []
        self.revision = case.revision if data is None else _int_or_none(data.get("revision"))

    def is_valid(self) -> bool:
        valid = self.summary.is_valid()
        if "revision" in self.summary.errors:
            self.errors.append(MISSING_REVISION)
        items_valid = [draft.is_valid() for draft in self.items]  # validate them all, to show every error
        return valid and all(items_valid)

    def field_errors(self) -> list[str]:
        """Every field error of the draft as "field: message", for a save made in the background."""
        errors = [f"{name}: {e}" for name, msgs in self.summary.errors.items() for e in msgs if name != "revision"]
        for draft in self.items:
            errors += draft.errors + [e for name, msgs in draft.form.errors.items() for e in msgs]
            errors += [e for row in draft.rows for e in row.errors]
        return errors

    def save_arguments(self) -> dict:
        return {
            "expected_revision": self.summary.cleaned_data["revision"],
            "summary": self.summary.cleaned_data["clinical_summary"],
            "items": [draft.as_input() for draft in self.items],
        }


class SignConfirmForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    override_note = forms.CharField(
        label="Why you sign despite the warnings",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed only when warnings are listed; it is recorded with the determination.",
    )


def _posted_ids(data, suffix) -> set[int]:
    return {_int_or_none(v) for key in data if key.endswith(suffix) for v in data.getlist(key)} - {None}


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
