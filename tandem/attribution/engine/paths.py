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

from tandem.attribution.engine.order import (
    journey_codes,
    journey_time_order,
    packed_order,
    sort_key,
)

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
        touch = np.repeat(worth, self.lengths)
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
    bad row (counted from 1) and column. Other columns are ignored. The channel stays
    text, categorical or enum: it is checked and coded per distinct value later."""
    missing = [c for c in TOUCH_COLUMNS if c not in frame.columns]
    if missing:
        raise AttributionError(f"Missing column(s): {', '.join(missing)}.")
    frame = frame.select(TOUCH_COLUMNS)
    if frame.height == 0:
        raise AttributionError("There are no touches to attribute.")
    for column in ("journey_id", "ts", "channel"):
        if frame[column].null_count():
            raise AttributionError(f"row {_first_row(frame[column].is_null())}, {column}: empty.")
    # Times as whole microseconds (Int64) when they are dates or times, else seconds
    # (Float64): sorting reads either, and seconds are worked out after the sort.
    ts = frame["ts"]
    if ts.dtype == pl.Date:
        ts = ts.cast(pl.Datetime("us"))
    if isinstance(ts.dtype, pl.Datetime):
        ts = ts.dt.epoch("us")
    elif ts.dtype.is_numeric():
        ts = ts if ts.dtype == pl.Float64 else ts.cast(pl.Float64)
        if not ts.is_finite().all():
            raise AttributionError(f"row {_first_row(~ts.is_finite())}, ts: not a time.")
    else:
        parsed = ts.cast(pl.String).str.to_datetime(time_zone="UTC", strict=False)
        if parsed.null_count():
            raise AttributionError(f"row {_first_row(parsed.is_null())}, ts: not a time.")
        ts = parsed.dt.epoch("us")
    # Copies are made only where a column needs changing: at 20M touches each costs
    # as much memory as the column.
    value = frame["value"]
    value = value.fill_null(0) if value.null_count() else value
    if not value.dtype.is_numeric():
        raise AttributionError("The value column must hold numbers.")
    value = value if value.dtype == pl.Float64 else value.cast(pl.Float64)
    if not (value.is_finite().all() and value.min() >= 0):  # type: ignore[operator]
        bad = ~value.is_finite() | (value < 0)
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
    if not (channel.dtype == pl.String or isinstance(channel.dtype, pl.Categorical | pl.Enum)):
        channel = channel.cast(pl.String)
    journey = frame["journey_id"]
    if not (journey.dtype.is_integer() or journey.dtype == pl.String):
        journey = journey.cast(pl.String)
    return pl.DataFrame([journey, ts.alias("ts"), channel, converted.alias("converted"), value])


def _channel_codes(
    channel: pl.Series, grouping: Mapping[str, str] | None
) -> tuple[list[str], np.ndarray]:
    """The channels' names in order (after grouping) and each row's index among them
    (int32). Names are read, stripped and grouped once per distinct value, not per row:
    a column of text is coded as a dictionary first."""
    if channel.dtype == pl.String:
        channel = channel.cast(pl.Categorical)
    physical = channel.to_physical()
    distinct = channel.unique()
    codes = distinct.to_physical().to_numpy()
    labels = [str(label).strip() for label in distinct.cast(pl.String).to_list()]
    for code, label in zip(codes, labels, strict=True):
        if not label:
            raise AttributionError(f"row {_first_row(physical == code)}, channel: empty.")
    if grouping:
        labels = [grouping.get(label, label) for label in labels]
    names = sorted(set(labels))
    index = {name: i for i, name in enumerate(names)}
    table = np.zeros(int(codes.max()) + 1, dtype=np.int32)
    table[codes] = [index[label] for label in labels]
    return names, table[physical.to_numpy()]


def from_frame(
    frame: pl.DataFrame,
    *,
    lookback_days: float | None = None,
    grouping: Mapping[str, str] | None = None,
    exclude: str | None = None,
    with_ages: bool = True,
    consume: bool = False,
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
    - ``with_ages``: keep each touch's age (what time decay reads); without it, time
      decay would count steps, so leave it on unless time decay is not wanted.
    - ``consume``: take the columns out of ``frame`` (it is left empty), so each one's
      memory goes back as soon as it is used (a caller's reference would hold it all).
    """
    if lookback_days is not None and not lookback_days > 0:
        raise AttributionError("The lookback window must be more than zero days.")
    checked = _columns(frame)
    if consume:
        for name in frame.columns:
            frame.drop_in_place(name)
    frame = checked
    del checked
    names, codes = _channel_codes(frame.drop_in_place("channel"), grouping)
    journey = journey_codes(frame.drop_in_place("journey_id"))
    # Values and conversions sit on a few touches (a journey's last, mostly): they are
    # kept as row numbers and summed per journey, so their columns are never sorted.
    value = frame.drop_in_place("value")
    nonzero = (value != 0).arg_true()
    amounts = value.gather(nonzero).to_numpy()
    valued = nonzero.to_numpy()
    del value, nonzero
    converting = frame.drop_in_place("converted").arg_true().to_numpy()
    valued_journey, converting_journey = journey[valued], journey[converting]
    raw_ts = frame.drop_in_place("ts").to_numpy()  # int64 microseconds or float64 seconds
    del frame, valued
    per_second = 1e6 if raw_ts.dtype.kind in "iu" else 1.0
    conversion_ts = raw_ts[converting] / per_second
    del converting
    # Each journey's touches together in time order, by one sort of one integer key
    # (see ``order``): of the key's values, with the channel packed in, when no window
    # needs times exactly and the key holds them to a millisecond (if ages are kept);
    # else of row numbers, then gathered. Arrays are let go of as soon as they are
    # used: at 20M touches each is 80-160 MB.
    packed = None
    if lookback_days is None and exclude is None:
        enough = per_second / 1000 if with_ages else math.inf  # ages to a millisecond
        packed = packed_order(
            journey, raw_ts, codes, len(names), resolution=enough, with_times=with_ages
        )
    ts: np.ndarray | None
    if packed is not None:
        sorted_journey, codes, ts = packed
        del packed, journey, raw_ts
    else:
        order, sorted_journey, ts = journey_time_order(*sort_key(journey, raw_ts), raw_ts)
        del journey, raw_ts
        if order is not None:
            codes = codes[order]
            del order
    first = np.empty(len(codes), dtype=bool)
    first[0] = True
    np.not_equal(sorted_journey[1:], sorted_journey[:-1], out=first[1:])
    begins = np.flatnonzero(first)
    # Each journey's number in order, looked up by its code (codes ascend).
    count = len(begins)
    number = np.zeros(int(sorted_journey[-1]) + 1, dtype=np.int32)
    number[sorted_journey[begins]] = np.arange(count, dtype=np.int32)
    del sorted_journey
    at_conversion = number[converting_journey]
    converts = np.bincount(at_conversion, minlength=count) > 0
    worth = np.bincount(number[valued_journey], amounts, minlength=count)
    del number
    if not (with_ages or lookback_days is not None or exclude is not None):
        return _paths(
            False, names, codes, np.diff(np.r_[begins, len(codes)]), converts, worth, None
        )
    assert ts is not None, "times are kept when ages or a window need them"
    ts = ts / per_second
    journey_of = np.cumsum(first, dtype=np.int32) - 1
    del first
    last_conversion = np.full(count, -np.inf)
    np.maximum.at(last_conversion, at_conversion, conversion_ts)
    lasts = np.r_[begins[1:], len(ts)] - 1  # each journey's last touch (its latest)
    ends = np.where(converts, last_conversion, ts[lasts])
    del last_conversion

    keep: np.ndarray | None = None  # None: every touch stays (no copies)
    if lookback_days is not None:
        end = ends[journey_of]
        keep = (ts <= end) & (ts >= end - lookback_days * SECONDS_PER_DAY)
        del end
    if exclude is not None and exclude in names:
        kept = np.ones(len(ts), dtype=bool) if keep is None else keep
        other = kept & (codes != names.index(exclude))
        has_other = np.bincount(journey_of, weights=other, minlength=len(begins)) > 0
        keep = kept & (other | ~has_other[journey_of])
    dropped = keep is not None
    if keep is not None:
        codes, ts, journey_of = codes[keep], ts[keep], journey_of[keep]
        del keep
    lengths = np.bincount(journey_of, minlength=len(begins))
    assert lengths.min() > 0, "every journey keeps its last touch"
    ages32: np.ndarray | None = None
    if with_ages:
        # Ages in days as float32 (a few seconds' resolution, which no half-life
        # notices), computed in place.
        ages = ends[journey_of]
        ages -= ts
        ages /= SECONDS_PER_DAY
        ages32 = ages.astype(np.float32)
        del ages
    del journey_of, ts
    return _paths(dropped, names, codes, lengths, converts, worth, ages32)


def _paths(
    dropped: bool,
    names: list[str],
    codes: np.ndarray,
    lengths: np.ndarray,
    converts: np.ndarray,
    worth: np.ndarray,
    ages: np.ndarray | None,
) -> Paths:
    # Every name has a touch, unless a window or an exclusion ``dropped`` touches.
    used = np.bincount(codes, minlength=len(names)) > 0 if dropped else np.ones(len(names), bool)
    if not used.all():
        codes = (np.cumsum(used, dtype=np.int32) - 1)[codes]
    return Paths(
        channels=[name for name, u in zip(names, used, strict=True) if u],
        codes=codes,
        starts=np.r_[0, np.cumsum(lengths)].astype(np.int64),
        conversions=converts.astype(np.float64),
        value=np.where(converts, worth, 0.0),
        nulls=(~converts).astype(np.float64),
        ages=ages,
    )
