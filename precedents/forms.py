"""The precedent search page's filters and the analytics page's choices."""

from django import forms

from cases.models import Decision, Determination, Guideline

from .models import DecisionStat

ANALYTICS_ORIGINS = [("all", "All decisions"), *Determination.Origin.choices]


def _keys(dimension):
    return DecisionStat.objects.filter(dimension=dimension, items__gt=0).values_list("key", flat=True).distinct()


class PrecedentSearchForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=500,
        help_text='Words must all match; "quoted phrase", -exclude, or. Misspelt words are matched on titles.',
    )
    decision = forms.ChoiceField(choices=[("", "Any decision"), *Decision.choices], required=False)
    guideline = forms.ModelChoiceField(
        queryset=Guideline.objects.filter(active=True), required=False, empty_label="Any guideline"
    )
    specialty = forms.ChoiceField(required=False)
    year = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    origin = forms.ChoiceField(choices=[("", "Imported or signed"), *Determination.Origin.choices], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        specialties = sorted(_keys(DecisionStat.Dimension.SPECIALTY))
        self.fields["specialty"].choices = [("", "Any specialty"), *((s, s) for s in specialties)]
        years = sorted({int(y) for y in _keys(DecisionStat.Dimension.YEAR)}, reverse=True)
        self.fields["year"].choices = [("", "Any year"), *((y, str(y)) for y in years)]

    def chosen(self) -> dict:
        """Every valid filter; an invalid one is shown with its error and left out."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields if name in self.cleaned_data}


class AnalyticsForm(forms.Form):
    origin = forms.ChoiceField(choices=ANALYTICS_ORIGINS, required=False)
    by = forms.ChoiceField(choices=DecisionStat.Dimension.choices, required=False)
