"""Records that generic features (comments, history) can address as ``label/pk``.

A domain app registers a model here in its ``AppConfig.ready``; a model that is not
registered cannot be reached through the generic URLs at all. Access always goes
through the model's ``visible_to(user)`` queryset, so a guessed id is a 404.
"""

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.urls import reverse

from tandem.core.errors import DomainError, ErrorCode


@dataclass(frozen=True)
class RecordType:
    label: str
    url_name: str | None  # detail page, reversed with pk

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)


_REGISTRY: dict[str, RecordType] = {}


def register_record(label: str, *, url_name: str | None = None) -> None:
    """Make a model addressable; it must have ``visible_to`` and field history."""
    _REGISTRY[label.lower()] = RecordType(label.lower(), url_name)


def registered_labels() -> list[str]:
    return sorted(_REGISTRY)


def record_type(label: str) -> RecordType:
    try:
        return _REGISTRY[label.lower()]
    except KeyError:
        raise DomainError(ErrorCode.NOT_FOUND, "No such kind of record.") from None


def access_record(user: Any, label: str, pk: Any) -> Any:
    """Fetch a record the user can see, or raise NOT_FOUND (never FORBIDDEN)."""
    rtype = record_type(label)
    manager: Any = rtype.model._default_manager
    try:
        return manager.visible_to(user).get(pk=int(pk))
    except (ObjectDoesNotExist, ValueError, TypeError, OverflowError):
        raise DomainError(ErrorCode.NOT_FOUND, "No such record.") from None


def record_url(obj: Any) -> str:
    rtype = _REGISTRY.get(obj._meta.label_lower)
    if rtype is None or rtype.url_name is None:
        return ""
    return reverse(rtype.url_name, args=[obj.pk])


def record_label(obj: Any) -> str:
    return str(obj._meta.label_lower)
