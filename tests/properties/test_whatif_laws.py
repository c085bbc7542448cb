"""Laws of the what-if analyses: max_acquirable is the boundary; scenarios copy."""

from __future__ import annotations

import functools
from fractions import Fraction
from typing import Any

import attrs
import networkx as nx
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import jvmodel as jvm
import jvmodel.strategies as jst

# (regime, sector, host) for every bundled regime with a cap on an entity's own share.
REGIMES = [
    ("cn-beijing-2020", "vpn", "CN"),
    ("cn-national", "basic-telecom", "CN"),
    ("in-fdi", "digital-news", "IN"),
    ("jp-ntt", "ntt", "JP"),
    ("kr-telecom", "telecom-carrier", "KR"),
    ("ca-telecom", "telecom-carrier", "CA"),
    ("us-fcc", "common-carrier", "US"),
]


@attrs.frozen
class Deal:
    """A capped target in a drawn structure, a buyer, and a seller (None for a new issue)."""

    graph: jvm.OwnershipGraph
    regime: jvm.Regime
    sector: str
    target: str
    buyer: str
    seller: str | None

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # How hypothesis shows a failing example: every record, and the regime's rules.
        g, r = self.graph, self.regime
        lines = [
            f"Deal(target={self.target!r}, buyer={self.buyer!r}, seller={self.seller!r},",
            f"  regime={r.name!r} methods={r.methods} undisclosed={r.undisclosed!r}",
            *(f"  {cap!r}" for cap in r.caps),
            *(f"  {e!r}" for e in g.entities()),
            *(f"  {h!r}" for h in g.holdings()),
            *(f"  {c!r}" for c in g.controls()),
            ")",
        ]
        printer.text("\n".join(lines))

    def check(self, stake: Fraction) -> jvm.CapCheck:
        """The target's check once the buyer has ``stake`` more of it."""
        g, target = self.graph, self.target
        after = (
            g.issue(target, self.buyer, stake)
            if self.seller is None
            else g.transfer(self.seller, self.buyer, target, stake)
        )
        return jvm.check(after, target, regime=self.regime, sector=self.sector)

    def status(self, stake: Fraction) -> str:
        return self.check(stake).status

    def held(self, holder: str) -> Fraction:
        """The stake ``holder`` has in the target today."""
        equity = next(h.equity for h in self.graph.holdings_of(self.target) if h.owner == holder)
        assert isinstance(equity, Fraction)
        return equity


def _checks(deal: Deal, stake: Fraction) -> bool:
    """Whether the target can be checked once the buyer has ``stake`` more of it."""
    try:
        deal.check(stake)
    except jvm.UnsupportedAnalysisError:
        return False
    return True


@functools.cache
def _graphs(host: str) -> st.SearchStrategy[jvm.OwnershipGraph]:
    return jst.ownership_graphs(
        min_entities=2,
        max_entities=7,
        allow_cycles=True,
        allow_control_links=True,
        allow_treasury=True,
        allow_dates=True,
        allow_unknown_jurisdictions=True,
        host=host,
    )


@functools.cache
def _regimes(name: str, sector: str, host: str) -> st.SearchStrategy[jvm.Regime]:
    # The bundled regime first, then synthetic ones with other caps and methods.
    return st.one_of(
        st.just(jvm.regimes.get(name)),
        jst.regimes(host=host, sectors=[sector], bundled=False),
    )


@st.composite
def deals(draw: st.DrawFn) -> Deal:
    """A structure drawn by jst with one of its entities made the capped target.

    The target is a domestic company of the regime's host in the capped sector.
    The buyer is any other entity the target does not own or control, directly or
    through others (as the notes of max_acquirable assume);
    the seller, when there is one, a holder of the target other than the buyer.
    """
    # jst draws no named buyer and seller: picked here from a drawn structure.
    name, sector, host = draw(st.sampled_from(REGIMES))
    regime = draw(_regimes(name, sector, host))
    g = draw(_graphs(host))
    ids = list(g)
    target = draw(st.sampled_from(ids[::-1]))  # shrinks towards the last, most held
    below = nx.descendants(g.nx, target)
    buyers = [e for e in ids if e != target and e not in below]
    assume(buyers)
    capped = attrs.evolve(
        g.entity(target),
        kind="company",
        jurisdiction=draw(jst.jurisdictions(host=host, foreign=False)),
        sectors=[sector],
    )
    g.replace_entity(capped)
    buyer = draw(st.sampled_from(buyers))
    sellers = [h.owner for h in g.holdings_of(target) if h.owner not in (buyer, target)]
    seller = draw(st.sampled_from([None, *sellers]))
    return Deal(g, regime, sector, target, buyer, seller)


def _refused_rightly(deal: Deal, fields: dict[str, Any]) -> None:
    if fields.get("reason") == "ambiguous":
        assert deal.check(fields["stake"]).ambiguous
    elif fields.get("reason") != "no exact piece":
        ends = [Fraction(0), Fraction(1) if deal.seller is None else deal.held(deal.seller)]
        assert not all(_checks(deal, stake) for stake in ends)


@given(deals())
def test_max_acquirable_is_the_boundary(deal: Deal) -> None:
    try:
        r = jvm.max_acquirable(
            deal.graph,
            deal.target,
            buyer=deal.buyer,
            seller=deal.seller,
            regime=deal.regime,
            sector=deal.sector,
        )
    except jvm.UnsupportedAnalysisError as refused:
        # Refused, not guessed: the figure has no exact pieces to search, a
        # cross-holding reads two ways at the stake named, or the check refuses the
        # structure at one end (nothing known under "exclude").
        _refused_rightly(deal, refused.fields)
        return
    if r.stake is None:
        # No stake keeps the target compliant: not the first, not the last.
        assert deal.status(Fraction(0)) != "compliant"
        assert deal.status(r.available) != "compliant"
        return
    assert 0 <= r.stake <= r.available
    room = r.available - r.stake
    # Just beyond the boundary, and all of it.
    beyond = [r.stake + room / 997, r.available] if room else []
    checks = [deal.check(stake) for stake in (r.stake, *beyond)]
    if any(c.ambiguous for c in checks):
        return  # left out until fixed: see test_max_acquirable_reads_the_greatest_fixed_point
    assert (checks[0].status == "compliant") == r.attained
    if room:
        # Beyond the boundary every stake is a breach.
        assert all(c.status != "compliant" for c in checks[1:])
    else:
        assert r.cap_rule is None


@pytest.mark.xfail(strict=True, reason="max_acquirable reads the least fixed point only")
def test_max_acquirable_reads_the_greatest_fixed_point() -> None:
    # holdco (half the buyer's, half local) controls the buyer by contract: the two
    # are foreign together or domestic together, a status cycle.  After the target
    # issues s to the buyer its voting figure is 0 at the least fixed point and s at
    # the greatest (holdco's raw share 1/2 > 1/3 makes it foreign, and the buyer
    # foreign-controlled): compliant while s ≤ 20% (the Canadian voting cap), then
    # indeterminate.  The largest compliant stake is 20%, and it is attained.
    g = jvm.OwnershipGraph()
    for entity in ("buyer", "holdco", "local"):
        g.add_entity(entity, jurisdiction="CA")
    g.add_entity("t", jurisdiction="CA", sectors=["telecom-carrier"])
    g.add_holding("buyer", "holdco", "50%")
    g.add_holding("local", "holdco", "50%")
    g.add_holding("local", "t", "100%")
    g.add_control("holdco", "buyer", basis="contract")
    options: dict[str, Any] = {"regime": "ca-telecom", "sector": "telecom-carrier"}
    assert jvm.check(g.issue("t", "buyer", Fraction(1, 5)), "t", **options).status == "compliant"
    r = jvm.max_acquirable(g, "t", buyer="buyer", **options)
    assert (r.stake, r.attained) == (Fraction(1, 5), True)


@given(deals(), st.integers(0, 20))
def test_scenario_edits_leave_the_original(deal: Deal, twentieths: int) -> None:
    g, target, buyer, seller = deal.graph, deal.target, deal.buyer, deal.seller
    before = (list(g.entities()), list(g.holdings()), list(g.controls()), g.version)
    stake = Fraction(twentieths, 20)
    g.issue(target, buyer, stake)
    if seller is not None:
        g.transfer(seller, buyer, target, min(stake, deal.held(seller)))
        g.remove_holding(seller, target)
    assert (list(g.entities()), list(g.holdings()), list(g.controls()), g.version) == before


def _sold(deal: Deal, sales: dict[str, Fraction]) -> jvm.OwnershipGraph:
    after = deal.graph.as_of(None)
    after.add_entity("(domestic buyer)", jurisdiction=deal.regime.host)
    for owner, stake in sales.items():
        after = after.transfer(owner, "(domestic buyer)", deal.target, stake)
    return after


@given(deals())
def test_minimal_divestment_is_enough_and_least(deal: Deal) -> None:
    regime, sector, target = deal.regime, deal.sector, deal.target
    try:
        d = jvm.minimal_divestment(deal.graph, target, regime=regime, sector=sector)
    except jvm.UnsupportedAnalysisError:
        return  # several caps (FCC), or no sale is enough: refused, not guessed
    status = jvm.check(_sold(deal, d.sales), target, regime=regime, sector=sector).status
    assert (status == "compliant") == d.attained
    assert d.total == sum(d.sales.values())
    if d.sales:
        # Selling a little less of every stake is never enough.
        less = {owner: stake * Fraction(996, 997) for owner, stake in d.sales.items()}
        after = jvm.check(_sold(deal, less), target, regime=regime, sector=sector)
        assert after.status != "compliant"
