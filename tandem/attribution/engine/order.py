"""Putting touches in journey order: each journey's touches together, in time order,
ties in row order, with one sort of one integer key.

Sorting on two columns (journey, then time) costs polars three to four times as much as
sorting one integer column, and a stable two-key sort of 20M touches needed about 35
bytes of working memory a row. So the two are packed into one int64: the journey's
code in the high bits and the touch's time, scaled to the bits left, in the low bits.
Scaling keeps times in order but can make two close times of one journey equal, so
after the sort every journey is checked (time, then row, never decreasing) and the
few that fail are put right by an exact sort of their own rows. The result is exactly
what the two-key stable sort gives, whatever the key's resolution.

Two ways: ``packed_order`` also packs the channel into the lowest bits and sorts the
key's values (nothing to gather afterwards: the fastest, used unless exact times are
needed); ``journey_time_order`` sorts row numbers by the key, for a lookback window or
an excluded channel, which compare exact times.
"""

from __future__ import annotations

import itertools

import numpy as np
import polars as pl

KEY_BITS = 62  # a non-negative int64 with room to spare


def journey_codes(journey: pl.Series) -> np.ndarray:
    """A non-negative int64 per row, equal for equal journey ids and different for
    different ones, as small as cheaply possible (the key's high bits)."""
    if journey.dtype.is_integer():
        ids = journey.to_numpy()
        low, high = int(ids.min()), int(ids.max())
        if high - low <= 4 * len(ids) + 1_000:  # dense enough: the ids themselves
            if low >= 0 and ids.dtype == np.int64 and ids.flags.writeable:
                return ids  # a copy already (polars' own arrays are read-only)
            return np.subtract(ids, low, dtype=np.int64)
        # Sparse: their ranks (a sort, but of the ids alone).
        return (journey.rank("dense") - 1).cast(pl.Int64).to_numpy(writable=True)
    # Text: a dictionary code (hashing, no sort; what a file of text ids needs).
    return journey.cast(pl.Categorical).to_physical().to_numpy().astype(np.int64)


def sort_key(codes: np.ndarray, ts: np.ndarray) -> tuple[np.ndarray, int]:
    """(key, shift): ``codes << shift`` plus the time (int64 microseconds or float64
    seconds) scaled into ``shift`` bits. ``codes`` is consumed (shifted in place)."""
    span = int(codes.max()) + 1 if len(codes) else 1
    shift = KEY_BITS - span.bit_length()
    if shift < 16:
        raise ValueError("too many journeys for one key")  # not reached below 2**46
    if ts.dtype.kind in "iu":  # whole microseconds: integer work only
        low, high = int(ts.min()), int(ts.max())
        key = ts - low
        key >>= max(0, (high - low).bit_length() - shift)
    else:
        low_f, high_f = float(ts.min()), float(ts.max())
        scaled = ts - low_f  # a new array; ts is not changed
        if high_f > low_f:
            scaled *= ((1 << shift) - 1) / (high_f - low_f)
        key = scaled.astype(np.int64)
        del scaled
        np.minimum(key, (1 << shift) - 1, out=key)  # rounding at the top end
    np.left_shift(codes, shift, out=codes)
    key |= codes
    return key, shift


def _out_of_order(journey: np.ndarray, ts: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Positions i (in sorted order) where touch i + 1 of the same journey comes before
    touch i: earlier in time, or at the same time but an earlier row."""
    same = journey[1:] == journey[:-1]
    later, earlier = ts[1:], ts[:-1]
    bad = same & ((later < earlier) | ((later == earlier) & (rows[1:] < rows[:-1])))
    return np.flatnonzero(bad)


PART_ROWS = 2_000_000  # polars' sort needs ~31 bytes a row of working memory


def _argsort(key: np.ndarray) -> np.ndarray:
    """Row numbers in key order. A large key is sorted in parts by its top bits (one
    stable radix pass over a byte), each part alone: the parts follow one another in
    key order, and the working memory is one part's (60 MB rather than 620 at 20M)."""
    if len(key) <= PART_ROWS:
        return pl.Series(key).arg_sort().to_numpy().astype(np.intp)
    bits = min(8, (-(-len(key) // PART_ROWS) - 1).bit_length())
    part = (key >> max(0, int(key.max()).bit_length() - bits)).astype(np.uint8)
    order = np.argsort(part, kind="stable")  # a radix sort for one byte
    bounds = np.r_[0, np.cumsum(np.bincount(part, minlength=1 << bits))]
    del part
    for begin, end in itertools.pairwise(bounds):
        rows = order[begin:end]
        order[begin:end] = rows[pl.Series(key[rows]).arg_sort().to_numpy()]
    return order


def journey_time_order(
    key: np.ndarray, shift: int, ts: np.ndarray
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """(order, journey, ts) in journey order: ``order`` the row numbers (None when the
    rows already are in order: nothing to gather), ``journey`` each sorted touch's
    journey code and ``ts`` its time. Call it as ``journey_time_order(*sort_key(...),
    ts)``: the key is let go of once used."""
    if len(key) < 2 or bool((key[1:] >= key[:-1]).all()):
        journey = key >> shift
        if not len(_out_of_order(journey, ts, np.arange(len(key)))):
            return None, journey, ts
        del journey
    order = _argsort(key)
    journey = key[order]
    del key
    journey >>= shift
    sorted_ts = ts[order]
    bad = _out_of_order(journey, sorted_ts, order)
    if len(bad):
        # Journeys with touches out of order: their rows sorted exactly, by (journey,
        # time, row), into the same positions (each journey's rows are one block).
        broken = np.isin(journey, np.unique(journey[bad]))
        at = np.flatnonzero(broken)
        rows = order[at]
        exact = np.lexsort((rows, ts[rows], journey[at]))
        order[at] = rows[exact]
        sorted_ts[at] = ts[order[at]]
    return order, journey, sorted_ts


def packed_order(
    journey: np.ndarray,
    ts: np.ndarray,
    codes: np.ndarray,
    channels: int,
    *,
    resolution: float,
    with_times: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None] | None:
    """(journey, codes, times) of every touch in journey order, with no row numbers and
    nothing gathered: the channel's code rides in the key's lowest bits, below the
    time, so one sort of the key's values (no argsort) yields all three.

    Times (only ``with_times``) come back as the key holds them, in ``ts``' units to
    within the key's quantum. Touches of one journey that the key cannot tell apart
    (one time, or closer than the quantum) are put in exact order (time, then row) from
    the unsorted key and ``ts``. None when the quantum would be coarser than
    ``resolution`` (in ``ts``' units): then ``journey_time_order`` is the way.
    ``journey`` is consumed: the key is built in its place."""
    channel_bits = max(1, (channels - 1).bit_length())
    time_bits = KEY_BITS - (int(journey.max()) + 1).bit_length() - channel_bits
    if time_bits < 24:
        return None
    whole = ts.dtype.kind in "iu"
    low = int(ts.min()) if whole else float(ts.min())
    span = (int(ts.max()) - low) if whole else float(ts.max()) - low
    if whole:
        drop = max(0, int(span).bit_length() - time_bits)
        quantum = float(1 << drop)
    else:
        quantum = span / ((1 << time_bits) - 1) if span > 0 else 1.0
    if quantum > resolution:
        return None
    if whole:
        scaled = np.subtract(ts, low, dtype=np.int64)
        scaled >>= drop
    else:
        at = ts - low
        at /= quantum
        scaled = at.astype(np.int64)
        del at
        np.minimum(scaled, (1 << time_bits) - 1, out=scaled)
    key = journey  # built in place: journey, then time, then channel
    key <<= time_bits + channel_bits
    np.left_shift(scaled, channel_bits, out=scaled)
    key |= scaled
    del scaled
    key |= codes
    ordered = pl.Series(key).sort().to_numpy()  # read-only: polars' own buffer
    sorted_codes = (ordered & ((1 << channel_bits) - 1)).astype(np.int32)
    times: np.ndarray | None = None
    if with_times:
        times = ((ordered >> channel_bits) & ((1 << time_bits) - 1)) * quantum
        times += low
    # One buffer for the neighbours' differences, then for the journeys: at 20M touches
    # every array here is 160 MB.
    journeys = np.empty_like(ordered)
    np.bitwise_xor(ordered[1:], ordered[:-1], out=journeys[1:])
    journeys[1:] >>= channel_bits
    tied = np.flatnonzero(journeys[1:] == 0)  # one journey, one key time
    np.right_shift(ordered, time_bits + channel_bits, out=journeys)
    del ordered
    ordered = journeys
    if len(tied):
        # Touches of a journey at one key time: the journey's rows, in exact order
        # (time, then row), into its block of positions.
        broken = np.zeros(int(ordered[-1]) + 1, dtype=bool)
        broken[ordered[tied]] = True
        row_journey = key >> (time_bits + channel_bits)
        rows = np.flatnonzero(broken[row_journey])
        exact = rows[np.lexsort((rows, ts[rows], row_journey[rows]))]
        del row_journey
        at_tie = np.flatnonzero(broken[ordered])
        sorted_codes[at_tie] = codes[exact]
        if times is not None:
            times[at_tie] = ts[exact]
    return ordered, sorted_codes, times
