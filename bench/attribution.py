"""Issue 5's engine figures: Tandem's attribution engine against the ChannelAttribution
package on the same generated journeys (fixed seed, 12 channels, mean length about 4).

From the touchpoint columns in memory, each side is timed end to end in a process of
its own; its peak memory is measured from just before it starts (the input columns,
which stay in memory, count; the generator's arrays do not):
- Tandem: building the paths from the columns, all eight heuristic models and the
  exact Markov model of order 1.
- ChannelAttribution: the usual path aggregation with pandas (sort, join each
  journey's channels with " > ", total per path), then ``heuristic_models`` and
  ``markov_model`` (order 1, default settings).

Then the results are checked: Tandem's first/last/linear credits against
ChannelAttribution's, and Tandem's Markov credits against a dense solve of the same
chain built separately from ChannelAttribution's aggregated paths.

    .venv/bin/python bench/attribution.py --journeys 1000000 5000000
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

CHANNELS = [
    "email", "paid_search", "organic", "social", "display", "event",
    "webinar", "partner", "direct", "referral", "affiliate", "call_centre",
]  # fmt: skip


def journeys(n: int, seed: int = 2026) -> dict[str, np.ndarray]:
    """Touch columns for ``n`` journeys, rows shuffled (the engine sorts them)."""
    rng = np.random.default_rng(seed)
    lengths = 1 + rng.poisson(3.0, size=n)  # mean 4
    popularity = rng.dirichlet(np.full(len(CHANNELS), 2.0))
    codes = rng.choice(len(CHANNELS), size=int(lengths.sum()), p=popularity)
    journey = np.repeat(np.arange(n, dtype=np.int64), lengths)
    # Channels differ in how much they help: a journey converts with a logistic chance.
    lift = rng.normal(0.0, 0.6, size=len(CHANNELS))
    score = np.bincount(journey, weights=lift[codes], minlength=n)
    converts = rng.random(n) < 1 / (1 + np.exp(-(score - 2.5)))
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    gaps = rng.exponential(2 * 86_400.0, size=len(codes))
    ts = np.cumsum(gaps)
    ts -= np.repeat(ts[starts] - rng.uniform(0, 365 * 86_400.0, size=n), lengths)
    last = starts + lengths - 1
    converted = np.zeros(len(codes), dtype=bool)
    converted[last[converts]] = True
    value = np.zeros(len(codes))
    value[last[converts]] = np.round(rng.lognormal(6.0, 1.0, size=int(converts.sum())), 2)
    shuffle = rng.permutation(len(codes))
    return {
        "journey_id": journey[shuffle],
        "ts": ts[shuffle],
        "channel": codes[shuffle],
        "converted": converted[shuffle],
        "value": value[shuffle],
    }


def reset_peak() -> None:
    """Start measuring the peak from here: the generator's own arrays are gone, the
    input columns stay (and count). Linux resets VmHWM on writing 5 to clear_refs."""
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")


def peak_mb() -> float:
    """The largest resident size since ``reset_peak``, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_tandem(n: int) -> dict:
    import polars as pl

    from tandem.attribution.engine import attribute
    from tandem.attribution.engine.paths import from_frame

    columns = journeys(n)
    names = pl.Series(CHANNELS)
    frame = pl.DataFrame(
        {
            **columns,
            "channel": pl.Series(columns["channel"]).replace_strict(range(len(CHANNELS)), names),
        }
    )
    del columns
    input_mb = frame.estimated_size() / 2**20
    reset_peak()
    began = time.perf_counter()
    paths = from_frame(frame)
    built = time.perf_counter() - began
    from tandem.attribution.engine import models

    rows = attribute(paths, [*models.HEURISTICS, "markov"], order=1)
    total = time.perf_counter() - began
    return {
        "touches": len(paths.codes),
        "journeys": len(paths.lengths),
        "conversions": paths.total_conversions,
        "input_mb": input_mb,
        "build_s": built,
        "total_s": total,
        "peak_mb": peak_mb(),
        "rows": rows,
    }


def run_channelattribution(n: int) -> dict:
    import ChannelAttribution as ca
    import pandas as pd

    columns = journeys(n)
    frame = pd.DataFrame(
        {**columns, "channel": np.array(CHANNELS, dtype=object)[columns["channel"]]}
    )
    del columns
    reset_peak()
    began = time.perf_counter()
    ordered = frame.sort_values(["journey_id", "ts"], kind="stable")
    per_journey = ordered.groupby("journey_id", sort=False).agg(
        path=("channel", " > ".join), converted=("converted", "any"), value=("value", "sum")
    )
    per_journey["null"] = ~per_journey["converted"]
    per_journey["value"] = per_journey["value"].where(per_journey["converted"], 0.0)
    paths = (
        per_journey.groupby("path")
        .agg(
            total_conversions=("converted", "sum"),
            total_conversion_value=("value", "sum"),
            total_null=("null", "sum"),
        )
        .reset_index()
    )
    aggregated = time.perf_counter() - began
    heuristic = ca.heuristic_models(
        paths, "path", "total_conversions", var_value="total_conversion_value", flg_pro=False
    )
    markov = ca.markov_model(
        paths,
        "path",
        "total_conversions",
        var_value="total_conversion_value",
        var_null="total_null",
        order=1,
        verbose=False,
        flg_pro=False,
    )
    total = time.perf_counter() - began
    return {
        "aggregate_s": aggregated,
        "total_s": total,
        "peak_mb": peak_mb(),
        "distinct_paths": len(paths),
        "heuristic": heuristic.to_dict("records"),
        "markov": markov.to_dict("records"),
        # Not timed: the exact answer, from these aggregated paths by a separate route.
        "exact_markov": dense_markov(
            list(
                paths[
                    ["path", "total_conversions", "total_conversion_value", "total_null"]
                ].itertuples(index=False, name=None)
            )
        ),
    }


def dense_markov(paths: list[tuple[str, float, float, float]]) -> dict[str, float]:
    """Order-1 removal effects by a dense solve of a chain built with dictionaries."""
    channels = sorted({s.strip() for p, *_ in paths for s in p.split(">")})
    states = ["(start)", *channels]
    at = {s: i for i, s in enumerate(states)}
    counts = np.zeros((len(states), len(states) + 2))  # + conversion, null
    for path, conv, _value, nulls in paths:
        steps = [at[s.strip()] for s in path.split(">")]
        weight = conv + nulls
        previous = 0
        for step in steps:
            counts[previous, step] += weight
            previous = step
        counts[previous, -2] += conv
        counts[previous, -1] += nulls
    totals = counts.sum(axis=1, keepdims=True)
    totals[totals == 0] = 1
    probability = counts / totals

    def p_conv(removed: int | None) -> float:
        keep = [i for i in range(len(states)) if i != removed]
        q = probability[np.ix_(keep, keep)]
        r = probability[keep, -2]
        return float(np.linalg.solve(np.eye(len(keep)) - q, r)[0])

    base = p_conv(None)
    effects = {c: 1 - p_conv(at[c]) / base for c in channels}
    total_effect = sum(effects.values())
    conversions = sum(p[1] for p in paths)
    return {c: e / total_effect * conversions for c, e in effects.items()}


def child(side: str, n: int) -> None:
    result = run_tandem(n) if side == "tandem" else run_channelattribution(n)
    print(json.dumps(result, default=float))


def measure(side: str, n: int) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", side, "--journeys", str(n)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"{side} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare(n: int) -> None:
    ours = measure("tandem", n)
    theirs = measure("channelattribution", n)
    print(
        f"\n{n:,} journeys, {ours['touches']:,} touches, {ours['conversions']:,.0f} "
        f"conversions, {theirs['distinct_paths']:,} distinct paths; input columns "
        f"{ours['input_mb']:,.0f} MB in polars"
    )
    print(
        f"Tandem:             {ours['total_s']:7.2f} s end to end "
        f"(paths from columns {ours['build_s']:.2f} s); peak {ours['peak_mb']:,.0f} MB"
    )
    print(
        f"ChannelAttribution: {theirs['total_s']:7.2f} s end to end "
        f"(pandas path aggregation {theirs['aggregate_s']:.2f} s); "
        f"peak {theirs['peak_mb']:,.0f} MB"
    )
    print(f"ratio: Tandem is {theirs['total_s'] / ours['total_s']:.1f}x faster")

    credit = {(m, c): (conv, value) for m, c, conv, value in ours["rows"]}
    worst = 0.0
    for row in theirs["heuristic"]:
        for ours_name, theirs_name in (
            ("first_touch", "first_touch"),
            ("last_touch", "last_touch"),
            ("linear", "linear_touch"),
        ):
            mine = credit[(ours_name, row["channel_name"])]
            for part, suffix in ((0, "conversions"), (1, "value")):
                expected = row[f"{theirs_name}_{suffix}"]
                worst = max(worst, abs(mine[part] - expected) / max(1.0, abs(expected)))
    print(f"heuristics vs ChannelAttribution: largest relative difference {worst:.2e}")
    exact = theirs["exact_markov"]
    markov_worst = max(abs(credit[("markov_1", c)][0] - v) / max(1.0, v) for c, v in exact.items())
    print(
        f"Markov order 1 vs a dense solve of the same chain: "
        f"largest relative difference {markov_worst:.2e}"
    )
    sim = {row["channel_name"]: row["total_conversions"] for row in theirs["markov"]}
    sim_worst = max(abs(sim[c] - v) / max(1.0, v) for c, v in exact.items())
    print(
        f"(ChannelAttribution's Markov, by simulation, differs from exact by up to {sim_worst:.2e})"
    )


def in_product(touches: int) -> None:
    """From the database to a cached report: the period (ending today) is widened until
    about ``touches`` touchpoints fall in it, then the report job runs in-process."""
    from common import database, setup

    setup()
    from django.utils import timezone

    from tandem.attribution import reports
    from tandem.attribution.journeys import REVENUE, Scope
    from tandem.attribution.models import AttributionReport
    from tandem.campaigns.models import Touchpoint

    today = timezone.localdate()
    days = 30
    while days < 3650:
        since = timezone.now() - timedelta(days=days)
        if Touchpoint.objects.filter(occurred_at__gte=since).count() >= touches:
            break
        days = int(days * 1.5)
    in_period = Touchpoint.objects.filter(occurred_at__gte=timezone.now() - timedelta(days=days))
    print(f"\nin product ({database()}): {days} days ending today, {in_period.count():,} touches")
    for conversion in ("pipeline", REVENUE):
        scope = Scope(
            conversion=conversion, start=today - timedelta(days=days - 1), end=today,
            lookback_days=90,
        )  # fmt: skip
        report, _ = AttributionReport.objects.get_or_create(
            key=reports.scope_key(scope),
            defaults={"scope": scope.as_dict(), "viewed_at": timezone.now()},
        )
        began = time.perf_counter()
        reports.compute(report)
        took = time.perf_counter() - began
        report.refresh_from_db()
        print(
            f"{conversion}: {report.totals['conversions']:,} conversions, "
            f"{report.totals['journeys']:,} journeys, all models cached in {took:.1f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--journeys", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--child", choices=["tandem", "channelattribution"])
    parser.add_argument(
        "--in-product", type=int, metavar="TOUCHES", help="time database -> cached report"
    )
    args = parser.parse_args()
    if args.in_product:
        in_product(args.in_product)
        return
    if args.child:
        child(args.child, args.journeys[0])
        return
    for n in args.journeys:
        compare(n)


if __name__ == "__main__":
    main()
