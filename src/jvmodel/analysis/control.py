"""Control: who controls an entity through chains of majority votes and control links.

An entity ``x`` controls ``e`` when

* ``e`` has control links (a contract, a right to appoint the majority of its
  board, a voting agreement) and every entity holding one is ``x`` or is
  controlled by ``x``; a control link takes precedence over votes, as the
  contract of a VIE assigns the nominee shareholders' votes to the controller;
* or ``e`` has no control link and ``x``, together with the entities it
  controls, holds more than half of the votes of ``e``.

This defines for each ``x`` the set ``C(x)`` of entities it controls as the
least set containing ``x`` and closed under the two rules, found by a worklist
that only ever adds entities, so it always ends, cross-holdings included.
Voting stakes are read like equity in the look-through: treasury shares are left
out and the other stakes renormalised.

:func:`controllers` orders the entities controlling the target from the nearest
to the farthest.  Entities that control each other (each in the other's
``C``) form a *mutual-control group*, reported as one level; a group at the top
has no outside controller, so there is no ultimate controller.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Mapping
from fractions import Fraction
from typing import Literal

import attrs
import networkx as nx

from jvmodel._numeric import Range, format_share
from jvmodel.errors import CircularOwnershipError, UnsupportedAnalysisError
from jvmodel.graph import OwnershipGraph

__all__ = ["ControlChain", "ControlStep", "controllers", "ultimate_controller"]

_ZERO = Fraction(0)
_HALF = Fraction(1, 2)


@attrs.frozen(kw_only=True)
class ControlStep:
    """How one level of a control chain controls the entity just below it.

    Attributes
    ----------
    controller : tuple of str
        The controlling level (one entity, or a mutual-control group).
    controlled : str
        The entity controlled (the target, or a member of the level below).
    basis : str
        ``"votes"`` or the basis of a control link (``"contract"``,
        ``"board"``, ``"voting_agreement"``).
    votes : Fraction or None
        For ``"votes"``: the votes of ``controlled`` held by the controller
        together with the entities it controls.
    """

    controller: tuple[str, ...]
    controlled: str
    basis: str
    votes: Fraction | None = None

    def describe(self) -> str:
        """The step in words: ``"'a' (60% of the votes)"``."""
        who = " and ".join(repr(c) for c in self.controller)
        if self.basis == "votes" and self.votes is not None:
            return f"{who} ({format_share(self.votes)} of the votes)"
        return f"{who} ({self.basis.replace('_', ' ')})"


@attrs.frozen(kw_only=True)
class ControlChain:
    """The entities that control a target, nearest first.

    Iterating over a chain gives the controlling entity ids, nearest first.

    Attributes
    ----------
    target : str
    levels : tuple of tuple of str
        The controllers grouped in levels, the nearest (direct) controller
        first; a level holds one entity, or several that control each other.
    steps : tuple of ControlStep
        How each level controls the one below it (the first: the target).
    contested : bool
        True when two controllers do not control each other (conflicting
        control links); then there is no ultimate controller.

    Examples
    --------
    >>> import jvmodel as jvm
    >>> g = jvm.OwnershipGraph()
    >>> for e in ("top", "mid", "jv"):
    ...     _ = g.add_entity(e)
    >>> _ = g.add_holding("top", "mid", "60%")
    >>> _ = g.add_holding("mid", "jv", "60%")
    >>> chain = jvm.controllers(g, "jv")
    >>> list(chain), chain.ultimate, chain.kind
    (['mid', 'top'], 'top', 'single')
    >>> print(chain.describe())
    'jv' is controlled by 'mid' (60% of the votes), which is controlled by 'top' (60% of the votes)
    """

    target: str
    levels: tuple[tuple[str, ...], ...] = ()
    steps: tuple[ControlStep, ...] = ()
    contested: bool = False

    def __iter__(self) -> Iterator[str]:
        for level in self.levels:
            yield from level

    def __len__(self) -> int:
        return sum(len(level) for level in self.levels)

    def __contains__(self, entity_id: object) -> bool:
        return any(entity_id in level for level in self.levels)

    def __getitem__(self, index: int) -> str:
        return list(self)[index]

    @property
    def kind(self) -> Literal["none", "single", "group", "contested"]:
        """``"none"`` (no controller: dispersed or joint control), ``"single"``
        (an ultimate controller), ``"group"`` (a mutual-control group at the
        top) or ``"contested"``."""
        if not self.levels:
            return "none"
        if self.contested:
            return "contested"
        return "single" if len(self.levels[-1]) == 1 else "group"

    @property
    def ultimate(self) -> str | None:
        """The ultimate controller, or None (see :attr:`kind`)."""
        return self.levels[-1][0] if self.kind == "single" else None

    @property
    def group(self) -> tuple[str, ...]:
        """The mutual-control group at the top with no outside controller, or ()."""
        return self.levels[-1] if self.kind == "group" else ()

    def describe(self) -> str:
        """The chain in words."""
        if not self.levels:
            return f"{self.target!r} has no controller (dispersed or joint control)"
        parts = [f"{self.target!r} is controlled by {self.steps[0].describe()}"]
        parts.extend(f"which is controlled by {step.describe()}" for step in self.steps[1:])
        text = ", ".join(parts)
        if self.kind == "group":
            text += "; these control each other and have no outside controller"
        elif self.kind == "contested":
            text += "; its control is contested (controllers that do not control each other)"
        return text


@attrs.frozen
class Structure:
    """Voting stakes and control links among a set of entities."""

    votes_in: dict[str, dict[str, Fraction]]  # e -> {holder: votes}
    links_in: dict[str, dict[str, tuple[str, ...]]]  # e -> {controller: bases}
    # e -> holders whose votes are a range open at its lower bound: they hold
    # strictly more than the lower bound recorded in votes_in.
    open_in: dict[str, frozenset[str]] = attrs.field(factory=dict)

    @property
    def votes_out(self) -> dict[str, dict[str, Fraction]]:
        out: dict[str, dict[str, Fraction]] = defaultdict(dict)
        for owned, holders in self.votes_in.items():
            for holder, votes in holders.items():
                out[holder][owned] = votes
        return out

    @property
    def links_out(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for controlled, controllers_ in self.links_in.items():
            for controller in controllers_:
                out[controller].append(controlled)
        return out


def votes_of(
    g: OwnershipGraph, entity: str, as_of: dt.date | None, *, ranges: bool = False
) -> dict[str, Fraction]:
    """The voting stakes in ``entity`` on ``as_of``, treasury left out and renormalised.

    A ranged stake raises :class:`UnsupportedAnalysisError`, or with
    ``ranges=True`` counts with its lower bound (control is then only claimed
    where it is certain).
    """
    treasury = _ZERO
    found: dict[str, Fraction] = {}
    for holding in g.holdings_of(entity, as_of=as_of):
        stake = holding.voting
        if isinstance(stake, Range):
            if not ranges:
                raise UnsupportedAnalysisError(
                    f"the voting stake of {holding.owner!r} in {entity!r} is a range "
                    f"({stake!r}); this analysis needs exact stakes",
                    reason="ranged stake",
                    entity=entity,
                )
            stake = stake.min
        if holding.is_treasury:
            treasury += stake
        elif stake:
            found[holding.owner] = stake
    if treasury == 1:
        raise CircularOwnershipError(
            f"{entity!r} holds all of its own votes, so no one else can control it",
            entities=(entity,),
        )
    return {owner: stake / (1 - treasury) for owner, stake in found.items()}


def links_of(g: OwnershipGraph, entity: str, as_of: dt.date | None) -> dict[str, tuple[str, ...]]:
    links: dict[str, list[str]] = defaultdict(list)
    for link in g.controls_of(entity, as_of=as_of):
        links[link.controller].append(link.basis)
    return {controller: tuple(sorted(set(bases))) for controller, bases in links.items()}


def voting_closure(
    g: OwnershipGraph, start: Iterable[str], *, as_of: dt.date | None = None, ranges: bool = True
) -> Structure:
    """Voting stakes and control links of everything upstream of ``start``.

    Upstream means reachable backwards through voting holdings and control
    links in force on ``as_of``.  Ranged voting stakes count with their lower
    bound (see :func:`votes_of`).
    """
    votes_in: dict[str, dict[str, Fraction]] = {}
    links_in: dict[str, dict[str, tuple[str, ...]]] = {}
    open_in: dict[str, frozenset[str]] = {}
    queue = deque(start)
    seen = set(queue)
    while queue:
        node = queue.popleft()
        votes_in[node] = votes_of(g, node, as_of, ranges=ranges)
        links_in[node] = links_of(g, node, as_of)
        open_in[node] = frozenset(
            h.owner
            for h in g.holdings_of(node, as_of=as_of)
            if isinstance(h.voting, Range) and not h.voting.min_closed and not h.is_treasury
        )
        for upper in (*votes_in[node], *links_in[node]):
            if upper not in seen:
                seen.add(upper)
                queue.append(upper)
    return Structure(votes_in=votes_in, links_in=links_in, open_in=open_in)


def control_sets(structure: Structure) -> dict[str, frozenset[str]]:
    """``C(x)`` for every entity ``x`` of the structure (``x`` itself included)."""
    votes_in = structure.votes_in
    links_in = structure.links_in
    votes_out = structure.votes_out
    links_out = structure.links_out
    result: dict[str, frozenset[str]] = {}
    for x in votes_in:
        members = {x}
        acc: dict[str, Fraction] = defaultdict(Fraction)
        strict: set[str] = set()  # entities where the members hold more than acc
        queue = deque([x])
        while queue:
            member = queue.popleft()
            touched = list(links_out.get(member, ()))
            for owned, votes in votes_out.get(member, {}).items():
                acc[owned] += votes
                if member in structure.open_in.get(owned, ()):
                    strict.add(owned)
                touched.append(owned)
            for e in touched:
                if e in members or e not in votes_in:
                    continue
                linked = links_in[e]
                # A control link takes precedence over votes; exactly half held
                # through a band open at its lower end is more than half.
                majority = acc[e] > _HALF or (acc[e] == _HALF and e in strict)
                joins = all(c in members for c in linked) if linked else majority
                if joins:
                    members.add(e)
                    queue.append(e)
        result[x] = frozenset(members)
    return result


def controllers_by_entity(sets: Mapping[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    """For each entity, the other entities that control it."""
    found: dict[str, set[str]] = defaultdict(set)
    for x, controlled in sets.items():
        for e in controlled:
            if e != x:
                found[e].add(x)
    return {e: frozenset(found.get(e, ())) for e in sets}


def _step(
    structure: Structure,
    sets: Mapping[str, frozenset[str]],
    level: tuple[str, ...],
    below: str,
) -> ControlStep:
    linked = structure.links_in.get(below, {})
    bases = sorted({b for c, bs in linked.items() if c in level for b in bs})
    if linked and bases:
        return ControlStep(controller=level, controlled=below, basis=bases[0])
    if linked:
        return ControlStep(controller=level, controlled=below, basis="control link")
    group = sets[level[0]]
    votes = sum(
        (v for h, v in structure.votes_in.get(below, {}).items() if h in group and h != below),
        _ZERO,
    )
    return ControlStep(controller=level, controlled=below, basis="votes", votes=votes)


def controllers(g: OwnershipGraph, target: str, *, as_of: dt.date | None = None) -> ControlChain:
    """Who controls ``target`` through chains of majority votes and control links.

    Parameters
    ----------
    g : OwnershipGraph
    target : str
    as_of : datetime.date, optional
        The structure on that day (holdings and control links); None for
        today's (what has no end date).

    Returns
    -------
    ControlChain
        The controllers nearest first, grouped in levels; empty when no one
        controls the target (dispersed ownership, or joint control such as a
        50/50 JV).

    Raises
    ------
    UnknownEntityError

    Notes
    -----
    See the module documentation for the definition.  A voting stake known
    only as a range counts with its lower bound, so control is only claimed
    where it holds for every value in the ranges.  Control is transitive:
    the controller of a controller is a controller.  The chain is finite and
    the computation ends on every structure, including cross-holdings and
    entities controlling each other.

    Examples
    --------
    A 50/50 joint venture has no single controller:

    >>> import jvmodel as jvm
    >>> g = jvm.OwnershipGraph()
    >>> for e in ("a", "b", "jv"):
    ...     _ = g.add_entity(e)
    >>> _ = g.add_holding("a", "jv", "50%")
    >>> _ = g.add_holding("b", "jv", "50%")
    >>> jvm.controllers(g, "jv").kind, jvm.ultimate_controller(g, "jv") is None
    ('none', True)
    """
    g.entity(target)  # raises UnknownEntityError
    structure = voting_closure(g, [target], as_of=as_of)
    sets = control_sets(structure)
    return _chain(structure, sets, target)


def _chain(structure: Structure, sets: Mapping[str, frozenset[str]], target: str) -> ControlChain:
    above = [x for x, controlled in sets.items() if x != target and target in controlled]
    if not above:
        return ControlChain(target=target)
    relation: nx.DiGraph[str] = nx.DiGraph()
    relation.add_nodes_from(above)
    relation.add_edges_from((x, y) for x in above for y in above if x != y and y in sets[x])
    condensed = nx.condensation(relation)
    members = condensed.graph["mapping"]
    groups: dict[int, list[str]] = defaultdict(list)
    for node, index in members.items():
        groups[index].append(node)
    order = list(nx.topological_sort(condensed))  # farthest (top) first
    contested = any(
        not condensed.has_edge(first, second) for first, second in itertools.pairwise(order)
    )
    levels = tuple(tuple(sorted(groups[index])) for index in reversed(order))
    steps: list[ControlStep] = []
    below = target
    for level in levels:
        steps.append(_step(structure, sets, level, below))
        below = level[0]
    return ControlChain(target=target, levels=levels, steps=tuple(steps), contested=contested)


def ultimate_controller(
    g: OwnershipGraph, target: str, *, as_of: dt.date | None = None
) -> str | None:
    """The entity at the top of ``target``'s control chain, or None.

    None for joint control, dispersed ownership, contested control, and a
    group of entities that control each other with no outside controller
    (:func:`controllers` reports such a group as such).

    Examples
    --------
    >>> import jvmodel as jvm
    >>> g = jvm.OwnershipGraph()
    >>> for e in ("parent", "wfoe", "opco", "nominee"):
    ...     _ = g.add_entity(e)
    >>> _ = g.add_holding("parent", "wfoe", "100%")
    >>> _ = g.add_holding("nominee", "opco", "100%")
    >>> _ = g.add_control("wfoe", "opco", basis="contract")
    >>> jvm.ultimate_controller(g, "opco")
    'parent'
    """
    return controllers(g, target, as_of=as_of).ultimate
