"""The fast engine: the foreign measure of every entity of a register at once.

The exact engine (:mod:`jvmodel.analysis.lookthrough`) answers for one target
at a time in exact fractions.  Screening a whole register needs every entity's
figure at once; this engine computes them in floating point over compressed
sparse arrays (numpy and scipy, the ``[fast]`` extra).

How it works
------------
The graph is converted once into an *array form* (:func:`array_form`), kept
with the graph until it changes (``graph.version``):

* ``W``, a sparse matrix with ``W[e, h]`` the stake of holder ``h`` in ``e``
  (treasury shares removed and the other stakes renormalised, as the exact
  engine does), and the undisclosed part of each entity;
* the strongly connected components of the holdings and the topological
  *levels* of their condensation: every holder of an entity sits on an earlier
  level, or in the same cross-holding component.  Entities are numbered level
  by level, each component's members next to each other.

A computation then sweeps the levels once, owners first.  On a level, every
entity outside a cross-holding gets ``r = W' φ + u·φ_u`` from the levels above
in one sparse product (``W'`` is ``W`` after the method's link transform, ``u``
the undisclosed part, ``φ_u`` its foreign measure under the undisclosed
policy); the members of each cross-holding component solve their small linear
system ``(I − Q) x = b`` exactly as the exact engine does, by a batched dense
inverse (a sparse LU factorisation for components above 64 members).  Each
holding is read once: the work grows with the number of holdings, not with the
number of holdings times the depth of the register, as a plain fixed-point
iteration's would.

Methods whose status transform is not the identity (``threshold``,
``presence``) fit the same sweep: the status applies to each level's result,
and a cross-holding component iterates to its least fixed point instead of
being solved; :data:`VECTORISED` names the methods this engine computes.

Agreement with the exact engine
-------------------------------
The figures are those of :func:`jvmodel.foreign_share` up to floating-point
rounding: within 1e-12 on ordinary registers (the property tests check it).
Where the exact engine raises, the batch marks the entity *unresolved* with the
reason, and its value is NaN: a set of entities owning each other entirely
(and everything it reaches), ranged stakes (interval analysis is per target),
an entity holding all of its own shares, and under ``undisclosed="exclude"``
an entity of which nothing is known.  A cross-holding component whose system
is badly conditioned (condition number above 1e6), and what it reaches, is
flagged ``approximate``: its float figures may be off by more than 1e-9, so
:func:`jvmodel.check_all` recomputes verdicts there exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse import csgraph
from scipy.sparse.linalg import splu

from jvmodel._numeric import Range
from jvmodel.analysis.lookthrough import (
    UNDISCLOSED,
    Measure,
    UndisclosedPolicy,
    _check_measure,
    _check_policy,
    _host_country,
    _solve,
)
from jvmodel.analysis.methods import Method
from jvmodel.errors import UnknownEntityError, UnsupportedAnalysisError
from jvmodel.graph import OwnershipGraph, _collector_paused
from jvmodel.model import Entity

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "VECTORISED",
    "ArrayForm",
    "ForeignShares",
    "array_form",
    "foreign_shares",
]

Floats: TypeAlias = npt.NDArray[np.float64]
Ints: TypeAlias = npt.NDArray[np.int64]
Bools: TypeAlias = npt.NDArray[np.bool_]

# Components up to this size are solved by batched dense inverses; larger ones
# by a sparse LU factorisation each.
_DENSE_LIMIT = 64
# A component whose system has a larger condition number may carry float
# errors above 1e-9 into its figures: flagged ``approximate``.
_CONDITION_LIMIT = 1e6
# Stakes this close to a half are compared with 1/2 exactly (multiplier).
_HALF_MARGIN = 1e-12


# -- the array form -------------------------------------------------------------------


@attrs.frozen(eq=False)
class _BlockGroup:
    """Cross-holding components of one level and one size, solved together."""

    size: int
    rows: Ints  # (k, size) positions of the members
    entry_block: Ints  # for each holding inside these components: which one,
    entry_row: Ints  # the member it is in (local index),
    entry_col: Ints  # the member that holds it (local index),
    entry_pos: Ints  # and its position in W.data


@attrs.frozen(eq=False)
class ArrayForm:
    """A graph converted to sparse arrays for one measure and date.

    Built by :func:`array_form` and kept with the graph until it changes.
    Positions (``0 … n-1``) number the entities level by level, owners first;
    ``order[i]`` is the position of the graph's ``i``-th entity.

    Attributes
    ----------
    ids : tuple of str
        The entity ids, in the graph's order.
    index : dict
        Id to index in ``ids``.
    order : ndarray
        The position of each entity (by index in ``ids``).
    at : ndarray
        The index in ``ids`` of the entity at each position (``order``'s inverse).
    weights : scipy.sparse.csr_array
        ``weights[p, q]``: the stake of the entity at position ``q`` in the one
        at position ``p`` (treasury removed, renormalised); ranged stakes left out.
    holds : scipy.sparse.csr_array
        The transpose: ``holds[q, p]``, the holdings read from the holder's side.
    stakes : list of Fraction
        The exact stakes behind ``weights.data``, entry by entry.
    undisclosed : ndarray
        By position: the part of each entity no holder accounts for.
    ultimate : ndarray of bool
        By position: entities with no holder (the look-through stops there).
    jurisdiction : ndarray of int
        By position: index into ``codes``, or -1 when unknown.
    codes : tuple of str
        The distinct jurisdictions.
    level_starts : ndarray
        Level ``k`` holds positions ``level_starts[k]`` to ``level_starts[k+1]``.
    blocks : tuple of (start, size)
        The cross-holding components (more than one member), by position.
    seeds : dict
        Positions whose figure cannot be computed, with the reason; everything
        downstream of them is unresolved too.
    own : dict
        Positions whose own figure cannot be computed (an entity holding all its
        shares), without consequence for what they hold.
    """

    ids: tuple[str, ...]
    index: dict[str, int]
    order: Ints
    at: Ints
    measure: str
    as_of: dt.date | None
    weights: Any
    holds: Any
    stakes: list[Fraction]
    undisclosed: Floats
    ultimate: Bools
    jurisdiction: Ints
    codes: tuple[str, ...]
    level_starts: Ints
    blocks: tuple[tuple[int, int], ...]
    groups: tuple[tuple[_BlockGroup, ...], ...]
    seeds: dict[int, str]
    own: dict[int, str]

    @property
    def n(self) -> int:
        """The number of entities."""
        return len(self.ids)

    @property
    def levels(self) -> int:
        """The number of levels (the longest chain of holdings, plus one)."""
        return len(self.level_starts) - 1

    def position(self, entity_id: str) -> int:
        """The position of an entity in the arrays."""
        try:
            return int(self.order[self.index[entity_id]])
        except KeyError:
            raise UnknownEntityError(
                f"no entity {entity_id!r} in the graph", entity=entity_id
            ) from None

    def id_at(self, position: int) -> str:
        """The id of the entity at a position."""
        return self.ids[int(self.at[position])]

    def downstream(self, seeds: Bools) -> Bools:
        """Every position reachable from ``seeds`` through holdings (seeds included)."""
        return self.reach(seeds)[0]

    def reach(self, seeds: Bools) -> tuple[Bools, Ints]:
        """Breadth-first search from ``seeds`` along holdings, owner to owned.

        Returns the positions reached (seeds included) and, for each, the seed
        it was reached from (-1 where not reached).
        """
        origin = np.full(self.n, -1, dtype=np.int64)
        frontier = np.flatnonzero(seeds)
        origin[frontier] = frontier
        indptr, indices = self.holds.indptr, self.holds.indices
        while frontier.size:
            offsets, sizes = _row_entries(indptr, frontier)
            if not offsets.size:
                break
            targets = indices[offsets].astype(np.int64)
            sources = np.repeat(frontier, sizes)
            new = origin[targets] < 0
            origin[targets[new]] = origin[sources[new]]
            fresh = np.zeros(self.n, dtype=np.bool_)
            fresh[targets[new]] = True
            frontier = np.flatnonzero(fresh)
        return origin >= 0, origin


def array_form(
    g: OwnershipGraph, *, measure: Measure = "equity", as_of: dt.date | None = None
) -> ArrayForm:
    """The array form of ``g`` for ``measure`` on ``as_of``, built once and cached.

    The form is kept with the graph and rebuilt only after the graph changes.

    Examples
    --------
    >>> import jvmodel as jvm
    >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    >>> form = array_form(g)
    >>> form.n, form.levels, form is array_form(g)
    (11, 4, True)
    """
    _check_measure(measure)
    return g._cached(("fast.array_form", measure, as_of), lambda: _build(g, measure, as_of))


def _build(g: OwnershipGraph, measure: str, as_of: dt.date | None) -> ArrayForm:
    with _collector_paused():
        return _convert(g, measure, as_of)


def _convert(g: OwnershipGraph, measure: str, as_of: dt.date | None) -> ArrayForm:
    nodes, adjacency = g._adjacency()
    ids = tuple(nodes)
    index = {node: i for i, node in enumerate(ids)}
    n = len(ids)
    rows: list[int] = []
    cols: list[int] = []
    stakes: list[Fraction] = []
    values: list[float] = []
    as_float: dict[int, float] = {}  # by id of the Fraction: equal stakes often share one
    treasury: dict[int, Fraction] = {}
    ranged: dict[int, str] = {}
    voting = measure == "voting"
    for owner, targets in adjacency.items():
        holder = index[owner]
        for owned_id, data in targets.items():
            owned = index[owned_id]
            for holding in data["holdings"]:
                if as_of is None:
                    if holding.valid_to is not None:
                        continue
                elif not holding.covers(as_of):
                    continue
                stake = holding.voting if voting else holding.equity
                if isinstance(stake, Range):
                    ranged.setdefault(
                        owned,
                        f"the {measure} stake of {owner!r} in {owned_id!r} is a range "
                        f"({stake!r}); ranges need interval analysis, one target at a time",
                    )
                    continue
                if holder == owned:
                    if stake:
                        treasury[owned] = treasury.get(owned, Fraction(0)) + stake
                    continue
                value = as_float.get(id(stake))
                if value is None:
                    value = as_float[id(stake)] = float(stake)
                rows.append(owned)
                cols.append(holder)
                stakes.append(stake)
                values.append(value)
    own: dict[int, str] = {}
    scales: dict[int, Fraction] = {}
    for owned, part in treasury.items():
        if part == 1:
            own[owned] = f"{ids[owned]!r} holds all of its own shares, so it has no owner"
        else:
            scales[owned] = 1 / (1 - part)
    if scales:
        # Leave out treasury shares and renormalise the other stakes (as the exact engine).
        for k, owned in enumerate(rows):
            if owned in scales:
                stakes[k] = stakes[k] * scales[owned]
                values[k] = float(stakes[k])
    row = np.asarray(rows, dtype=np.int64)
    col = np.asarray(cols, dtype=np.int64)
    weight = np.asarray(values, dtype=np.float64)
    # A stake of 0 holds nothing (the exact engine skips it); only a float 0 may be one.
    zero = [k for k in np.flatnonzero(weight == 0.0).tolist() if not stakes[k]]
    if zero:
        keep = np.ones(len(stakes), dtype=np.bool_)
        keep[zero] = False
        row, col, weight = row[keep], col[keep], weight[keep]
        stakes = [stake for stake, kept in zip(stakes, keep.tolist(), strict=True) if kept]
    labels, level_of = _levels(n, row, col)
    # Number the entities level by level, the members of each component together.
    at = np.lexsort((labels, level_of)).astype(np.int64)
    order = np.empty(n, dtype=np.int64)
    order[at] = np.arange(n, dtype=np.int64)
    prow, pcol = order[row], order[col]
    entry_order = np.lexsort((pcol, prow))
    counts = np.bincount(prow, minlength=n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    weights = sp.csr_array(
        (weight[entry_order], pcol[entry_order], indptr), shape=(n, n), dtype=np.float64
    )
    exact = [stakes[k] for k in entry_order.tolist()]
    held = np.bincount(prow, weights=weight, minlength=n)
    sorted_levels = level_of[at]
    top = int(sorted_levels[-1]) if n else -1
    level_starts = np.searchsorted(sorted_levels, np.arange(top + 2)).astype(np.int64)
    plabels = labels[at]
    blocks = _blocks(plabels)
    codes, jurisdiction = _jurisdictions([data["entity"] for data in nodes.values()], order)
    form = ArrayForm(
        ids=ids,
        index=index,
        order=order,
        at=at,
        measure=measure,
        as_of=as_of,
        weights=weights,
        holds=weights.T.tocsr(),
        stakes=exact,
        undisclosed=np.clip(1.0 - held, 0.0, 1.0),
        ultimate=counts == 0,
        jurisdiction=jurisdiction,
        codes=codes,
        level_starts=level_starts,
        blocks=blocks,
        groups=_group_blocks(blocks, level_starts, weights, plabels),
        seeds={int(order[k]): reason for k, reason in ranged.items()},
        own={int(order[k]): reason for k, reason in own.items()},
    )
    _mark_closed(form, plabels)
    return form


def _levels(n: int, row: Ints, col: Ints) -> tuple[Ints, Ints]:
    """Strongly connected components and the level of each entity's component.

    The level of a component is the length of the longest chain of holdings
    reaching it from an entity with no holder (Kahn's algorithm, a whole
    frontier at a time).
    """
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    pattern = sp.csr_array((np.ones(len(row)), (row, col)), shape=(n, n))
    count, raw_labels = csgraph.connected_components(pattern, directed=True, connection="strong")
    labels = raw_labels.astype(np.int64)
    source, target = labels[col], labels[row]
    between = source != target
    source, target = source[between], target[between]
    by_source = np.argsort(source, kind="stable")
    successors = target[by_source]
    starts = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(np.bincount(source, minlength=count), out=starts[1:])
    pending = np.bincount(target, minlength=count)
    level = np.zeros(count, dtype=np.int64)
    frontier = np.flatnonzero(pending == 0)
    depth = 0
    while frontier.size:
        level[frontier] = depth
        offsets, _ = _row_entries(starts, frontier)
        if not offsets.size:
            break
        reached = successors[offsets]
        pending -= np.bincount(reached, minlength=count)
        hit = np.zeros(count, dtype=np.bool_)
        hit[reached] = True
        frontier = np.flatnonzero(hit & (pending == 0))  # each reached once, when ready
        depth += 1
    return labels, level[labels]


def _blocks(plabels: Ints) -> tuple[tuple[int, int], ...]:
    """The (start, size) of every run of two or more equal labels."""
    if not len(plabels):
        return ()
    change = np.flatnonzero(np.diff(plabels)) + 1
    starts = np.concatenate(([0], change))
    sizes = np.diff(np.concatenate((starts, [len(plabels)])))
    big = sizes > 1
    return tuple(zip(starts[big].tolist(), sizes[big].tolist(), strict=True))


def _group_blocks(
    blocks: tuple[tuple[int, int], ...], level_starts: Ints, weights: Any, plabels: Ints
) -> tuple[tuple[_BlockGroup, ...], ...]:
    """The components of each level, grouped by size, with their inner holdings."""
    levels = len(level_starts) - 1
    per_level: list[dict[int, list[int]]] = [{} for _ in range(levels)]
    for start, size in blocks:
        level = int(np.searchsorted(level_starts, start, side="right")) - 1
        per_level[level].setdefault(size, []).append(start)
    indptr, indices = weights.indptr, weights.indices
    result: list[tuple[_BlockGroup, ...]] = []
    for by_size in per_level:
        groups = []
        for size, starts in sorted(by_size.items()):
            first = np.asarray(starts, dtype=np.int64)
            members = first[:, None] + np.arange(size)[None, :]
            flat = members.ravel()
            begin, end = indptr[flat], indptr[flat + 1]
            lengths = end - begin
            positions = np.repeat(begin - np.cumsum(lengths) + lengths, lengths) + np.arange(
                int(lengths.sum())
            )
            entry_row_abs = np.repeat(flat, lengths)
            entry_col_abs = indices[positions].astype(np.int64)
            inside = plabels[entry_col_abs] == plabels[entry_row_abs]
            block_of_row = np.repeat(np.repeat(np.arange(len(starts)), size), lengths)
            groups.append(
                _BlockGroup(
                    size=size,
                    rows=members,
                    entry_block=block_of_row[inside],
                    entry_row=(entry_row_abs - first[block_of_row])[inside],
                    entry_col=(entry_col_abs - first[block_of_row])[inside],
                    entry_pos=positions[inside],
                )
            )
        result.append(tuple(groups))
    return tuple(result)


def _jurisdictions(entities: list[Entity], order: Ints) -> tuple[tuple[str, ...], Ints]:
    codes: dict[str | None, int] = {None: -1}
    raw = [
        codes.setdefault(e.jurisdiction, len(codes) - 1)  # None maps to -1
        for e in entities
    ]
    by_position = np.empty(len(raw), dtype=np.int64)
    by_position[order] = np.asarray(raw, dtype=np.int64)
    return tuple(c for c in codes if c is not None), by_position


def _mark_closed(form: ArrayForm, plabels: Ints) -> None:
    """Add to the seeds every component that owns itself entirely.

    Such a component has no holder outside it and no undisclosed part.  Decided
    in exact arithmetic where floats cannot (a float sum cannot tell 1 from
    1 - 1e-17), as the exact engine decides it.
    """
    if not form.blocks:
        return
    weights = form.weights
    indptr = weights.indptr
    row_of = np.repeat(np.arange(form.n), np.diff(indptr))
    crossing = plabels[row_of] != plabels[weights.indices]
    is_open = np.zeros(int(plabels.max()) + 1, dtype=np.bool_)
    is_open[plabels[row_of[crossing]]] = True
    is_open[plabels[form.undisclosed > 1e-9]] = True
    for start, size in form.blocks:
        if is_open[plabels[start]]:
            continue
        stop = start + size
        if any(
            sum(form.stakes[indptr[p] : indptr[p + 1]], Fraction(0)) != 1
            for p in range(start, stop)
        ):
            continue  # an undisclosed part, however small: the system is not singular
        members = sorted(form.id_at(p) for p in range(start, stop))
        reason = (
            f"entities {', '.join(repr(m) for m in members)} own each other entirely, "
            "with no outside owner; their look-through has no ultimate owner"
        )
        for position in range(start, stop):
            form.seeds[position] = reason


# -- methods ----------------------------------------------------------------------------


class _VectorMethod:
    """A method in array form: vectorised link and status transforms."""

    name: ClassVar[str]
    linear: ClassVar[bool] = True

    def link(self, stakes: Floats, exact: Sequence[Fraction], positions: Ints) -> Floats:
        return stakes

    def exact_link(self, stake: Fraction) -> Fraction:
        """The link transform on one exact stake (for :meth:`ForeignShares.exact`)."""
        return stake

    def status(self, r: Floats) -> Floats:
        return r


class _Proportional(_VectorMethod):
    name = "proportional"


class _Multiplier(_VectorMethod):
    """A stake above one half counts as 100% (FCC voting interests, 47 CFR 1.5002)."""

    name = "multiplier"

    def exact_link(self, stake: Fraction) -> Fraction:
        return Fraction(1) if stake > Fraction(1, 2) else stake

    def link(self, stakes: Floats, exact: Sequence[Fraction], positions: Ints) -> Floats:
        controlling = stakes > 0.5
        near = np.flatnonzero(np.abs(stakes - 0.5) <= _HALF_MARGIN)
        for k in near.tolist():
            controlling[k] = exact[int(positions[k])] > Fraction(1, 2)
        return np.where(controlling, 1.0, stakes)


VECTORISED: dict[str, type[_VectorMethod]] = {
    "proportional": _Proportional,
    "multiplier": _Multiplier,
}
"""The methods the fast engine computes, by name."""


def _vector_method(method: str | Method) -> _VectorMethod:
    name = method if isinstance(method, str) else getattr(method, "name", None)
    own_class = isinstance(method, str) or type(method).__module__ == Method.__module__
    if isinstance(name, str) and name in VECTORISED and own_class:
        return VECTORISED[name]()
    raise UnsupportedAnalysisError(
        f"the fast engine computes the methods {', '.join(sorted(VECTORISED))}, not "
        f"{method!r}; use jvmodel.foreign_share one entity at a time for that method",
        reason="method not vectorised",
        method=method,
    )


# -- evaluation ---------------------------------------------------------------------


@attrs.frozen(eq=False)
class _System:
    """One evaluation's inputs: transformed weights, constants, policy."""

    form: ArrayForm
    host: str
    listed: frozenset[str]  # jurisdictions counted foreign beyond the country test
    weights: Any  # W' after the policy and the link transform
    constant: Floats  # u·φ_u for entities with holders; φ of ultimate owners
    phi_u: float
    known: Bools | None  # under "exclude": positions some known owner reaches
    method: _VectorMethod
    unresolved: dict[int, str]
    approximate: Bools


def _system(
    form: ArrayForm,
    *,
    host: str,
    method: _VectorMethod,
    undisclosed: UndisclosedPolicy,
    foreign: Iterable[str],
) -> _System:
    listed = set(foreign)
    verdict = np.array(
        [code in listed or code[:2] in listed or code[:2] != host for code in form.codes] + [False],
        dtype=np.float64,
    )
    known_code = form.jurisdiction >= 0
    # jurisdiction -1 indexes the trailing False: unknown is decided below.
    ground = verdict[form.jurisdiction]
    phi_u = 1.0 if undisclosed == "foreign" else 0.0
    data = form.weights.data
    known: Bools | None = None
    if undisclosed == "exclude":
        known = form.downstream(form.ultimate & known_code)
        # Keep only holdings from known owners, renormalised at each entity.
        weights = form.weights
        cols = weights.indices
        kept = np.where(known[cols], data, 0.0)
        row_of = np.repeat(np.arange(form.n), np.diff(weights.indptr))
        totals = np.zeros(form.n, dtype=np.float64)
        np.add.at(totals, row_of, kept)
        with np.errstate(divide="ignore", invalid="ignore"):
            data = np.where(kept > 0, kept / totals[row_of], 0.0)
        exact: Sequence[Fraction] = _LazyExact(form, known)
        constant = np.where(form.ultimate, ground, 0.0)
    else:
        exact = form.stakes
        # Ultimate owners of unknown jurisdiction count like undisclosed ownership.
        constant = np.where(
            form.ultimate, np.where(known_code, ground, phi_u), form.undisclosed * phi_u
        )
    linked = method.link(data, exact, np.arange(len(data)))
    weights = sp.csr_array(
        (linked, form.weights.indices, form.weights.indptr), shape=form.weights.shape
    )
    return _System(
        form=form,
        host=host,
        listed=frozenset(listed),
        weights=weights,
        constant=constant,
        phi_u=phi_u,
        known=known,
        method=method,
        unresolved=dict(form.seeds),
        approximate=np.zeros(form.n, dtype=np.bool_),
    )


class _LazyExact(Sequence[Fraction]):
    """Exact renormalised stakes under ``exclude``, computed only where asked."""

    def __init__(self, form: ArrayForm, known: Bools):
        self.form = form
        self.known = known

    def __len__(self) -> int:
        return len(self.form.stakes)

    def __getitem__(self, k: Any) -> Any:
        weights = self.form.weights
        row = int(np.searchsorted(weights.indptr, k, side="right")) - 1
        begin, end = weights.indptr[row], weights.indptr[row + 1]
        total = sum(
            (self.form.stakes[j] for j in range(begin, end) if self.known[weights.indices[j]]),
            Fraction(0),
        )
        return self.form.stakes[k] / total if total else Fraction(0)


def _solve_blocks(system: _System) -> list[list[tuple[Any, Bools]]]:
    """Prepare each level's cross-holding components: inverses, or LU factors.

    Marks components whose series diverges (spectral radius at least 1, only
    possible when the link transform raises stakes) as unresolved, and badly
    conditioned ones as approximate.
    """
    form = system.form
    data = system.weights.data
    prepared: list[list[tuple[Any, Bools]]] = []
    settled = np.zeros(form.n, dtype=np.bool_)  # unresolved already: nothing to solve
    settled[list(system.unresolved)] = True
    for groups in form.groups:
        level: list[tuple[Any, Bools]] = []
        for group in groups:
            k, s = group.rows.shape
            matrix = np.zeros((k, s, s), dtype=np.float64)
            np.add.at(
                matrix,
                (group.entry_block, group.entry_row, group.entry_col),
                -data[group.entry_pos],
            )
            matrix[:, np.arange(s), np.arange(s)] += 1.0
            skip = settled[group.rows[:, 0]]
            matrix[skip] = np.eye(s)
            if s <= _DENSE_LIMIT:
                solver: Any = _dense_inverse(matrix)
                ones = solver @ np.ones((k, s, 1))
                y = ones[:, :, 0]
            else:
                solver = [splu(sp.csc_array(m)) for m in matrix]
                y = np.stack([lu.solve(np.ones(s)) for lu in solver])
            norm = np.abs(matrix).sum(axis=2).max(axis=1)
            finite = np.isfinite(y).all(axis=1)
            diverges = ~finite | (y.min(axis=1, initial=np.inf) < 1 - 1e-9)
            condition = norm * np.where(finite, np.abs(y).max(axis=1), np.inf)
            for b in np.flatnonzero(diverges & ~skip).tolist():
                members = sorted(form.id_at(p) for p in group.rows[b].tolist())
                reason = (
                    f"under {system.method.name}, the cross-holdings of "
                    f"{', '.join(repr(m) for m in members)} attribute ever more without "
                    "limit (the series of their stakes diverges)"
                )
                for position in group.rows[b].tolist():
                    system.unresolved[int(position)] = reason
            for b in np.flatnonzero(~diverges & (condition > _CONDITION_LIMIT)).tolist():
                system.approximate[group.rows[b]] = True
            level.append((solver, skip))
        prepared.append(level)
    return prepared


def _dense_inverse(matrices: Floats) -> Floats:
    with np.errstate(all="ignore"):
        try:
            return np.asarray(np.linalg.inv(matrices), dtype=np.float64)
        except np.linalg.LinAlgError:
            pass
    # Some block is singular: invert one by one, NaN for the singular ones.
    result = np.full_like(matrices, np.nan)
    for b, matrix in enumerate(matrices):
        try:
            result[b] = np.linalg.inv(matrix)
        except np.linalg.LinAlgError:
            continue
    return result


def _sweep(system: _System) -> tuple[Floats, Floats]:
    """Evaluate every level, owners first; return (φ, r) by position."""
    form = system.form
    weights = system.weights
    # Linear methods solve each cross-holding; others iterate it (no system to solve).
    prepared = _solve_blocks(system) if system.method.linear else None
    phi = np.zeros(form.n, dtype=np.float64)
    raw = np.zeros(form.n, dtype=np.float64)
    starts = form.level_starts.tolist()
    indptr, indices, data = weights.indptr, weights.indices, weights.data
    for level in range(form.levels):
        a, b = starts[level], starts[level + 1]
        lo, hi = indptr[a], indptr[b]
        rows = sp.csr_array(
            (data[lo:hi], indices[lo:hi], indptr[a : b + 1] - lo), shape=(b - a, form.n)
        )
        r = rows @ phi + system.constant[a:b]  # components' members see φ = 0 inside
        raw[a:b] = r
        if system.method.linear:
            phi[a:b] = r
        else:  # the status transform applies to intermediates, not to ultimate owners
            phi[a:b] = np.where(form.ultimate[a:b], r, system.method.status(r))
        for position, group in enumerate(form.groups[level]):
            if prepared is not None:
                _solve_linear(group, prepared[level][position][0], raw, phi)
            else:
                _iterate_status(system, group, raw, phi)
    return phi, raw


def _solve_linear(group: _BlockGroup, solver: Any, raw: Floats, phi: Floats) -> None:
    outside = raw[group.rows]  # (k, s): what flows in from outside, and undisclosed
    if isinstance(solver, list):
        inside = np.stack([lu.solve(b) for lu, b in zip(solver, outside, strict=True)])
    else:
        inside = np.einsum("kij,kj->ki", solver, outside)
    raw[group.rows] = inside
    phi[group.rows] = inside


def _iterate_status(system: _System, group: _BlockGroup, raw: Floats, phi: Floats) -> None:
    """A non-linear method on a cross-holding: iterate to the least fixed point.

    Starting from every member domestic (φ = 0 inside), apply ``φ = T(Q φ + b)``
    until nothing changes; a monotone step transform settles within as many
    rounds as there are members.
    """
    k, s = group.rows.shape
    q = np.zeros((k, s, s), dtype=np.float64)
    q[group.entry_block, group.entry_row, group.entry_col] = system.weights.data[group.entry_pos]
    outside = raw[group.rows].copy()
    status = np.zeros((k, s), dtype=np.float64)
    for _ in range(s + 1):
        r = np.einsum("kij,kj->ki", q, status) + outside
        updated = system.method.status(r)
        if np.array_equal(updated, status):
            break
        status = updated
    raw[group.rows] = r
    phi[group.rows] = status


def _evaluate(
    g: OwnershipGraph,
    *,
    host: str | None,
    method: str | Method,
    measure: Measure,
    undisclosed: UndisclosedPolicy,
    as_of: dt.date | None,
    foreign: Iterable[str],
) -> ForeignShares:
    host_code = _host_country(host)
    _check_policy(undisclosed)
    rule = _vector_method(method)
    form = array_form(g, measure=measure, as_of=as_of)
    system = _system(form, host=host_code, method=rule, undisclosed=undisclosed, foreign=foreign)
    phi, raw = _sweep(system)
    figure = raw.copy()
    # An entity with no holder is, as a target, wholly undisclosed.
    figure[form.ultimate] = system.phi_u
    unresolved = _spread(system)
    if system.known is not None:
        nothing = (~system.known | form.ultimate) & ~unresolved
        for position in np.flatnonzero(nothing).tolist():
            system.unresolved[position] = (
                "nothing is known of who ultimately owns it (every owner is undisclosed or "
                "of unknown jurisdiction), so under undisclosed='exclude' its foreign share "
                "is undefined"
            )
        unresolved |= nothing
    for position, reason in form.own.items():
        if not unresolved[position]:
            system.unresolved[position] = reason
            unresolved[position] = True
    figure = np.clip(figure, 0.0, 1.0)
    figure[unresolved] = np.nan
    approximate = form.downstream(system.approximate) & ~unresolved
    return ForeignShares(system, phi, figure, unresolved, approximate)


def _spread(system: _System) -> Bools:
    """The seeds (closed or divergent cross-holdings, ranged stakes) and all they reach.

    The exact engine raises for any target whose upstream holds a seed; each
    entity reached is given the reason of the seed it depends on.
    """
    form = system.form
    seeds = np.zeros(form.n, dtype=np.bool_)
    seeds[list(system.unresolved)] = True
    reached, origin = form.reach(seeds)
    for position in np.flatnonzero(reached & ~seeds).tolist():
        seed = int(origin[position])
        system.unresolved[position] = (
            f"it depends on {form.id_at(seed)!r}: {system.unresolved[seed]}"
        )
    return reached


# -- results -------------------------------------------------------------------------


class ForeignShares(Mapping[str, float]):
    """The foreign share of every entity of a graph, from the fast engine.

    A read-only mapping from entity id to float, in the graph's order.  An
    entity whose figure cannot be computed (see :attr:`unresolved`) maps to NaN.
    Each figure is the entity's own as a target, as :func:`jvmodel.foreign_share`
    gives it: an entity with no recorded holder is wholly undisclosed, so it
    reads 1.0 under ``undisclosed="foreign"`` whatever its own jurisdiction
    (what counts is who owns it, and nothing says).

    Examples
    --------
    >>> import jvmodel as jvm
    >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    >>> shares = foreign_shares(g, host="CN", foreign=["HK"])
    >>> round(shares["jv"], 6)      # exactly 103/200 = 0.515
    0.515
    >>> shares.to_numpy().shape
    (11,)
    """

    def __init__(
        self,
        system: _System,
        phi: Floats,
        figure: Floats,
        unresolved: Bools,
        approximate: Bools,
    ) -> None:
        self._system = system
        form = system.form
        self._form = form
        self._phi = phi
        self._by_position = figure
        self._values = figure[form.order]
        self._values.setflags(write=False)
        self._unresolved_mask = unresolved
        self._approximate = approximate

    def __getitem__(self, entity_id: str) -> float:
        try:
            index = self._form.index[entity_id]
        except KeyError:
            raise UnknownEntityError(
                f"no entity {entity_id!r} in the graph", entity=entity_id
            ) from None
        return float(self._values[index])

    def __iter__(self) -> Iterator[str]:
        return iter(self._form.ids)

    def __len__(self) -> int:
        return self._form.n

    def __repr__(self) -> str:
        return (
            f"<ForeignShares: {len(self)} entities, {len(self.unresolved)} unresolved, "
            f"method {self.method!r}, measure {self._form.measure!r}>"
        )

    @property
    def method(self) -> str:
        """The attribution method used."""
        return self._system.method.name

    @property
    def unresolved(self) -> dict[str, str]:
        """The entities whose figure cannot be computed, each with the reason."""
        form = self._form
        reasons = self._system.unresolved
        result: dict[str, str] = {}
        for index in np.flatnonzero(self._unresolved_mask[form.order]).tolist():
            result[form.ids[index]] = reasons.get(int(form.order[index]), "unresolved")
        return result

    @property
    def approximate(self) -> frozenset[str]:
        """Entities downstream of a badly conditioned cross-holding (see the module notes)."""
        form = self._form
        return frozenset(form.ids[i] for i in np.flatnonzero(self._approximate[form.order]))

    def to_numpy(self) -> Floats:
        """The figures as a read-only float array, in the graph's order (NaN: unresolved)."""
        return self._values

    def to_pandas(self) -> pd.Series[float]:
        """The figures as a :class:`pandas.Series` indexed by entity id (needs pandas)."""
        try:
            import pandas as pd  # noqa: PLC0415 - an optional extra
        except ModuleNotFoundError as error:  # pragma: no cover - depends on the install
            raise ModuleNotFoundError(
                "ForeignShares.to_pandas needs pandas: pip install 'jvmodel[pandas]'",
                name="pandas",
            ) from error
        return pd.Series(
            self._values, index=pd.Index(self._form.ids, name="entity"), name="foreign_share"
        )

    def exact(self, targets: Iterable[str]) -> dict[str, Fraction]:
        """The exact figures of some targets, from the exact stakes of the array form.

        The same mathematics as :func:`jvmodel.analysis.foreign_share`, evaluated
        in fractions over the union of the targets' upstreams, owners first in
        the array form's order (cross-holdings solved exactly); much cheaper than
        one exact look-through per target.  Unresolved targets are left out.

        Examples
        --------
        >>> import jvmodel as jvm
        >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
        >>> foreign_shares(g, host="CN").exact(["jv", "partner"])
        {'jv': Fraction(103, 200), 'partner': Fraction(3, 100)}
        """
        return _exact_figures(self, list(targets))

    def top_contributors(
        self, targets: Iterable[str], *, tolerance: float = 1e-13
    ) -> dict[str, tuple[str, float] | None]:
        """The foreign ultimate owner contributing most to each target's figure.

        For each target, the owner (or :data:`~jvmodel.UNDISCLOSED`, for the part
        counted foreign because it is undisclosed or of unknown jurisdiction)
        with the largest contribution, and that contribution; None when nothing
        foreign contributes or the figure is unresolved.  Computed for all
        targets together by walking the holdings upward as sparse vectors;
        cross-holdings are followed until what is left to walk is below
        ``tolerance``.

        Examples
        --------
        >>> import jvmodel as jvm
        >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
        >>> shares = foreign_shares(g, host="CN", undisclosed="domestic")
        >>> shares.top_contributors(["jv"])
        {'jv': ('bt', 0.5)}
        """
        return _top_contributors(self, list(targets), tolerance)


def _top_contributors(
    shares: ForeignShares, targets: list[str], tolerance: float
) -> dict[str, tuple[str, float] | None]:
    system, form = shares._system, shares._form
    result: dict[str, tuple[str, float] | None] = {}
    walk: list[tuple[str, int]] = []
    for target in targets:
        position = form.position(target)
        if shares._unresolved_mask[position]:
            result[target] = None
        elif form.ultimate[position]:
            result[target] = (UNDISCLOSED, system.phi_u) if system.phi_u else None
        else:
            walk.append((target, position))
    if not walk:
        return result
    k = len(walk)
    ultimate = form.ultimate
    known_code = form.jurisdiction >= 0
    foreign_owner = ultimate & known_code & (system.constant > 0)
    unknown_owner = ultimate & ~known_code
    undisclosed_rate = np.where(ultimate, 0.0, system.constant)  # u·φ_u per unit of mass
    vector = sp.csr_array((np.ones(k), (np.arange(k), [p for _, p in walk])), shape=(k, form.n))
    # Walk every target's unit of ownership upward, one layer a step; keep each
    # step's mass.  Mass reaching an ultimate owner stops there (it has no
    # holders); cross-holdings are followed until what walks on is negligible.
    counts: list[Ints] = []
    cols: list[Ints] = []
    mass: list[Floats] = []
    for _ in range(10_000):
        if not vector.nnz:
            break
        counts.append(np.diff(vector.indptr))
        cols.append(vector.indices)
        mass.append(vector.data)
        vector = sp.csr_array(vector @ system.weights)
        vector.data[vector.data < tolerance] = 0.0
        vector.eliminate_zeros()
    rows = np.repeat(np.tile(np.arange(k), len(counts)), np.concatenate(counts))
    # Summed over the steps, per target and entity (duplicates add up).
    visits = sp.csr_array((np.concatenate(mass), (rows, np.concatenate(cols))), shape=(k, form.n))
    undisclosed = visits @ undisclosed_rate
    row_of = np.repeat(np.arange(k), np.diff(visits.indptr))
    col_of, got = visits.indices.astype(np.int64), visits.data
    hidden = undisclosed + system.phi_u * np.bincount(
        row_of, weights=np.where(unknown_owner[col_of], got, 0.0), minlength=k
    )
    owners = foreign_owner[col_of] & (got > 0)
    row_of, col_of, got = row_of[owners], col_of[owners], got[owners]
    largest = np.zeros(k, dtype=np.float64)
    np.maximum.at(largest, row_of, got)
    # The largest contribution of each target, ties broken by id as check() does.
    candidates: dict[int, list[tuple[float, str]]] = {}
    top = got == largest[row_of]
    for row, col, value in zip(
        row_of[top].tolist(), col_of[top].tolist(), got[top].tolist(), strict=True
    ):
        candidates.setdefault(row, []).append((-value, form.id_at(col)))
    for row, (target, _position) in enumerate(walk):
        options = candidates.get(row, [])
        if hidden[row] > 0:
            options.append((-float(hidden[row]), UNDISCLOSED))
        if options:
            value, owner = min(options)
            result[target] = (owner, -value)
        else:
            result[target] = None
    return result


def _exact_figures(shares: ForeignShares, targets: list[str]) -> dict[str, Fraction]:
    system, form = shares._system, shares._form
    wanted = {
        target: position
        for target in targets
        if not shares._unresolved_mask[position := form.position(target)]
    }
    if not wanted:
        return {}
    weights = form.weights
    indptr, indices = weights.indptr, weights.indices
    needed = _upstream_positions(form, np.fromiter(wanted.values(), dtype=np.int64))
    zero, one = Fraction(0), Fraction(1)
    phi_u = one if system.phi_u else zero
    verdict = [
        (
            one
            if code in system.listed or code[:2] in system.listed or code[:2] != system.host
            else zero
        )
        for code in form.codes
    ]
    excluding = system.known is not None
    link = system.method.exact_link
    block_starts = np.asarray([start for start, _ in form.blocks], dtype=np.int64)
    sizes = dict(form.blocks)
    values: dict[int, Fraction] = {}

    def incoming(position: int) -> tuple[list[int], list[Fraction], Fraction]:
        """Holders, their (renormalised) exact stakes, and the undisclosed part."""
        begin, end = int(indptr[position]), int(indptr[position + 1])
        holders = indices[begin:end].tolist()
        stakes = form.stakes[begin:end]
        if excluding:
            assert system.known is not None
            kept = [(h, w) for h, w in zip(holders, stakes, strict=True) if system.known[h]]
            total = sum((w for _, w in kept), zero)
            return [h for h, _ in kept], [w / total for _, w in kept], zero
        return holders, list(stakes), one - sum(stakes, zero)

    for position in needed.tolist():
        if position in values:
            continue
        if form.ultimate[position]:
            code = int(form.jurisdiction[position])
            values[position] = phi_u if code < 0 else verdict[code]
            continue
        slot = int(np.searchsorted(block_starts, position, side="right")) - 1
        start = int(block_starts[slot]) if slot >= 0 else -1
        if start >= 0 and position < start + sizes[start]:
            members = list(range(start, start + sizes[start]))
            inside = set(members)
            matrix = [[one if i == j else zero for j in members] for i in members]
            rhs: list[dict[str, Fraction]] = []
            for row, member in enumerate(members):
                holders, stakes, undisclosed = incoming(member)
                acc = undisclosed * phi_u
                for holder, stake in zip(holders, stakes, strict=True):
                    if holder in inside:
                        matrix[row][holder - start] -= link(stake)
                    else:
                        acc += link(stake) * values[holder]
                rhs.append({"f": acc})
            solved = _solve(matrix, rhs)
            for member, vector in zip(members, solved, strict=True):
                values[member] = vector.get("f", zero)
            continue
        holders, stakes, undisclosed = incoming(position)
        acc = undisclosed * phi_u
        for holder, stake in zip(holders, stakes, strict=True):
            acc += link(stake) * values[holder]
        values[position] = acc
    return {
        target: min(one, phi_u if form.ultimate[position] else values[position])
        for target, position in wanted.items()
    }


def _row_entries(indptr: Ints, rows: Ints) -> tuple[Ints, Ints]:
    """Where the entries of ``rows`` lie in a CSR array, row after row, and each row's size.

    Examples
    --------
    >>> offsets, sizes = _row_entries(np.array([0, 2, 2, 5]), np.array([2, 0]))
    >>> offsets.tolist(), sizes.tolist()
    ([2, 3, 4, 0, 1], [3, 2])
    """
    begin = indptr[rows]
    sizes = indptr[rows + 1] - begin
    offsets = np.repeat(begin - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))
    return offsets, sizes


def _upstream_positions(form: ArrayForm, starts: Ints) -> Ints:
    """Every position upstream of ``starts`` (included), in ascending (owners-first) order."""
    seen = np.zeros(form.n, dtype=np.bool_)
    seen[starts] = True
    frontier = np.unique(starts)
    indptr, indices = form.weights.indptr, form.weights.indices
    while frontier.size:
        offsets, _ = _row_entries(indptr, frontier)
        if not offsets.size:
            break
        holders = indices[offsets].astype(np.int64)
        fresh = holders[~seen[holders]]
        seen[fresh] = True
        frontier = np.unique(fresh)
    return np.flatnonzero(seen)


def foreign_shares(
    g: OwnershipGraph,
    *,
    host: str | None = None,
    method: str | Method = "proportional",
    measure: Measure = "equity",
    undisclosed: UndisclosedPolicy = "foreign",
    as_of: dt.date | None = None,
    foreign: Iterable[str] = (),
) -> ForeignShares:
    """The foreign share of every entity at once, by the fast engine.

    Each entity's figure is what :func:`jvmodel.analysis.foreign_share` gives
    with the entity as target, in floating point (see the module notes on
    agreement).  Takes the same options; :func:`jvmodel.foreign_shares` adds
    regimes.

    Parameters
    ----------
    g : OwnershipGraph
    host : str
        The host country (ISO 3166-1 alpha-2).
    method : {"proportional", "multiplier"}
        The attribution method; others raise :class:`UnsupportedAnalysisError`.
    measure : {"equity", "voting"}
    undisclosed : {"foreign", "domestic", "exclude"}
    as_of : datetime.date, optional
    foreign : iterable of str
        Jurisdictions counted foreign although their country is the host.

    Returns
    -------
    ForeignShares

    Raises
    ------
    UnsupportedAnalysisError
        For a method this engine does not compute, or a missing host.

    Examples
    --------
    >>> import jvmodel as jvm
    >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    >>> shares = foreign_shares(g, host="CN", undisclosed="domestic")
    >>> round(shares["jv"], 12), shares["bt-china"]
    (0.515, 1.0)
    """
    return _evaluate(
        g,
        host=host,
        method=method,
        measure=measure,
        undisclosed=undisclosed,
        as_of=as_of,
        foreign=foreign,
    )
