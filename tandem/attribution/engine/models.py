"""Attribution models over ``Paths``. Each returns, per channel, the conversions and the
value it is credited with; every model's credits add up to the total conversions and
the total value (for Markov and Shapley when some path converted at all).

Heuristic models give each position of a path a weight (the weights of a path sum to
1); a channel's credit is the sum over paths of its positions' weights times the path's
conversions (or value). A channel seen twice in a path is credited twice, as in the
``ChannelAttribution`` package.

Markov removal effect (order k): the journeys are a Markov chain whose states are the
last k channels seen (shorter at a journey's start) with absorbing states "conversion"
and "null". P = the probability of reaching conversion from the start, solved exactly
from the absorbing chain (I - Q) x = r as one sparse linear system. Removing a channel
sends every transition into a state that contains it to "null"; its removal effect is
1 - P_without / P, and credits are the removal effects normalised to the totals.

Shapley value: the game v(S) = conversions (value) of the journeys whose channels all
lie in S. phi_c = sum over S not containing c of |S|! (n - |S| - 1)! / n! (v(S + c) - v(S)),
computed exactly for up to 16 channels with a subset-sum (zeta) transform over 2^n masks.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import scipy.sparse as sparse
import scipy.sparse.linalg as sparse_linalg

from tandem.attribution.engine.paths import AttributionError, Paths

Weights = Callable[[int], np.ndarray]  # path length -> weight per position


def _by_position(
    paths: Paths, weights: Callable[[tuple[int, ...]], np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    n = len(paths.channels)
    conversions, value = np.zeros(n), np.zeros(n)
    for path, conv, worth in zip(paths.paths, paths.conversions, paths.value, strict=True):
        if conv == 0 and worth == 0:
            continue
        w = weights(path)
        at = np.asarray(path, dtype=np.intp)  # a tuple would index dimensions
        np.add.at(conversions, at, w * conv)
        np.add.at(value, at, w * worth)
    return conversions, value


def _one_hot(length: int, at: int) -> np.ndarray:
    w = np.zeros(length)
    w[at] = 1.0
    return w


def first_touch(paths: Paths) -> tuple[np.ndarray, np.ndarray]:
    return _by_position(paths, lambda p: _one_hot(len(p), 0))


def last_touch(paths: Paths) -> tuple[np.ndarray, np.ndarray]:
    return _by_position(paths, lambda p: _one_hot(len(p), len(p) - 1))


def last_non_direct(paths: Paths, direct: str = "direct") -> tuple[np.ndarray, np.ndarray]:
    """The last touch that is not ``direct`` (or the last touch, when all are)."""
    code = paths.channels.index(direct) if direct in paths.channels else -1

    def weights(p: tuple[int, ...]) -> np.ndarray:
        for at in range(len(p) - 1, -1, -1):
            if p[at] != code:
                return _one_hot(len(p), at)
        return _one_hot(len(p), len(p) - 1)

    return _by_position(paths, weights)


def linear(paths: Paths) -> tuple[np.ndarray, np.ndarray]:
    return _by_position(paths, lambda p: np.full(len(p), 1.0 / len(p)))


def time_decay(paths: Paths, half_life: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Each touch weighs 0.5 ** (steps before the last touch / half_life)."""
    if not half_life > 0:
        raise AttributionError("The half-life must be more than zero.")

    def weights(p: tuple[int, ...]) -> np.ndarray:
        w = 0.5 ** (np.arange(len(p) - 1, -1, -1) / half_life)
        return w / w.sum()

    return _by_position(paths, weights)


def _milestones(length: int, shares: tuple[float, ...], rest: float) -> np.ndarray:
    """Weights with ``shares`` on evenly spread milestone positions (first and last
    included) and ``rest`` shared by the other touches; short paths share equally
    among milestones, renormalised."""
    k = len(shares)
    if length <= k:
        if length == 1:
            return np.ones(1)
        picked = np.array(shares[:1] + shares[k - length + 1 :]) if length < k else np.array(shares)
        return picked / picked.sum()
    at = np.round(np.linspace(0, length - 1, k)).astype(int)
    w = np.full(length, rest / (length - k))
    w[at] = shares
    return w


def position_based(
    paths: Paths, first: float = 0.4, last: float = 0.4
) -> tuple[np.ndarray, np.ndarray]:
    """U-shaped: ``first`` to the first touch, ``last`` to the last, the rest shared by
    the touches between; a two-touch path splits in proportion first : last."""
    if first < 0 or last < 0 or first + last > 1:
        raise AttributionError("First and last shares must be at least 0 and add up to at most 1.")

    def weights(p: tuple[int, ...]) -> np.ndarray:
        if len(p) == 1:
            return np.ones(1)
        if len(p) == 2:
            total = first + last
            return np.array([first, last]) / total if total else np.full(2, 0.5)
        w = np.full(len(p), (1 - first - last) / (len(p) - 2))
        w[0], w[-1] = first, last
        return w

    return _by_position(paths, weights)


def w_shaped(paths: Paths) -> tuple[np.ndarray, np.ndarray]:
    """30 % each to the first, middle and last touch, 10 % shared by the others."""
    return _by_position(paths, lambda p: _milestones(len(p), (0.3, 0.3, 0.3), 0.1))


def full_path(paths: Paths) -> tuple[np.ndarray, np.ndarray]:
    """Z-shaped: 22.5 % each to four milestones (first, a third in, two thirds in, last),
    10 % shared by the others."""
    return _by_position(paths, lambda p: _milestones(len(p), (0.225,) * 4, 0.1))


# --- Markov ------------------------------------------------------------------------------
START, CONVERSION, NULL = 0, 1, 2


def _chain(paths: Paths, order: int) -> tuple[list[tuple[int, ...]], sparse.csr_matrix]:
    """States (k-grams, index 3 on) and the row-normalised transition matrix."""
    if order not in (1, 2, 3):
        raise AttributionError("The Markov order must be 1, 2 or 3.")
    index: dict[tuple[int, ...], int] = {}
    rows: list[int] = []
    cols: list[int] = []
    counts: list[float] = []
    for path, conv, nulls in zip(paths.paths, paths.conversions, paths.nulls, strict=True):
        weight = conv + nulls
        if weight == 0:
            continue
        previous = START
        for at in range(len(path)):
            state = path[max(0, at - order + 1) : at + 1]
            code = index.setdefault(state, len(index) + 3)
            rows.append(previous)
            cols.append(code)
            counts.append(weight)
            previous = code
        for target, amount in ((CONVERSION, conv), (NULL, nulls)):
            if amount:
                rows.append(previous)
                cols.append(target)
                counts.append(amount)
    size = len(index) + 3
    matrix = sparse.csr_matrix((counts, (rows, cols)), shape=(size, size))
    totals = np.asarray(matrix.sum(axis=1)).ravel()
    totals[totals == 0] = 1
    matrix = sparse.diags(1 / totals) @ matrix
    return list(index), matrix.tocsr()


def conversion_probability(matrix: sparse.csr_matrix, keep: np.ndarray) -> float:
    """P(reaching CONVERSION from START) when only the transient states where ``keep``
    is true remain; transitions into removed states go to null (they are dropped)."""
    transient = np.flatnonzero(keep)
    transient = np.r_[START, transient[transient > NULL]]
    q = matrix[transient][:, transient]
    r = np.asarray(matrix[transient][:, [CONVERSION]].todense()).ravel()
    system = sparse.identity(len(transient), format="csc") - q.tocsc()
    x = sparse_linalg.spsolve(system, r)
    return float(np.atleast_1d(x)[0])


def markov(paths: Paths, order: int = 1) -> tuple[np.ndarray, np.ndarray]:
    states, matrix = _chain(paths, order)
    n = len(paths.channels)
    keep_all = np.ones(len(states) + 3, dtype=bool)
    base = conversion_probability(matrix, keep_all)
    effects = np.zeros(n)
    if base > 0:
        members = [np.zeros(len(states) + 3, dtype=bool) for _ in range(n)]
        for at, state in enumerate(states):
            for c in set(state):
                members[c][at + 3] = True
        for c in range(n):
            if members[c].any():
                effects[c] = max(0.0, 1 - conversion_probability(matrix, ~members[c]) / base)
    if effects.sum() == 0:
        return np.zeros(n), np.zeros(n)
    share = effects / effects.sum()
    return share * paths.total_conversions, share * paths.total_value


# --- Shapley -----------------------------------------------------------------------------
MAX_SHAPLEY_CHANNELS = 16


def shapley(paths: Paths) -> tuple[np.ndarray, np.ndarray]:
    n = len(paths.channels)
    if n > MAX_SHAPLEY_CHANNELS:
        raise AttributionError(
            f"Exact Shapley values are computed for up to {MAX_SHAPLEY_CHANNELS} channels "
            f"({n} given); group channels first."
        )
    masks = np.array([sum(1 << c for c in set(p)) for p in paths.paths], dtype=np.int64)
    every = np.arange(1 << n)
    sizes = np.array([bin(m).count("1") for m in range(1 << n)])
    coefficient = np.array(
        [math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) for s in range(n)]
    )
    results = []
    for amounts in (paths.conversions, paths.value):
        v = np.bincount(masks, weights=amounts, minlength=1 << n).astype(np.float64)
        for c in range(n):  # zeta transform: v(S) = sum of exact-set worths of subsets
            with_c = np.flatnonzero(every & (1 << c))
            v[with_c] += v[with_c ^ (1 << c)]
        phi = np.zeros(n)
        for c in range(n):
            without = np.flatnonzero((every & (1 << c)) == 0)
            phi[c] = float(np.sum(coefficient[sizes[without]] * (v[without | 1 << c] - v[without])))
        results.append(phi)
    return results[0], results[1]


Credits = tuple[np.ndarray, np.ndarray]  # per channel: conversions, value

HEURISTICS: dict[str, Callable[[Paths], Credits]] = {
    "first_touch": first_touch,
    "last_touch": last_touch,
    "last_non_direct": last_non_direct,
    "linear": linear,
    "time_decay": time_decay,
    "position_based": position_based,
    "w_shaped": w_shaped,
    "full_path": full_path,
}
