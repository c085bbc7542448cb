"""What-if: how much more a buyer can acquire, and the least divestment that fixes a breach.

Both questions are answered exactly by evaluating :func:`jvmodel.check` on
scenario graphs (:meth:`OwnershipGraph.transfer`, :meth:`OwnershipGraph.issue`).
The figure a cap is checked against is, as a function of the stake ``s`` moved,
piecewise linear (linear-fractional when the buyer sits in a cross-holding with
the target).  The pieces end where a direct stake in the target crosses a level
at which a method steps: a threshold, the multiplier's and control's 1/2, the
mirror rule's 100%, the largest-holder rule's exemption.  On each piece the
figure is fitted exactly through three interior points and verified at a
fourth; a piece that fails the check is split, and the analysis refuses rather
than guess when splitting does not help.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import attrs

from jvmodel._numeric import format_percent, format_share
from jvmodel.analysis.control import control_hierarchy, voting_closure
from jvmodel.analysis.lookthrough import UndisclosedPolicy
from jvmodel.analysis.methods import get_method
from jvmodel.compliance.check import CapCheck, check
from jvmodel.errors import InvalidEntityError, UnsupportedAnalysisError
from jvmodel.graph import OwnershipGraph
from jvmodel.regimes import Cap, Regime, get

__all__ = ["Acquisition", "Divestment", "max_acquirable", "minimal_divestment"]

_ZERO = Fraction(0)
_ONE = Fraction(1)
_HALF = Fraction(1, 2)
_MAX_SPLITS = 8


@attrs.frozen(kw_only=True)
class Acquisition:
    """The result of :func:`max_acquirable`.

    Attributes
    ----------
    target, buyer : str
    seller : str or None
        None for a new issue.
    stake : Fraction or None
        The largest stake the buyer can acquire with the target compliant (the
        supremum when it is not attained); None when no stake, not even 0,
        keeps the target compliant.
    attained : bool
        Whether acquiring exactly ``stake`` keeps the target compliant (False
        under a strict cap, or where the figure jumps above the cap).
    available : Fraction
        The most that could be acquired at all (the seller's stake; 1 for an issue).
    cap_rule : Cap or None
        The cap that stops the buyer just above ``stake``; None when the whole
        available stake can be acquired.
    share : Fraction or None
        The deciding foreign share when ``stake`` is acquired.
    check : CapCheck or None
        The check of the target with ``stake`` acquired.
    """

    target: str
    buyer: str
    seller: str | None
    stake: Fraction | None
    attained: bool
    available: Fraction
    cap_rule: Cap | None
    share: Fraction | None
    check: CapCheck | None

    def __repr__(self) -> str:
        stake = "none" if self.stake is None else format_share(self.stake)
        how = "attained" if self.attained else "not attained"
        return f"<Acquisition {self.buyer!r} in {self.target!r}: {stake} ({how})>"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary, exact values as strings."""
        return {
            "target": self.target,
            "buyer": self.buyer,
            "seller": self.seller,
            "stake": None if self.stake is None else str(self.stake),
            "attained": self.attained,
            "available": str(self.available),
            "cap": None if self.cap_rule is None else self.cap_rule.describe(),
            "share": None if self.share is None else str(self.share),
        }


@attrs.frozen(kw_only=True)
class Divestment:
    """The result of :func:`minimal_divestment`.

    Attributes
    ----------
    target : str
    sales : dict
        ``{holder: stake to sell}``, largest first; empty when already compliant.
    total : Fraction
        The sum of the sales (the infimum when not attained).
    attained : bool
        False under a strict cap, where selling exactly ``total`` lands on the
        cap: any larger sale works, this one does not.
    share : Fraction
        The foreign share after the sales.
    check : CapCheck
        The check after the sales.
    """

    target: str
    sales: dict[str, Fraction]
    total: Fraction
    attained: bool
    share: Fraction
    check: CapCheck

    def __repr__(self) -> str:
        parts = ", ".join(f"{h!r} {format_share(s)}" for h, s in self.sales.items())
        return f"<Divestment of {self.target!r}: {format_share(self.total)} ({parts or 'nothing'})>"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary, exact values as strings."""
        return {
            "target": self.target,
            "sales": {h: str(s) for h, s in self.sales.items()},
            "total": str(self.total),
            "attained": self.attained,
            "share": str(self.share),
        }


# -- the exact piecewise engine -------------------------------------------------


@attrs.frozen
class _Piece:
    """A figure ``(a + b s) / (1 + c s)`` on an open interval of ``s``."""

    a: Fraction
    b: Fraction
    c: Fraction

    def at(self, s: Fraction) -> Fraction:
        return (self.a + self.b * s) / (1 + self.c * s)


def _fit(points: list[tuple[Fraction, Fraction]]) -> _Piece | None:
    """The linear (or else linear-fractional) function through the first points,
    if it also passes through the others."""
    (s1, f1), (s2, f2) = points[0], points[-1]
    slope = (f2 - f1) / (s2 - s1)
    line = _Piece(f1 - slope * s1, slope, _ZERO)
    if all(line.at(s) == f for s, f in points):
        return line
    # a + b s − c s f = f through three points
    rows = [[_ONE, s, -s * f, f] for s, f in points[:3]]
    for col in range(3):
        pivot = next((r for r in range(col, 3) if rows[r][col] != 0), None)
        if pivot is None:
            return None
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(3):
            if r != col and rows[r][col]:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [x - factor * y for x, y in zip(rows[r], rows[col], strict=True)]
    a, b, c = (rows[i][3] / rows[i][i] for i in range(3))
    piece = _Piece(a, b, c)
    for s, f in points:
        if 1 + c * s == 0 or piece.at(s) != f:
            return None
    return piece


def _allowed_set(
    piece: _Piece, cap: Cap, lo: Fraction, hi: Fraction
) -> tuple[Fraction, Fraction, bool, bool] | None:
    """The part of the open interval (lo, hi) where ``cap`` allows the figure,
    as (low, high, low closed, high closed), or None when empty."""
    if cap.limit is None:
        return lo, hi, False, False
    limit = cap.limit
    # f ≤ L  ⟺  a + b s ≤ L (1 + c s)  (the denominator is positive on the piece)
    k, rhs = piece.b - limit * piece.c, limit - piece.a
    low, high, low_closed, high_closed = lo, hi, False, False
    if k == 0:
        holds = rhs >= 0 if cap.inclusive else rhs > 0
        return (lo, hi, False, False) if holds else None
    edge = rhs / k
    if k > 0:  # s ≤ edge
        if edge < high or (edge == high and not cap.inclusive):
            high, high_closed = edge, cap.inclusive
    elif edge > low or (edge == low and not cap.inclusive):
        low, low_closed = edge, cap.inclusive
    if low > high or (low == high and not (low_closed and high_closed)):
        return None
    return low, high, low_closed, high_closed


def _deciding_rules(result: CapCheck) -> tuple[CapCheck, ...]:
    return result.rules or (result,)


class _Scan:
    """Evaluates a one-parameter family of scenarios and finds its compliant set."""

    def __init__(
        self,
        scenario: Callable[[Fraction], OwnershipGraph],
        check_at: Callable[[OwnershipGraph], CapCheck],
        levels: set[Fraction],
        stakes: list[tuple[Fraction, Fraction]],
        available: Fraction,
    ) -> None:
        self.scenario = scenario
        self.check_at = check_at
        self.available = available
        self.cache: dict[Fraction, CapCheck] = {}
        # Breakpoints: where a direct stake ``p + q s`` reaches a level.
        cuts = {_ZERO, available}
        for p, q in stakes:
            if q == 0:
                continue
            for level in levels:
                s = (level - p) / q
                if 0 < s < available:
                    cuts.add(s)
        self.cuts = sorted(cuts)

    def at(self, s: Fraction) -> CapCheck:
        if s not in self.cache:
            result = self.check_at(self.scenario(s))
            ambiguous = sorted(
                {
                    e
                    for rule in _deciding_rules(result)
                    if rule.cap_rule.limit is not None
                    for e in rule.ambiguous
                }
            )
            if ambiguous:
                # The pieces fit one reading of the statuses; with two readings the
                # verdict can change where no breakpoint is (under a cap: an
                # uncapped rule's verdict does not depend on the figure).
                listed = ", ".join(repr(e) for e in ambiguous)
                raise UnsupportedAnalysisError(
                    f"the status of {listed} is ambiguous (a cross-holding that reads "
                    f"consistently two ways) at {format_percent(s)} of stake moved; this "
                    "analysis needs one reading of every status",
                    reason="ambiguous",
                    entities=tuple(ambiguous),
                    stake=s,
                )
            self.cache[s] = result
        return self.cache[s]

    def figures(self, s: Fraction) -> list[Fraction]:
        return [rule.exact_share() for rule in _deciding_rules(self.at(s))]

    def compliant(self, s: Fraction) -> bool:
        return self.at(s).status == "compliant"

    def pieces(self) -> list[tuple[Fraction, Fraction, list[_Piece]]]:
        """(lo, hi, the fitted figure of each cap's rule) for each open piece."""
        found: list[tuple[Fraction, Fraction, list[_Piece]]] = []
        stack = [(lo, hi, 0) for lo, hi in zip(self.cuts, self.cuts[1:], strict=False)][::-1]
        while stack:
            lo, hi, depth = stack.pop()
            width = hi - lo
            probes = [lo + width * k / 5 for k in (1, 2, 3, 4)]
            values = [self.figures(s) for s in probes]
            count = len(values[0])
            fitted: list[_Piece] = []
            for i in range(count):
                if any(len(v) != count for v in values):
                    break
                piece = _fit([(s, v[i]) for s, v in zip(probes, values, strict=True)])
                if piece is None:
                    break
                fitted.append(piece)
            if len(fitted) != count:
                if depth >= _MAX_SPLITS:
                    raise UnsupportedAnalysisError(
                        f"the foreign share is not piecewise linear-fractional between "
                        f"{format_share(lo)} and {format_share(hi)} of stake moved (a status "
                        "inside a cross-holding, or who controls an entity, changes there "
                        "in a way this analysis cannot locate exactly)",
                        reason="no exact piece",
                    )
                middle = lo + width / 2
                stack.extend([(middle, hi, depth + 1), (lo, middle, depth + 1)])
                continue
            found.append((lo, hi, fitted))
        return sorted(found, key=lambda p: p[0])

    def supremum(self) -> Fraction | None:
        best: Fraction | None = None
        for s in self.cuts:
            if self.compliant(s):
                best = s if best is None else max(best, s)
        for lo, hi, fitted in self.pieces():
            caps = [rule.cap_rule for rule in _deciding_rules(self.at(lo + (hi - lo) / 5))]
            low, top, low_closed, top_closed = lo, hi, False, False
            for piece, cap in zip(fitted, caps, strict=True):
                allowed = _allowed_set(piece, cap, lo, hi)
                if allowed is None:
                    break
                if allowed[0] > low or (allowed[0] == low and not allowed[2]):
                    low, low_closed = allowed[0], allowed[2]
                if allowed[1] < top or (allowed[1] == top and not allowed[3]):
                    top, top_closed = allowed[1], allowed[3]
            else:
                if low > top or (low == top and not (low_closed and top_closed)):
                    continue
                # The allowed part was read off the fitted figures: confirm them
                # exactly where it ends inside the piece (a step no method declares
                # can hide before the first probe).
                for end in sorted({low, top} - {lo, hi}):
                    exact = self.figures(end)
                    if exact != [piece.at(end) for piece in fitted]:
                        raise UnsupportedAnalysisError(
                            f"the foreign share at {format_share(end)} of stake moved is "
                            f"{', '.join(format_share(x) for x in exact)}, not what its "
                            f"piece between {format_share(lo)} and {format_share(hi)} "
                            "predicts (a method steps there without declaring the level "
                            "as its `threshold` or `exempt`, or a status inside a "
                            "cross-holding changes there); this analysis cannot locate "
                            "it exactly",
                            reason="no exact piece",
                        )
                # Every figure is inside its cap on this part of the piece; whatever
                # else decides the verdict (domestic control) only changes at the
                # breakpoints, so one exact check inside it decides the whole part.
                if self.compliant(low + (top - low) / 2):
                    best = top if best is None else max(best, top)
        return best


@attrs.frozen
class _Segment:
    """A holder's sale ``x`` in [lo, hi] with the figure ``a + b x`` (the closure of a piece)."""

    lo: Fraction
    hi: Fraction
    a: Fraction
    b: Fraction


def _segments(scan: _Scan, target: str) -> list[_Segment]:
    """A seller's options: each breakpoint exactly, and each piece between them."""
    segments = [_Segment(cut, cut, scan.figures(cut)[0], _ZERO) for cut in scan.cuts]
    for lo, hi, fitted in scan.pieces():
        piece = fitted[0]
        if piece.c:
            raise UnsupportedAnalysisError(
                f"the foreign share of {target!r} is not linear in a sale of its direct "
                "stakes (a seller is owned through the target); minimal divestment "
                "needs it piecewise linear",
                reason="linear-fractional",
            )
        segments.append(_Segment(lo, hi, piece.a, piece.b))
    return segments


_MAX_COMBINATIONS = 20000


def _cheapest(
    start: Fraction, excess: Fraction, sellers: list[tuple[str, _Scan, list[_Segment]]]
) -> dict[str, Fraction] | None:
    """The least total sale that lowers the figure by ``excess``: for each choice of
    one segment per seller, a fractional knapsack on the segments' slopes."""
    count = 1
    for _, _, segments in sellers:
        count *= len(segments)
    if count > _MAX_COMBINATIONS:
        raise UnsupportedAnalysisError(
            f"{count} combinations of sales to search (more than {_MAX_COMBINATIONS}); "
            "minimal divestment is exact for fewer holders or fewer steps",
            reason="too many combinations",
        )
    best: tuple[Fraction, dict[str, Fraction]] | None = None
    for choice in itertools.product(*(segments for _, _, segments in sellers)):
        owners = [owner for owner, _, _ in sellers]
        sold = {owner: seg.lo for owner, seg in zip(owners, choice, strict=True)}
        need = excess - sum((start - (seg.a + seg.b * seg.lo) for seg in choice), _ZERO)
        steepest = sorted(
            (i for i, seg in enumerate(choice) if seg.b < 0 and seg.hi > seg.lo),
            key=lambda i: (choice[i].b, i),
        )
        for i in steepest:
            if need <= 0:
                break
            seg = choice[i]
            more = min(seg.hi - seg.lo, need / -seg.b)
            sold[owners[i]] += more
            need -= more * -seg.b
        if need > 0:
            continue
        total = sum(sold.values(), _ZERO)
        if best is None or total < best[0]:
            best = (total, sold)
    return None if best is None else best[1]


def _levels(rules: Regime) -> set[Fraction]:
    """The stakes at which some method of the regime (or control) steps."""
    levels = {_HALF, _ONE}
    methods = [rules.method_for("equity"), rules.method_for("voting")]
    for sector in rules.sectors():
        methods.extend(cap.method for cap in rules.caps_for(sector) if cap.method is not None)
    for method in methods:
        for name in ("threshold", "exempt"):
            value = getattr(get_method(method), name, None)
            if isinstance(value, Fraction):
                levels.add(value)
    return levels


def _vote_groups(
    g: OwnershipGraph, target: str, others: list[str], as_of: dt.date | None
) -> set[frozenset[str]]:
    """The groups of ``target``'s holders (and ``others``) that vote together: for
    each entity upstream, those of them it controls, itself included.

    The deals analysed here change only the stakes in the target, so these
    groups stay as they are while the stake moved grows (unless the target
    holds stakes upstream of itself; the piecewise fit then checks every piece).
    """
    hierarchy = control_hierarchy(voting_closure(g, [target, *others], as_of=as_of))
    parties = {h.owner for h in g.holdings_of(target, as_of=as_of)} | set(others)
    by_controller: dict[str, set[str]] = {}
    for party in parties:
        if party not in hierarchy.class_of:
            continue  # a holder of equity without votes, which no group counts
        for controller in {party, *hierarchy.controllers_of(party)}:
            by_controller.setdefault(controller, set()).add(party)
    # A single holder's crossings are already cut.
    return {frozenset(group) for group in by_controller.values() if len(group) > 1}


def _group_votes(
    g: OwnershipGraph,
    target: str,
    as_of: dt.date | None,
    *,
    buyer: str,
    seller: str | None,
    per_vote: Fraction,
) -> list[tuple[Fraction, Fraction]]:
    """The votes ``p + q s`` in ``target`` of each group of :func:`_vote_groups` as
    the stake ``s`` moves (from ``seller``, or by a new issue when None), so that
    control of the target changes only at breakpoints."""
    holders = g.holdings_of(target, as_of=as_of)
    now = {h.owner: _stake(g, h.owner, target, as_of)[1] for h in holders}
    found = []
    for group in _vote_groups(g, target, [buyer], as_of):
        held = sum((now.get(member, _ZERO) for member in group), _ZERO)
        if seller is None:  # everyone is diluted by 1 − s; the buyer gains s
            found.append((held, (_ONE if buyer in group else _ZERO) - held))
        else:
            found.append((held, ((buyer in group) - (seller in group)) * per_vote))
    return found


def _stake(
    g: OwnershipGraph, owner: str, owned: str, as_of: dt.date | None
) -> tuple[Fraction, Fraction]:
    for holding in g.holdings_of(owned, as_of=as_of):
        if holding.owner == owner:
            if not isinstance(holding.equity, Fraction) or not isinstance(holding.voting, Fraction):
                raise UnsupportedAnalysisError(
                    f"the stake of {owner!r} in {owned!r} is a range ({holding.equity}); "
                    "what-if analysis needs exact stakes",
                    reason="ranged stake",
                )
            return holding.equity, holding.voting
    return _ZERO, _ZERO


def max_acquirable(
    g: OwnershipGraph,
    target: str,
    *,
    buyer: str,
    seller: str | None = None,
    regime: str | Regime,
    sector: str | None = None,
    as_of: dt.date | None = None,
    undisclosed: UndisclosedPolicy | None = None,
) -> Acquisition:
    """The largest stake in ``target`` that ``buyer`` can acquire with it compliant.

    Parameters
    ----------
    g : OwnershipGraph
    target, buyer : str
    seller : str, optional
        The holder who sells (:meth:`OwnershipGraph.transfer`); by default the
        target issues new shares to the buyer, diluting everyone pro rata
        (:meth:`OwnershipGraph.issue`).
    regime, sector, as_of, undisclosed
        As in :func:`jvmodel.check`.

    Returns
    -------
    Acquisition
        ``stake`` is the supremum of the stakes that keep the target compliant
        (every cap in force, domestic control included): compliant at ``stake``
        when ``attained``, in breach at every larger stake.

    Raises
    ------
    UnknownEntityError, UnknownRegimeError, UnknownSectorError
    InvalidEntityError
        If the buyer is the seller or the target.
    UnsupportedAnalysisError
        If a stake involved is a range; if the figure cannot be split into exact
        pieces; or if a cross-holding's statuses read consistently two ways (are
        ambiguous) at a stake the scan checks.

    Notes
    -----
    Under a proportional method, when the buyer and seller are not owned by
    the target, the target's figure is linear in the stake moved ``s``:
    ``f(s) = f(0) + s (φ(buyer) − φ(seller))`` for a transfer, and
    ``f(s) = (1 − s) f(0) + s φ(buyer)`` for a new issue, so the answer is
    the ``s`` where the line meets the cap.  Step methods make the figure
    piecewise linear; the pieces are found and verified exactly (see the
    module's notes).

    Examples
    --------
    In the bundled demo BT is 51.5% foreign against a 50% cap.  If the partner
    buys 3% from BT the JV is back at exactly 50%: BT can sell but not buy.

    >>> import jvmodel as jvm
    >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    >>> regime = "cn-beijing-2020"
    >>> jvm.max_acquirable(g, "jv", buyer="bt-china", seller="partner", regime=regime).stake is None
    True
    >>> r = jvm.max_acquirable(g, "jv", buyer="partner", seller="bt-china", regime=regime)
    >>> r.stake, r.attained, r.cap_rule  # all of BT's half: the share only falls
    (Fraction(1, 2), True, None)
    """
    rules = get(regime)
    for entity_id in (target, buyer) + (() if seller is None else (seller,)):
        g.entity(entity_id)
    if target in (buyer, seller):
        raise InvalidEntityError(
            f"buyer or seller is the target {target!r} itself; a company's own shares are treasury",
            field="buyer",
            value=buyer,
        )
    if seller == buyer:
        raise InvalidEntityError(
            f"seller and buyer are both {buyer!r}; a transfer needs two parties",
            field="buyer",
            value=buyer,
        )

    def check_at(scenario: OwnershipGraph) -> CapCheck:
        return check(
            scenario, target, regime=rules, sector=sector, as_of=as_of, undisclosed=undisclosed
        )

    base = g.as_of(as_of)
    stakes: list[tuple[Fraction, Fraction]] = []
    equity_b, votes_b = _stake(base, buyer, target, as_of)
    per_vote = _ZERO
    if seller is not None:
        equity_s, votes_s = _stake(base, seller, target, as_of)
        available = equity_s
        per_vote = votes_s / equity_s if equity_s else _ZERO
        stakes += [(equity_b, _ONE), (equity_s, -_ONE), (votes_b, per_vote), (votes_s, -per_vote)]

        def scenario(s: Fraction) -> OwnershipGraph:
            return base.transfer(seller, buyer, target, s, as_of=as_of) if s else base

    else:
        available = _ONE
        for holding in base.holdings_of(target, as_of=as_of):
            equity, votes = _stake(base, holding.owner, target, as_of)
            bump = _ONE if holding.owner == buyer else _ZERO
            stakes += [(equity, bump - equity), (votes, bump - votes)]
        if not equity_b:
            stakes.append((_ZERO, _ONE))

        def scenario(s: Fraction) -> OwnershipGraph:
            return base.issue(target, buyer, s, as_of=as_of) if s else base

    stakes += _group_votes(base, target, as_of, buyer=buyer, seller=seller, per_vote=per_vote)
    scan = _Scan(scenario, check_at, _levels(rules), stakes, available)
    best = scan.supremum()
    if best is None:
        return Acquisition(
            target=target, buyer=buyer, seller=seller, stake=None, attained=False,
            available=available, cap_rule=None, share=None, check=None,
        )  # fmt: skip
    result = scan.at(best)
    limiting: Cap | None = None
    if best < available:
        later = [c for c in scan.cuts if c > best]
        beyond = best + (later[0] - best) / 7 if later else best
        after = scan.at(beyond)
        breached = [r for r in _deciding_rules(after) if not r.cap_rule.allows(r.exact_share())]
        limiting = breached[0].cap_rule if breached else after.cap_rule
    return Acquisition(
        target=target,
        buyer=buyer,
        seller=seller,
        stake=best,
        attained=result.status == "compliant",
        available=available,
        cap_rule=limiting,
        share=result.exact_share(),
        check=result,
    )


def minimal_divestment(
    g: OwnershipGraph,
    target: str,
    *,
    regime: str | Regime,
    sector: str | None = None,
    as_of: dt.date | None = None,
    undisclosed: UndisclosedPolicy | None = None,
    buyer: str | None = None,
) -> Divestment:
    """The smallest total sale of direct stakes, to a domestic buyer, that brings
    ``target`` inside its cap, and who should sell how much.

    Parameters
    ----------
    g : OwnershipGraph
    target : str
    buyer : str, optional
        Who buys what is sold (an entity of the graph, e.g. the domestic
        partner, which may be partly foreign itself); by default a new, wholly
        domestic holder.
    regime, sector, as_of, undisclosed
        As in :func:`jvmodel.check`.

    Returns
    -------
    Divestment

    Raises
    ------
    UnsupportedAnalysisError
        If no sale of direct stakes is enough (undisclosed ownership counted
        foreign stays); if the breach is foreign control of a sector that must
        be controlled domestically while the share is inside the cap; if
        several caps are in force at once (the FCC's); if a
        seller is owned through the target (the figure is then not piecewise
        linear in the sale); if a cross-holding's statuses are ambiguous at a
        sale the scan checks; or if the sales interact, which the final exact
        check detects.

    Notes
    -----
    Selling ``x`` of a direct holder ``h`` to a domestic newcomer lowers the
    target's figure by ``x·φ(h)``, ``φ(h)`` being the holder's foreign measure
    under the regime's method (by ``x·(φ(h) − φ(buyer))`` for a given buyer).
    The least total ``Σ x_h`` with ``Σ x_h φ(h) ≥ share − cap`` is a
    fractional knapsack: the holders with the largest ``φ`` sell first.

    Step methods make each holder's effect piecewise linear in its sale (the
    largest-holder rule's exemption, the mirror rule at 100%, the multiplier
    at 50%).  The pieces are found exactly as in :func:`max_acquirable`; for
    each choice of one piece (or breakpoint) per holder the knapsack is solved
    on the pieces' slopes, and the cheapest choice wins.  The plan is then
    checked on the scenario graph: the sum of the sales' separate effects must
    be the figure found.

    Examples
    --------
    >>> import jvmodel as jvm
    >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    >>> d = jvm.minimal_divestment(g, "jv", regime="cn-beijing-2020")
    >>> d.sales, d.share  # BT (wholly foreign) sells 3/200 = 1.5%
    ({'bt-china': Fraction(3, 200)}, Fraction(1, 2))
    """
    rules = get(regime)
    base = g.as_of(as_of)
    if buyer is None:
        newcomer = "(domestic buyer)"
        while newcomer in {e.id for e in base.entities()}:
            newcomer = f"({newcomer})"
        base.add_entity(newcomer, kind="company", jurisdiction=rules.host)
    else:
        base.entity(buyer)
        if buyer == target:
            raise InvalidEntityError(
                f"the buyer is the target {target!r} itself; a company's own shares are treasury",
                field="buyer",
                value=buyer,
            )
        newcomer = buyer

    def check_at(scenario: OwnershipGraph) -> CapCheck:
        return check(
            scenario, target, regime=rules, sector=sector, as_of=as_of, undisclosed=undisclosed
        )

    now = check_at(base)
    if now.status == "compliant":
        return Divestment(
            target=target, sales={}, total=_ZERO, attained=True, share=now.exact_share(), check=now
        )
    cap = now.cap_rule
    if cap.limit is None or len(_deciding_rules(now)) != 1:
        raise UnsupportedAnalysisError(
            f"minimal divestment needs one cap on {target!r}; {rules.name!r} has "
            f"{len(_deciding_rules(now))} in force on {now.sector!r}",
            reason="several caps",
        )
    start = now.exact_share()
    excess = start - cap.limit
    if now.status == "breach" and (excess < 0 or (excess == 0 and cap.inclusive)):
        # The share is inside the cap: the breach is a foreign controller, which
        # selling down the foreign share does not address.
        raise UnsupportedAnalysisError(
            f"{target!r} breaches {cap.describe()} through foreign control, not through "
            f"its foreign share ({format_percent(start)}, inside the cap); minimal "
            "divestment plans sales that lower the foreign share only",
            reason="foreign control",
        )
    levels = _levels(rules)
    bought, bought_votes = _stake(base, newcomer, target, as_of)
    sellers: list[tuple[str, _Scan, list[_Segment]]] = []
    for holding in base.holdings_of(target, as_of=as_of):
        equity, votes = _stake(base, holding.owner, target, as_of)
        if not equity or holding.owner == newcomer:
            continue
        per_vote = votes / equity
        stakes = [(equity, -_ONE), (bought, _ONE), (votes, -per_vote), (bought_votes, per_vote)]
        stakes += _group_votes(
            base, target, as_of, buyer=newcomer, seller=holding.owner, per_vote=per_vote
        )

        def sale(x: Fraction, seller: str = holding.owner) -> OwnershipGraph:
            return base.transfer(seller, newcomer, target, x, as_of=as_of) if x else base

        scan = _Scan(sale, check_at, levels, stakes, equity)
        sellers.append((holding.owner, scan, _segments(scan, target)))
    plan = _cheapest(start, excess, sellers)
    if plan is None:
        raise UnsupportedAnalysisError(
            f"no sale of direct stakes in {target!r} to "
            f"{'a domestic buyer' if buyer is None else repr(buyer)} brings its foreign share "
            f"{format_percent(start)} inside the cap {cap.describe()}",
            reason="not enough",
        )
    sales = {owner: x for owner, x in sorted(plan.items(), key=lambda i: -i[1]) if x}
    # The figure is the sum of what each sale changes (the sellers' statuses do
    # not depend on who holds the target); confirm it exactly where we stop.
    expected = start - sum(
        (start - scan.figures(plan[owner])[0] for owner, scan, _ in sellers), _ZERO
    )
    sold_down = base
    for owner, sold in sales.items():
        sold_down = sold_down.transfer(owner, newcomer, target, sold, as_of=as_of)
    result = check_at(sold_down)
    if result.exact_share() != expected:
        raise UnsupportedAnalysisError(
            f"the sales interact in {target!r} (the foreign share after all of them is "
            f"{format_share(result.exact_share())}, not the {format_share(expected)} their "
            "separate effects add up to); this analysis cannot plan them exactly",
            reason="sales interact",
        )
    return Divestment(
        target=target,
        sales=sales,
        total=sum(sales.values(), _ZERO),
        attained=result.status == "compliant",
        share=result.exact_share(),
        check=result,
    )
