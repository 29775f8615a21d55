"""Helpers for forms that call services, and the fields that pick records by id."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model

from tandem.core.errors import DomainError
from tandem.core.ids import parse_id


def form_error(form: Any, exc: DomainError) -> None:
    """Put a service's error on the field it names (or the form). A permission failure
    is not a form message: it is re-raised and becomes the 403 page."""
    if exc.status in (403, 404):
        raise exc
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


class RecordChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A record chosen by its id. An id no database can hold is "not one of the
    choices", like any unknown id, before it reaches a query (SQLite raised
    OverflowError inside it: a 500)."""

    def to_python(self, value: Any) -> Any:
        unknown = value not in self.empty_values and not isinstance(value, Model)
        if unknown and parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class RecordMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Records chosen by their ids, with the same check as ``RecordChoiceField``."""

    def clean(self, value: Any) -> Any:
        for item in value if isinstance(value, list | tuple) else ():
            if not isinstance(item, Model) and parse_id(item) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(item)[:40]},
                )
        return super().clean(value)
