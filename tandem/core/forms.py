"""Helpers for views that call services, and the fields that pick records by id.

A service refuses with a ``DomainError`` (tandem.core.errors). A view that catches one
hands it to one of these three, and does nothing else with it:

- ``form_error(form, exc)``: the message on the form field the error names, or on the
  form as a whole if it names none the form has. The view renders the form again.
- ``report_error(request, exc)``: the message as a page message (django.contrib.messages),
  for a view that redirects back to a page.
- ``error_message(exc)``: the message alone, for a view that shows it in its own page or
  htmx partial. Such a partial answers 422: the one 4xx status htmx is set to swap in
  (``htmx-config`` in base.html); any other is not shown.

FORBIDDEN and NOT_FOUND are no message on a page: all three re-raise them, and
``core.middleware.DomainErrorMiddleware`` answers with the 403 or 404 page.

The two public pages, for people who are not staff (a campaign's web form and the
opt-in link), show a refusal in their own page, with its own status: visitors never
see the staff pages, nor have their messages.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest

from tandem.core.errors import DomainError
from tandem.core.ids import parse_id

# Statuses that are an error page, never a message on one: refused (any app's 403
# code, such as an approval this person may not give) and not found.
PAGE_STATUSES = frozenset({403, 404})


def error_message(exc: DomainError) -> str:
    """The message to show on the page; a 403 or 404 error is re-raised (the page)."""
    if exc.status in PAGE_STATUSES:
        raise exc
    return exc.message


def form_error(form: Any, exc: DomainError) -> None:
    """Put a service's error on the field it names, or on the form."""
    message = error_message(exc)
    form.add_error(exc.field if exc.field in form.fields else None, message)


def report_error(request: HttpRequest, exc: DomainError) -> None:
    """Show a service's error as a message on the next page."""
    messages.error(request, error_message(exc))


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
