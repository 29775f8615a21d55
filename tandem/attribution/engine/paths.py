"""Journeys in the one form every model reads.

A ``Paths`` holds its paths end to end, as arrays: ``codes`` is the channel index of
every touch, path after path in time order, and path ``i`` is
``codes[starts[i]:starts[i + 1]]``. Per path it holds how many journeys took it and
converted (``conversions``), what they were worth (``value``) and how many did not
convert (``nulls``). A path may appear more than once (a journey each, say); every
model is a weighted sum over paths, so that gives the same credits as merging them.

Both input forms end here: the aggregated form other attribution tools use
(``email > search > event`` with totals), and touchpoint columns (one row per touch),
which are sorted, grouped and filtered as whole columns (polars and numpy), never a
Python loop per journey. No Django: this package runs anywhere numpy does.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import polars as pl

SECONDS_PER_DAY = 86_400.0
TOUCH_COLUMNS = ("journey_id", "ts", "channel", "converted", "value")


class AttributionError(ValueError):
    """Input the engine cannot attribute, with a message naming what is wrong."""


@dataclass(eq=False)
class Paths:
    channels: list[str]
    codes: np.ndarray  # channel index per touch (int32), paths end to end
    starts: np.ndarray  # path i is codes[starts[i]:starts[i + 1]]
    conversions: np.ndarray  # per path
    value: np.ndarray
    nulls: np.ndarray
    ages: np.ndarray | None = None  # per touch: days (float32) before its journey ended

    @property
    def total_conversions(self) -> float:
        return float(self.conversions.sum())

    @property
    def total_value(self) -> float:
        return float(self.value.sum())

    @cached_property
    def lengths(self) -> np.ndarray:
        return np.diff(self.starts)

    @cached_property
    def path_of(self) -> np.ndarray:
        """Per touch: the index of its path."""
        return np.repeat(np.arange(len(self.lengths), dtype=np.int32), self.lengths)

    @cached_property
    def positions(self) -> np.ndarray:
        """Per touch: its position in its path, from 0."""
        starts = np.repeat(self.starts[:-1], self.lengths)
        return (np.arange(len(self.codes)) - starts).astype(np.int32)

    @cached_property
    def converting(self) -> Paths:
        """Only the paths with a conversion or a value: all that the position-based
        models and Shapley credit (a quarter of the touches, typically), so their
        work and memory shrink with it. Markov needs the others too."""
        worth = (self.conversions > 0) | (self.value > 0)
        if worth.all():
            return self
        touch = worth[self.path_of]
        lengths = self.lengths[worth]
        return Paths(
            channels=self.channels,
            codes=self.codes[touch],
            starts=np.r_[0, np.cumsum(lengths)].astype(np.int64),
            conversions=self.conversions[worth],
            value=self.value[worth],
            nulls=self.nulls[worth],
            ages=None if self.ages is None else self.ages[touch],
        )

    @property
    def paths(self) -> list[tuple[int, ...]]:
        """Each path as a tuple of channel indices (for examples and tests: slow)."""
        return [tuple(int(c) for c in self.codes[a:b]) for a, b in itertools.pairwise(self.starts)]


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
    spaces around channel names ignored. Errors name the row: its position from 1, or
    its number in ``row_numbers`` (a file's)."""
    index: dict[str, int] = {}
    codes: list[int] = []
    lengths: list[int] = []
    totals: list[tuple[float, float, float]] = []
    numbers = row_numbers if row_numbers is not None else itertools.count(1)
    numbered = zip(numbers, rows, strict=False)  # count() never ends
    for number, (path, conversions, value, nulls) in numbered:
        where = f"row {number}"
        names = [part.strip() for part in str(path).split(separator)]
        if any(not name for name in names):
            raise AttributionError(f"{where}: the path {str(path)[:80]!r} has an empty step.")
        codes.extend(index.setdefault(name, len(index)) for name in names)
        lengths.append(len(names))
        totals.append(
            (
                _check_number(float(conversions), "total_conversions", where),
                _check_number(float(value), "total_conversion_value", where),
                _check_number(float(nulls), "total_null", where),
            )
        )
    if not lengths:
        raise AttributionError("There are no paths to attribute.")
    per_path = np.array(totals, dtype=np.float64)
    return Paths(
        channels=list(index),
        codes=np.array(codes, dtype=np.int32),
        starts=np.r_[0, np.cumsum(lengths)].astype(np.int64),
        conversions=per_path[:, 0],
        value=per_path[:, 1],
        nulls=per_path[:, 2],
    )


def from_touchpoints(
    journey: Sequence[object] | np.ndarray,
    ts: Sequence[float] | np.ndarray,
    channel: Sequence[str] | np.ndarray,
    converted: Sequence[bool] | np.ndarray,
    value: Sequence[float] | np.ndarray,
    **options: Any,
) -> Paths:
    """Columns of touches, in any order; see ``from_frame`` for the options."""
    n = len(journey)
    if not (len(ts) == len(channel) == len(converted) == len(value) == n):
        raise AttributionError(
            "The columns journey_id, ts, channel, converted and value differ in length."
        )
    frame = pl.DataFrame(
        {
            "journey_id": pl.Series(journey, strict=False),
            "ts": pl.Series(np.asarray(ts, dtype=np.float64)),
            "channel": pl.Series(channel, dtype=pl.String, strict=False),
            "converted": pl.Series(np.asarray(converted, dtype=bool)),
            "value": pl.Series(np.asarray(value, dtype=np.float64)),
        }
    )
    return from_frame(frame, **options)


def _first_row(mask: pl.Series) -> int:
    return int(mask.arg_true()[0]) + 1


def _columns(frame: pl.DataFrame) -> pl.DataFrame:
    """The five columns in the types the engine needs, or an error naming the first
    bad row (counted from 1) and column. Other columns are ignored."""
    missing = [c for c in TOUCH_COLUMNS if c not in frame.columns]
    if missing:
        raise AttributionError(f"Missing column(s): {', '.join(missing)}.")
    frame = frame.select(TOUCH_COLUMNS)
    if frame.height == 0:
        raise AttributionError("There are no touches to attribute.")
    for column in ("journey_id", "ts", "channel"):
        if frame[column].null_count():
            raise AttributionError(f"row {_first_row(frame[column].is_null())}, {column}: empty.")
    ts = frame["ts"]
    if ts.dtype == pl.Date:
        ts = ts.cast(pl.Datetime("us"))
    if isinstance(ts.dtype, pl.Datetime):
        ts = ts.dt.epoch("us").cast(pl.Float64) / 1e6
    elif ts.dtype.is_numeric():
        ts = ts if ts.dtype == pl.Float64 else ts.cast(pl.Float64)
    else:
        parsed = ts.cast(pl.String).str.to_datetime(time_zone="UTC", strict=False)
        if parsed.null_count():
            raise AttributionError(f"row {_first_row(parsed.is_null())}, ts: not a time.")
        ts = parsed.dt.epoch("us").cast(pl.Float64) / 1e6
    if not ts.is_finite().all():
        raise AttributionError(f"row {_first_row(~ts.is_finite())}, ts: not a time.")
    # Copies are made only where a column needs changing: at 20M touches each costs
    # as much memory as the column.
    value = frame["value"]
    value = value.fill_null(0) if value.null_count() else value
    if not value.dtype.is_numeric():
        raise AttributionError("The value column must hold numbers.")
    value = value if value.dtype == pl.Float64 else value.cast(pl.Float64)
    bad = ~value.is_finite() | (value < 0)
    if bad.any():
        raise AttributionError(f"row {_first_row(bad)}, value: must be a number of zero or more.")
    converted = frame["converted"]
    converted = converted.fill_null(False) if converted.null_count() else converted
    if converted.dtype == pl.String:
        words = converted.str.strip_chars().str.to_lowercase()
        known = words.is_in(["1", "true", "yes", "y", "t", "0", "false", "no", "n", "f", ""])
        if not known.all():
            raise AttributionError(f"row {_first_row(~known)}, converted: not true or false.")
        converted = words.is_in(["1", "true", "yes", "y", "t"])
    elif converted.dtype != pl.Boolean:
        if not converted.dtype.is_numeric():
            raise AttributionError("The converted column must hold true or false.")
        converted = converted != 0
    channel = frame["channel"]
    if channel.dtype != pl.String:
        channel = channel.cast(pl.String)
    if channel.str.contains(r"^\s|\s$").any():  # spaces around a name are not part of it
        channel = channel.str.strip_chars()
    if (channel == "").any():
        raise AttributionError(f"row {_first_row(channel == '')}, channel: empty.")
    journey = frame["journey_id"]
    if not (journey.dtype.is_integer() or journey.dtype == pl.String):
        journey = journey.cast(pl.String)
    return pl.DataFrame(
        [journey, ts.alias("ts"), channel.alias("channel"), converted.alias("converted"), value]
    )


SORT_PART = 4_000_000  # touches per part of the journey sort


def _journey_time_order(frame: pl.DataFrame) -> np.ndarray:
    """Row numbers that put each journey's touches together, in time order, ties in
    row order. A two-key sort needs about 35 bytes of working memory per row (700 MB
    at 20M touches), so a large frame is sorted in parts, journeys split among them by
    a hash of their id: each journey lies in one part, and the parts follow one
    another (journeys are together, not in id order, which no model needs)."""
    parts = -(-frame.height // SORT_PART)
    keys = frame.select("journey_id", "ts")
    if parts <= 1:
        return (
            keys.select(pl.arg_sort_by("journey_id", "ts", maintain_order=True))
            .to_series()
            .to_numpy()
        )
    part = keys.select((pl.col("journey_id").hash(seed=7) % parts).cast(pl.UInt16)).to_series()
    part_np = part.to_numpy()
    del part
    pieces = []
    for k in range(parts):
        rows = np.flatnonzero(part_np == k)  # ascending: the part keeps row order
        inner = keys[rows].select(pl.arg_sort_by("journey_id", "ts", maintain_order=True))
        pieces.append(rows[inner.to_series().to_numpy()].astype(np.uint32))
    return np.concatenate(pieces)


def from_frame(
    frame: pl.DataFrame,
    *,
    lookback_days: float | None = None,
    grouping: Mapping[str, str] | None = None,
    exclude: str | None = None,
) -> Paths:
    """Touches as a polars frame with the columns ``journey_id, ts, channel, converted,
    value`` (ts in seconds, or a date or time), rows in any order.

    A journey converts when any of its rows says so, and is worth the sum of its rows'
    values; its path is its channels in time order (ties kept in row order). It ends at
    its last converting touch (its last touch when it never converts).

    - ``lookback_days``: only touches in the days before the journey's end count.
    - ``grouping``: channel -> group (``{"google": "search", "bing": "search"}``);
      channels not named keep their name.
    - ``exclude``: drop this channel's touches (typically "direct") from every journey
      that has another touch, so a journey of direct visits alone still counts.
    """
    if lookback_days is not None and not lookback_days > 0:
        raise AttributionError("The lookback window must be more than zero days.")
    frame = _columns(frame)
    if grouping:
        frame = frame.with_columns(
            pl.col("channel").replace(list(grouping), list(grouping.values()))
        )
    # Each journey's touches together in time order, as a permutation applied to each
    # column as a numpy array in turn (a sorted copy of the whole frame would cost as
    # much memory again as the input).
    # Arrays are dropped as soon as they are used: at 20M touches each is 80-160 MB.
    order = _journey_time_order(frame)
    journey = frame["journey_id"].gather(order)
    first = (journey != journey.shift(1)).fill_null(True).to_numpy()
    del journey
    begins = np.flatnonzero(first)
    journey_of = np.cumsum(first, dtype=np.int32) - 1
    del first
    names = frame["channel"].unique().sort()
    codes = frame["channel"].cast(pl.Enum(names)).to_physical().to_numpy()[order]
    codes = codes.astype(np.int32, copy=False)
    ts = frame["ts"].to_numpy()[order]
    converted = frame["converted"].to_numpy()[order]
    converts = np.logical_or.reduceat(converted, begins)
    last_conversion = np.maximum.reduceat(np.where(converted, ts, -np.inf), begins)
    del converted
    worth = np.add.reduceat(frame["value"].to_numpy()[order], begins)
    del order
    ends = np.where(converts, last_conversion, np.maximum.reduceat(ts, begins))
    del last_conversion

    keep: np.ndarray | None = None  # None: every touch stays (no copies)
    if lookback_days is not None:
        end = ends[journey_of]
        keep = (ts <= end) & (ts >= end - lookback_days * SECONDS_PER_DAY)
        del end
    if exclude is not None and exclude in set(names.to_list()):
        kept = np.ones(len(ts), dtype=bool) if keep is None else keep
        other = kept & (codes != names.to_list().index(exclude))
        has_other = np.bincount(journey_of, weights=other, minlength=len(begins)) > 0
        keep = kept & (other | ~has_other[journey_of])
    if keep is not None:
        codes, ts, journey_of = codes[keep], ts[keep], journey_of[keep]
        del keep
    lengths = np.bincount(journey_of, minlength=len(begins))
    assert lengths.min() > 0, "every journey keeps its last touch"
    # Ages in days as float32 (a few seconds' resolution, which no half-life notices),
    # computed in place.
    ages = ends[journey_of]
    del journey_of
    ages -= ts
    del ts
    ages /= SECONDS_PER_DAY
    ages32 = ages.astype(np.float32)
    del ages
    used = np.bincount(codes, minlength=len(names)) > 0  # grouping/exclusion may drop some
    if not used.all():
        codes = (np.cumsum(used, dtype=np.int32) - 1)[codes]
    return Paths(
        channels=[name for name, u in zip(names.to_list(), used, strict=True) if u],
        codes=codes,
        starts=np.r_[0, np.cumsum(lengths)].astype(np.int64),
        conversions=converts.astype(np.float64),
        value=np.where(converts, worth, 0.0),
        nulls=(~converts).astype(np.float64),
        ages=ages32,
    )
