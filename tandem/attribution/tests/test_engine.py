"""The attribution engine: against ChannelAttribution (its stored answers), against
independent exact computations, and properties (sum rule, renaming channels, absent
channels)."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.attribution.engine import (
    MODELS,
    AttributionError,
    attribute,
    from_paths,
    from_touchpoints,
)
from tandem.attribution.engine import models as m

ROWS = [
    ("email > search > event", 3, 300.0, 10),
    ("search", 5, 250.0, 40),
    ("social > social > search", 2, 90.0, 15),
    ("direct > email", 1, 20.0, 3),
    ("event", 0, 0.0, 7),
    ("email > direct", 2, 60.0, 5),
]


def credits(rows, model, **options):
    return {(c): (conv, val) for _, c, conv, val in attribute(from_paths(rows), [model], **options)}


# ChannelAttribution's answers, stored so the tests need no C compiler to install it;
# bench/attribution_reference.py writes them again from the package itself.
REFERENCE = json.loads((Path(__file__).parent / "fixtures" / "channelattribution.json").read_text())


def test_the_reference_holds_the_paths_these_tests_use():
    assert [tuple(row) for row in REFERENCE["cases"]["six_paths"]["paths"]] == ROWS


@pytest.mark.parametrize("case", sorted(REFERENCE["cases"]))
@pytest.mark.parametrize("model", ["first_touch", "last_touch", "linear"])
def test_heuristics_equal_those_of_channelattribution(case, model):
    reference = REFERENCE["cases"][case]
    rows = [tuple(row) for row in reference["paths"]]
    theirs = reference["heuristics"][model]
    got = credits(rows, model)
    assert set(got) == set(theirs)
    for channel, (conversions, value) in got.items():
        assert conversions == pytest.approx(theirs[channel][0], abs=1e-9), channel
        assert value == pytest.approx(theirs[channel][1], abs=1e-9), channel


def _independent_markov(rows, order):
    """A dense, separately written computation: states as strings, the transition
    matrix built with dictionaries, absorption solved with numpy's dense solver."""
    counts: dict[str, dict[str, float]] = {}
    for path, conv, _value, nulls in rows:
        steps = [s.strip() for s in path.split(">")]
        previous = "(start)"
        for at in range(len(steps)):
            state = "|".join(steps[max(0, at - order + 1) : at + 1])
            counts.setdefault(previous, {}).setdefault(state, 0.0)
            counts[previous][state] += conv + nulls
            previous = state
        counts.setdefault(previous, {})
        counts[previous]["(conversion)"] = counts[previous].get("(conversion)", 0.0) + conv
        counts[previous]["(null)"] = counts[previous].get("(null)", 0.0) + nulls

    def p_conv(removed: str | None) -> float:
        transient = [s for s in counts if removed is None or removed not in s.split("|")]
        at = {s: i for i, s in enumerate(transient)}
        q = np.zeros((len(transient), len(transient)))
        r = np.zeros(len(transient))
        for s in transient:
            total = sum(counts[s].values())
            for t, c in counts[s].items():
                if t == "(conversion)":
                    r[at[s]] += c / total
                elif t in at:
                    q[at[s], at[t]] += c / total
        return float(np.linalg.solve(np.eye(len(transient)) - q, r)[at["(start)"]])

    channels = sorted({s.strip() for path, *_ in rows for s in path.split(">")})
    base = p_conv(None)
    effects = {c: 1 - p_conv(c) / base for c in channels}
    total = sum(effects.values())
    conversions = sum(r[1] for r in rows)
    return {c: effects[c] / total * conversions for c in channels}


@pytest.mark.parametrize("order", [1, 2, 3])
def test_markov_equals_an_independent_dense_solution(order):
    expected = _independent_markov(ROWS, order)
    got = credits(ROWS, "markov", order=order)
    for channel, value in expected.items():
        assert got[channel][0] == pytest.approx(value, abs=1e-9)


def _brute_shapley(rows):
    channels = sorted({s.strip() for path, *_ in rows for s in path.split(">")})

    def v(coalition):
        return sum(
            conv
            for path, conv, *_ in rows
            if {s.strip() for s in path.split(">")} <= set(coalition)
        )

    n = len(channels)
    phi = dict.fromkeys(channels, 0.0)
    for order in itertools.permutations(channels):
        for k, c in enumerate(order):
            phi[c] += (v(order[: k + 1]) - v(order[:k])) / math.factorial(n)
    return phi


def test_shapley_equals_the_average_over_every_order_of_arrival():
    expected = _brute_shapley(ROWS)
    got = credits(ROWS, "shapley")
    for channel, value in expected.items():
        assert got[channel][0] == pytest.approx(value, abs=1e-9)


def test_positional_models_follow_their_definitions():
    rows = [("a > b > c > d > e", 1, 100.0, 0)]
    u = credits(rows, "position_based")
    assert [u[c][0] for c in "abcde"] == pytest.approx([0.4, 0.2 / 3, 0.2 / 3, 0.2 / 3, 0.4])
    w = credits(rows, "w_shaped")
    assert [w[c][0] for c in "abcde"] == pytest.approx([0.3, 0.05, 0.3, 0.05, 0.3])
    z = credits(rows, "full_path")
    assert sum(z[c][0] for c in "abcde") == pytest.approx(1)
    assert sorted(z[c][0] for c in "abcde") == pytest.approx([0.1, 0.225, 0.225, 0.225, 0.225])
    decay = credits([("a > b", 3, 30.0, 0)], "time_decay", half_life=1)
    assert (decay["a"][0], decay["b"][0]) == pytest.approx((1.0, 2.0))
    lnd = credits([("email > direct", 1, 10.0, 0), ("direct", 1, 5.0, 0)], "last_non_direct")
    assert lnd["email"] == (1.0, 10.0) and lnd["direct"] == (1.0, 5.0)


# --- Properties --------------------------------------------------------------------------
channel = st.sampled_from(["email", "search", "social", "event", "direct", "partner"])
path_rows = st.lists(
    st.tuples(
        st.lists(channel, min_size=1, max_size=6).map(" > ".join),
        st.integers(0, 20),
        st.floats(0, 1000, allow_nan=False),
        st.integers(0, 20),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(path_rows, st.sampled_from(MODELS), st.integers(1, 3))
def test_every_model_credits_exactly_the_totals(rows, model, order):
    total_conv = sum(r[1] for r in rows)
    total_value = sum(r[2] for r in rows)
    got = attribute(from_paths(rows), [model], order=order)
    conv = sum(r[2] for r in got)
    value = sum(r[3] for r in got)
    if model in ("markov", "shapley") and total_conv == 0:
        assert conv == 0
        return
    assert conv == pytest.approx(total_conv, abs=1e-6)
    if model != "markov" or total_conv:
        assert value == pytest.approx(total_value, rel=1e-9, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(
    path_rows,
    st.sampled_from(MODELS),
    st.permutations(["email", "search", "social", "event", "direct", "partner"]),
)
def test_renaming_channels_renames_credits(rows, model, names):
    rename = dict(
        zip(
            ["email", "search", "social", "event", "direct", "partner"],
            [f"x{n}" for n in names],
            strict=True,
        )
    )
    renamed = [(" > ".join(rename[s] for s in p.split(" > ")), c, v, n) for p, c, v, n in rows]
    if model == "last_non_direct":
        return  # "direct" is a name with a meaning
    before = {ch: (c, v) for _, ch, c, v in attribute(from_paths(rows), [model])}
    after = {ch: (c, v) for _, ch, c, v in attribute(from_paths(renamed), [model])}
    for old, (c, v) in before.items():
        assert after[rename[old]] == pytest.approx((c, v), abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(path_rows, st.sampled_from(MODELS))
def test_a_channel_only_on_non_converting_paths_gets_nothing(rows, model):
    rows = [*rows, ("ghost > ghost", 0, 0.0, 5)]
    got = {ch: (c, v) for _, ch, c, v in attribute(from_paths(rows), [model])}
    assert got["ghost"] == pytest.approx((0.0, 0.0), abs=1e-9)


# --- Bad input ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "no paths"),
        ([("a > > b", 1, 1.0, 0)], "row 1: the path"),
        ([("a", float("nan"), 1.0, 0)], "row 1: total_conversions is not a number"),
        ([("a", 1, -5.0, 0)], "row 1: total_conversion_value is negative"),
    ],
)
def test_bad_paths_are_refused_with_the_row(rows, message):
    with pytest.raises(AttributionError, match=message):
        from_paths(rows)


def test_only_non_converting_journeys_give_zero_credit_not_an_error():
    got = attribute(from_paths([("a > b", 0, 0.0, 10)]))
    assert all(c == 0 and v == 0 for _, _, c, v in got)


def test_a_single_channel_gets_everything():
    got = attribute(from_paths([("solo", 4, 40.0, 1), ("solo > solo", 1, 10.0, 0)]))
    assert {(name, c, v) for name, _, c, v in got} == {
        (name, 5.0, 50.0) for name in (*m.HEURISTICS, "markov_1", "shapley")
    }


def test_shapley_refuses_more_channels_than_it_can_do_exactly():
    rows = [(" > ".join(f"c{i}" for i in range(17)), 1, 1.0, 0)]
    with pytest.raises(AttributionError, match="up to 16 channels"):
        attribute(from_paths(rows), ["shapley"])
    assert len(attribute(from_paths(rows), ["markov"])) == 17  # Markov copes


def test_long_paths_and_many_channels():
    rng = np.random.default_rng(3)
    rows = [
        (" > ".join(f"ch{c}" for c in rng.integers(0, 500, size=length)), 1, 1.0, 1)
        for length in (1000, 3, 7, 250)
    ]
    got = attribute(from_paths(rows), ["linear", "markov"])
    assert sum(c for name, _, c, _ in got if name == "linear") == pytest.approx(4)
    assert sum(c for name, _, c, _ in got if name == "markov_1") == pytest.approx(4)


def test_touchpoint_columns_build_journeys_in_time_order():
    paths = from_touchpoints(
        journey=["j1", "j2", "j1", "j1", "j2"],
        ts=[30, 5, 10, 20, 1],
        channel=["event", "search", "email", "search", "email"],
        converted=[True, False, False, False, False],
        value=[100.0, 0, 0, 0, 0],
    )
    named = {
        " > ".join(paths.channels[c] for c in p): (conv, nulls)
        for p, conv, nulls in zip(paths.paths, paths.conversions, paths.nulls, strict=True)
    }
    assert named == {"email > search > event": (1.0, 0.0), "email > search": (0.0, 1.0)}
    assert paths.total_value == 100.0
    with pytest.raises(AttributionError, match="row 2, value"):
        from_touchpoints(["j"] * 2, [1, 2], ["a", "b"], [True, False], [1.0, float("nan")])


# --- Touchpoint columns: the same credits as the paths they make ------------------------
touches = st.lists(
    st.tuples(
        st.integers(0, 8),  # journey
        st.integers(0, 50),  # ts (days)
        channel,
        st.booleans(),
        st.sampled_from([0.0, 10.0, 25.5]),
    ),
    min_size=1,
    max_size=40,
)


def _journeys_by_hand(rows):
    """The aggregated rows a person would write down for these touches."""
    by_journey: dict[int, list] = {}
    for at, (j, ts, ch, conv, value) in enumerate(rows):
        by_journey.setdefault(j, []).append((ts, at, ch, conv, value))
    out = []
    for touches_ in by_journey.values():
        touches_.sort()
        converts = any(t[3] for t in touches_)
        worth = sum(t[4] for t in touches_) if converts else 0.0
        out.append((" > ".join(t[2] for t in touches_), int(converts), worth, int(not converts)))
    return out


@settings(max_examples=60, deadline=None)
@given(touches, st.sampled_from(MODELS), st.integers(1, 3))
def test_touchpoints_credit_as_the_paths_they_make(rows, model, order):
    j, ts, ch, conv, value = zip(*rows, strict=True)
    days = [t * 86_400.0 for t in ts]
    ours = attribute(from_touchpoints(j, days, ch, conv, value), [model], order=order)
    if model == "time_decay":  # by time, not steps: checked against its own definition
        return
    by_hand = attribute(from_paths(_journeys_by_hand(rows)), [model], order=order)
    expected = {(r[1], part): r[2 + part] for r in by_hand for part in (0, 1)}
    assert {(r[1], part): r[2 + part] for r in ours for part in (0, 1)} == pytest.approx(
        expected, abs=1e-9
    )


def test_time_decay_by_days_before_the_conversion():
    # One journey: email 14 days before the conversion, search 7, event on the day.
    paths = from_touchpoints(
        ["j"] * 3, [0, 7 * 86_400, 14 * 86_400], ["email", "search", "event"],
        [False, False, True], [0.0, 0.0, 70.0],
    )  # fmt: skip
    got = {ch: c for _, ch, c, _ in attribute(paths, ["time_decay"], half_life=7)}
    weights = {"email": 0.25, "search": 0.5, "event": 1.0}
    total = sum(weights.values())
    assert got == pytest.approx({k: w / total for k, w in weights.items()})


def test_lookback_grouping_and_excluding_direct():
    day = 86_400.0
    columns = (
        ["a", "a", "a", "a", "b", "b"],
        [0, 20 * day, 25 * day, 30 * day, 0, day],
        ["email", "google", "direct", "bing", "direct", "direct"],
        [False, False, False, True, False, True],
        [0.0, 0.0, 0.0, 40.0, 0.0, 5.0],
    )
    plain = from_touchpoints(*columns)
    assert len(plain.codes) == 6
    windowed = from_touchpoints(*columns, lookback_days=10)
    named = [tuple(windowed.channels[c] for c in p) for p in windowed.paths]
    assert named == [("google", "direct", "bing"), ("direct", "direct")]
    assert windowed.channels == ["bing", "direct", "google"]  # e-mail's touch fell outside
    grouped = from_touchpoints(
        *columns, grouping={"google": "search", "bing": "search"}, exclude="direct"
    )
    named = [tuple(grouped.channels[c] for c in p) for p in grouped.paths]
    # Journey b had only direct visits: it keeps them, so its conversion still counts.
    assert named == [("email", "search", "search"), ("direct", "direct")]
    assert grouped.total_conversions == 2 and grouped.total_value == 45
    with pytest.raises(AttributionError, match="lookback"):
        from_touchpoints(*columns, lookback_days=0)


@pytest.mark.parametrize(
    ("column", "bad", "message"),
    [
        ("ts", [1.0, float("nan")], "row 2, ts: not a time"),
        ("channel", ["a", " "], "row 2, channel: empty"),
        ("channel", ["a", None], "row 2, channel: empty"),
        ("journey_id", ["j", None], "row 2, journey_id: empty"),
        ("value", [1.0, -3.0], "row 2, value"),
    ],
)
def test_bad_touch_columns_name_the_row(column, bad, message):
    import polars as pl

    from tandem.attribution.engine.paths import from_frame

    columns = {
        "journey_id": ["j", "j"],
        "ts": [1.0, 2.0],
        "channel": ["a", "b"],
        "converted": [True, False],
        "value": [1.0, 0.0],
        column: bad,
    }
    with pytest.raises(AttributionError, match=message):
        from_frame(pl.DataFrame(columns, strict=False))
    with pytest.raises(AttributionError, match="Missing column"):
        from_frame(pl.DataFrame({"journey_id": ["j"]}))
    with pytest.raises(AttributionError, match="no touches"):
        from_frame(pl.DataFrame(columns, strict=False).head(0))


def test_timestamps_as_times_or_text():
    import polars as pl

    from tandem.attribution.engine.paths import from_frame

    frame = pl.DataFrame(
        {
            "journey_id": [1, 1],
            "ts": ["2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z"],
            "channel": ["late", "early"],
            "converted": ["yes", "no"],
            "value": [3, None],
            "note": ["ignored", "too"],
        }
    )
    paths = from_frame(frame)
    assert [paths.channels[c] for c in paths.codes] == ["early", "late"]
    assert list(paths.ages) == [1.0, 0.0] and paths.total_value == 3
    as_times = frame.with_columns(pl.col("ts").str.to_datetime(time_zone="UTC"))
    assert list(from_frame(as_times).ages) == [1.0, 0.0]
