"""Field history of a record, as entries a person (or the API) can read.

Consecutive historical rows are diffed in memory: a page of N entries costs one query
for the rows plus at most one for the row before the page, never one per entry.
"""

from __future__ import annotations

from typing import Any

TYPES = {"+": "created", "~": "changed", "-": "deleted"}


def _field_label(model: Any, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name.replace("_", " ")


def _initial_values(row: Any, model: Any) -> list[dict[str, Any]]:
    """What a record was created with: every field that has a value."""
    values = []
    for field in model._meta.concrete_fields:
        value = getattr(row, field.attname, None)
        if field.name != "id" and value not in ("", None):
            values.append({"field": _field_label(model, field.name), "old": None, "new": value})
    return values


def describe_history(rows: list[Any], before_page: Any | None) -> list[dict[str, Any]]:
    """Entries for ``rows`` (newest first); ``before_page`` is the row older than the last."""
    entries = []
    for index, row in enumerate(rows):
        older = rows[index + 1] if index + 1 < len(rows) else before_page
        model = row.instance_type
        if row.history_type == "+":
            changes = _initial_values(row, model)
        elif older is None:  # the rows before were pruned: nothing to compare with
            changes = []
        else:
            changes = [
                {"field": _field_label(model, c.field), "old": c.old, "new": c.new}
                for c in row.diff_against(older).changes
            ]
        entries.append(
            {
                "at": row.history_date,
                "by": str(row.history_user) if row.history_user_id else None,
                "source": getattr(row, "history_source", ""),
                "type": TYPES.get(row.history_type, row.history_type),
                "changes": changes,
            }
        )
    return entries


def history_rows(record: Any) -> Any:
    return record.history.select_related("history_user").order_by("-history_date", "-history_id")


def history_entries(record: Any, *, limit: int = 50) -> list[dict[str, Any]]:
    rows = list(history_rows(record)[: limit + 1])
    return describe_history(rows[:limit], rows[limit] if len(rows) > limit else None)


def describe_page(rows: list[Any]) -> list[dict[str, Any]]:
    """For a page of rows: fetch the one row before it (if the last is not a creation)."""
    before = rows[-1].prev_record if rows and rows[-1].history_type != "+" else None
    return describe_history(rows, before)
