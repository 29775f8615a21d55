from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, get_args

from ninja import Field, Schema
from ninja.schema import DjangoGetter
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    ValidationInfo,
    field_validator,
    model_validator,
)

from tandem.core.dates import ApiDate

NUL = "\x00"
# Text with something in it besides white space: what a service means by a required name
# once it has stripped it. Declared as a pattern so a client (and the schema probe) knows
# "" and "   " are refused; checked with Python's own idea of white space (str.strip),
# the one the services use, rather than the regex engine's.
NOT_BLANK_PATTERN = r"\S"


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


RequiredText = Annotated[
    str, AfterValidator(_not_blank), Field(json_schema_extra={"pattern": NOT_BLANK_PATTERN})
]


def one_of(values: Iterable[str], default: Any = ..., **kwargs: Any) -> Any:
    """A text field whose value is one of ``values`` (a model's choices, say), declared as
    an ``enum`` so a client knows the list. The service that reads the field refuses any
    other value with a 422 naming it, from the same list: one source of truth."""
    return Field(default, json_schema_extra={"enum": list(values)}, **kwargs)


def _numeric(annotation: Any) -> bool:
    """int, float or Decimal, alone or with None (``int | None``)."""
    kinds = get_args(annotation) or (annotation,)
    return any(kind in (int, float, Decimal) for kind in kinds)


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

    @field_validator("*", mode="before")
    @classmethod
    def _no_truth_for_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        # Pydantic's lax numbers read true and false as 1 and 0: a capacity sent as
        # false was stored as 0. A number is refused as a boolean, naming the field.
        field = cls.model_fields.get(info.field_name or "")
        if isinstance(value, bool) and field is not None and _numeric(field.annotation):
            raise ValueError("must be a number, not true or false")
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


class SearchHitOut(Schema):
    title: str
    url: str = Field(description="the record's page")
    detail: str = Field(description="e-mail and phone, account, stage…")


class SearchGroupOut(Schema):
    kind: str = Field(description="contacts, accounts, opportunities, leads, campaigns")
    label: str
    hits: list[SearchHitOut]
    more: bool = Field(description="more records match than the hits shown")
    see_all: str = Field(description='the list page with every match, or ""')


class ExchangeRateIn(InputSchema):
    currency: str = Field(..., min_length=3, max_length=3, description="ISO 4217, e.g. EUR")
    valid_from: ApiDate = Field(..., description="In force from this day (YYYY-MM-DD)")
    rate: str = Field(
        ..., max_length=30, description="What one unit is worth in the reporting currency"
    )
    note: str = Field("", max_length=200)


class ExchangeRateOut(Schema):
    id: int
    currency: str
    home: str = Field(..., description="The reporting currency the rate converts into")
    valid_from: date
    rate: Decimal
    note: str
