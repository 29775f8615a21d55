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
from typing import TYPE_CHECKING

import numpy as np

from tandem.attribution.engine.paths import AttributionError, Paths

if TYPE_CHECKING:  # scipy is imported only for a chain too large for a dense solve
    import scipy.sparse as sparse


def _credit(paths: Paths, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per channel: the sum over touches of weight times its path's conversions (value)."""
    n = len(paths.channels)
    conversions = np.bincount(
        paths.codes, weights=weights * paths.conversions[paths.path_of], minlength=n
    )
    value = np.bincount(paths.codes, weights=weights * paths.value[paths.path_of], minlength=n)
    return conversions, value


def _length(paths: Paths) -> np.ndarray:
    """Per touch: the length of its path."""
    return paths.lengths[paths.path_of]


def _credit_one(paths: Paths, touch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All of each path's credit to one of its touches (``touch``: one index per path)."""
    n, channel = len(paths.channels), paths.codes[touch]
    return (
        np.bincount(channel, weights=paths.conversions, minlength=n),
        np.bincount(channel, weights=paths.value, minlength=n),
    )


def first_touch(paths: Paths) -> tuple[np.ndarray, np.ndarray]:
    return _credit_one(paths, paths.starts[:-1])


def last_touch(paths: Paths) -> tuple[np.ndarray, np.ndarray]:
    return _credit_one(paths, paths.starts[1:] - 1)


def last_non_direct(paths: Paths, direct: str = "direct") -> tuple[np.ndarray, np.ndarray]:
    """The last touch that is not ``direct`` (or the last touch, when all are)."""
    code = paths.channels.index(direct) if direct in paths.channels else -1
    candidates = np.where(paths.codes != code, paths.positions, -1)
    best = np.maximum.reduceat(candidates, paths.starts[:-1])
    best = np.where(best < 0, paths.lengths - 1, best)
    return _credit(paths, (paths.positions == best[paths.path_of]).astype(np.float64))


def linear(paths: Paths) -> tuple[np.ndarray, np.ndarray]:
    """Each touch an equal share of its path: per path, the amount over the length,
    repeated for its touches (no per-touch positions or path numbers needed)."""
    n, lengths = len(paths.channels), paths.lengths

    def shared(amount: np.ndarray) -> np.ndarray:
        return np.bincount(paths.codes, weights=np.repeat(amount / lengths, lengths), minlength=n)

    return shared(paths.conversions), shared(paths.value)


def time_decay(paths: Paths, half_life: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Each touch weighs 0.5 ** (age / half_life): its age in days before the journey
    ended when touch times are known, else in steps before the path's last touch."""
    if not (half_life > 0 and math.isfinite(half_life)):
        raise AttributionError("The half-life must be a number more than zero.")
    if paths.ages is not None:
        age = paths.ages.astype(np.float64)  # weights in double precision: sums exact
    else:
        age = (_length(paths) - 1 - paths.positions).astype(np.float64)
    # Measured from each path's youngest touch, so the largest weight is 1 and a long
    # path never underflows to all zeros; normalising removes the shift.
    youngest = np.minimum.reduceat(age, paths.starts[:-1])
    w = 0.5 ** ((age - youngest[paths.path_of]) / half_life)
    return _credit(paths, w / np.bincount(paths.path_of, weights=w)[paths.path_of])


def position_based(
    paths: Paths, first: float = 0.4, last: float = 0.4
) -> tuple[np.ndarray, np.ndarray]:
    """U-shaped: ``first`` to the first touch, ``last`` to the last, the rest shared by
    the touches between; a two-touch path splits in proportion first : last."""
    if not (first >= 0 and last >= 0 and first + last <= 1):
        raise AttributionError("First and last shares must be at least 0 and add up to at most 1.")
    length, at = _length(paths), paths.positions
    ends = first + last
    two = (np.array([first, last]) / ends) if ends else np.full(2, 0.5)
    middle = (1 - ends) / np.maximum(length - 2, 1)
    w = np.where(at == 0, first, np.where(at == length - 1, last, middle))
    w = np.where(length == 2, two[np.minimum(at, 1)], w)
    return _credit(paths, np.where(length == 1, 1.0, w))


def _milestones(paths: Paths, count: int, rest: float) -> np.ndarray:
    """``1 - rest`` shared by ``count`` milestone touches evenly spread (first and last
    included: position round(j (length - 1) / (count - 1)), half to even) and ``rest``
    by the others; a path of ``count`` touches or fewer shares equally."""
    length, at = _length(paths), paths.positions
    milestone = np.zeros(len(at), dtype=bool)
    for j in range(count):
        milestone |= np.round(j * (length - 1) / (count - 1)) == at
    w = np.where(milestone, (1 - rest) / count, rest / np.maximum(length - count, 1))
    return np.where(length <= count, 1.0 / length, w)


def w_shaped(paths: Paths) -> tuple[np.ndarray, np.ndarray]:
    """30 % each to the first, middle and last touch, 10 % shared by the others."""
    return _credit(paths, _milestones(paths, 3, 0.1))


def full_path(paths: Paths) -> tuple[np.ndarray, np.ndarray]:
    """Z-shaped: 22.5 % each to four milestones (first, a third in, two thirds in, last),
    10 % shared by the others."""
    return _credit(paths, _milestones(paths, 4, 0.1))


# --- Markov ------------------------------------------------------------------------------
START, CONVERSION, NULL = 0, 1, 2
DENSE_STATES = 1_500  # up to this many states the chain is solved densely (exact, quick)


def _chain(paths: Paths, order: int) -> tuple[np.ndarray, np.ndarray | sparse.csr_matrix, int]:
    """The states (each the last ``order`` channels, shorter at a path's start, as one
    integer: channel + 1 per place in base ``n + 1``, 0 where the path had not begun),
    and the row-normalised transition matrix over START, CONVERSION, NULL and the
    states (index 3 on). Transitions are counted for every touch at once."""
    if order not in (1, 2, 3):
        raise AttributionError("The Markov order must be 1, 2 or 3.")
    base = len(paths.channels) + 1
    if order == 1:  # a state is a channel: no need to find the distinct ones
        states = np.arange(1, base, dtype=np.int64)
        state_of = paths.codes.astype(np.int64)  # what bincount reads, with no copy
        state_of += 3
    else:
        at = paths.positions
        key = paths.codes.astype(np.int64) + 1
        for back in range(1, order):
            earlier = np.where(at >= back, np.roll(paths.codes, back).astype(np.int64) + 1, 0)
            key += earlier * base**back
        states, inverse = np.unique(key, return_inverse=True)
        del key, at
        state_of = inverse.ravel() + 3
    size = len(states) + 3
    if size * size > 2**31 - 1:
        state_of = state_of.astype(np.int64)
    last = state_of[paths.starts[1:] - 1]
    # Each touch's transition as one number, previous * size + this, built in place
    # (at 20M touches every array here is 80-160 MB); a path's first comes from START.
    pair = np.roll(state_of, 1)
    pair[paths.starts[:-1]] = START
    pair *= size
    pair += state_of
    del state_of
    per_path = paths.conversions + paths.nulls
    # One journey per path (touchpoints): every transition counts once, no weights.
    weight = None if (per_path == 1).all() else np.repeat(per_path, paths.lengths)
    # Counted pair by pair: bincounts rather than one array of every transition.
    parts = [
        (pair, weight),
        (last * size + CONVERSION, paths.conversions),
        (last * size + NULL, paths.nulls),
    ]
    seen: np.ndarray  # the distinct pairs, and their summed weights
    summed: np.ndarray
    if size * size <= 20_000_000:
        counts = np.zeros(size * size)
        for p, w in parts:
            counts += np.bincount(p, weights=w, minlength=size * size)
        if size <= DENSE_STATES:
            del parts, weight, pair
            dense = counts.reshape(size, size)
            totals = dense.sum(axis=1, keepdims=True)
            totals[totals == 0] = 1
            return states, dense / totals, base
        seen = np.flatnonzero(counts)
        summed = counts[seen]
    else:
        every = [np.ones(len(p)) if w is None else w for p, w in parts]
        seen, where = np.unique(np.concatenate([p for p, _ in parts]), return_inverse=True)
        summed = np.bincount(where.ravel(), weights=np.concatenate(every))
        del every
    del parts, weight, pair
    import scipy.sparse as sparse

    matrix = sparse.csr_matrix((summed, (seen // size, seen % size)), shape=(size, size))
    row_totals = np.asarray(matrix.sum(axis=1)).ravel()
    row_totals[row_totals == 0] = 1
    return states, (sparse.diags(1 / row_totals) @ matrix).tocsr(), base


def conversion_probability(matrix: np.ndarray | sparse.csr_matrix, keep: np.ndarray) -> float:
    """P(reaching CONVERSION from START) when only the transient states where ``keep``
    is true remain; transitions into removed states go to null (they are dropped)."""
    transient = np.flatnonzero(keep)
    transient = np.r_[START, transient[transient > NULL]]
    if isinstance(matrix, np.ndarray):
        q = matrix[np.ix_(transient, transient)]
        r = matrix[transient, CONVERSION]
        return float(np.linalg.solve(np.identity(len(transient)) - q, r)[0])
    import scipy.sparse as sparse
    import scipy.sparse.linalg as sparse_linalg

    q = matrix[transient][:, transient]
    r = np.asarray(matrix[transient][:, [CONVERSION]].todense()).ravel()
    system = sparse.identity(len(transient), format="csc") - q.tocsc()
    x = sparse_linalg.spsolve(system, r)
    return float(np.atleast_1d(x)[0])


def markov(paths: Paths, order: int = 1) -> tuple[np.ndarray, np.ndarray]:
    states, matrix, base = _chain(paths, order)
    n = len(paths.channels)
    keep_all = np.ones(len(states) + 3, dtype=bool)
    base_probability = conversion_probability(matrix, keep_all)
    effects = np.zeros(n)
    if base_probability > 0:
        # The channels in each state, one digit per place of its key (digit 0: none).
        digits = [(states // base**place) % base - 1 for place in range(order)]
        for c in range(n):
            member = np.zeros(len(states) + 3, dtype=bool)
            member[3:] = np.logical_or.reduce([d == c for d in digits])
            if member.any():
                removed = conversion_probability(matrix, ~member)
                effects[c] = max(0.0, 1 - removed / base_probability)
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
    bits = np.left_shift(np.int64(1), paths.codes.astype(np.int64))
    masks = np.bitwise_or.reduceat(bits, paths.starts[:-1])
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
