"""Putting touches in journey order with one packed key (``engine.order``): exactly the
order of a two-key stable sort, ties and parts included."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st


def _exact_journeys(journey, ts):
    """Each journey's rows in (time, row) order: what the two-key stable sort gives."""
    rows = np.lexsort((np.arange(len(ts)), ts))
    groups: dict = {}
    for row in rows:
        groups.setdefault(journey[row], []).append(int(row))
    return groups


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 300),
    journeys=st.integers(1, 40),
    sparse=st.booleans(),
    text=st.booleans(),
    part_rows=st.sampled_from([2_000_000, 7]),
    seed=st.integers(0, 2**32 - 1),
)
def test_one_key_sort_orders_journeys_exactly(n, journeys, sparse, text, part_rows, seed):
    """The packed key (journey in the high bits, time scaled into the low ones) gives
    exactly the two-key stable order: every journey one block, in time order, ties in
    row order, even when scaling makes most times of a journey equal, and when the key
    is sorted in parts (``PART_ROWS``) as a large one is."""
    from unittest import mock

    import polars as pl

    from tandem.attribution.engine import order as order_module
    from tandem.attribution.engine.order import journey_codes, journey_time_order, sort_key

    rng = np.random.default_rng(seed)
    ids = rng.integers(0, journeys, n) * (10**9 if sparse else 1)
    journey = pl.Series([f"j{i}" for i in ids]) if text else pl.Series(ids)
    ts = rng.integers(0, 5, n).astype(float)  # many ties: row order decides
    ts[rng.random(n) < 0.3] += rng.random() * 1e-6  # closer than the key can tell apart
    ts[0] = 1e15  # one far-off time: the others share a handful of key values
    key, shift = sort_key(journey_codes(journey), ts)
    with mock.patch.object(order_module, "PART_ROWS", part_rows):
        order, codes, sorted_ts = journey_time_order(key, shift, ts)
    order = np.arange(n) if order is None else order
    assert list(sorted_ts) == list(ts[order])
    blocks: dict = {}
    for position, row in enumerate(order):
        blocks.setdefault(int(codes[position]), []).append(int(row))
    assert sorted(blocks.values()) == sorted(_exact_journeys(ids, ts).values())
    first = np.r_[True, codes[1:] != codes[:-1]]
    assert first.sum() == len(blocks)  # each journey is one block


def test_rows_already_in_journey_order_are_not_sorted_again():
    import polars as pl

    from tandem.attribution.engine.order import journey_codes, journey_time_order, sort_key

    journey = pl.Series([1, 1, 2, 2, 2, 5])
    ts = np.array([1.0, 2.0, 0.0, 0.0, 9.0, 3.0])
    key, shift = sort_key(journey_codes(journey), ts)
    order, codes, _ = journey_time_order(key, shift, ts)
    assert order is None and list(codes) == [0, 0, 1, 1, 1, 4]
    ts[1] = 0.5  # journey 1 now out of time order
    key, shift = sort_key(journey_codes(journey), ts)
    order, _, _ = journey_time_order(key, shift, ts)
    assert list(order) == [1, 0, 2, 3, 4, 5]


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 300),
    journeys=st.integers(1, 40),
    channels=st.integers(1, 300),
    microseconds=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_packed_sort_gives_each_journeys_channels_in_exact_order(
    n, journeys, channels, microseconds, seed
):
    """The channel packed below the time in one key, sorted by value: each journey's
    channels come out in (time, row) order, also where the key cannot tell times apart
    (touches at one time, or closer than its quantum)."""
    from tandem.attribution.engine.order import packed_order

    rng = np.random.default_rng(seed)
    ids = rng.integers(0, journeys, n)
    codes = rng.integers(0, channels, n).astype(np.int32)
    if microseconds:
        ts = rng.integers(0, 5, n) * 1_000_000 + (rng.random(n) < 0.3)  # 1 µs apart
        ts[0] = 2**50  # far off: the key's quantum is coarse, so close times tie
    else:
        ts = rng.integers(0, 5, n).astype(float)
        ts[rng.random(n) < 0.3] += 1e-9
        ts[0] = 1e13
    packed = packed_order(ids.copy(), ts, codes, channels, resolution=float("inf"), with_times=True)
    assert packed is not None
    journey, sorted_codes, times = packed
    exact = _exact_journeys(ids, ts)
    assert list(journey) == [j for j in sorted(exact) for _ in exact[j]]
    assert list(sorted_codes) == [codes[row] for j in sorted(exact) for row in exact[j]]
    want = np.array([ts[row] for j in sorted(exact) for row in exact[j]], dtype=float)
    assert np.allclose(times, want, rtol=0, atol=float(ts.max() - ts.min()) / 2**20 + 1e-9)
