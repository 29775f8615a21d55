"""Every form widget drawn with Tabler's (Bootstrap's) classes.

The toolkit styles an input only when it carries ``form-control`` (``form-select``,
``form-check-input``). Rather than repeat the class on each field of each form, the
project's form renderer adds it as a widget is drawn, so ``{{ field }}`` anywhere comes
out styled and a new form needs nothing.
"""

from typing import Any

from django.forms.renderers import DjangoTemplates

_BY_TEMPLATE = {
    "django/forms/widgets/select.html": "form-select",
    "django/forms/widgets/textarea.html": "form-control",
}
_BY_INPUT_TYPE = {"checkbox": "form-check-input", "radio": "form-check-input", "hidden": ""}


def widget_class(widget: dict[str, Any]) -> str:
    """The toolkit's class for one widget's context (as Django's widgets build it)."""
    by_template = _BY_TEMPLATE.get(widget.get("template_name", ""))
    if by_template is not None:
        return by_template
    return _BY_INPUT_TYPE.get(widget.get("type", ""), "form-control")


class TandemFormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if isinstance(widget, dict) and template_name.startswith("django/forms/widgets/"):
            css = widget_class(widget)
            attrs = widget.setdefault("attrs", {})
            if css and css not in attrs.get("class", "").split():
                attrs["class"] = f"{css} {attrs.get('class', '')}".strip()
        return super().render(template_name, context, request)
