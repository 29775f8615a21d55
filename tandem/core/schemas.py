from datetime import datetime
from typing import Any

from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

NUL = "\x00"


class InputSchema(Schema):
    """What every request body of the API is built from. PostgreSQL cannot store the
    NUL character in text, so a value holding one failed inside the write with a 500
    (SQLite stored it, where no name or note should have one): here it is refused with
    the rest of the input's checks, naming its field. Bulk rows typed as plain objects
    are checked row by row by their services, which report a bad row and keep the rest.

    A field the schema does not name is refused, not ignored: a client that misspells
    one (``max_open_leads`` for ``lead_capacity``) was answered 200 with nothing changed.
    A body that is not a JSON object (a bare number, a list) is refused too: ninja reads
    schemas from attributes as well as keys, so ``5`` passed as a body with no fields."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value: Any) -> Any:
        # Ninja validates twice: the value as sent, then wrapped in its DjangoGetter.
        if not isinstance(value, dict | DjangoGetter | BaseModel):
            raise ValueError("must be a JSON object")
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and NUL in text for text in texts):
            raise ValueError("contains a NUL character (\\u0000), which no text may hold")
        return value


class JobOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    done: int
    total: int
    percent: int
    message: str
    created_at: datetime
    finished_at: datetime | None
    can_resume: bool
    download_url: str | None = None


class ChangeOut(Schema):
    field: str
    old: Any
    new: Any


class HistoryEntryOut(Schema):
    at: datetime
    by: str | None
    source: str
    type: str
    changes: list[ChangeOut]


class EventOut(Schema):
    id: int
    occurred_at: datetime
    name: str
    actor_id: int | None
    source: str
    subject_type: str | None
    subject_id: int | None
    data: dict[str, Any]

    @staticmethod
    def resolve_subject_type(obj: Any) -> str | None:
        return (
            f"{obj.subject_type.app_label}.{obj.subject_type.model}"
            if obj.subject_type_id
            else None
        )
