"""The ownership graph: entities joined by holdings and control links.

:class:`OwnershipGraph` is the one mutable object of the library.  It keeps its
structure in a :class:`networkx.DiGraph` (reachable read-only as ``graph.nx``)
whose nodes carry their :class:`~jvmodel.Entity` under ``"entity"`` and whose
edges ``owner → owned`` carry a tuple of :class:`~jvmodel.Holding` under
``"holdings"`` and a tuple of :class:`~jvmodel.ControlLink` under ``"controls"``
(either may be empty).  Treasury shares are self-loops.

Every change is validated before anything is stored, so a refused change leaves
the graph exactly as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import math
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from fractions import Fraction
from operator import itemgetter
from typing import Any, TypeVar

import attrs
import networkx as nx

from jvmodel._numeric import Range, format_share, parse_share
from jvmodel.errors import (
    DuplicateEntityError,
    DuplicateHoldingError,
    InvalidEntityError,
    InvalidShareError,
    OverallocatedError,
    UnknownEntityError,
)
from jvmodel.model import ControlLink, DeclaredInterest, Entity, Holding, Stake

__all__ = ["OwnershipGraph"]

_MEASURES = ("equity", "voting")
_LISTED = 10  # holders named in an over-allocation message; the rest are counted
T = TypeVar("T")


def _lower(stake: Stake) -> Fraction:
    """The least a stake can be: what must fit inside 100%."""
    return stake.min if isinstance(stake, Range) else stake


def _overlap(a: Holding | ControlLink, b: Holding | ControlLink) -> bool:
    starts_before_b_ends = a.valid_from is None or b.valid_to is None or a.valid_from <= b.valid_to
    b_starts_before_a_ends = (
        b.valid_from is None or a.valid_to is None or b.valid_from <= a.valid_to
    )
    return starts_before_b_ends and b_starts_before_a_ends


def _covering(records: Iterable[Holding], day: dt.date | None) -> list[Holding]:
    """Holdings in force on ``day``; ``None`` stands for "before any start date"."""
    if day is None:
        return [h for h in records if h.valid_from is None]
    return [
        h
        for h in records
        if (h.valid_from is None or h.valid_from <= day)
        and (h.valid_to is None or day <= h.valid_to)
    ]


def _first_excess(
    holdings: Iterable[Holding], measure: str, base: Fraction = Fraction(0)
) -> tuple[dt.date | None, Fraction] | None:
    """The first day on which ``base`` plus the stakes in force exceed 100%, and the total.

    The total only rises on a start date, so it is enough to look at the time
    before any start date (``None``) and at each start date: one sweep over the
    sorted start and end dates, O(n log n).  Ranges count with their lower bound.
    """
    total = base
    starts: list[tuple[dt.date, Fraction]] = []
    ends: list[tuple[dt.date, Fraction]] = []
    for h in holdings:
        stake = _lower(h.stake(measure))
        if h.valid_from is None:
            total += stake
        else:
            starts.append((h.valid_from, stake))
        if h.valid_to is not None:
            ends.append((h.valid_to, stake))
    if total > 1:
        return None, total
    starts.sort(key=itemgetter(0))
    ends.sort(key=itemgetter(0))
    i = j = 0
    while i < len(starts):
        day = starts[i][0]
        while i < len(starts) and starts[i][0] == day:
            total += starts[i][1]
            i += 1
        # Ends are inclusive: a holding ending the day before `day` is out.
        while j < len(ends) and ends[j][0] < day:
            total -= ends[j][1]
            j += 1
        if total > 1:
            return day, total
    return None


def check_allocation(owned: str, holdings: Sequence[Holding]) -> None:
    """Raise :class:`OverallocatedError` if the holdings in ``owned`` exceed 100%.

    The total in force only rises on a start date, so it is enough to look at
    each start date, and at the time before any of them.  Ranges count with
    their lower bound: that much must fit.
    """
    for measure in _MEASURES:
        excess = _first_excess(holdings, measure)
        if excess is None:
            continue
        day, total = excess
        in_force = _covering(holdings, day)
        stakes = {h.owner: h.stake(measure) for h in in_force}
        shown = [f"{owner!r} {_show_stake(stake)}" for owner, stake in stakes.items()]
        if len(shown) > _LISTED:
            shown[_LISTED:] = [f"and {len(stakes) - _LISTED} more"]
        when = f"on {day}" if day is not None else "from the start of the record"
        word = "holdings" if measure == "equity" else "voting stakes"
        raise OverallocatedError(
            f"{word} in {owned!r} add up to {format_share(total)} {when} "
            f"(> 100%): {', '.join(shown)}",
            entity=owned,
            date=day,
            measure=measure,
            stakes=stakes,
            total=total,
        )


@attrs.define
class _Ledger:
    """What is already allocated in one entity, kept so that adding a holding
    costs O(1) when neither it nor the others have dates (not O(holders)).

    ``always``: per measure, the lower stakes of holdings without dates (in
    force every day); ``dated``: the other holdings.
    """

    always: dict[str, Fraction]
    dated: list[Holding]

    @classmethod
    def of(cls, holdings: Iterable[Holding]) -> _Ledger:
        ledger = cls(always=dict.fromkeys(_MEASURES, Fraction(0)), dated=[])
        for h in holdings:
            ledger.add(h)
        return ledger

    def add(self, h: Holding) -> None:
        if h.valid_from is None and h.valid_to is None:
            for measure in _MEASURES:
                self.always[measure] += _lower(h.stake(measure))
        else:
            self.dated.append(h)

    def fits(self, h: Holding) -> bool:
        """Whether ``h`` fits beside what is allocated, on every day."""
        undated = h.valid_from is None and h.valid_to is None
        if undated and not self.dated:
            return all(self.always[m] + _lower(h.stake(m)) <= 1 for m in _MEASURES)
        dated = self.dated if undated else [*self.dated, h]
        for measure in _MEASURES:
            base = self.always[measure] + (_lower(h.stake(measure)) if undated else 0)
            if _first_excess(dated, measure, base) is not None:
                return False
        return True


def _not_a_record(item: object, kind: type) -> InvalidEntityError:
    return InvalidEntityError(
        f"expected {kind.__name__} records, got {type(item).__name__} {item!r:.80}; build "
        f"each record with jvmodel.{kind.__name__}(...)",
        field=kind.__name__.lower(),
        value=item,
    )


def _unknown(record: str, missing: str) -> UnknownEntityError:
    return UnknownEntityError(
        f"{record} names no entity {missing!r}; include {missing!r} in the entities",
        entity=missing,
    )


def _group_incoming(
    nodes: dict[str, Entity], holdings: Iterable[Holding]
) -> dict[str, list[Holding]]:
    """The holdings in each entity, after checking their types and ids."""
    incoming: dict[str, list[Holding]] = {}
    for holding in holdings:
        if not isinstance(holding, Holding):
            raise _not_a_record(holding, Holding)
        owner, owned = holding.owner, holding.owned
        if owner not in nodes or owned not in nodes:
            missing = owner if owner not in nodes else owned
            raise _unknown(f"holding of {owner!r} in {owned!r}", missing)
        found = incoming.get(owned)
        if found is None:
            incoming[owned] = [holding]
        else:
            found.append(holding)
    return incoming


def _by_owner(found: list[Holding]) -> dict[str, tuple[Holding, ...]]:
    """Group the holdings in one entity by owner, refusing overlapping duplicates."""
    if len(found) == 1:
        return {found[0].owner: (found[0],)}
    grouped: dict[str, tuple[Holding, ...]] = {}
    for holding in found:
        earlier = grouped.get(holding.owner, ())
        for other in earlier:
            if _overlap(other, holding):
                raise DuplicateHoldingError(
                    f"{holding.owner!r} holds two stakes in {holding.owned!r} over an "
                    f"overlapping period ({_show_stake(other.equity)} and "
                    f"{_show_stake(holding.equity)}); give the holdings separate validity "
                    "periods or keep one",
                    owner=holding.owner,
                    owned=holding.owned,
                )
        grouped[holding.owner] = (*earlier, holding)
    return grouped


def _check_bulk_allocation(owned: str, found: list[Holding]) -> None:
    """:func:`check_allocation` for several holdings in one entity, made fast.

    Undated holdings are summed in integer arithmetic over the least common
    denominator (exact, and far cheaper than adding fractions one by one); dated
    holdings (rare) take the general path, which looks at every start date.
    """
    same_votes = True
    for holding in found:
        if holding.valid_from is not None or holding.valid_to is not None:
            check_allocation(owned, found)
            return
        if holding.voting is not holding.equity:
            same_votes = False
    for measure in ("equity",) if same_votes else _MEASURES:
        stakes = [_lower(h.voting if measure == "voting" else h.equity) for h in found]
        common = math.lcm(*[s.denominator for s in stakes])
        if sum([s.numerator * (common // s.denominator) for s in stakes]) > common:
            check_allocation(owned, found)  # raises, with the usual message


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of records are linked.

    The records form no reference cycles, but each new container makes the
    collector walk the growing heap; pausing it makes bulk building several
    times faster.  Its earlier state is restored on the way out.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _group_controls(
    nodes: dict[str, Entity], controls: Iterable[ControlLink]
) -> dict[tuple[str, str], tuple[ControlLink, ...]]:
    grouped: dict[tuple[str, str], tuple[ControlLink, ...]] = {}
    for link in controls:
        if not isinstance(link, ControlLink):
            raise _not_a_record(link, ControlLink)
        for end in (link.controller, link.controlled):
            if end not in nodes:
                raise _unknown(f"control link of {link.controller!r} over {link.controlled!r}", end)
        pair = (link.controller, link.controlled)
        earlier = grouped.get(pair, ())
        for other in earlier:
            if other.basis == link.basis and _overlap(other, link):
                raise DuplicateHoldingError(
                    f"{link.controller!r} controls {link.controlled!r} by {link.basis} twice "
                    "over an overlapping period; keep one control link",
                    owner=link.controller,
                    owned=link.controlled,
                )
        grouped[pair] = (*earlier, link)
    return grouped


def _show_stake(stake: Stake) -> str:
    if isinstance(stake, Range):
        return repr(stake)
    return format_share(stake)


class OwnershipGraph:
    """Entities, the holdings between them, and control links; validated on every change.

    Examples
    --------
    >>> import jvmodel as jvm
    >>> g = jvm.OwnershipGraph()
    >>> g.add_entity("bt", name="BT Group plc", jurisdiction="GB")
    Entity(id='bt', name='BT Group plc', kind='company', jurisdiction='GB', sectors=(), zones=())
    >>> _ = g.add_entity("jv", jurisdiction="CN-BJ", sectors=["vpn"])
    >>> _ = g.add_holding("bt", "jv", "50%")
    >>> [h.equity for h in g.holdings_of("jv")]
    [Fraction(1, 2)]
    >>> g.add_holding("bt", "jv", "10%")
    Traceback (most recent call last):
    ...
    jvmodel.errors.DuplicateHoldingError: 'bt' already holds a stake in 'jv' over an overlapping ...
    >>> g
    <OwnershipGraph: 2 entities, 1 holding, 0 control links>
    """

    def __init__(self) -> None:
        self._graph: nx.DiGraph[str] = nx.DiGraph()
        # Claims of the source that are not edges (an ordered set).
        self._declared: dict[DeclaredInterest, None] = {}
        self._version = 0
        # Per owned entity, what is allocated in it (built lazily, dropped by _put).
        self._ledgers: dict[str, _Ledger] = {}
        # Forms derived from the graph (e.g. sparse arrays), each with the version
        # it was built from; see _cached().
        self._derived: dict[Hashable, tuple[int, Any]] = {}

    @classmethod
    def from_records(
        cls,
        entities: Iterable[Entity],
        holdings: Iterable[Holding] = (),
        controls: Iterable[ControlLink] = (),
    ) -> OwnershipGraph:
        """Build a graph from records in one go: the fast way to load a whole register.

        Validates everything :meth:`add_entity`, :meth:`add_holding` and
        :meth:`add_control` validate (unknown ids, duplicate entities, overlapping
        duplicate holdings or control links, stakes above 100% in an entity at
        some date), but in bulk, without the cost of one call per record.  The
        records are frozen, so their fields were checked when they were made.
        On any error nothing is returned and no graph is left half-built.

        Parameters
        ----------
        entities : iterable of Entity
        holdings : iterable of Holding
        controls : iterable of ControlLink

        Returns
        -------
        OwnershipGraph

        Raises
        ------
        InvalidEntityError
            If an item is not a record of the expected type.
        DuplicateEntityError, UnknownEntityError, DuplicateHoldingError, OverallocatedError
            As the one-at-a-time methods; the message names the records.

        Examples
        --------
        >>> from jvmodel import Entity, Holding, OwnershipGraph
        >>> g = OwnershipGraph.from_records(
        ...     [Entity(id="bt", jurisdiction="GB"), Entity(id="jv", jurisdiction="CN-BJ")],
        ...     [Holding(owner="bt", owned="jv", equity="50%")],
        ... )
        >>> g
        <OwnershipGraph: 2 entities, 1 holding, 0 control links>
        >>> OwnershipGraph.from_records(
        ...     [Entity(id="jv")], [Holding(owner="bt", owned="jv", equity="50%")]
        ... )
        Traceback (most recent call last):
        ...
        jvmodel.errors.UnknownEntityError: holding of 'bt' in 'jv' names no entity 'bt'; ...
        """
        with _collector_paused():
            nodes: dict[str, Entity] = {}
            for entity in entities:
                if not isinstance(entity, Entity):
                    raise _not_a_record(entity, Entity)
                if entity.id in nodes:
                    raise DuplicateEntityError(
                        f"entity {entity.id!r} appears twice in the records; give each "
                        "entity one record with a unique id",
                        entity=entity.id,
                    )
                nodes[entity.id] = entity
            incoming = _group_incoming(nodes, holdings)
            links = _group_controls(nodes, controls)
            g = cls()
            # Fill networkx's own dicts (node → data, owner → owned → data and its
            # mirror) directly: what add_nodes_from/add_edges_from store, without
            # their per-item checks, which the validation here already covers.  On
            # an error, ``g`` is dropped unseen.
            graph = g._graph
            node_data, succ, pred = graph._node, graph._succ, graph._pred
            for key, entity in nodes.items():
                node_data[key] = {"entity": entity}
                succ[key] = {}
                pred[key] = {}
            for owned, found in incoming.items():
                if len(found) == 1:  # most entities: one holder, nothing to compare
                    grouped: dict[str, tuple[Holding, ...]] = {found[0].owner: (found[0],)}
                else:
                    grouped = _by_owner(found)  # duplicates first, as add_holding does
                    _check_bulk_allocation(owned, found)
                for owner, records in grouped.items():
                    data = {
                        "holdings": records,
                        "controls": links.pop((owner, owned), ()) if links else (),
                    }
                    succ[owner][owned] = data
                    pred[owned][owner] = data
            for (controller, controlled), found_links in links.items():
                data = {"holdings": (), "controls": found_links}
                succ[controller][controlled] = data
                pred[controlled][controller] = data
        g._version = 1
        return g

    # -- building -------------------------------------------------------------

    def add_entity(
        self,
        entity: Entity | str,
        *,
        name: str | None = None,
        kind: str = "company",
        jurisdiction: str | None = None,
        sectors: Iterable[str] = (),
        zones: Iterable[str] = (),
    ) -> Entity:
        """Add an entity (an :class:`Entity`, or an id and its fields); return it.

        Raises
        ------
        DuplicateEntityError
            If the id is taken.
        InvalidEntityError
            If a field is malformed.
        """
        if not isinstance(entity, Entity):
            fields: dict[str, Any] = {
                "id": entity,
                "kind": kind,
                "jurisdiction": jurisdiction,
                "sectors": sectors,
                "zones": zones,
            }
            if name is not None:
                fields["name"] = name
            entity = Entity(**fields)
        if entity.id in self._graph:
            raise DuplicateEntityError(
                f"entity {entity.id!r} already exists; choose another id or change the "
                "existing entity with replace_entity()",
                entity=entity.id,
            )
        self._graph.add_node(entity.id, entity=entity)
        self._version += 1
        return entity

    def replace_entity(self, entity: Entity) -> Entity:
        """Replace the record of an existing entity (same id) with ``entity``."""
        self._require(entity.id)
        self._graph.nodes[entity.id]["entity"] = entity
        self._version += 1
        return entity

    def add_holding(
        self,
        owner: Holding | str,
        owned: str | None = None,
        equity: object = None,
        *,
        voting: object = None,
        valid_from: dt.date | None = None,
        valid_to: dt.date | None = None,
        source: str | None = None,
    ) -> Holding:
        """Add a stake of ``owner`` in ``owned``; return the :class:`Holding`.

        Accepts a :class:`Holding`, or the owner, the owned entity, the equity
        stake and keyword fields.  ``owner == owned`` records treasury shares.

        Raises
        ------
        UnknownEntityError
            If either id names no entity.
        InvalidShareError
            If a stake cannot be read or lies outside [0, 1].
        DuplicateHoldingError
            If ``owner`` already holds a stake in ``owned`` over an overlapping period.
        OverallocatedError
            If the stakes in ``owned`` would exceed 100% at some date.
        """
        if isinstance(owner, Holding):
            holding = owner
        else:
            if owned is None or equity is None:
                raise InvalidEntityError(
                    "add_holding needs the owner, the owned entity and the equity stake",
                    field="equity" if owned is not None else "owned",
                    value=None,
                )
            holding = Holding(
                owner=owner,
                owned=owned,
                equity=equity,
                voting=voting,
                valid_from=valid_from,
                valid_to=valid_to,
                source=source,
            )
        self._require(holding.owner)
        self._require(holding.owned)
        existing = self._edge_records(holding.owner, holding.owned, "holdings")
        for other in existing:
            if _overlap(other, holding):
                raise DuplicateHoldingError(
                    f"{holding.owner!r} already holds a stake in {holding.owned!r} over an "
                    f"overlapping period ({_show_stake(other.equity)}); give the holdings "
                    "separate validity periods or change the existing one",
                    owner=holding.owner,
                    owned=holding.owned,
                )
        ledger = self._ledgers.get(holding.owned) or _Ledger.of(
            self.holdings_of(holding.owned, as_of=...)
        )
        if not ledger.fits(holding):
            # Slow path, for the message: it names every stake in force that day.
            check_allocation(holding.owned, [*self.holdings_of(holding.owned, as_of=...), holding])
        self._put(holding.owner, holding.owned, "holdings", (*existing, holding))
        ledger.add(holding)
        self._ledgers[holding.owned] = ledger
        return holding

    def add_control(
        self,
        controller: ControlLink | str,
        controlled: str | None = None,
        *,
        basis: str = "contract",
        valid_from: dt.date | None = None,
        valid_to: dt.date | None = None,
        source: str | None = None,
    ) -> ControlLink:
        """Add a control link (control without equity); return the :class:`ControlLink`.

        Raises
        ------
        UnknownEntityError
            If either id names no entity.
        InvalidEntityError
            If the basis is not ``contract``, ``board`` or ``voting_agreement``.
        DuplicateHoldingError
            If the same control already exists over an overlapping period.
        """
        if isinstance(controller, ControlLink):
            link = controller
        else:
            if controlled is None:
                raise InvalidEntityError(
                    "add_control needs the controller and the controlled entity",
                    field="controlled",
                    value=None,
                )
            link = ControlLink(
                controller=controller,
                controlled=controlled,
                basis=basis,  # type: ignore[arg-type]
                valid_from=valid_from,
                valid_to=valid_to,
                source=source,
            )
        self._require(link.controller)
        self._require(link.controlled)
        existing = self._edge_records(link.controller, link.controlled, "controls")
        for other in existing:
            if other.basis == link.basis and _overlap(other, link):
                raise DuplicateHoldingError(
                    f"{link.controller!r} already controls {link.controlled!r} by "
                    f"{link.basis} over an overlapping period",
                    owner=link.controller,
                    owned=link.controlled,
                )
        self._put(link.controller, link.controlled, "controls", (*existing, link))
        return link

    def add_declared(
        self,
        party: DeclaredInterest | str,
        subject: str | None = None,
        *,
        interest: str = "shareholding",
        directness: str = "indirect",
        share: object = None,
        valid_from: dt.date | None = None,
        valid_to: dt.date | None = None,
        components: Iterable[str] = (),
        source: str | None = None,
    ) -> DeclaredInterest:
        """Keep an interest the data declares that is not an edge (a claim).

        Declared interests never enter analysis; :func:`jvmodel.verify_declared`
        compares the declared indirect shares with the computed look-through.
        Adding the same record twice keeps one.

        Raises
        ------
        UnknownEntityError
            If the party or the subject names no entity.
        InvalidEntityError, InvalidShareError
            If a field is malformed.
        """
        if isinstance(party, DeclaredInterest):
            record = party
        else:
            if subject is None:
                raise InvalidEntityError(
                    "add_declared needs the party and the subject",
                    field="subject",
                    value=None,
                )
            record = DeclaredInterest(
                party=party,
                subject=subject,
                interest=interest,
                directness=directness,  # type: ignore[arg-type]
                share=share,
                valid_from=valid_from,
                valid_to=valid_to,
                components=components,
                source=source,
            )
        self._require(record.party)
        self._require(record.subject)
        if record not in self._declared:
            self._declared[record] = None
            self._version += 1
        return record

    def copy(self) -> OwnershipGraph:
        """An independent copy (the records are immutable and shared)."""
        new = OwnershipGraph()
        new._graph = self._graph.copy()
        new._declared = dict(self._declared)
        return new

    def as_of(self, day: dt.date | None) -> OwnershipGraph:
        """The structure on ``day``: the holdings and control links in force then.

        ``day=None`` gives today's structure: what has no end date.  Entities
        are all kept.
        """
        snapshot = OwnershipGraph()
        for node, data in self._graph.nodes(data=True):
            snapshot._graph.add_node(node, **data)
        for owner, owned, data in self._graph.edges(data=True):
            holdings = tuple(h for h in data["holdings"] if h.covers(day))
            controls = tuple(c for c in data["controls"] if c.covers(day))
            if holdings or controls:
                snapshot._graph.add_edge(owner, owned, holdings=holdings, controls=controls)
        snapshot._declared = {d: None for d in self._declared if d.covers(day)}
        return snapshot

    # -- scenarios: edits that return a new graph ------------------------------------

    def transfer(
        self, seller: str, buyer: str, target: str, stake: object, *, as_of: dt.date | None = None
    ) -> OwnershipGraph:
        """A new graph in which ``seller`` has sold ``stake`` of ``target`` to ``buyer``.

        The new graph is the structure on ``as_of`` (today's by default) with the
        sale applied; this graph is left untouched.  Votes move with the shares in
        proportion (selling half of one's equity sells half of one's votes).

        Raises
        ------
        UnknownEntityError
            If an id names no entity.
        InvalidShareError
            If ``stake`` is not a share, or more than the seller holds.

        Examples
        --------
        >>> import jvmodel as jvm
        >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
        >>> after = g.transfer("partner", "bt-china", "jv", "10%")
        >>> [(h.owner, h.equity) for h in after.holdings_of("jv")]
        [('bt-china', Fraction(3, 5)), ('partner', Fraction(2, 5))]
        >>> [h.equity for h in g.holdings_of("jv")]  # the original is unchanged
        [Fraction(1, 2), Fraction(1, 2)]
        """
        amount = parse_share(stake, what=f"stake sold by {seller!r} in {target!r}")
        for entity_id in (seller, buyer, target):
            self._require(entity_id)
        if seller == buyer:
            raise InvalidEntityError(
                f"seller and buyer are both {seller!r}; a transfer needs two parties",
                field="buyer",
                value=buyer,
            )
        scenario = self.as_of(as_of)
        sold, equity, voting = scenario._exact_holding(seller, target, "sells")
        if equity < amount:
            raise InvalidShareError(
                f"{seller!r} holds {format_share(equity)} of {target!r} "
                f"and cannot sell {format_share(amount)}",
                value=stake,
                entity=seller,
            )
        moved_votes = voting * amount / equity if equity else Fraction(0)
        scenario._replace(sold, equity - amount, voting - moved_votes)
        if scenario._current(buyer, target) is None:
            scenario._put(buyer, target, "holdings", (
                *scenario._edge_records(buyer, target, "holdings"),
                Holding(owner=buyer, owned=target, equity=amount, voting=moved_votes),
            ))  # fmt: skip
        else:
            bought, equity, voting = scenario._exact_holding(buyer, target, "buys")
            scenario._replace(bought, equity + amount, voting + moved_votes)
        return scenario

    def issue(
        self, target: str, buyer: str, stake: object, *, as_of: dt.date | None = None
    ) -> OwnershipGraph:
        """A new graph in which ``target`` has issued new shares to ``buyer``.

        The new shares are ``stake`` of the enlarged capital: every existing stake
        (equity and votes) is diluted by the factor ``1 − stake``, and ``buyer``
        gets ``stake`` on top of its diluted holding.  This graph is left untouched.

        Examples
        --------
        >>> import jvmodel as jvm
        >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
        >>> after = g.issue("jv", "calpers", "20%")
        >>> sorted((h.owner, h.equity) for h in after.holdings_of("jv"))
        [('bt-china', Fraction(2, 5)), ('calpers', Fraction(1, 5)), ('partner', Fraction(2, 5))]
        """
        amount = parse_share(stake, what=f"new issue of {target!r} to {buyer!r}")
        self._require(target)
        self._require(buyer)
        scenario = self.as_of(as_of)
        keep = 1 - amount
        for holding in scenario.holdings_of(target, as_of=as_of):
            _, equity, voting = scenario._exact_holding(holding.owner, target, "is diluted")
            scenario._replace(holding, equity * keep, voting * keep)
        if scenario._current(buyer, target) is None:
            scenario._put(buyer, target, "holdings", (
                *scenario._edge_records(buyer, target, "holdings"),
                Holding(owner=buyer, owned=target, equity=amount),
            ))  # fmt: skip
        else:
            bought, equity, voting = scenario._exact_holding(buyer, target, "buys")
            scenario._replace(bought, equity + amount, voting + amount)
        return scenario

    def remove_holding(
        self, owner: str, owned: str, *, as_of: dt.date | None = None
    ) -> OwnershipGraph:
        """A new graph without the holding of ``owner`` in ``owned`` in force on ``as_of``.

        Raises
        ------
        UnknownEntityError
            If an id names no entity, or there is no such holding.
        """
        self._require(owner)
        self._require(owned)
        scenario = self.as_of(as_of)
        holding = scenario._current(owner, owned)
        if holding is None:
            raise UnknownEntityError(
                f"{owner!r} holds no stake in {owned!r}"
                + (f" on {as_of}" if as_of else " today (with no end date)"),
                entity=owner,
            )
        scenario._replace(holding, Fraction(0), Fraction(0))
        return scenario

    def _current(self, owner: str, owned: str) -> Holding | None:
        records = self._edge_records(owner, owned, "holdings")
        return records[0] if records else None

    def _exact_holding(
        self, owner: str, owned: str, verb: str
    ) -> tuple[Holding, Fraction, Fraction]:
        """The holding in force and its exact equity and voting stakes."""
        holding = self._current(owner, owned)
        if holding is None:
            raise UnknownEntityError(
                f"{owner!r} holds no stake in {owned!r}, so it {verb} nothing",
                entity=owner,
            )
        equity, voting = holding.equity, holding.voting
        if isinstance(equity, Range) or isinstance(voting, Range):
            raise InvalidShareError(
                f"the stake of {owner!r} in {owned!r} is a range; a scenario needs exact stakes",
                value=equity,
                entity=owner,
            )
        return holding, equity, voting

    def _replace(self, holding: Holding, equity: Fraction, voting: Fraction) -> None:
        """Swap ``holding`` for one with new stakes (dropped when both are zero)."""
        others = tuple(
            h for h in self._edge_records(holding.owner, holding.owned, "holdings") if h != holding
        )
        if equity or voting:
            others = (*others, attrs.evolve(holding, equity=equity, voting=voting))
        self._put(holding.owner, holding.owned, "holdings", others)

    # -- reading ----------------------------------------------------------------

    @property
    def nx(self) -> nx.DiGraph[str]:
        """A read-only :class:`networkx.DiGraph` view of the structure."""
        return nx.graphviews.subgraph_view(self._graph)  # read-only, live

    @property
    def version(self) -> int:
        """A counter that changes whenever the graph changes (for caches)."""
        return self._version

    def entity(self, entity_id: str) -> Entity:
        """The :class:`Entity` with this id (:class:`UnknownEntityError` if none)."""
        self._require(entity_id)
        entity: Entity = self._graph.nodes[entity_id]["entity"]
        return entity

    def entities(self) -> Iterator[Entity]:
        """Every entity, in the order added."""
        for _, entity in self._graph.nodes(data="entity"):
            yield entity

    def holdings(self) -> Iterator[Holding]:
        """Every holding."""
        for _, _, records in self._graph.edges(data="holdings"):
            yield from records

    def controls(self) -> Iterator[ControlLink]:
        """Every control link."""
        for _, _, records in self._graph.edges(data="controls"):
            yield from records

    def declared(self) -> Iterator[DeclaredInterest]:
        """Every declared interest (claims that are not edges), in the order added."""
        yield from self._declared

    def holdings_of(self, entity_id: str, *, as_of: Any = None) -> list[Holding]:
        """The holdings *in* ``entity_id`` (its shareholders' stakes).

        With ``as_of`` a date, only those in force that day; with ``as_of=None``,
        those with no end date (today's structure); with ``as_of=...`` (Ellipsis),
        all of them, whatever their dates.
        """
        self._require(entity_id)
        # networkx's own adjacency: a view per call would cost more than the records.
        records = [h for data in self._graph._pred[entity_id].values() for h in data["holdings"]]
        if as_of is ...:
            return records
        return [h for h in records if h.covers(as_of)]

    def holdings_by(self, entity_id: str, *, as_of: Any = None) -> list[Holding]:
        """The holdings ``entity_id`` has in other entities (see :meth:`holdings_of`)."""
        self._require(entity_id)
        records = [h for data in self._graph._succ[entity_id].values() for h in data["holdings"]]
        if as_of is ...:
            return records
        return [h for h in records if h.covers(as_of)]

    def controls_of(self, entity_id: str, *, as_of: Any = None) -> list[ControlLink]:
        """The control links over ``entity_id`` (see :meth:`holdings_of` for ``as_of``)."""
        self._require(entity_id)
        records = [c for data in self._graph._pred[entity_id].values() for c in data["controls"]]
        if as_of is ...:
            return records
        return [c for c in records if c.covers(as_of)]

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._graph

    def __len__(self) -> int:
        return int(self._graph.number_of_nodes())

    def __iter__(self) -> Iterator[str]:
        return iter(self._graph)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, OwnershipGraph):
            return NotImplemented
        return (
            set(self.entities()) == set(other.entities())
            and set(self.holdings()) == set(other.holdings())
            and set(self.controls()) == set(other.controls())
            and set(self._declared) == set(other._declared)
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        n_entities = len(self)
        n_holdings = sum(1 for _ in self.holdings())
        n_controls = sum(1 for _ in self.controls())
        n_declared = len(self._declared)
        declared = (
            f", {n_declared} declared interest{'' if n_declared == 1 else 's'}"
            if n_declared
            else ""
        )
        return (
            f"<OwnershipGraph: {n_entities} {'entity' if n_entities == 1 else 'entities'}, "
            f"{n_holdings} holding{'' if n_holdings == 1 else 's'}, "
            f"{n_controls} control link{'' if n_controls == 1 else 's'}{declared}>"
        )

    def _repr_html_(self) -> str:
        # display sits above the graph in the layering; importing it here, when
        # Jupyter asks, is the one deliberate exception to the one-way imports.
        from jvmodel.display import graph_html  # noqa: PLC0415

        return graph_html(self)

    def to_pandas(self) -> tuple[Any, Any, Any]:
        """The entities, holdings and control links as three pandas DataFrames.

        The same as :func:`jvmodel.to_pandas` (needs ``jvmodel[pandas]``); like
        ``_repr_html_``, it reaches the I/O layer only when called.
        """
        from jvmodel.io.tabular import to_pandas  # noqa: PLC0415

        return to_pandas(self)

    # -- internals ------------------------------------------------------------------

    def _adjacency(self) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, dict[str, Any]]]]:
        """The node and owner → owned adjacency dicts underneath, for bulk readers.

        Read-only by contract: the fast engine walks them to convert a register
        without the per-item cost of networkx's views.
        """
        return self._graph._node, self._graph._adj

    def _cached(self, key: Hashable, build: Callable[[], T]) -> T:
        """A form derived from the graph, built once and kept until the graph changes.

        Analyses that convert the graph (e.g. to sparse arrays) keep the result
        here under their own ``key``; entries built from an older version are
        dropped.
        """
        entry = self._derived.get(key)
        if entry is not None and entry[0] == self._version:
            value: T = entry[1]
            return value
        stale = [k for k, (version, _) in self._derived.items() if version != self._version]
        for k in stale:
            del self._derived[k]
        value = build()
        self._derived[key] = (self._version, value)
        return value

    def _require(self, entity_id: str) -> None:
        if entity_id not in self._graph:
            raise UnknownEntityError(
                f"no entity {entity_id!r} in the graph; add it with add_entity() first",
                entity=entity_id,
            )

    def _edge_records(self, source: str, target: str, key: str) -> tuple[Any, ...]:
        data = self._graph.get_edge_data(source, target)
        return () if data is None else tuple(data[key])

    def _put(self, source: str, target: str, key: str, records: tuple[Any, ...]) -> None:
        """Store the records of one edge.  Every change to holdings goes through
        here, so that the allocation ledger of ``target`` is dropped with it."""
        if key == "holdings":
            self._ledgers.pop(target, None)
        if self._graph.has_edge(source, target):
            self._graph.edges[source, target][key] = records
            data = self._graph.edges[source, target]
            if not data["holdings"] and not data["controls"]:
                self._graph.remove_edge(source, target)  # an edge carries something
        else:
            other = "controls" if key == "holdings" else "holdings"
            self._graph.add_edge(source, target, **{key: records, other: ()})
        self._version += 1
