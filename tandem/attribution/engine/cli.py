"""``tandem attribution``: every model over an analyst's file, one CSV row per model and
channel (model,channel,conversions,value).

    tandem attribution --paths FILE.csv | --touchpoints FILE.(csv|parquet)
        [--model NAME ...] [--order N] [--half-life DAYS] [--output FILE.csv]
        [--lookback-days N] [--group CHANNEL=GROUP ...] [--exclude CHANNEL]

It needs no database, so ``tandem.cli`` runs it without starting Django (about 1.7 s of
a run at 20M touches went on that); ``manage.py attribution`` is the same command
through Django's management commands (``management/commands/attribution.py``).
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import Any, Protocol

from tandem.attribution.engine import MODELS, AttributionError, attribute
from tandem.attribution.engine.files import read_paths, read_touchpoints
from tandem.core.spreadsheets import safe_cell

HELP = "Attribute conversions to channels with every model, from a file."


class Writer(Protocol):
    def write(self, text: str) -> object: ...


class UsageError(ValueError):
    """Options that do not go together, with a message naming them."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--paths", type=Path, help="aggregated paths: path,total_conversions,...")
    source.add_argument(
        "--touchpoints", type=Path, help="CSV or Parquet with journey_id,ts,channel,converted,value"
    )
    parser.add_argument(
        "--model", action="append", default=[], help=f"repeatable, or all: {', '.join(MODELS)}"
    )
    parser.add_argument("--order", type=int, default=1, help="Markov order (1-3)")
    parser.add_argument(
        "--half-life",
        type=float,
        default=None,
        help="time decay: days for touchpoints (default 7), steps for paths (default 1)",
    )
    parser.add_argument("--lookback-days", type=float, help="touchpoints: days before the end")
    parser.add_argument(
        "--group",
        action="append",
        default=[],
        metavar="CHANNEL=GROUP",
        help="touchpoints: count CHANNEL as GROUP (repeatable)",
    )
    parser.add_argument("--exclude", metavar="CHANNEL", help="touchpoints: e.g. direct")
    parser.add_argument("--output", type=Path, help="CSV to write (default: standard output)")


def run(options: dict[str, Any], stdout: Writer, stderr: Writer) -> None:
    """Read, attribute and write; ``UsageError`` or ``AttributionError`` say what is
    wrong with the options or the file."""
    chosen = options["model"] or ["all"]
    models = list(MODELS) if "all" in chosen else chosen
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        raise UsageError(f"No model {unknown[0]!r}; choose from {', '.join(MODELS)} or all.")
    grouping = {}
    for pair in options["group"]:
        channel, _, group = pair.partition("=")
        if not channel.strip() or not group.strip():
            raise UsageError(f"--group {pair!r}: write it as CHANNEL=GROUP.")
        grouping[channel.strip()] = group.strip()
    touch_options = {
        "lookback_days": options["lookback_days"],
        "grouping": grouping,
        "exclude": options["exclude"],
    }
    if options["paths"] and any(touch_options.values()):
        raise UsageError("--lookback-days, --group and --exclude need --touchpoints.")
    half_life = options["half_life"]
    if half_life is None:
        half_life = 1.0 if options["paths"] else 7.0
    paths = (
        read_paths(options["paths"])
        if options["paths"]
        else read_touchpoints(
            options["touchpoints"], with_ages="time_decay" in models, **touch_options
        )
    )
    rows = attribute(paths, models, order=options["order"], half_life=half_life)
    target = options["output"]
    stream: Any = target.open("w", newline="", encoding="utf-8") if target else stdout
    try:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["model", "channel", "conversions", "value"])
        for model, channel, conversions, value in rows:
            # A channel named "=HYPERLINK(...)" must not become a formula in Excel.
            writer.writerow([model, safe_cell(channel), f"{conversions:.15g}", f"{value:.15g}"])
    finally:
        if target:
            stream.close()
    if target:
        stderr.write(f"Wrote {len(rows)} rows to {target}.\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tandem attribution", description=HELP)
    add_arguments(parser)
    options = vars(parser.parse_args(argv))
    try:
        run(options, sys.stdout, sys.stderr)
    except (UsageError, AttributionError) as exc:
        sys.stderr.write(f"tandem attribution: {exc}\n")
        return 1
    return 0
