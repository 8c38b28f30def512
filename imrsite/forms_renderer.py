"""The form renderer: Django's, with the renders every form repeats most written out in Python.

The admin's case page renders about 90 widgets and 50 error lists. Each ``<input>`` widget (hidden, text, number,
e-mail, date...) is three template renders in Django's templates (``hidden.html`` includes ``input.html``, which
includes ``attrs.html``), a ``<select>`` two per option, a label two, a formset's management form (hidden fields only)
one more, and each field's error list one even when it is empty: a fifth of the page's time went there. Here those
produce the same HTML without a template: an ``<input>`` widget whose template is Django's own (one line including
``input.html``), a ``<select>`` of Django's options, a label, a form of hidden fields alone, and an empty error list
(Django's template renders nothing for it). Every other template (text areas, the admin's widgets, a form with
visible fields, a list with errors, a label or option that is not text) renders through Django's templates.
``tests/test_forms_renderer.py`` compares both renderings for each of these templates.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

# Django's templates that are exactly ``{% include "django/forms/widgets/input.html" %}``.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "hidden", "text", "number", "email", "url", "password", "date", "datetime", "time",
                 "search", "tel", "color")
)  # fmt: skip
SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
LABEL_TEMPLATE = "django/forms/label.html"
# Django's templates of a whole form; a form of hidden fields alone (a formset's management form) is its fields.
FORM_TEMPLATES = frozenset({"django/forms/div.html"})
# Django's templates of an error list (``{% if errors %}…{% endif %}``): nothing when there is no error.
ERROR_LIST_TEMPLATES = frozenset({"django/forms/errors/list/default.html", "django/forms/errors/list/ul.html"})


def _as_text(value) -> str:
    """``{{ value|stringformat:'s' }}`` with autoescaping: ``"%s" % value``, escaped unless it was marked safe."""
    text = str(value)
    return text if isinstance(value, SafeData) else conditional_escape(text)


def _attrs(attrs: dict) -> str:
    """What ``django/forms/widgets/attrs.html`` renders."""
    parts = []
    for name, value in attrs.items():
        if value is not False:
            parts.append(
                f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{_as_text(value)}"'
            )
    return "".join(parts)


def input_html(widget: dict) -> str:
    """What ``django/forms/widgets/input.html`` renders for a widget's context."""
    value = f' value="{_as_text(widget["value"])}"' if widget["value"] is not None else ""
    type_, name = conditional_escape(widget["type"]), conditional_escape(widget["name"])
    return f'<input type="{type_}" name="{name}"{value}{_attrs(widget["attrs"])}>'


def _is_text(value) -> bool:
    return isinstance(value, str | Promise)


def select_html(widget: dict) -> str | None:
    """What ``django/forms/widgets/select.html`` renders with Django's option template; None when an option has
    another template or a label or group that is not text (the template's localisation would apply)."""
    if "optgroups" not in widget:
        return None
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name and not _is_text(group_name):
            return None
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            if option["template_name"] != OPTION_TEMPLATE or not _is_text(option["label"]):
                return None
            value, label = _as_text(option["value"]), conditional_escape(option["label"])
            parts.append(f'\n  <option value="{value}"{_attrs(option["attrs"])}>{label}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def label_html(context: dict) -> str | None:
    """What ``django/forms/label.html`` renders (None for a label that is not text, or a context it does not know)."""
    if not {"label", "use_tag", "tag", "attrs"} <= context.keys() or not _is_text(context["label"]):
        return None
    label = conditional_escape(context["label"])
    if not context["use_tag"]:
        return label
    tag = conditional_escape(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{label}</{tag}>"


def hidden_form_html(context: dict) -> str | None:
    """What ``django/forms/div.html`` renders for a form without errors whose fields are all hidden: the fields one
    after the other (None for any other form)."""
    if "hidden_fields" not in context or context.get("fields") or context.get("errors"):
        return None
    return "".join(str(field) for field in context["hidden_fields"])


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name in INPUT_TEMPLATES:
            return mark_safe(input_html(context["widget"]))
        if template_name == SELECT_TEMPLATE and (html := select_html(context["widget"])) is not None:
            return mark_safe(html)
        if template_name == LABEL_TEMPLATE and (html := label_html(context)) is not None:
            return mark_safe(html)
        if template_name in FORM_TEMPLATES and (html := hidden_form_html(context)) is not None:
            return mark_safe(html)
        if template_name in ERROR_LIST_TEMPLATES and not context.get("errors"):
            return ""
        return super().render(template_name, context, request)
