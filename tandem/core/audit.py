"""Who is acting, and through what (web, API, import, background job).

Every write path sets this context once (middleware for pages, token auth for the API,
``acting_as`` in tasks and commands); field history and domain events read it, so no
service needs an extra ``source`` argument.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import StrEnum
from typing import Any

from django.db import models
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record


class Source(StrEnum):
    WEB = "web"
    API = "api"
    IMPORT = "import"
    JOB = "job"
    SYSTEM = "system"


_actor: ContextVar[Any] = ContextVar("tandem_audit_actor", default=None)
_source: ContextVar[Source] = ContextVar("tandem_audit_source", default=Source.SYSTEM)


def current_actor() -> Any:
    return _actor.get()


def current_source() -> Source:
    return _source.get()


def set_actor(user: Any) -> None:
    """Used by API token auth, which learns the user after the request has started."""
    _actor.set(user if user is not None and user.is_authenticated else None)


@contextmanager
def acting_as(user: Any, source: Source) -> Iterator[None]:
    actor_token = _actor.set(user if user is not None and user.is_authenticated else None)
    source_token = _source.set(source)
    try:
        yield
    finally:
        _actor.reset(actor_token)
        _source.reset(source_token)


class HistorySource(models.Model):
    """Adds the channel of a change to every historical record."""

    history_source = models.CharField(max_length=16, default=Source.SYSTEM)

    class Meta:
        abstract = True


def _history_user(instance: Any, request: Any = None, **kwargs: Any) -> Any:
    return current_actor()


# References copied into history rows that nothing looks history up by; unindexed, so a
# history row costs fewer index writes (history is read by record id and date only).
UNINDEXED_IN_HISTORY = ["owner", "team", "account", "contact", "opportunity", "campaign", "parent"]


def field_history(**kwargs: Any) -> HistoricalRecords:
    """Field history for a domain model: who, when, old -> new, and the source."""
    kwargs.setdefault("no_db_index", UNINDEXED_IN_HISTORY)
    return HistoricalRecords(bases=[HistorySource], get_user=_history_user, **kwargs)


def _stamp_source(sender: Any, history_instance: Any, **kwargs: Any) -> None:
    history_instance.history_source = current_source()


pre_create_historical_record.connect(_stamp_source, dispatch_uid="tandem_history_source")
