"""Journeys in the aggregated path form every model reads.

A ``Paths`` holds each distinct path once, as a tuple of channel indices, with how many
journeys took it and converted (``conversions``), what they were worth (``value``) and
how many did not convert (``nulls``). Both input forms end here: the aggregated form
other attribution tools use (``email > search > event`` with totals) and touchpoint
columns (one row per touch). No Django: this package runs anywhere numpy does.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np


class AttributionError(ValueError):
    """Input the engine cannot attribute, with a message naming what is wrong."""


@dataclass
class Paths:
    channels: list[str]
    paths: list[tuple[int, ...]]
    conversions: np.ndarray
    value: np.ndarray
    nulls: np.ndarray

    @property
    def total_conversions(self) -> float:
        return float(self.conversions.sum())

    @property
    def total_value(self) -> float:
        return float(self.value.sum())


def _check_number(number: float, what: str, where: str) -> float:
    if not math.isfinite(number):
        raise AttributionError(f"{where}: {what} is not a number ({number!r}).")
    if number < 0:
        raise AttributionError(f"{where}: {what} is negative ({number!r}).")
    return number


def from_paths(
    rows: Iterable[tuple[str, float, float, float]],
    *,
    separator: str = ">",
    row_numbers: Iterable[int] | None = None,
) -> Paths:
    """Rows of (path, conversions, value, nulls); ``path`` like ``"email > search"``,
    spaces around channel names ignored. Identical paths are added together. Errors
    name the row: its position from 1, or its number in ``row_numbers`` (a file's)."""
    index: dict[str, int] = {}
    totals: dict[tuple[int, ...], list[float]] = {}
    numbers = row_numbers if row_numbers is not None else itertools.count(1)
    numbered = zip(numbers, rows, strict=False)  # count() never ends
    for number, (path, conversions, value, nulls) in numbered:
        where = f"row {number}"
        names = [part.strip() for part in str(path).split(separator)]
        if not names or any(not name for name in names):
            raise AttributionError(f"{where}: the path {str(path)[:80]!r} has an empty step.")
        key = tuple(index.setdefault(name, len(index)) for name in names)
        entry = totals.setdefault(key, [0.0, 0.0, 0.0])
        entry[0] += _check_number(float(conversions), "total_conversions", where)
        entry[1] += _check_number(float(value), "total_conversion_value", where)
        entry[2] += _check_number(float(nulls), "total_null", where)
    if not totals:
        raise AttributionError("There are no paths to attribute.")
    keys = list(totals)
    numbers = np.array([totals[k] for k in keys], dtype=np.float64)
    return Paths(
        channels=list(index),
        paths=keys,
        conversions=numbers[:, 0],
        value=numbers[:, 1],
        nulls=numbers[:, 2],
    )


def from_touchpoints(
    journey: Sequence[object],
    ts: Sequence[float] | np.ndarray,
    channel: Sequence[str],
    converted: Sequence[bool] | np.ndarray,
    value: Sequence[float] | np.ndarray,
) -> Paths:
    """Columns of touches (any order). A journey converts when any of its rows says so;
    its value is the sum of its rows' values; its path is its channels in time order
    (ties kept in input order)."""
    n = len(journey)
    if not (len(ts) == len(channel) == len(converted) == len(value) == n):
        raise AttributionError(
            "The columns journey_id, ts, channel, converted and value differ in length."
        )
    if n == 0:
        raise AttributionError("There are no touches to attribute.")
    times = np.asarray(ts, dtype=np.float64)
    values = np.asarray(value, dtype=np.float64)
    if not np.isfinite(times).all():
        raise AttributionError(f"row {int(np.argmin(np.isfinite(times))) + 1}: ts is not a time.")
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        row = int(np.argmax(bad)) + 1
        raise AttributionError(f"row {row}: value must be a number of zero or more.")
    journeys, journey_codes = np.unique(
        np.asarray(journey, dtype=object).astype(str), return_inverse=True
    )
    names, channel_codes = np.unique(
        np.asarray(channel, dtype=object).astype(str), return_inverse=True
    )
    if any(not name.strip() for name in names):
        raise AttributionError("A touch has an empty channel.")
    order = np.lexsort((np.arange(n), times, journey_codes))  # journey, then time, then input
    codes = channel_codes[order]
    starts = np.flatnonzero(np.r_[True, np.diff(journey_codes[order]) != 0])
    ends = np.r_[starts[1:], n]
    converted_any = np.zeros(len(journeys), dtype=bool)
    np.logical_or.at(converted_any, journey_codes, np.asarray(converted, dtype=bool))
    worth = np.bincount(journey_codes, weights=values, minlength=len(journeys))
    totals: dict[tuple[int, ...], list[float]] = {}
    for j, (a, b) in enumerate(zip(starts, ends, strict=True)):
        entry = totals.setdefault(tuple(int(c) for c in codes[a:b]), [0.0, 0.0, 0.0])
        if converted_any[j]:
            entry[0] += 1
            entry[1] += worth[j]
        else:
            entry[2] += 1
    keys = list(totals)
    numbers = np.array([totals[k] for k in keys], dtype=np.float64)
    return Paths(
        channels=[str(n) for n in names],
        paths=keys,
        conversions=numbers[:, 0],
        value=numbers[:, 1],
        nulls=numbers[:, 2],
    )
