"""Helpers for the laws: rebuilding graphs through the public API, and reading them."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

import jvmodel as jvm

HOST = "CN"


def rebuild(
    entities: Iterable[jvm.Entity],
    holdings: Iterable[jvm.Holding] = (),
    controls: Iterable[jvm.ControlLink] = (),
) -> jvm.OwnershipGraph:
    """A new graph from records, through the public ``add_*`` methods (which validate)."""
    g = jvm.OwnershipGraph()
    for entity in entities:
        g.add_entity(entity)
    for holding in holdings:
        g.add_holding(holding)
    for link in controls:
        g.add_control(link)
    return g


def owners(g: jvm.OwnershipGraph, entity: str) -> list[jvm.Holding]:
    """The holdings in ``entity`` that count for look-through: not treasury, not 0."""
    return [h for h in g.holdings_of(entity) if not h.is_treasury and h.equity]


def is_ultimate(g: jvm.OwnershipGraph, entity: str) -> bool:
    """An entity with no recorded owners (other than itself)."""
    return not owners(g, entity)


def treasury(g: jvm.OwnershipGraph, entity: str) -> Fraction:
    return sum((h.equity for h in g.holdings_of(entity) if h.is_treasury), Fraction(0))


def room(g: jvm.OwnershipGraph, entity: str) -> Fraction:
    """The undisclosed part of ``entity``'s equity, before treasury is renormalised."""
    return 1 - sum((h.equity for h in g.holdings_of(entity)), Fraction(0))


def closure(g: jvm.OwnershipGraph, target: str) -> set[str]:
    """``target`` and every entity that holds it, directly or through others."""
    seen = {target}
    stack = [target]
    while stack:
        for h in owners(g, stack.pop()):
            if h.owner not in seen:
                seen.add(h.owner)
                stack.append(h.owner)
    return seen


def is_foreign_owner(g: jvm.OwnershipGraph, entity: str, host: str = HOST) -> bool:
    """An ultimate owner whose jurisdiction is foreign by the plain country test."""
    country = g.entity(entity).country
    return is_ultimate(g, entity) and country is not None and country != host


def add(
    total: dict[str, Fraction], part: dict[str, Fraction], weight: Fraction = Fraction(1)
) -> None:
    for key, value in part.items():
        total[key] = total.get(key, Fraction(0)) + weight * value


def nonzero(shares: dict[str, Fraction]) -> dict[str, Fraction]:
    return {key: value for key, value in shares.items() if value}
