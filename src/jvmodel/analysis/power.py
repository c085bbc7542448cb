"""Voting power of an entity's direct holders: Banzhaf and Shapley–Shubik indices.

A percentage of votes is not a measure of power: facing two holders of 49%, a
holder of 2% decides exactly as often as each of them.  The indices here count,
exactly, how often each holder is pivotal in the weighted majority game whose
weights are the holders' voting stakes.

The games are solved by dynamic programming over integer weights (the stakes
scaled to their common denominator), in ``O(n·W)`` steps for Banzhaf and
``O(n²·W)`` for Shapley–Shubik, where ``n`` is the number of holders and ``W``
the common denominator.  Games with ``n·W`` above :data:`MAX_WORK` are refused
with a clear error instead of running for hours.
"""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction
from typing import Literal

from jvmodel._numeric import Range, format_share, parse_share
from jvmodel.errors import UnsupportedAnalysisError
from jvmodel.graph import OwnershipGraph

__all__ = ["MAX_WORK", "voting_power"]

MAX_WORK = 20_000_000
"""The largest ``n × W`` (holders × common denominator of the stakes) solved."""


def voting_power(
    g: OwnershipGraph,
    target: str,
    *,
    index: Literal["banzhaf", "shapley-shubik"] = "banzhaf",
    quota: object = Fraction(1, 2),
    as_of: dt.date | None = None,
) -> dict[str, Fraction]:
    """The voting power of each direct holder of ``target``, normalised to sum to 1.

    Parameters
    ----------
    g : OwnershipGraph
    target : str
    index : {"banzhaf", "shapley-shubik"}
        The normalised Banzhaf index (share of swings) or the Shapley–Shubik index
        (share of orderings in which the holder is pivotal).
    quota : share-like
        A coalition wins when its votes are *more than* ``quota`` of all votes
        (undisclosed votes count in the total but belong to no coalition).
    as_of : datetime.date, optional

    Returns
    -------
    dict
        ``{holder_id: Fraction}``, largest first; empty when no coalition of the
        recorded holders can win (then nobody has power by these votes).

    Raises
    ------
    UnsupportedAnalysisError
        For a ranged voting stake, an unknown index, or a game above
        :data:`MAX_WORK`.

    Examples
    --------
    Two holders of 49% and one of 2%: every pair wins, no one alone does, so each
    is pivotal equally often.

    >>> import jvmodel as jvm
    >>> g = jvm.OwnershipGraph()
    >>> for e in ("a", "b", "c", "t"):
    ...     _ = g.add_entity(e)
    >>> for holder, stake in (("a", "49%"), ("b", "49%"), ("c", "2%")):
    ...     _ = g.add_holding(holder, "t", stake)
    >>> jvm.voting_power(g, "t")
    {'a': Fraction(1, 3), 'b': Fraction(1, 3), 'c': Fraction(1, 3)}
    """
    threshold = parse_share(quota, what="quota")
    if index not in ("banzhaf", "shapley-shubik"):
        raise UnsupportedAnalysisError(
            f"index {index!r} is not 'banzhaf' or 'shapley-shubik'", reason="unknown index"
        )
    stakes: dict[str, Fraction] = {}
    treasury = Fraction(0)
    for holding in g.holdings_of(target, as_of=as_of):
        stake = holding.voting
        if isinstance(stake, Range):
            raise UnsupportedAnalysisError(
                f"the voting stake of {holding.owner!r} in {target!r} is a range ({stake!r}); "
                "voting power needs exact stakes",
                reason="ranged stake",
                entity=target,
            )
        if holding.is_treasury:
            treasury += stake  # treasury shares carry no votes
        elif stake:
            stakes[holding.owner] = stake
    outstanding = 1 - treasury
    if not stakes or outstanding <= 0:
        return {}
    holders = sorted(stakes)
    denominators = [s.denominator for s in stakes.values()]
    scale = math.lcm(*denominators, threshold.denominator, outstanding.denominator)
    weights = [int(stakes[h] * scale) for h in holders]
    # A coalition wins when its weight is strictly above quota × outstanding votes.
    need = math.floor(threshold * outstanding * scale) + 1
    total = sum(weights)
    if total < need:
        return {}
    work = len(holders) * (total + 1) * (len(holders) if index == "shapley-shubik" else 1)
    if work > MAX_WORK:
        raise UnsupportedAnalysisError(
            f"voting power of {target!r}: {len(holders)} holders with stakes over a common "
            f"denominator of {scale} need about {work:,} steps (limit {MAX_WORK:,}); round "
            f"the stakes (e.g. to {format_share(Fraction(1, 10000))}) or merge small holders",
            reason="game too large",
            entity=target,
        )
    raw = _banzhaf(weights, need) if index == "banzhaf" else _shapley(weights, need)
    total_raw = sum(raw)
    if total_raw == 0:
        return {}
    power = {h: Fraction(r) / total_raw for h, r in zip(holders, raw, strict=True)}
    return {h: p for h, p in sorted(power.items(), key=lambda kv: (-kv[1], kv[0])) if p}


def _counts_without(weights: list[int], skip: int, limit: int) -> list[int]:
    """Number of subsets of the other players with each total weight up to ``limit``."""
    counts = [0] * (limit + 1)
    counts[0] = 1
    for j, w in enumerate(weights):
        if j == skip or w == 0:
            continue
        for total in range(limit, w - 1, -1):
            counts[total] += counts[total - w]
    return counts


def _banzhaf(weights: list[int], need: int) -> list[int]:
    """Swings of each player: coalitions of the others that lose alone and win with it."""
    swings = []
    for i, w in enumerate(weights):
        counts = _counts_without(weights, i, need - 1)
        # The others weigh t < need, and t + w >= need.
        swings.append(sum(counts[t] for t in range(max(0, need - w), need)))
    return swings


def _shapley(weights: list[int], need: int) -> list[int]:
    """Weighted pivot counts: Σ over pivotal coalitions S of |S|!·(n−1−|S|)!."""
    n = len(weights)
    result = []
    for i, w in enumerate(weights):
        # by_size[k][t]: subsets of the others with k members and weight t (t < need).
        by_size = [[0] * need for _ in range(n)]
        by_size[0][0] = 1
        members = 0
        for j, wj in enumerate(weights):
            if j == i:
                continue
            members += 1
            for k in range(members, 0, -1):
                row, below = by_size[k], by_size[k - 1]
                for t in range(need - 1, wj - 1, -1):
                    row[t] += below[t - wj]
        pivots = 0
        for k in range(n):
            ways = sum(by_size[k][t] for t in range(max(0, need - w), need))
            pivots += ways * math.factorial(k) * math.factorial(n - 1 - k)
        result.append(pivots)
    return result
