"""The project's form renderer writes <input> widgets, selects and empty error lists without templates: the HTML must
be exactly what Django's templates render, for every widget it takes over and every kind of value and attribute."""

import datetime

from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.forms.utils import ErrorList
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from imrsite.forms_renderer import (
    ERROR_LIST_TEMPLATES,
    FORM_TEMPLATES,
    INPUT_TEMPLATES,
    LABEL_TEMPLATE,
    SELECT_TEMPLATE,
    FormRenderer,
)

DJANGO, OURS = DjangoTemplates(), FormRenderer()

INPUTS = [
    forms.HiddenInput,
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.DateInput,
    forms.DateTimeInput,
    forms.TimeInput,
    forms.SearchInput,
    forms.TelInput,
    forms.ColorInput,
]
VALUES = [None, "", "a<b>&\"c'", mark_safe("<i>safe</i>"), 5, 0, 1234567, datetime.date(2026, 12, 8), "Ünïcode"]
ATTRS = [
    {},
    {"class": 'x<y" z', "required": True, "disabled": False, "size": 40, "data-safe": mark_safe("&amp;")},
    {"id": "id_items-__prefix__-order", "min": 0, "maxlength": 200},
]


def both(render):
    return render(DJANGO), render(OURS)


def test_the_project_renders_forms_with_this_renderer():
    assert isinstance(get_default_renderer(), FormRenderer)


def test_every_input_widget_renders_as_djangos_templates_do():
    widget_templates = {cls.template_name for cls in INPUTS} | {forms.PasswordInput.template_name}
    assert widget_templates <= INPUT_TEMPLATES
    for cls in INPUTS:
        for value in VALUES:
            for attrs in ATTRS:
                widget = cls(attrs=attrs)
                django, ours = both(lambda renderer, w=widget, v=value: w.render("field", v, renderer=renderer))
                assert ours == django, (cls, value, attrs)
    password = forms.PasswordInput(render_value=True, attrs=ATTRS[1])
    assert len(set(both(lambda renderer: password.render("secret", "<s>", renderer=renderer)))) == 1


CHOICES = [
    ("", "---------"),
    ("employer", "Employer"),
    ("a&b", 'Tom & "Jerry" <x>'),
    ("lazy", gettext_lazy("Lazy label")),
    ("safe", mark_safe("<b>bold</b>")),
    (3, "Three"),
    ("Group <1>", [("g1", "In a group"), ("g2", "Another")]),
]


def test_selects_render_as_djangos_templates_do():
    assert forms.Select.template_name == SELECT_TEMPLATE
    values = (None, "", "employer", "a&b", "g2", 3, ["employer", "g1"])
    widgets = [
        (forms.Select(choices=CHOICES), values),
        (forms.Select(choices=CHOICES, attrs=ATTRS[1]), values),
        (forms.SelectMultiple(choices=CHOICES), values),
        (forms.NullBooleanSelect(), (None, True, False, "true")),
        (forms.Select(choices=[]), (None, "x")),
    ]
    for widget, widget_values in widgets:
        for value in widget_values:
            django, ours = both(lambda renderer, w=widget, v=value: w.render("role", v, renderer=renderer))
            assert ours == django, (widget, value)


def test_a_select_with_a_label_that_is_not_text_renders_through_the_template():
    widget = forms.Select(choices=[(1, 1234567), (2, datetime.date(2026, 12, 8))])
    django, ours = both(lambda renderer: widget.render("n", 1, renderer=renderer))
    assert ours == django


def test_error_lists_render_as_djangos_templates_do():
    assert ErrorList.template_name in ERROR_LIST_TEMPLATES
    for errors in ([], ["This field is required."], ["<b>Bad</b> & worse", mark_safe("<i>safe</i>")]):
        django, ours = both(lambda renderer, e=errors: str(ErrorList(e, renderer=renderer)))
        assert ours == django, errors
    django, ours = both(lambda renderer: str(ErrorList(["x"], error_class="nonfield", renderer=renderer)))
    assert ours == django


class Contact(forms.Form):
    name = forms.CharField(label='Name <& "quoted">')
    email = forms.EmailField(required=False, label=gettext_lazy("E-mail"))
    token = forms.CharField(widget=forms.HiddenInput, initial="a<b")


def test_labels_render_as_djangos_templates_do():
    assert Contact.template_name_label == LABEL_TEMPLATE
    django, ours = Contact(renderer=DJANGO), Contact(renderer=OURS)
    for name in ("name", "email"):
        for kwargs in ({}, {"attrs": {"class": "required", "data-x": True}}, {"label_suffix": ":"}, {"tag": "legend"}):
            assert ours[name].label_tag(**kwargs) == django[name].label_tag(**kwargs), (name, kwargs)
    django, ours = Contact(auto_id=False, renderer=DJANGO), Contact(auto_id=False, renderer=OURS)  # no id: no tag
    assert ours["name"].label_tag() == django["name"].label_tag() == "Name &lt;&amp; &quot;quoted&quot;&gt;:"


def test_a_management_form_and_other_forms_render_as_djangos_templates_do():
    assert forms.Form.template_name_div in FORM_TEMPLATES
    django = forms.formset_factory(Contact, extra=2, renderer=DJANGO)(prefix="contacts")
    ours = forms.formset_factory(Contact, extra=2, renderer=OURS)(prefix="contacts")
    assert str(ours.management_form) == str(django.management_form)
    assert str(ours.management_form).startswith('<input type="hidden" name="contacts-TOTAL_FORMS" value="2"')
    for data in (None, {"name": "", "token": "x"}, {"name": "Ann", "email": "bad", "token": "y"}):
        django, ours = Contact(data, renderer=DJANGO), Contact(data, renderer=OURS)
        assert str(ours) == str(django), data  # visible fields, errors: Django's template either way
