"""Reading the analyst's files: the aggregated path form (CSV) and touchpoint columns
(CSV or Parquet).

Errors in a CSV file name the row as a spreadsheet numbers it (the header is row 1);
in a Parquet file, the row counted from 1.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from tandem.attribution.engine.paths import (
    AttributionError,
    Paths,
    from_frame,
    from_paths,
    from_touchpoints,
)

PATH_COLUMNS = ("path", "total_conversions", "total_conversion_value", "total_null")
TOUCH_COLUMNS = ("journey_id", "ts", "channel", "converted", "value")
TRUE = {"1", "true", "yes", "y", "t"}
FALSE = {"0", "false", "no", "n", "f", ""}


def _rows(file: Path, required: tuple[str, ...]) -> tuple[list[str], list[list[str]]]:
    if file.suffix.lower() not in (".csv", ".txt"):
        raise AttributionError(f"{file.name}: give a CSV file.")
    try:
        with file.open(newline="", encoding="utf-8-sig") as stream:
            reader = csv.reader(stream)
            header = [h.strip().lower() for h in next(reader, [])]
            rows = list(reader)
    except UnicodeDecodeError as exc:
        raise AttributionError(f"{file.name}: not UTF-8 text ({exc.reason}).") from None
    except OSError as exc:
        raise AttributionError(f"{file.name}: {exc.strerror}.") from None
    missing = [c for c in required if c not in header]
    if missing:
        raise AttributionError(f"{file.name}: missing column(s) {', '.join(missing)}.")
    if len(set(header)) != len(header):
        raise AttributionError(f"{file.name}: a column name appears twice.")
    return header, rows


def _number(text: str, column: str, row: int) -> float:
    try:
        return float(text) if text.strip() else 0.0
    except ValueError:
        raise AttributionError(f"row {row}, {column}: {text[:30]!r} is not a number.") from None


def read_paths(file: Path, separator: str = ">") -> Paths:
    """``path,total_conversions[,total_conversion_value][,total_null]``."""
    header, rows = _rows(file, ("path", "total_conversions"))
    at = {c: header.index(c) for c in PATH_COLUMNS if c in header}

    def cell(row: list[str], column: str) -> str:
        return row[at[column]] if column in at and at[column] < len(row) else ""

    parsed, numbers = [], []
    for number, row in enumerate(rows, start=2):
        if not any(c.strip() for c in row):
            continue
        numbers.append(number)
        parsed.append(
            (
                cell(row, "path"),
                _number(cell(row, "total_conversions"), "total_conversions", number),
                _number(cell(row, "total_conversion_value"), "total_conversion_value", number),
                _number(cell(row, "total_null"), "total_null", number),
            )
        )
    return from_paths(parsed, separator=separator, row_numbers=numbers)


def _time(text: str, row: int) -> float:
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise AttributionError(f"row {row}, ts: {text[:30]!r} is not a time.") from None


def _parquet(file: Path) -> pl.DataFrame:
    """The touch columns of a Parquet file, and only those; a text channel is read as
    a dictionary (categorical), which is how Parquet usually stores it: a 20M-touch
    file then takes 480 MB in memory rather than 610."""
    try:
        schema = pl.read_parquet_schema(file)
        missing = [c for c in TOUCH_COLUMNS if c not in schema]
        if missing:
            raise AttributionError(f"{file.name}: missing column(s) {', '.join(missing)}.")
        channel = pl.col("channel")
        if schema["channel"] == pl.String:
            channel = channel.cast(pl.Categorical)
        columns = [pl.col(c) for c in TOUCH_COLUMNS]
        columns[TOUCH_COLUMNS.index("channel")] = channel
        return pl.scan_parquet(file).select(columns).collect()
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise AttributionError(f"{file.name}: not a readable Parquet file ({exc}).") from None


def read_touchpoints(file: Path, **options: Any) -> Paths:
    """``journey_id,ts,channel,converted,value`` (rows in any order), from CSV or
    Parquet; ``options`` as for ``paths.from_frame``."""
    if file.suffix.lower() == ".parquet":
        return from_frame(_parquet(file), consume=True, **options)
    header, rows = _rows(file, TOUCH_COLUMNS)
    at = [header.index(c) for c in TOUCH_COLUMNS]
    journeys, times, channels, converted, values = [], [], [], [], []
    for number, row in enumerate(rows, start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) < len(header):
            raise AttributionError(f"row {number}: {len(row)} cells, {len(header)} columns.")
        journey, ts, channel, flag, value = (row[i] for i in at)
        if not journey.strip():
            raise AttributionError(f"row {number}, journey_id: empty.")
        if not channel.strip():
            raise AttributionError(f"row {number}, channel: empty.")
        if flag.strip().lower() not in TRUE | FALSE:
            raise AttributionError(f"row {number}, converted: {flag[:20]!r} is not true or false.")
        amount = _number(value, "value", number)
        if not amount >= 0 or amount == float("inf"):
            raise AttributionError(f"row {number}, value: must be a number of zero or more.")
        journeys.append(journey.strip())
        times.append(_time(ts, number))
        channels.append(channel.strip())
        converted.append(flag.strip().lower() in TRUE)
        values.append(amount)
    return from_touchpoints(journeys, times, channels, converted, values, **options)
