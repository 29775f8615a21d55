from datetime import datetime
from typing import Any

from ninja import Schema


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
