"""Control: who controls an entity through chains of majority votes and control links.

An entity ``x`` controls ``e`` when

* ``e`` has control links (a contract, a right to appoint the majority of its
  board, a voting agreement) and every entity holding one is ``x`` or is
  controlled by ``x``; a control link takes precedence over votes, as the
  contract of a VIE assigns the nominee shareholders' votes to the controller;
* or ``e`` has no control link and ``x``, together with the entities it
  controls, holds more than half of the votes of ``e``.

This defines for each ``x`` the set ``C(x)`` of entities it controls as the
least set containing ``x`` and closed under the two rules.  Control is
transitive, and on a chain of majority stakes each layer controls all the layers
below it, so the relation itself grows with the square of the chain; it is held
instead by each entity's *nearest* controllers (:class:`ControlHierarchy`),
found owners first in time linear in chains and in wide entities, the whole
relation being what lies above them.  Voting stakes are read like equity in the
look-through: treasury shares are left out and the other stakes renormalised.

:func:`controllers` orders the entities controlling the target from the nearest
to the farthest.  Entities that control each other (each in the other's
``C``) form a *mutual-control group*, reported as one level; a group at the top
has no outside controller, so there is no ultimate controller.
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import itertools
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from fractions import Fraction
from typing import Literal

import attrs
import networkx as nx

from jvmodel._numeric import Range, format_share
from jvmodel.analysis._order import components
from jvmodel.errors import CircularOwnershipError, UnsupportedAnalysisError
from jvmodel.graph import OwnershipGraph

__all__ = ["ControlChain", "ControlStep", "controllers", "ultimate_controller"]

_ZERO = Fraction(0)
_ONE = Fraction(1)
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


def votes_of(
    g: OwnershipGraph, entity: str, as_of: dt.date | None, *, ranges: bool = False
) -> dict[str, Fraction]:
    """The voting stakes in ``entity`` on ``as_of``, treasury left out and renormalised.

    A ranged stake raises :class:`UnsupportedAnalysisError`, or with
    ``ranges=True`` counts with its lower bound (control is then only claimed
    where it is certain).
    """
    return _voting(g, entity, as_of, ranges=ranges)[0]


def _voting(
    g: OwnershipGraph, entity: str, as_of: dt.date | None, *, ranges: bool
) -> tuple[dict[str, Fraction], frozenset[str]]:
    """:func:`votes_of`, and the holders whose votes are a band open at its lower end."""
    treasury = _ZERO
    found: dict[str, Fraction] = {}
    bands: list[str] = []
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
            if not stake.min_closed and not holding.is_treasury:
                bands.append(holding.owner)
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
    if treasury:
        found = {owner: stake / (1 - treasury) for owner, stake in found.items()}
    return found, frozenset(bands)


def links_of(g: OwnershipGraph, entity: str, as_of: dt.date | None) -> dict[str, tuple[str, ...]]:
    found = g.controls_of(entity, as_of=as_of)
    if not found:  # most entities
        return {}
    links: dict[str, list[str]] = defaultdict(list)
    for link in found:
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
        votes_in[node], open_in[node] = _voting(g, node, as_of, ranges=ranges)
        links_in[node] = links_of(g, node, as_of)
        for upper in (*votes_in[node], *links_in[node]):
            if upper not in seen:
                seen.add(upper)
                queue.append(upper)
    return Structure(votes_in=votes_in, links_in=links_in, open_in=open_in)


def _majority(votes: Fraction, opened: int) -> bool:
    """More than half; exactly half is more when one of its stakes is a band open at its low end."""
    return votes > _HALF or (votes == _HALF and opened > 0)


@attrs.define
class _Front:
    """What an upward walk carries into a class: the stakes held by it and by what it controls.

    ``holders`` are the holders (or controllers by link) of the entity being
    placed that the class controls, ``weight`` and ``opened`` their votes and
    open bands; ``found`` the members already controlled by a class below this
    one (a nearer controller); ``stale`` that the front is a parent's copy of one
    already evaluated, which nothing has joined since.
    """

    holders: set[str] = attrs.field(factory=set)
    weight: Fraction = _ZERO
    opened: int = 0
    found: set[str] = attrs.field(factory=set)
    stale: bool = False

    def copy(self) -> _Front:
        return _Front(set(self.holders), self.weight, self.opened, set(self.found), self.stale)


@attrs.frozen(eq=False)
class ControlHierarchy:
    """The control relation of a structure, kept by its nearest links.

    Entities that control each other form a *class* (a mutual-control group;
    most classes are one entity).  Each class records its *nearest* controlling
    classes: those controlling it that control no other of its controllers.
    ``x`` controls ``y`` exactly when ``x`` and ``y`` share a class or ``x``'s
    class is above ``y``'s through nearest links, so the whole relation, which
    on a chain of ``n`` majority stakes has ``n²/2`` pairs, is held in space
    linear in the structure.  A class with two nearest controlling classes is
    contested: they do not control each other.

    Build it with :func:`control_hierarchy`.  Classes are numbered so that a
    controlling class has a smaller number than the classes it controls.

    Attributes
    ----------
    structure : Structure
    class_of : dict
        The class of each entity.
    members : tuple of tuple of str
        The members of each class, sorted.
    parents : tuple of tuple of int
        The nearest controlling classes of each class.
    """

    structure: Structure
    class_of: dict[str, int]
    members: tuple[tuple[str, ...], ...]
    parents: tuple[tuple[int, ...], ...]

    def nearest(self, entity: str) -> tuple[str, ...]:
        """The entities that control ``entity`` with no other of its controllers between.

        Those that ``entity`` controls in turn (its mutual-control group) and the
        members of its nearest controlling classes.  Every controller of
        ``entity`` is one of these or controls one of them.
        """
        k = self.class_of[entity]
        mates = tuple(m for m in self.members[k] if m != entity)
        return mates + tuple(m for p in self.parents[k] for m in self.members[p])

    def controls(self, controller: str, entity: str) -> bool:
        """Whether ``entity`` is in ``C(controller)`` (an entity is in its own)."""
        if controller == entity:
            return True
        top, k = self.class_of.get(controller), self.class_of.get(entity)
        if top is None or k is None or top > k:
            return False
        if top == k:
            return True
        # Only classes numbered above ``top`` can lie between it and ``entity``.
        stack, seen = [k], {k}
        while stack:
            for parent in self.parents[stack.pop()]:
                if parent == top:
                    return True
                if parent > top and parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return False

    def controllers_of(self, entity: str) -> frozenset[str]:
        """Every entity that controls ``entity`` (its whole group and all classes above)."""
        k = self.class_of[entity]
        found = {m for m in self.members[k] if m != entity}
        for above in self._above(k):
            found.update(self.members[above])
        return frozenset(found)

    def _above(self, k: int) -> set[int]:
        seen: set[int] = set()
        stack = list(self.parents[k])
        while stack:
            parent = stack.pop()
            if parent not in seen:
                seen.add(parent)
                stack.extend(self.parents[parent])
        return seen

    def nearest_where(
        self,
        entity: str,
        test: Callable[[str], bool],
        cache: dict[int, tuple[str, ...]],
        settled: Callable[[str], bool],
    ) -> tuple[str, ...]:
        """The nearest controllers of ``entity`` that pass ``test``, sorted.

        Those passing ``test`` that control no other controller of ``entity``
        passing it (apart from their own group).  Empty exactly when no
        controller passes.

        ``cache`` keeps, per class, what the class passes on to the classes it
        controls; a class's entry is kept only once ``settled`` is true for all
        of its members (``test`` will not change for them or for the classes
        above them), so that a walk down a chain costs one step per entity.
        """
        k = self.class_of[entity]
        passing = tuple(m for m in self.members[k] if m != entity and test(m))
        if passing:
            return passing
        # Classes above ``k`` with nothing cached, evaluated top down.
        pending: list[int] = []
        stack = list(self.parents[k])
        seen = set(stack)
        while stack:
            parent = stack.pop()
            if parent in cache:
                continue
            pending.append(parent)
            for upper in self.parents[parent]:
                if upper not in seen:
                    seen.add(upper)
                    stack.append(upper)
        local: dict[int, tuple[str, ...]] = {}
        for parent in sorted(pending):
            own = tuple(m for m in self.members[parent] if test(m))
            passed = own or self._first_of(self.parents[parent], cache, local)
            if all(settled(m) for m in self.members[parent]):
                cache[parent] = passed
            else:
                local[parent] = passed
        return self._first_of(self.parents[k], cache, local)

    def _first_of(
        self,
        parents: tuple[int, ...],
        cache: Mapping[int, tuple[str, ...]],
        local: Mapping[int, tuple[str, ...]],
    ) -> tuple[str, ...]:
        found = [cache[p] if p in cache else local[p] for p in parents]
        if len(found) <= 1:
            return found[0] if found else ()
        # Contested: one branch may pass on an entity above another's.
        union = sorted({m for passed in found for m in passed})
        return tuple(
            m
            for m in union
            if not any(
                self.class_of[m] != self.class_of[other] and self.controls(m, other)
                for other in union
            )
        )

    def chain(self, target: str) -> ControlChain:
        """The controllers of ``target`` as a :class:`ControlChain`."""
        k = self.class_of[target]
        mates = tuple(m for m in self.members[k] if m != target)
        levels = [mates] if mates else []
        parents = self.parents[k]
        while len(parents) == 1:
            levels.append(self.members[parents[0]])
            parents = self.parents[parents[0]]
        if parents:  # two nearest controllers that do not control each other
            return self._contested_chain(target)
        if not levels:
            return ControlChain(target=target)
        return ControlChain(target=target, levels=tuple(levels), steps=self._steps(levels, target))

    def _steps(self, levels: Iterable[tuple[str, ...]], target: str) -> tuple[ControlStep, ...]:
        steps: list[ControlStep] = []
        below = target
        for level in levels:
            steps.append(self._step(level, below))
            below = level[0]
        return tuple(steps)

    def _step(self, level: tuple[str, ...], below: str) -> ControlStep:
        linked = self.structure.links_in.get(below, {})
        bases = sorted({b for c, bs in linked.items() if c in level for b in bs})
        if linked and bases:
            return ControlStep(controller=level, controlled=below, basis=bases[0])
        if linked:
            return ControlStep(controller=level, controlled=below, basis="control link")
        votes = sum(
            (
                v
                for h, v in self.structure.votes_in.get(below, {}).items()
                if h != below and self.controls(level[0], h)
            ),
            _ZERO,
        )
        return ControlStep(controller=level, controlled=below, basis="votes", votes=votes)

    def _contested_chain(self, target: str) -> ControlChain:
        # The controllers are not in one line: order them as a whole, from the
        # pairwise relation among them (only the target's controllers, which a
        # contested structure keeps few).
        k = self.class_of[target]
        classes = self._above(k)
        above_of: dict[int, set[int]] = {}
        for c in sorted(classes | {k}):
            above_of[c] = set(self.parents[c]).union(*(above_of[p] for p in self.parents[c]))
        ours = {m for c in classes for m in self.members[c]}
        ours.update(m for m in self.members[k] if m != target)
        above = [x for x in self.structure.votes_in if x != target and x in ours]

        def controls(x: str, y: str) -> bool:
            cx, cy = self.class_of[x], self.class_of[y]
            return cx == cy or cx in above_of[cy]

        relation: nx.DiGraph[str] = nx.DiGraph()
        relation.add_nodes_from(above)
        relation.add_edges_from((x, y) for x in above for y in above if x != y and controls(x, y))
        condensed = nx.condensation(relation)
        groups: dict[int, list[str]] = defaultdict(list)
        for node, index in condensed.graph["mapping"].items():
            groups[index].append(node)
        order = list(nx.topological_sort(condensed))  # farthest (top) first
        contested = any(
            not condensed.has_edge(first, second) for first, second in itertools.pairwise(order)
        )
        levels = tuple(tuple(sorted(groups[index])) for index in reversed(order))
        return ControlChain(
            target=target, levels=levels, steps=self._steps(levels, target), contested=contested
        )


def control_hierarchy(structure: Structure) -> ControlHierarchy:
    """The control relation of ``structure`` (see :class:`ControlHierarchy`).

    Notes
    -----
    The entities are placed owners first, one strongly connected component of
    the holdings and control links at a time (whoever controls an entity holds
    it, or holds a link over it, directly or through others, so it is placed
    first).  For an entity of its own component, the nearest controllers are
    found by walking up from its holders (or the holders of its control
    links) through the classes already placed, nearest first, carrying the votes
    they hold: the first class whose votes reach a majority (or that holds all
    the links) is a nearest controller, and the classes above it are not.  The
    walk only enters the tree of classes whose holders together could reach a
    majority, and stops as soon as the holders not yet below a controller could
    not, so a chain of majority stakes costs one step per layer and an entity
    with many unrelated holders one step per holder.  A component of
    cross-holdings is solved as a whole: the control set of each member within
    it, and of each outside class the walk reaches, by the worklist of the
    definition; this part is quadratic in the size of the component.
    """
    return _Placement(structure).run()


class _Placement:
    """Builds a :class:`ControlHierarchy`, one component at a time."""

    def __init__(self, structure: Structure) -> None:
        self.structure = structure
        self.class_of: dict[str, int] = {}
        self.members: list[tuple[str, ...]] = []
        self.parents: list[tuple[int, ...]] = []
        self.tree: list[int] = []  # union-find: classes linked by control, up or down

    def run(self) -> ControlHierarchy:
        for component in _components(self.structure):
            if len(component) == 1:
                self._place_one(component[0])
            else:
                self._place_group(component)
        return ControlHierarchy(
            structure=self.structure,
            class_of=self.class_of,
            members=tuple(self.members),
            parents=tuple(self.parents),
        )

    def _root(self, k: int) -> int:
        tree = self.tree
        while tree[k] != k:
            tree[k] = tree[tree[k]]
            k = tree[k]
        return k

    def _add_class(self, members: tuple[str, ...], parents: Iterable[int]) -> int:
        k = len(self.members)
        above = tuple(sorted(set(parents)))
        self.members.append(members)
        self.parents.append(above)
        self.tree.append(k)
        for parent in above:
            self.tree[self._root(k)] = self._root(parent)
        for member in members:
            self.class_of[member] = k
        return k

    def _trees(self, entities: Iterable[str]) -> list[list[str]]:
        """``entities`` grouped by the tree of classes they are in (no class controls across)."""
        trees: dict[int, list[str]] = defaultdict(list)
        for entity in entities:
            trees[self._root(self.class_of[entity])].append(entity)
        return list(trees.values())

    def _place_one(self, entity: str) -> None:
        linked = self.structure.links_in.get(entity, {})
        if not linked and not self.structure.votes_in[entity]:
            self._add_class((entity,), ())  # no holder: an ultimate owner
            return
        holds: Callable[[Fraction, int], bool]
        if linked:
            # Only an entity controlling every holder of a link controls it.
            if any(c not in self.class_of for c in linked):
                self._add_class((entity,), ())
                return
            if len(linked) == 1:  # the holder of the one link is the nearest controller
                self._add_class((entity,), (self.class_of[next(iter(linked))],))
                return
            stakes = dict.fromkeys(linked, (_ONE, False))
            holds = functools.partial(_all_links, Fraction(len(linked)))
        else:
            bands = self.structure.open_in.get(entity, frozenset())
            stakes = {
                h: (v, h in bands)
                for h, v in self.structure.votes_in[entity].items()
                if h in self.class_of
            }
            holds = _majority
            for h, (v, _) in stakes.items():
                # A majority held alone: the other holders have less than half,
                # so every controller of ``entity`` controls h: h's class is nearest.
                if 2 * v.numerator > v.denominator:  # v > 1/2, in integers (wide entities)
                    self._add_class((entity,), (self.class_of[h],))
                    return
        found: list[int] = []
        for holders in self._trees(stakes):
            if len(holders) == 1 and not linked:
                # Less than half, or half; a class above holds no more.
                v, band = stakes[holders[0]]
                if band and 2 * v.numerator == v.denominator:
                    found.append(self.class_of[holders[0]])
                continue
            weight = sum((stakes[h][0] for h in holders), _ZERO)
            if holds(weight, sum(stakes[h][1] for h in holders)):
                found.extend(self._climb(entity, holders, stakes, holds))
        self._add_class((entity,), found)

    def _climb(
        self,
        entity: str,
        holders: list[str],
        stakes: Mapping[str, tuple[Fraction, bool]],
        holds: Callable[[Fraction, int], bool],
    ) -> list[int]:
        """The nearest classes whose control sets hold enough of the stakes in ``entity``."""
        fronts: dict[int, _Front] = {}
        heap: list[int] = []  # class numbers, negated: the nearest (highest) first
        for h in holders:
            k = self.class_of[h]
            if k not in fronts:
                fronts[k] = _Front()
                heapq.heappush(heap, -k)
            _take(fronts[k], h, stakes)
        # The stakes of fronts with no controller found below them: the most a
        # class still to be found could hold (an over-count where fronts share holders).
        free = sum((f.weight for f in fronts.values()), _ZERO)
        free_open = sum(f.opened for f in fronts.values())
        found: list[int] = []
        while heap and holds(free, free_open):
            k = -heapq.heappop(heap)
            front = fronts.pop(k)
            if not front.found:
                free, free_open = free - front.weight, free_open - front.opened
                if holds(front.weight, front.opened):
                    found.append(k)
                    front.found.add(entity)  # the classes above are not nearest
            parents = self.parents[k]
            for i, parent in enumerate(parents):
                mine = front if i == len(parents) - 1 else front.copy()
                merged = fronts.get(parent)
                if merged is None:
                    heapq.heappush(heap, -parent)
                    merged = mine
                else:
                    if not merged.found:
                        free, free_open = free - merged.weight, free_open - merged.opened
                    merged = _merge(merged, mine, stakes)
                fronts[parent] = merged
                if not merged.found:
                    free, free_open = free + merged.weight, free_open + merged.opened
        return found

    def _place_group(self, component: tuple[str, ...]) -> None:
        """Place a component of cross-holdings or mutual control links."""
        s = self.structure
        inside = set(component)
        need = {e: len(s.links_in.get(e, {})) for e in component}
        votes_out: dict[str, list[tuple[str, Fraction, bool]]] = defaultdict(list)
        links_out: dict[str, list[str]] = defaultdict(list)
        outside: set[str] = set()
        for e in component:
            bands = s.open_in.get(e, frozenset())
            for h, v in s.votes_in[e].items():
                if h in inside or h in self.class_of:
                    votes_out[h].append((e, v, h in bands))
                    if h not in inside:
                        outside.add(h)
            for c in s.links_in.get(e, {}):
                if c in inside or c in self.class_of:
                    links_out[c].append(e)
                    if c not in inside:
                        outside.add(c)

        def closure(counted: Iterable[str], start: str | None = None) -> frozenset[str]:
            """The members controlled by ``start`` together with the outside ``counted``."""
            votes = dict.fromkeys(component, _ZERO)
            opened = dict.fromkeys(component, 0)
            linked = dict.fromkeys(component, 0)
            joined: set[str] = set()
            queue: deque[str] = deque()

            def count(member: str) -> None:
                for e, v, band in votes_out.get(member, ()):
                    votes[e] += v
                    opened[e] += band
                for e in links_out.get(member, ()):
                    linked[e] += 1

            for member in counted:
                count(member)
            if start is not None:
                joined.add(start)
                queue.append(start)
            candidates: Iterable[str] = component
            while True:
                for e in candidates:
                    if e in joined:
                        continue
                    # A control link takes precedence over votes.
                    if linked[e] == need[e] if need[e] else _majority(votes[e], opened[e]):
                        joined.add(e)
                        queue.append(e)
                if not queue:
                    return frozenset(joined)
                member = queue.popleft()
                count(member)
                candidates = [e for e, _, _ in votes_out.get(member, ())]
                candidates += links_out.get(member, [])

        within = {x: closure((), x) for x in component}
        nearest_out: dict[str, set[int]] = defaultdict(set)  # member -> outside classes
        reach: dict[int, frozenset[str]] = {}  # outside class -> the members it controls
        for holders in self._trees(outside):
            most = closure(holders)
            if most:
                self._climb_into(holders, most, closure, nearest_out, reach)
        relation: nx.DiGraph[str] = nx.DiGraph()
        relation.add_nodes_from(component)
        relation.add_edges_from((x, y) for x in component for y in within[x] if y != x)
        condensed = nx.condensation(relation)
        groups: dict[int, list[str]] = defaultdict(list)
        for node, index in condensed.graph["mapping"].items():
            groups[index].append(node)
        for index in nx.topological_sort(condensed):  # controllers first
            group = tuple(sorted(groups[index]))
            first = group[0]
            over = {x for x in component if x not in group and first in within[x]}
            over_classes = {self.class_of[x] for x in over}
            nearest_in = [
                c
                for c in over_classes
                if not any(
                    c != d and self.members[d][0] in within[self.members[c][0]]
                    for d in over_classes
                )
            ]
            nearest = {k for m in group for k in nearest_out.get(m, ())}
            self._add_class(group, nearest_in + [k for k in nearest if not reach[k] & over])

    def _climb_into(
        self,
        holders: list[str],
        most: frozenset[str],
        closure: Callable[[Iterable[str]], frozenset[str]],
        nearest_out: dict[str, set[int]],
        reach: dict[int, frozenset[str]],
    ) -> None:
        """Walk up from the outside holders of a component, as :meth:`_climb` does."""
        fronts: dict[int, _Front] = {}
        heap: list[int] = []
        for h in holders:
            k = self.class_of[h]
            if k not in fronts:
                fronts[k] = _Front()
                heapq.heappush(heap, -k)
            fronts[k].holders.add(h)
        # Fronts that could still control a member no class below them does.
        unfinished = len(fronts)
        while heap and unfinished:
            if len(heap) == 1 and fronts[-heap[0]].stale:
                break  # one front left, with nothing new: the classes above it add nothing
            k = -heapq.heappop(heap)
            front = fronts.pop(k)
            unfinished -= not front.found >= most
            if not front.stale:
                controlled = closure(front.holders)
                fresh = controlled - front.found
                if fresh:
                    reach[k] = controlled
                    for member in fresh:
                        nearest_out[member].add(k)
                front.found |= controlled
            front.stale = True
            parents = self.parents[k]
            for i, parent in enumerate(parents):
                mine = front if i == len(parents) - 1 else front.copy()
                merged = fronts.get(parent)
                if merged is None:
                    heapq.heappush(heap, -parent)
                    merged = mine
                else:
                    unfinished -= not merged.found >= most
                    merged.holders |= mine.holders
                    merged.found |= mine.found
                    merged.stale = False
                fronts[parent] = merged
                unfinished += not merged.found >= most


def _all_links(need: Fraction, weight: Fraction, opened: int) -> bool:
    # ``weight`` counts links held; ≥ rather than ==, as the walk also tests
    # over-counts (fronts sharing holders) against this rule.
    return weight >= need


def _take(front: _Front, holder: str, stakes: Mapping[str, tuple[Fraction, bool]]) -> None:
    if holder not in front.holders:
        front.holders.add(holder)
        front.weight += stakes[holder][0]
        front.opened += stakes[holder][1]


def _merge(first: _Front, second: _Front, stakes: Mapping[str, tuple[Fraction, bool]]) -> _Front:
    """Join two fronts (the larger keeps its set, so merging up a tree stays cheap)."""
    if len(first.holders) < len(second.holders):
        first, second = second, first
    for holder in second.holders:
        _take(first, holder, stakes)
    first.found |= second.found
    return first


def _components(structure: Structure) -> list[tuple[str, ...]]:
    """The strongly connected components of holdings and control links, holders first."""
    links = structure.links_in
    return components(
        {e: [*held, *links[e]] if links.get(e) else held for e, held in structure.votes_in.items()}
    )


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
    return control_hierarchy(structure).chain(target)


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
