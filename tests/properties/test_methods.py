"""Laws every attribution method obeys: bounds, monotonicity, and the orderings
that hold by construction."""

from __future__ import annotations

import functools
from fractions import Fraction
from typing import Any

import attrs
from hypothesis import assume, given
from hypothesis import strategies as st

import jvmodel as jvm
import jvmodel.strategies as jst
from jvmodel.analysis.methods import (
    Direct,
    LargestHolder,
    Method,
    Multiplier,
    Presence,
    Proportional,
    Threshold,
)
from tests.properties._graphs import rebuild

# -- structures ------------------------------------------------------------------

HOST = "CN"


@attrs.frozen
class Case:
    """A generated structure: the graph and its target (the last entity)."""

    graph: jvm.OwnershipGraph
    target: str


@functools.cache
def _graphs(*, cyclic: bool, controls: bool) -> st.SearchStrategy[jvm.OwnershipGraph]:
    def graphs(*, closed_loops: bool) -> st.SearchStrategy[jvm.OwnershipGraph]:
        return jst.ownership_graphs(
            min_entities=2,
            max_entities=7,
            allow_cycles=cyclic,
            allow_closed_loops=closed_loops,
            allow_control_links=controls,
            allow_treasury=True,
            allow_unknown_jurisdictions=True,
        )

    if not cyclic:
        return graphs(closed_loops=False)
    # Closed loops in half the cases: where jst may close a loop nearly every entity
    # gets holders, and the laws about foreign ultimate owners would find few.
    return st.one_of(graphs(closed_loops=False), graphs(closed_loops=True))


_VOTES = st.sampled_from(["keep", "keep", "keep", "none"])


@st.composite
def cases(draw: st.DrawFn, *, cyclic: bool = True, controls: bool = True) -> Case:
    """Two to seven entities drawn by jst (closed loops too when ``cyclic``, control
    links when ``controls``, treasury shares, owners of unknown jurisdiction), some
    holdings stripped of their votes; the target is the last entity (owners come
    before what they own unless ``cyclic``)."""
    g = draw(_graphs(cyclic=cyclic, controls=controls))
    # jst draws no shares without votes: a lower vote keeps every total within 100%.
    holdings = [
        attrs.evolve(h, voting=Fraction(0)) if not h.is_treasury and draw(_VOTES) == "none" else h
        for h in g.holdings()
    ]
    return Case(graph=rebuild(g.entities(), holdings, g.controls()), target=list(g)[-1])


METHODS: list[Method] = [
    Proportional(),
    Multiplier(),
    Direct(),
    Presence(),
    Threshold(),  # India-like: ≥ 1/2 or foreign-controlled
    Threshold(threshold="50%", mirror=True),  # India, with the mirror rule
    Threshold(threshold="1/3", inclusive=False),  # Canada
    Threshold(threshold="1/4", control=False),
    LargestHolder(),
]
methods = st.sampled_from(METHODS)
policies = st.sampled_from(["foreign", "domestic", "exclude"])
measures = st.sampled_from(["equity", "voting"])


def attribution(case: Case, method: Method, **options: Any) -> jvm.Attribution | None:
    """The evaluation, or None for the structures the engine refuses by design
    (a closed loop with no outside owner; nothing known under ``exclude``)."""
    try:
        return jvm.attribute(case.graph, case.target, host=HOST, method=method, **options)
    except (jvm.CircularOwnershipError, jvm.UnsupportedAnalysisError):
        return None


# -- laws ----------------------------------------------------------------------------


@given(case=cases(), method=methods, undisclosed=policies, measure=measures)
def test_every_method_result_lies_in_zero_one(
    case: Case, method: Method, undisclosed: str, measure: str
) -> None:
    a = attribution(case, method, undisclosed=undisclosed, measure=measure)
    assume(a is not None)
    assert a is not None
    assert 0 <= a.share <= a.upper <= 1
    assert all(0 <= value <= 1 for value in a.values.values())
    if method.grounded or method.linear:
        # Linear methods solve cycles exactly; grounded ones only read the least
        # fixed point: neither reports ambiguity.
        assert (a.share, a.ambiguous) == (a.upper, ())


def _room(g: jvm.OwnershipGraph, owned: str) -> Fraction:
    """What is left of ``owned`` on both measures (neither may pass 100%)."""
    used = [
        sum((h.stake(m) for h in g.holdings_of(owned)), Fraction(0))  # type: ignore[misc]
        for m in ("equity", "voting")
    ]
    return 1 - max(used)


@st.composite
def raisings(draw: st.DrawFn, measure: str) -> tuple[Case, jvm.Holding]:
    """A case and a stake in it held by a foreign ultimate owner (foreign under every
    method and for every policy: its own jurisdiction is foreign, it has no owners),
    positive on ``measure``, in an entity with room left to raise it."""
    case = draw(cases())
    g = case.graph
    candidates = [
        h
        for h in g.holdings()
        if not h.is_treasury
        and not g.holdings_of(h.owner)
        and h.stake(measure)
        and _room(g, h.owned) > 0
    ]
    assume(candidates)
    holding = draw(st.sampled_from(candidates))
    owner = g.entity(holding.owner)
    if jvm.analysis.is_foreign(owner, HOST) is not True:
        # jst makes about a quarter of the entities foreign: the owner is made one.
        moved = attrs.evolve(owner, jurisdiction=draw(jst.jurisdictions(host=HOST, foreign=True)))
        entities = [moved if e.id == owner.id else e for e in g.entities()]
        case = Case(graph=rebuild(entities, g.holdings(), g.controls()), target=case.target)
    return case, holding


def _raised(case: Case, holding: jvm.Holding, extra: Fraction) -> Case:
    """The same structure with ``holding`` raised by ``extra`` (equity and votes)."""
    g = jvm.OwnershipGraph()
    for entity in case.graph.entities():
        g.add_entity(entity)
    for other in case.graph.holdings():
        record = other
        if other == holding:
            assert isinstance(other.equity, Fraction)
            assert isinstance(other.voting, Fraction)
            record = attrs.evolve(
                other, equity=other.equity + extra, voting=min(other.voting + extra, Fraction(1))
            )
        g.add_holding(record)
    for link in case.graph.controls():
        g.add_control(link)
    return Case(graph=g, target=case.target)


@given(
    method=methods,
    undisclosed=policies,
    measure=measures,
    data=st.data(),
    step=st.integers(min_value=1, max_value=20),
)
def test_every_method_is_monotone_in_every_foreign_held_stake(
    method: Method, undisclosed: str, measure: str, data: st.DataObject, step: int
) -> None:
    # Raise one stake held by a foreign ultimate owner, taking the extra from the
    # owned entity's undisclosed remainder: the target's figure must not fall,
    # at the least and at the greatest fixed point alike.  Only stakes already
    # positive on the measure analysed: an entity with no recorded holder is an
    # ultimate owner judged by its own jurisdiction, and recording a first holder
    # changes what it is (it is then looked through), not how much a holder has.
    case, holding = data.draw(raisings(measure), label="case and raised stake")
    if isinstance(method, Multiplier):
        # The FCC's multiplier double counts: a controlling holder counts 100%
        # and the other parts of the entity count on top.  Moving weight from a
        # part already counted foreign (undisclosed under "foreign", or other
        # foreign holders renormalised under "exclude") to the controlling
        # holder lowers the sum.  It is monotone when the extra weight comes
        # from a part counted domestic.
        undisclosed = "domestic"
    extra = _room(case.graph, holding.owned) * Fraction(step, 20)
    before = attribution(case, method, undisclosed=undisclosed, measure=measure)
    after = attribution(
        _raised(case, holding, extra), method, undisclosed=undisclosed, measure=measure
    )
    assume(before is not None and after is not None)
    assert before is not None
    assert after is not None
    assert before.share <= after.share
    assert before.upper <= after.upper


@given(case=cases(), undisclosed=policies, measure=measures)
def test_presence_is_at_least_proportional(case: Case, undisclosed: str, measure: str) -> None:
    # By construction: presence gives an intermediate status 1 whenever its raw
    # share is positive, and proportional gives it its raw share, at most 1.  By
    # induction in evaluation order, presence's raw shares dominate
    # proportional's (the same sum over larger statuses), so its statuses do
    # too; on a cycle, presence's least fixed point is reachability from a
    # foreign owner, which is exactly where the proportional value is positive.
    # The target's figure is the same sum over larger statuses.
    proportional = attribution(case, Proportional(), undisclosed=undisclosed, measure=measure)
    presence = attribution(case, Presence(), undisclosed=undisclosed, measure=measure)
    assume(proportional is not None and presence is not None)
    assert proportional is not None
    assert presence is not None
    assert presence.share >= proportional.share


@given(case=cases(), undisclosed=policies, measure=measures)
def test_multiplier_is_at_least_proportional(case: Case, undisclosed: str, measure: str) -> None:
    # By construction: the multiplier's link transform never lowers a stake (a
    # controlling stake becomes 100%, the others stay), and the ultimate owners'
    # values are the same, so every path product, hence every path sum, is at
    # least as large (a diverging sum is larger still).  Capping the aggregate at
    # 100% keeps it above proportional, which never exceeds 100%.
    proportional = attribution(case, Proportional(), undisclosed=undisclosed, measure=measure)
    multiplier = attribution(case, Multiplier(), undisclosed=undisclosed, measure=measure)
    assume(proportional is not None and multiplier is not None)
    assert proportional is not None
    assert multiplier is not None
    assert multiplier.share >= proportional.share


@given(case=cases(cyclic=False, controls=False), measure=measures)
def test_acyclic_structures_are_never_ambiguous(case: Case, measure: str) -> None:
    # Without cycles every status is computed once, owners first: the least and
    # greatest fixed points coincide.
    for method in METHODS:
        a = attribution(case, method, measure=measure)
        if a is not None:
            assert (a.share, a.ambiguous) == (a.upper, ())


@given(case=cases(), measure=measures)
def test_controllers_end_and_form_a_chain(case: Case, measure: str) -> None:
    # Control analysis ends on every structure and names each controller once;
    # an ultimate controller exists exactly when the top level is one entity.
    chain = jvm.controllers(case.graph, case.target)
    ids = list(chain)
    assert len(ids) == len(set(ids))
    assert case.target not in ids
    assert (chain.ultimate is not None) == (chain.kind == "single")
