"""A dated graph on a day is the graph of the holdings in force that day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

import jvmodel as jvm
import jvmodel.strategies as jst
from tests.properties._graphs import HOST, rebuild

GRAPHS = jst.ownership_graphs(
    max_entities=8,
    allow_dates=True,
    allow_cycles=True,
    allow_treasury=True,
    allow_control_links=True,
)


def _days(g: jvm.OwnershipGraph) -> list[dt.date | None]:
    """None, and every day on which a holding starts or ends, with the days around."""
    days: set[dt.date] = set()
    for h in g.holdings():
        for day in (h.valid_from, h.valid_to):
            if day is not None:
                days.update({day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)})
    return [None, *sorted(days)]


@given(g=GRAPHS, data=st.data())
def test_snapshots_agree_with_the_graph_built_for_the_day(g: jvm.OwnershipGraph, data: Any) -> None:
    days = _days(g)
    chosen = data.draw(st.lists(st.sampled_from(days), min_size=1, max_size=3, unique=True))
    for day in chosen:
        in_force = [h for h in g.holdings() if h.covers(day)]
        controls = [c for c in g.controls() if c.covers(day)]
        direct = rebuild(g.entities(), in_force, controls)
        snapshot = g.as_of(day)
        assert snapshot == direct
        assert len(snapshot) == len(g)  # every entity is kept
        # The same structure with its dates dropped, read as today's.
        undated = rebuild(
            g.entities(),
            [attrs.evolve(h, valid_from=None, valid_to=None) for h in in_force],
        )
        for target in g:
            expected = jvm.effective_ownership(undated, target)
            assert jvm.effective_ownership(g, target, as_of=day) == expected
            assert jvm.effective_ownership(snapshot, target, as_of=day) == expected
            assert jvm.foreign_share(g, target, host=HOST, as_of=day) == jvm.foreign_share(
                undated, target, host=HOST
            )
            for h in snapshot.holdings_of(target, as_of=...):
                assert h.covers(day)
