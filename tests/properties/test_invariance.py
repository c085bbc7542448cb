"""Look-through does not depend on names, on pass-through companies, or on how a
holder is split (DESIGN.md sections 3 and 6)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import attrs
from hypothesis import assume, given
from hypothesis import strategies as st

import jvmodel as jvm
import jvmodel.strategies as jst
from tests.properties._graphs import HOST, is_ultimate, rebuild

GRAPHS = jst.ownership_graphs(
    max_entities=10,
    allow_cycles=True,
    allow_treasury=True,
    allow_unknown_jurisdictions=True,
)
POLICIES = ("foreign", "domestic", "exclude")


def _figures(g: jvm.OwnershipGraph, target: str) -> dict[str, Any]:
    """Everything look-through reports about ``target``, for comparison."""
    figures: dict[str, Any] = {
        "equity": jvm.effective_ownership(g, target),
        "voting": jvm.effective_ownership(g, target, measure="voting"),
    }
    for policy in POLICIES:
        try:
            figures[policy] = jvm.foreign_share(g, target, host=HOST, undisclosed=policy)
        except jvm.UnsupportedAnalysisError:
            figures[policy] = "nothing known"
    return figures


def _rename(figures: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    renamed = dict(figures)
    for measure in ("equity", "voting"):
        renamed[measure] = {mapping.get(k, k): v for k, v in figures[measure].items()}
    return renamed


@given(g=GRAPHS, data=st.data())
def test_relabelling_and_reordering(g: jvm.OwnershipGraph, data: Any) -> None:
    ids = list(g)
    names = data.draw(
        st.lists(
            # Inner spaces are allowed in an id, surrounding whitespace is not.
            st.from_regex(r"[A-Za-z]([A-Za-z0-9 _.-]{0,8}[A-Za-z0-9_.-])?", fullmatch=True),
            unique=True,
            min_size=len(ids),
            max_size=len(ids),
        ),
        label="new ids",
    )
    mapping = dict(zip(ids, names, strict=True))
    entity_order = data.draw(st.permutations(list(g.entities())), label="entity order")
    holding_order = data.draw(st.permutations(list(g.holdings())), label="holding order")
    renamed = rebuild(
        [attrs.evolve(e, id=mapping[e.id], name=e.name) for e in entity_order],
        [attrs.evolve(h, owner=mapping[h.owner], owned=mapping[h.owned]) for h in holding_order],
    )
    for target in ids:
        before = _rename(_figures(g, target), mapping)
        after = _figures(renamed, mapping[target])
        # Equal as dicts; the order (largest first, ties by id) may differ on ties.
        assert after == before


@given(g=GRAPHS, data=st.data())
def test_inserting_a_wholly_owned_pass_through_company(g: jvm.OwnershipGraph, data: Any) -> None:
    stakes = [h for h in g.holdings() if not h.is_treasury]
    assume(stakes)
    chosen = data.draw(st.sampled_from(stakes), label="holding")
    # The pass-through's own jurisdiction does not matter: only its owner does.
    place = data.draw(jst.jurisdictions(), label="pass-through jurisdiction")
    through = jvm.Entity(id="pass-through", kind="company", jurisdiction=place)
    holdings = [h for h in g.holdings() if h != chosen]
    holdings.append(jvm.Holding(owner=chosen.owner, owned=through.id, equity=1))
    holdings.append(attrs.evolve(chosen, owner=through.id))
    longer = rebuild([*g.entities(), through], holdings)
    for target in g:
        assert _figures(longer, target) == _figures(g, target)


@given(g=GRAPHS, data=st.data())
def test_splitting_a_holder_in_two(g: jvm.OwnershipGraph, data: Any) -> None:
    holders = sorted({h.owner for h in g.holdings() if not h.is_treasury})
    assume(holders)
    split = data.draw(st.sampled_from(holders), label="holder")
    part = data.draw(jst.shares(min_value="1%", max_value="99%"), label="first part")
    first, second = f"{split}/a", f"{split}/b"
    original = g.entity(split)
    entities = [e for e in g.entities() if e.id != split]
    entities += [attrs.evolve(original, id=first), attrs.evolve(original, id=second)]

    holdings: list[jvm.Holding] = []
    for h in g.holdings():
        if h.owner == split and h.owned == split:  # treasury: each half keeps it
            holdings += [attrs.evolve(h, owner=half, owned=half) for half in (first, second)]
        elif h.owned == split:  # each half has the same owners as the whole
            holdings += [attrs.evolve(h, owned=half) for half in (first, second)]
        elif h.owner == split:  # its stakes are shared out: part and the rest
            holdings.append(
                attrs.evolve(h, owner=first, equity=h.equity * part, voting=h.voting * part)
            )
            rest = 1 - part
            holdings.append(
                attrs.evolve(h, owner=second, equity=h.equity * rest, voting=h.voting * rest)
            )
        else:
            holdings.append(h)
    halves = rebuild(entities, holdings)

    merged = {first: split, second: split}
    for target in g:
        if target == split:
            continue
        before = _figures(g, target)
        after = _figures(halves, target)
        for measure in ("equity", "voting"):
            combined: dict[str, Fraction] = {}
            for owner, share in after[measure].items():
                key = merged.get(owner, owner)
                combined[key] = combined.get(key, Fraction(0)) + share
            after[measure] = combined
        assert after == before
        if is_ultimate(g, split) and split in before["equity"]:
            # Each half owns its part of what the whole owned.
            whole = before["equity"][split]
            shares = jvm.effective_ownership(halves, target)
            assert shares[first] == whole * part
            assert shares[second] == whole * (1 - part)
