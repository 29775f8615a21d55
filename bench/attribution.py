"""Issue 18's engine figures: ``tandem attribution`` on a touchpoint file, against the
ChannelAttribution package used as a competent analyst would use it and against the
floor, each a whole process, in one run, alternating.

The file: ``--journeys`` generated journeys (fixed seed, 12 channels, mean length about
4, rows shuffled), written once as Parquet (journey_id int64, ts timestamp, channel
text, converted, value) under ``--dir``. Then, ``--runs`` times, in rotating order:
- Tandem: ``tandem attribution --touchpoints F --model first_touch --model last_touch
  --model linear --model markov --output OUT.csv``;
- the peer (``attribution_peer.py``): paths aggregated with polars, then
  ``heuristic_models`` and ``markov_model`` (order 1, default settings);
- the floor (``attribution_floor.py``): read, sort one packed key, count the
  transitions, solve exactly; nothing else.
Each is timed from its start to its exit, its peak resident memory read from the
kernel's accounting of the child (``wait4``, as ``/usr/bin/time -v`` reports it).

Then the results are checked: Tandem's first/last/linear credits against
ChannelAttribution's, and Tandem's Markov credits against a dense solve of the same
chain built separately from the aggregated paths.

    .venv/bin/python bench/attribution.py --journeys 5000000 --runs 3
    .venv/bin/python bench/attribution.py --in-product 1000000   # database -> report
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(BENCH))

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


def touch_file(n: int, folder: Path) -> Path:
    """The Parquet file of ``n`` journeys, written once."""
    import polars as pl

    file = folder / f"journeys-{n}.parquet"
    if not file.exists():
        folder.mkdir(parents=True, exist_ok=True)
        columns = journeys(n)
        pl.DataFrame(
            {
                "journey_id": columns["journey_id"],
                "ts": pl.Series((columns["ts"] * 1e6).astype(np.int64)).cast(
                    pl.Datetime("us", "UTC")
                ),
                "channel": pl.Series(columns["channel"]).replace_strict(
                    range(len(CHANNELS)), pl.Series(CHANNELS)
                ),
                "converted": columns["converted"],
                "value": columns["value"],
            }
        ).write_parquet(file)
    return file


def whole_process(command: list[str]) -> tuple[float, float]:
    """(seconds from start to exit, peak resident MB) of a command run alone."""
    began = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - began
    error = child.stderr.read().decode() if child.stderr else ""
    if status:
        raise SystemExit(f"{command[1]} failed:\n{error[-3000:]}")
    return seconds, usage.ru_maxrss / 1024


def sides(file: Path, folder: Path) -> dict[str, list[str]]:
    python = sys.executable
    models = [a for m in ("first_touch", "last_touch", "linear", "markov") for a in ("--model", m)]
    return {
        "tandem": [
            str(Path(python).with_name("tandem")), "attribution", "--touchpoints", str(file),
            *models, "--output", str(folder / "tandem.csv"),
        ],
        "peer": [python, str(BENCH / "attribution_peer.py"), str(file), str(folder / "peer.json")],
        "floor": [python, str(BENCH / "attribution_floor.py"), str(file)],
    }  # fmt: skip


def dense_markov(file: Path) -> dict[str, float]:
    """Order-1 removal effects (as conversions) by a dense solve of a chain built with
    dictionaries from the paths aggregated as the peer aggregates them."""
    from attribution_peer import aggregated_paths

    paths = aggregated_paths(str(file)).rows()
    channels = sorted({s.strip() for p, *_ in paths for s in p.split(">")})
    states = ["(start)", *channels]
    at = {s: i for i, s in enumerate(states)}
    counts = np.zeros((len(states), len(states) + 2))  # + conversion, null
    for path, conv, _value, nulls in paths:
        weight = conv + nulls
        previous = 0
        for step in (at[s.strip()] for s in path.split(">")):
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
        return float(np.linalg.solve(np.eye(len(keep)) - q, probability[keep, -2])[0])

    base = p_conv(None)
    effects = {c: 1 - p_conv(at[c]) / base for c in channels}
    total_effect = sum(effects.values())
    conversions = sum(p[1] for p in paths)
    return {c: e / total_effect * conversions for c, e in effects.items()}


def check(file: Path, folder: Path) -> None:
    with (folder / "tandem.csv").open() as stream:
        credit = {
            (r["model"], r["channel"]): (float(r["conversions"]), float(r["value"]))
            for r in csv.DictReader(stream)
        }
    theirs = json.loads((folder / "peer.json").read_text())
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
    exact = dense_markov(file)
    markov_worst = max(abs(credit[("markov_1", c)][0] - v) / max(1.0, v) for c, v in exact.items())
    print(
        f"Markov order 1 vs a dense solve of the same chain: "
        f"largest relative difference {markov_worst:.2e}"
    )
    sim = {row["channel_name"]: row["total_conversions"] for row in theirs["markov"]}
    sim_worst = max(abs(sim[c] - v) / max(1.0, v) for c, v in exact.items())
    print(f"(ChannelAttribution's Markov, by simulation, differs from exact by {sim_worst:.2e})")


def compare(n: int, runs: int, folder: Path) -> None:
    # The file is written and the answers checked by processes of their own: a child's
    # peak is read from the kernel, which counts what it shared with a large parent.
    here = [sys.executable, __file__, "--journeys", str(n), "--dir", str(folder)]
    subprocess.run([*here, "--make"], check=True)
    file = touch_file(n, folder)
    commands = sides(file, folder)
    names = list(commands)
    times: dict[str, list[float]] = {name: [] for name in names}
    peaks: dict[str, list[float]] = {name: [] for name in names}
    print(f"\n{n:,} journeys in {file} ({file.stat().st_size / 2**20:,.0f} MB)")
    for run in range(runs):
        order = names[run % 3 :] + names[: run % 3]
        for name in order:
            seconds, peak = whole_process(commands[name])
            times[name].append(seconds)
            peaks[name].append(peak)
        load = os.getloadavg()[0]
        print(
            f"run {run + 1} ({' -> '.join(order)}; load {load:.1f}): "
            + ", ".join(f"{k} {times[k][-1]:.2f} s / {peaks[k][-1]:,.0f} MB" for k in names)
            + f"; Tandem/peer {times['tandem'][-1] / times['peer'][-1]:.3f}, "
            f"Tandem/floor {times['tandem'][-1] / times['floor'][-1]:.2f}"
        )
    median = {k: statistics.median(v) for k, v in times.items()}
    print(
        f"median of {runs}: Tandem {median['tandem']:.2f} s (peak {max(peaks['tandem']):,.0f} MB), "
        f"peer {median['peer']:.2f} s (peak {max(peaks['peer']):,.0f} MB), "
        f"floor {median['floor']:.2f} s (peak {max(peaks['floor']):,.0f} MB)"
    )
    print(
        f"ratios of medians: Tandem/peer {median['tandem'] / median['peer']:.3f} (bar 0.33), "
        f"Tandem/floor {median['tandem'] / median['floor']:.2f} (bar 1.5), "
        f"peak {max(peaks['tandem']):,.0f} MB (bar 1,536)"
    )
    subprocess.run([*here, "--check"], check=True)


def in_product(touches: int) -> None:
    """From the database to a cached report: the period (ending today) is widened until
    about ``touches`` touchpoints fall in it, then the report job runs in-process."""
    from common import database, setup

    setup()
    from django.db import connection
    from django.utils import timezone

    from tandem.attribution import reports
    from tandem.attribution.journeys import REVENUE, Scope
    from tandem.attribution.models import AttributionReport
    from tandem.campaigns.models import Touchpoint

    if connection.vendor == "postgresql":
        # As autovacuum does after bulk inserts: the visibility map lets the window be
        # read from the touches' covering index alone.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) campaigns_touchpoint")
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
    parser.add_argument("--journeys", type=int, nargs="+", default=[5_000_000])
    parser.add_argument("--runs", type=int, default=3)
    folder = Path(tempfile.gettempdir()) / "tandem-attribution-bench"
    parser.add_argument("--dir", type=Path, default=folder, help="where the files go")
    parser.add_argument(
        "--in-product", type=int, metavar="TOUCHES", help="time database -> cached report"
    )
    parser.add_argument("--make", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--check", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        touch_file(args.journeys[0], args.dir)
        return
    if args.check:
        check(touch_file(args.journeys[0], args.dir), args.dir)
        return
    if args.in_product:
        in_product(args.in_product)
        return
    for n in args.journeys:
        compare(n, args.runs, args.dir)


if __name__ == "__main__":
    main()
