"""Declared indirect interests against the computed look-through.

Registers often state a person's *indirect* share of a company ("Person 1 holds
30% of Company A through Company B").  Such a claim is kept as a
:class:`~jvmodel.DeclaredInterest`, not as an edge, and :func:`verify_declared`
checks it against what the recorded holdings give.

The computed figure for a claim of ``party`` in ``subject`` is the share of
``subject`` that reaches ``party`` along recorded holdings: the look-through of
``subject`` with ``party`` treated as an ultimate owner (its own owners cut
off), which is the sum over all paths from ``party`` to ``subject`` of the
product of the stakes along the path (solved exactly when the paths cross
cycles).  Only entities on such paths take part, so stakes elsewhere never
change the answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from fractions import Fraction
from typing import Literal, TypeAlias

import attrs
import networkx as nx

from jvmodel._numeric import Interval, Range, format_share
from jvmodel.analysis.lookthrough import Measure, effective_ownership
from jvmodel.errors import CircularOwnershipError, UnsupportedAnalysisError
from jvmodel.graph import OwnershipGraph
from jvmodel.model import DeclaredInterest, Stake

__all__ = ["DeclaredCheck", "Verdict", "verify_declared"]

Verdict: TypeAlias = Literal["agree", "disagree", "cannot_tell"]

_MEASURES: dict[str, Measure] = {"shareholding": "equity", "votingRights": "voting"}
# Interests that never carry ownership: a route through them adds nothing.
_MANAGEMENT = frozenset({"seniorManagingOfficial", "boardMember", "boardChair"})


@attrs.frozen(kw_only=True)
class DeclaredCheck:
    """The verdict on one declared indirect interest.

    Attributes
    ----------
    interest : DeclaredInterest
        The claim checked.
    status : {"agree", "disagree", "cannot_tell"}
        ``agree``: the computed figure is the declared one (or lies in the
        declared range); ``disagree``: it cannot be; ``cannot_tell``: the
        recorded holdings do not settle it (see ``reason``).
    declared : Fraction or Range or None
        The declared share.
    computed : Fraction or Interval or None
        The look-through figure from the recorded holdings, when there is one.
    reason : str
        One sentence a reader can act on.
    """

    interest: DeclaredInterest
    status: Verdict
    declared: Stake | None
    computed: Fraction | Interval | None
    reason: str

    @property
    def agrees(self) -> bool | None:
        """True, False, or None when it cannot be told."""
        return {"agree": True, "disagree": False}.get(self.status)

    def __repr__(self) -> str:
        claim = self.interest
        return f"<DeclaredCheck {claim.party!r} in {claim.subject!r}: {self.status}>"


def _show(value: Stake | Interval | None) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, Range):
        return repr(value)
    if isinstance(value, Interval):
        left = "[" if value.lower_closed else "("
        right = "]" if value.upper_closed else ")"
        return f"{left}{format_share(value.lower)}, {format_share(value.upper)}{right}"
    return format_share(value)


def _bounds(value: Stake | Interval) -> tuple[Fraction, bool, Fraction, bool]:
    if isinstance(value, Range):
        return value.min, value.min_closed, value.max, value.max_closed
    if isinstance(value, Interval):
        return value.lower, value.lower_closed, value.upper, value.upper_closed
    return value, True, value, True


def _above(point: Fraction, stake: Stake) -> bool:
    """Whether ``point`` lies above every value the declared stake allows."""
    _, _, upper, upper_closed = _bounds(stake)
    return point > upper or (point == upper and not upper_closed)


def _compare(declared: Stake, computed: Fraction | Interval) -> Verdict:
    low, low_closed, high, high_closed = _bounds(computed)
    d_low, d_low_closed, d_high, d_high_closed = _bounds(declared)
    # Disjoint: no value of the computed figure is allowed by the declaration.
    if high < d_low or (high == d_low and not (high_closed and d_low_closed)):
        return "disagree"
    if low > d_high or (low == d_high and not (low_closed and d_high_closed)):
        return "disagree"
    # Contained: every value of the computed figure is allowed.
    starts_inside = low > d_low or (low == d_low and (d_low_closed or not low_closed))
    ends_inside = high < d_high or (high == d_high and (d_high_closed or not high_closed))
    return "agree" if starts_inside and ends_inside else "cannot_tell"


def _stake_routes(g: OwnershipGraph, measure: Measure, as_of: dt.date | None) -> nx.DiGraph[str]:
    """owner → owned for every holding in force with a stake that may be above zero."""
    routes: nx.DiGraph[str] = nx.DiGraph()
    routes.add_nodes_from(g)
    for holding in g.holdings():
        stake = holding.stake(measure)
        upper = stake.max if isinstance(stake, Range) else stake
        if holding.covers(as_of) and upper and not holding.is_treasury:
            routes.add_edge(holding.owner, holding.owned)
    return routes


def _unknown_edges(g: OwnershipGraph, as_of: dt.date | None) -> Iterator[tuple[str, str, str]]:
    """Links that may carry ownership of unknown size: (from, to, what)."""
    for link in g.controls():
        if link.covers(as_of):
            yield link.controller, link.controlled, f"control by {link.basis}"
    for claim in g.declared():
        if claim.interest in _MANAGEMENT or not claim.covers(as_of):
            continue
        if claim.directness == "indirect" and claim.interest in _MEASURES:
            continue  # another claim, not a link
        yield claim.party, claim.subject, f"a declared {claim.interest} interest"


def _computed(
    g: OwnershipGraph,
    claim: DeclaredInterest,
    routes: nx.DiGraph[str],
    measure: Measure,
    as_of: dt.date | None,
) -> Fraction | Interval:
    """The share of the subject reaching the party along recorded holdings."""
    party, subject = claim.party, claim.subject
    # An indirect interest is held through intermediaries: the party's direct
    # stake in the subject (a separate interest) is left out.
    routes = nx.restricted_view(routes, [], [(party, subject)])
    downstream = nx.descendants(routes, party) | {party}
    if subject not in downstream:
        return Fraction(0)
    on_route = downstream & (nx.ancestors(routes, subject) | {subject})
    sub = OwnershipGraph()
    for node in on_route:
        sub.add_entity(g.entity(node))
    for node in on_route:
        if node == party:
            continue  # the party is an ultimate owner here: its own owners are cut off
        for holding in g.holdings_of(node, as_of=as_of):
            direct = holding.owner == party and holding.owned == subject
            if holding.owner in on_route and not direct:
                sub.add_holding(holding)
    share = effective_ownership(sub, subject, measure=measure, as_of=as_of).get(party)
    return Fraction(0) if share is None else share


def verify_declared(g: OwnershipGraph, *, as_of: dt.date | None = None) -> list[DeclaredCheck]:
    """Compare every declared indirect share with the computed look-through.

    Checks each :class:`~jvmodel.DeclaredInterest` of ``g`` that is an indirect
    ``shareholding`` (against equity) or ``votingRights`` (against votes) in
    force on ``as_of``.

    Parameters
    ----------
    g : OwnershipGraph
    as_of : datetime.date, optional
        The day of the holdings and claims; None for today's structure (what
        has no end date).

    Returns
    -------
    list of DeclaredCheck
        In the order of ``g.declared()``.

    Notes
    -----
    * ``agree``: the computed share equals the declared one, or lies in the
      declared range.
    * ``disagree``: it cannot match, with both figures in the reason.  The
      recorded holdings alone give a lower bound, so a computed share above
      the declared maximum is a disagreement even when other routes are
      unknown.
    * ``cannot_tell``: no share declared; a route from the party to the
      subject passes through a link of unknown size (a control link, or a
      declared interest such as ``unknownInterest`` or
      ``otherInfluenceOrControl``); a ranged stake on the way (until interval
      analysis is available); or circular ownership with no outside owner.

    Examples
    --------
    Person 1 declares 30% of A, held through B; B holds 60% of A and Person 1
    holds 50% of B, so the look-through gives 60% × 50% = 30%.

    >>> import jvmodel as jvm
    >>> g = jvm.OwnershipGraph()
    >>> for e in ("a", "b"):
    ...     _ = g.add_entity(e, jurisdiction="GB")
    >>> _ = g.add_entity("p1", kind="person", jurisdiction="GB")
    >>> _ = g.add_holding("b", "a", "60%")
    >>> _ = g.add_holding("p1", "b", "50%")
    >>> _ = g.add_declared("p1", "a", interest="shareholding", share="30%", components=["b"])
    >>> [result] = jvm.verify_declared(g)
    >>> result.status, result.computed
    ('agree', Fraction(3, 10))
    """
    checks = []
    routes: dict[Measure, nx.DiGraph[str]] = {}
    unknown = list(_unknown_edges(g, as_of))
    for claim in g.declared():
        if claim.directness != "indirect" or claim.interest not in _MEASURES:
            continue
        if not claim.covers(as_of):
            continue
        measure = _MEASURES[claim.interest]
        if measure not in routes:
            routes[measure] = _stake_routes(g, measure, as_of)
        checks.append(
            _check(g, claim, routes=routes[measure], unknown=unknown, measure=measure, as_of=as_of)
        )
    return checks


def _check(
    g: OwnershipGraph,
    claim: DeclaredInterest,
    *,
    routes: nx.DiGraph[str],
    unknown: list[tuple[str, str, str]],
    measure: Measure,
    as_of: dt.date | None,
) -> DeclaredCheck:
    def verdict(
        status: Verdict, computed: Fraction | Interval | None, reason: str
    ) -> DeclaredCheck:
        return DeclaredCheck(
            interest=claim, status=status, declared=claim.share, computed=computed, reason=reason
        )

    who = f"{claim.party!r} in {claim.subject!r}"
    if claim.share is None:
        return verdict("cannot_tell", None, f"the indirect {measure} of {who} has no share")
    try:
        computed = _computed(g, claim, routes, measure, as_of)
    except UnsupportedAnalysisError as error:
        return verdict(
            "cannot_tell", None, f"the look-through of {who} cannot be computed: {error}"
        )
    except CircularOwnershipError as error:
        return verdict("cannot_tell", None, f"the look-through of {who} is undefined: {error}")
    figures = f"declared {_show(claim.share)}, computed {_show(computed)}"
    low = _bounds(computed)[0]
    if _above(low, claim.share):
        return verdict(
            "disagree",
            computed,
            f"{figures}: the recorded holdings alone give {who} more than declared",
        )
    # A route through a link of unknown size makes the true figure unknown.
    extended: nx.DiGraph[str] = nx.DiGraph(routes)
    extended.add_edges_from((a, b) for a, b, _ in unknown)
    if extended.has_edge(claim.party, claim.subject):
        extended.remove_edge(claim.party, claim.subject)  # direct: not part of the claim
    reach = nx.descendants(extended, claim.party) | {claim.party}
    feeds = nx.ancestors(extended, claim.subject) | {claim.subject}
    for source, target, what in unknown:
        if (source, target) == (claim.party, claim.subject):
            continue
        if source in reach and target in feeds:
            return verdict(
                "cannot_tell",
                computed,
                f"{figures}, but a route from {claim.party!r} to {claim.subject!r} passes "
                f"through {what} of {source!r} in {target!r}, whose size is not recorded",
            )
    status = _compare(claim.share, computed)
    if status == "agree":
        return verdict("agree", computed, f"{figures}")
    if status == "disagree":
        return verdict("disagree", computed, f"{figures}")
    return verdict("cannot_tell", computed, f"{figures}: the ranges overlap")
