"""Helpers for forms that call services."""

from typing import Any

from tandem.core.errors import DomainError, ErrorCode


def form_error(form: Any, exc: DomainError) -> None:
    """Put a service's error on the field it names (or the form). A permission failure
    is not a form message: it is re-raised and becomes the 403 page."""
    if exc.code == ErrorCode.FORBIDDEN:
        raise exc
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
