"""Tandem's attribution engine: pure Python and numpy/scipy, no Django.

    from tandem.attribution.engine import attribute, from_paths
    rows = attribute(from_paths([("email > search", 3, 300.0, 10)]), models=["linear"])

Each row is (model, channel, conversions, value); see ``models`` for the definitions.
"""

from __future__ import annotations

from collections.abc import Iterable

from tandem.attribution.engine import models as m
from tandem.attribution.engine.paths import AttributionError, Paths, from_paths, from_touchpoints

MODELS = (*m.HEURISTICS, "markov", "shapley")
PER_PATH = ("first_touch", "last_touch", "markov")

__all__ = ["MODELS", "AttributionError", "Paths", "attribute", "from_paths", "from_touchpoints"]


def attribute(
    paths: Paths,
    models: Iterable[str] = MODELS,
    *,
    order: int = 1,
    half_life: float = 1.0,
    first: float = 0.4,
    last: float = 0.4,
    direct: str = "direct",
) -> list[tuple[str, str, float, float]]:
    rows: list[tuple[str, str, float, float]] = []
    for name in models:
        # Models that weigh every touch read only the converting paths (a copy, made
        # once, a quarter of the touches typically); first and last read each path's
        # ends, and Markov needs every path.
        converting = paths if name in PER_PATH else paths.converting
        if name == "markov":
            credits = m.markov(paths, order)
            name = f"markov_{order}"
        elif name == "shapley":
            credits = m.shapley(converting)
        elif name == "time_decay":
            credits = m.time_decay(converting, half_life)
        elif name == "position_based":
            credits = m.position_based(converting, first, last)
        elif name == "last_non_direct":
            credits = m.last_non_direct(converting, direct)
        elif name in m.HEURISTICS:
            credits = m.HEURISTICS[name](converting)
        else:
            raise AttributionError(f"No model {name!r}; choose from {', '.join(MODELS)}.")
        conversions, value = credits
        rows += [
            (name, channel, float(conversions[i]), float(value[i]))
            for i, channel in enumerate(paths.channels)
        ]
    return rows
