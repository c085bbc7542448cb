"""Builders shared by the tests of ranged stakes: a graph from a table, intervals."""

from __future__ import annotations

from fractions import Fraction

import jvmodel as jvm


def iv(lower: Fraction, upper: Fraction, lc: bool = True, uc: bool = True) -> jvm.Interval:
    """The interval from ``lower`` to ``upper``, each end closed unless told."""
    return jvm.Interval(lower=lower, upper=upper, lower_closed=lc, upper_closed=uc)


def pt(value: Fraction) -> jvm.Interval:
    """The one-point interval ``[value, value]``."""
    return jvm.Interval(lower=value, upper=value)


def graph(
    countries: dict[str, str | None], holdings: list[tuple[str, str, object]]
) -> jvm.OwnershipGraph:
    """Entities with their jurisdictions, then ``(owner, owned, stake)`` holdings."""
    g = jvm.OwnershipGraph()
    for entity_id, country in countries.items():
        g.add_entity(entity_id, jurisdiction=country)
    for owner, owned, stake in holdings:
        g.add_holding(owner, owned, stake)
    return g
