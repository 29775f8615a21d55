"""The floors of ``bench/attribution.py``: the least work an exact order-1 Markov
attribution of a touchpoint file needs, as a whole process with polars and numpy: no
checks, no other model, no value, nothing written; integer journey ids assumed.

- ``packed`` (the floor of record): read the four columns it needs; sort one int64 key
  per touch (journey, then time, then channel, packed into its bits: the least sorting
  known here); count the first-order transitions (start -> channel -> ... ->
  conversion or null) with one ``bincount``; solve the absorbing chain exactly, once
  per channel removed.
- ``plain``: the same with the sort a polars user writes first, ``sort("journey_id",
  "ts")`` of the frame (for reference: it is 2-3x the packed floor).

    python bench/attribution_floor.py FILE.parquet [packed|plain]
"""

import sys

import numpy as np
import polars as pl


def solve(counts: np.ndarray, k: int, conversions: float) -> np.ndarray:
    """Removal effects of the k channels as shares of the conversions. States: 0 start,
    1..k channels, k + 1 conversion, k + 2 null."""
    matrix = counts.reshape(k + 3, k + 3)
    matrix = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)

    def conversion(removed: int | None) -> float:
        keep = [s for s in range(k + 1) if s != removed]
        q = matrix[np.ix_(keep, keep)]
        return float(np.linalg.solve(np.eye(len(keep)) - q, matrix[keep, k + 1])[0])

    base = conversion(None)
    effects = np.array([1 - conversion(c + 1) / base for c in range(k)])
    return effects / effects.sum() * conversions


def count(first: np.ndarray, state: np.ndarray, converts: np.ndarray, k: int) -> np.ndarray:
    """Transitions of the journeys (``first`` marks each one's first touch; ``state``
    is each touch's channel + 1, in journey and time order)."""
    size = k + 3
    previous = np.roll(state, 1)
    previous[first] = 0
    counts = np.bincount(previous * size + state, minlength=size * size).astype(float)
    last = state[np.r_[np.flatnonzero(first)[1:], len(state)] - 1]
    counts += np.bincount(last * size + np.where(converts, k + 1, k + 2), minlength=size * size)
    return counts


def packed(file: str) -> np.ndarray:
    touches = pl.scan_parquet(file).select(
        "journey_id",
        pl.col("ts").dt.epoch("us"),
        pl.col("channel").cast(pl.Categorical).to_physical(),
        "converted",
    )
    frame = touches.collect()
    codes = frame["channel"].to_numpy().astype(np.int64)  # a fresh process: 0 .. k - 1
    k = int(codes.max()) + 1
    journey = frame["journey_id"].to_numpy()
    low_journey = int(journey.min())
    converting = journey[frame["converted"].to_numpy()] - low_journey
    ts = frame["ts"].to_numpy()
    del frame
    channel_bits = max(1, (k - 1).bit_length())
    time_bits = 62 - (int(journey.max()) - low_journey + 1).bit_length() - channel_bits
    low = int(ts.min())
    drop = max(0, (int(ts.max()) - low).bit_length() - time_bits)
    key = journey - low_journey
    key <<= time_bits + channel_bits
    key |= ((ts - low) >> drop) << channel_bits
    key |= codes
    del journey, ts, codes
    ordered = pl.Series(key).sort().to_numpy()
    del key
    journeys = ordered >> (time_bits + channel_bits)
    first = np.r_[True, journeys[1:] != journeys[:-1]]
    converts = np.zeros(int(journeys[-1]) + 1, dtype=bool)
    converts[converting] = True
    converts = converts[journeys[first]]
    del journeys
    state = (ordered & ((1 << channel_bits) - 1)) + 1
    return solve(count(first, state, converts, k), k, float(converts.sum()))


def plain(file: str) -> np.ndarray:
    touches = (
        pl.scan_parquet(file)
        .select("journey_id", "ts", pl.col("channel").cast(pl.Categorical), "converted")
        .sort("journey_id", "ts")
        .collect()
    )
    journey = touches["journey_id"].to_numpy()
    first = np.r_[True, journey[1:] != journey[:-1]]
    del journey
    codes = touches["channel"].to_physical().to_numpy().astype(np.int64)  # 0 .. k - 1
    converts = np.logical_or.reduceat(touches["converted"].to_numpy(), np.flatnonzero(first))
    del touches
    k = int(codes.max()) + 1
    return solve(count(first, codes + 1, converts, k), k, float(converts.sum()))


if __name__ == "__main__":
    way = sys.argv[2] if len(sys.argv) > 2 else "packed"
    print(packed(sys.argv[1]) if way == "packed" else plain(sys.argv[1]))
