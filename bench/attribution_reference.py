"""Writes ChannelAttribution's answers for the attribution engine's tests.

tandem/attribution/tests/test_engine.py compares Tandem's first-touch, last-touch and
linear credits with ChannelAttribution's (``heuristic_models``) on the paths below. So
that the tests run without ChannelAttribution (an sdist that needs a C compiler), its
answers are stored in tandem/attribution/tests/fixtures/channelattribution.json; this
script writes that file again, e.g. after adding a case or upgrading the package:

    pip install -r requirements/bench.txt
    .venv/bin/python bench/attribution_reference.py

No Markov figures are stored: ChannelAttribution estimates Markov credits by simulation,
and the tests check Tandem's exact Markov credits against a dense solve instead.
"""

from __future__ import annotations

import argparse
import json
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tandem" / "attribution" / "tests" / "fixtures" / "channelattribution.json"

# name -> rows of (path, conversions, conversion value, journeys that did not convert)
CASES: dict[str, list[tuple[str, int, float, int]]] = {
    "six_paths": [
        ("email > search > event", 3, 300.0, 10),
        ("search", 5, 250.0, 40),
        ("social > social > search", 2, 90.0, 15),
        ("direct > email", 1, 20.0, 3),
        ("event", 0, 0.0, 7),
        ("email > direct", 2, 60.0, 5),
    ],
    "repeats_and_a_long_path": [
        ("a > b > a > b > c", 4, 123.45, 2),
        ("c > c > c", 1, 9.99, 0),
        ("b > a > d > e > f > g > h > a", 2, 1000.0, 1),
        ("h", 7, 70.7, 3),
        ("d > e", 0, 0.0, 11),
    ],
}
# Tandem's model name -> ChannelAttribution's column prefix
HEURISTICS = {"first_touch": "first_touch", "last_touch": "last_touch", "linear": "linear_touch"}


def reference(rows: list[tuple[str, int, float, int]]) -> dict[str, dict[str, list[float]]]:
    """ChannelAttribution's heuristic credits: model -> channel -> [conversions, value]."""
    import ChannelAttribution as ca
    import pandas as pd

    frame = pd.DataFrame(
        rows, columns=["path", "total_conversions", "total_conversion_value", "total_null"]
    )
    theirs = ca.heuristic_models(
        frame, "path", "total_conversions", var_value="total_conversion_value", flg_pro=False
    ).set_index("channel_name")
    return {
        ours: {
            str(channel): [
                float(theirs.loc[channel, f"{column}_conversions"]),
                float(theirs.loc[channel, f"{column}_value"]),
            ]
            for channel in sorted(theirs.index)
        }
        for ours, column in HEURISTICS.items()
    }


def _dumps(data: object, indent: str = "") -> str:
    """JSON with each list of numbers or text on one line, so a diff shows what moved."""
    inner = indent + "  "
    if isinstance(data, dict):
        items = [f"{inner}{json.dumps(k)}: {_dumps(v, inner)}" for k, v in data.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(data, list) and any(isinstance(v, (dict, list)) for v in data):
        return "[\n" + ",\n".join(inner + _dumps(v, inner) for v in data) + "\n" + indent + "]"
    return json.dumps(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=FIXTURE)
    args = parser.parse_args()
    data = {
        "generated_by": "bench/attribution_reference.py",
        "channelattribution": version("ChannelAttribution"),
        "cases": {
            name: {"paths": [list(row) for row in rows], "heuristics": reference(rows)}
            for name, rows in CASES.items()
        },
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(_dumps(data) + "\n")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
