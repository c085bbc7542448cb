"""Screening whole registers: :func:`foreign_shares`, :func:`check_all` and :class:`Report`.

Both use the fast engine (:mod:`jvmodel.analysis.fast`, which needs the
``[fast]`` extra: numpy and scipy).  :func:`check_all` keeps verdicts exact:
every figure within 1e-9 of its cap is recomputed in exact fractions, and
every one the fast engine cannot compute (or flags as approximate) is decided
by :func:`jvmodel.check`; such rows carry exact fractions.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Iterator
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import attrs

from jvmodel._numeric import Interval, format_percent, format_share
from jvmodel.analysis.lookthrough import Measure, UndisclosedPolicy
from jvmodel.analysis.methods import Method, get_method
from jvmodel.compliance.check import check
from jvmodel.errors import JVModelError, UnknownSectorError, UnsupportedAnalysisError
from jvmodel.graph import OwnershipGraph
from jvmodel.regimes import Cap, Regime, get

if TYPE_CHECKING:
    import pandas as pd

    from jvmodel.analysis.fast import ForeignShares

__all__ = ["MARGIN", "Report", "ReportRow", "RowStatus", "check_all", "foreign_shares"]

RowStatus: TypeAlias = Literal["compliant", "breach", "indeterminate", "unresolved"]
Figure: TypeAlias = "float | Fraction | Interval"

MARGIN = 1e-9
"""Figures of the fast engine this close to a cap are recomputed exactly."""


def _engine() -> Any:
    """The fast engine module, or a clear error naming the extra it needs."""
    try:
        from jvmodel.analysis import fast  # noqa: PLC0415 - needs the optional extra
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            f"screening a whole register needs numpy and scipy ({error.name} is missing): "
            "pip install 'jvmodel[fast]'",
            name=error.name,
        ) from error
    return fast


def foreign_shares(
    g: OwnershipGraph,
    *,
    regime: str | Regime | None = None,
    host: str | None = None,
    method: str | Method | None = None,
    measure: Measure = "equity",
    undisclosed: UndisclosedPolicy | None = None,
    as_of: dt.date | None = None,
    foreign: Iterable[str] | None = None,
) -> ForeignShares:
    """The foreign share of every entity at once, as a mapping from id to float.

    The batch counterpart of :func:`jvmodel.foreign_share`, with the same
    options: with ``regime=``, its host, method for ``measure``, undisclosed
    policy and extra foreign jurisdictions are the defaults, and explicit
    keywords override them.  Computed by the fast engine in floating point
    (within 1e-12 of the exact figures on ordinary registers); use
    :func:`check_all` for exact verdicts.

    Parameters
    ----------
    g : OwnershipGraph
    regime : str or Regime, optional
    host : str, optional
        Required without a regime.
    method : {"proportional", "multiplier"}, optional
    measure : {"equity", "voting"}
    undisclosed : {"foreign", "domestic", "exclude"}, optional
    as_of : datetime.date, optional
    foreign : iterable of str, optional

    Returns
    -------
    ForeignShares
        A mapping from entity id to float with ``to_numpy()``, ``to_pandas()``,
        ``unresolved`` (ids whose figure cannot be computed, with the reason;
        their value is NaN) and ``top_contributors(ids)``.

    Raises
    ------
    ModuleNotFoundError
        Without numpy and scipy (``pip install 'jvmodel[fast]'``).
    UnsupportedAnalysisError
        For a method the fast engine does not compute (``threshold``,
        ``presence``, ``direct``: use :func:`jvmodel.foreign_share` per entity).

    Examples
    --------
    >>> import jvmodel as jvm
    >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    >>> shares = jvm.foreign_shares(g, regime="cn-beijing-2020")
    >>> round(shares["jv"], 12), round(shares["partner"], 12)
    (0.515, 0.03)
    >>> float(shares.to_pandas().loc["zgc-fund"])
    0.1
    """
    if regime is not None:
        rules = get(regime)
        host = host or rules.host
        method = method or rules.method_for(measure)
        undisclosed = undisclosed or rules.undisclosed  # type: ignore[assignment]
        foreign = rules.foreign if foreign is None else foreign
    result: ForeignShares = _engine().foreign_shares(
        g,
        host=host,
        method=method or "proportional",
        measure=measure,
        undisclosed=undisclosed or "foreign",
        as_of=as_of,
        foreign=foreign or (),
    )
    return result


def _exact_or_float(value: Figure | None) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, Interval):
        return {
            "lower": str(value.lower),
            "upper": str(value.upper),
            "lower_closed": value.lower_closed,
            "upper_closed": value.upper_closed,
            "percent": f"{format_percent(value.lower)} to {format_percent(value.upper)}",
        }
    if isinstance(value, Fraction):
        sign = "-" if value < 0 else ""
        return {
            "exact": str(value),
            "value": float(value),
            "percent": sign + format_share(abs(value)),
        }
    return {"exact": None, "value": value, "percent": f"{value * 100:.6g}%"}


@attrs.frozen(kw_only=True)
class ReportRow:
    """One entity and sector of a :class:`Report`.

    Attributes
    ----------
    target, sector : str
    status : {"compliant", "breach", "indeterminate", "unresolved"}
        ``unresolved``: the figure cannot be computed (see ``reason``), for
        example a set of entities that own each other entirely.
    foreign_share : float, Fraction, Interval or None
        A Fraction where the verdict was decided exactly (``exact`` is True),
        else the fast engine's float.
    cap : Fraction or None
        None for a sector the regime leaves uncapped for this entity.
    cap_rule : Cap or None
    headroom : float, Fraction, Interval or None
        Cap minus foreign share (negative in breach).
    top_contributor : str or None
        The foreign ultimate owner contributing most (``UNDISCLOSED`` for the
        undisclosed part), None when nothing foreign contributes.
    top_contribution : float, Fraction or None
    exact : bool
        Whether the row was decided in exact arithmetic.
    measure, method : str
    reason : str or None
        Why the row is unresolved.
    """

    target: str
    sector: str
    status: RowStatus
    foreign_share: Figure | None
    cap: Fraction | None
    cap_rule: Cap | None
    headroom: Figure | None
    top_contributor: str | None
    top_contribution: Figure | None
    exact: bool
    measure: str
    method: str
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form: exact values as strings (``"1/2"``) next to floats."""
        return {
            "target": self.target,
            "sector": self.sector,
            "status": self.status,
            "foreign_share": _exact_or_float(self.foreign_share),
            "cap": _exact_or_float(self.cap),
            "cap_inclusive": None if self.cap_rule is None else self.cap_rule.inclusive,
            "headroom": _exact_or_float(self.headroom),
            "top_contributor": self.top_contributor,
            "top_contribution": _exact_or_float(self.top_contribution),
            "exact": self.exact,
            "measure": self.measure,
            "method": self.method,
            "reason": self.reason,
        }


def _number(value: Figure | None) -> float:
    """A figure as one float: NaN for none, the upper bound of an interval."""
    if value is None:
        return float("nan")
    if isinstance(value, Interval):
        return float(value.upper)
    return float(value)


@attrs.frozen(kw_only=True)
class Report:
    """The result of :func:`check_all`: one :class:`ReportRow` per entity and capped sector.

    Iterating gives the rows in the graph's order; :attr:`breaches` the rows in
    breach; :meth:`to_pandas` a table; :meth:`to_dict` a JSON-ready summary.
    """

    regime: str
    as_of: dt.date | None
    rows: tuple[ReportRow, ...]

    def __iter__(self) -> Iterator[ReportRow]:
        return iter(self.rows)

    def _repr_html_(self) -> str:
        # display sits above compliance: imported here, as the other reprs do.
        from jvmodel.display import report_html  # noqa: PLC0415

        return report_html(self)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, target: str) -> ReportRow:
        """The row of ``target`` (the first one, if it has several capped sectors)."""
        for row in self.rows:
            if row.target == target:
                return row
        raise KeyError(target)

    @property
    def breaches(self) -> tuple[ReportRow, ...]:
        """The rows in breach, most over the cap first."""
        found = [row for row in self.rows if row.status == "breach"]
        return tuple(sorted(found, key=lambda row: _number(row.headroom)))

    @property
    def counts(self) -> dict[str, int]:
        """How many rows have each status."""
        counts = dict.fromkeys(("compliant", "breach", "indeterminate", "unresolved"), 0)
        for row in self.rows:
            counts[row.status] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form: the regime, the date, the counts and every row."""
        return {
            "regime": self.regime,
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "counts": self.counts,
            "rows": [row.to_dict() for row in self.rows],
        }

    def to_pandas(self) -> pd.DataFrame:
        """One line per row (needs pandas): figures as floats, exact ones also as text.

        Columns: ``target``, ``sector``, ``status``, ``foreign_share``, ``cap``,
        ``headroom``, ``top_contributor``, ``top_contribution``, ``exact``,
        ``foreign_share_exact`` (``"1/2"`` for exact rows), ``measure``,
        ``method`` and ``reason``.
        """
        try:
            import pandas as pd  # noqa: PLC0415 - an optional extra
        except ModuleNotFoundError as error:  # pragma: no cover - depends on the install
            raise ModuleNotFoundError(
                "Report.to_pandas needs pandas: pip install 'jvmodel[pandas]'", name="pandas"
            ) from error

        return pd.DataFrame(
            {
                "target": [r.target for r in self.rows],
                "sector": [r.sector for r in self.rows],
                "status": [r.status for r in self.rows],
                "foreign_share": [_number(r.foreign_share) for r in self.rows],
                "cap": [_number(r.cap) for r in self.rows],
                "headroom": [_number(r.headroom) for r in self.rows],
                "top_contributor": [r.top_contributor for r in self.rows],
                "top_contribution": [_number(r.top_contribution) for r in self.rows],
                "exact": [r.exact for r in self.rows],
                "foreign_share_exact": [
                    str(r.foreign_share) if isinstance(r.foreign_share, Fraction) else None
                    for r in self.rows
                ],
                "measure": [r.measure for r in self.rows],
                "method": [r.method for r in self.rows],
                "reason": [r.reason for r in self.rows],
            }
        )

    def __repr__(self) -> str:
        counts = ", ".join(f"{n} {status}" for status, n in self.counts.items() if n)
        rows = f"{len(self.rows)} row{'' if len(self.rows) == 1 else 's'}"
        return f"<Report {self.regime}: {rows} ({counts or 'none'})>"


def _capped(g: OwnershipGraph, rules: Regime, as_of: dt.date | None) -> list[tuple[str, str, Cap]]:
    """Every (entity, sector, cap) the regime has a cap in force for."""
    sectors = set(rules.sectors())
    caps: dict[tuple[str, tuple[str, ...]], Cap | None] = {}
    found: list[tuple[str, str, Cap]] = []
    nodes, _ = g._adjacency()  # the records, without a view per entity
    for data in nodes.values():
        entity = data["entity"]
        for sector in entity.sectors:
            if sector not in sectors:
                continue
            key = (sector, entity.zones)
            if key not in caps:
                try:
                    caps[key] = rules.cap_for(sector, as_of=as_of, zones=entity.zones)
                except UnknownSectorError:
                    caps[key] = None  # no cap in force that day: not screened
            cap = caps[key]
            if cap is not None:
                found.append((entity.id, sector, cap))
    return found


def check_all(
    g: OwnershipGraph,
    *,
    regime: str | Regime,
    as_of: dt.date | None = None,
    undisclosed: UndisclosedPolicy | None = None,
) -> Report:
    """Check every entity with a sector the regime caps: one row per entity and sector.

    Parameters
    ----------
    g : OwnershipGraph
    regime : str or Regime
    as_of : datetime.date, optional
        The date of the structure and of the caps; None for today's structure.
        Entities whose sector has no cap in force that day are left out.
    undisclosed : {"foreign", "domestic", "exclude"}, optional
        Overrides the regime's policy for undisclosed ownership.

    Returns
    -------
    Report

    Raises
    ------
    ModuleNotFoundError
        Without numpy and scipy (``pip install 'jvmodel[fast]'``).
    UnknownRegimeError

    Notes
    -----
    The fast engine computes every figure at once in floating point, and the
    verdict of each row is then decided exactly wherever the float could be
    wrong:

    * a row whose figure lies within :data:`MARGIN` (1e-9) of its cap is
      recomputed in exact fractions from the array form's exact stakes
      (:meth:`~jvmodel.analysis.fast.ForeignShares.exact`: the exact engine's
      mathematics over the union of those rows' upstreams, equal to
      :func:`jvmodel.foreign_share`, as the property tests check);
    * a row the fast engine cannot compute, or flags as approximate, or whose
      regime method it does not vectorise, is decided by :func:`jvmodel.check`.

    So a joint venture at exactly 50% is compliant under "at most 50%" even
    where the float sum reads 0.5000000000000001.  Exact rows report fractions
    (``exact`` is True); the others report floats.  A figure the exact engine
    cannot compute either (a set of entities owning each other entirely, for
    example) gives an ``unresolved`` row with the reason, not an exception.
    The top contributor comes from the fast engine, except on rows decided by
    :func:`jvmodel.check`, which report its exact first contribution.

    Examples
    --------
    >>> from datetime import date
    >>> import jvmodel as jvm
    >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    >>> report = jvm.check_all(g, regime="cn-beijing-2020")
    >>> report
    <Report cn-beijing-2020: 1 row (1 breach)>
    >>> row = report["jv"]
    >>> row.status, row.foreign_share, row.exact, row.top_contributor
    ('breach', 0.515, False, 'bt')
    >>> report = jvm.check_all(g, regime="cn-beijing-2020", as_of=date(2022, 6, 30))
    >>> row = report["jv"]       # exactly at the 50% cap: decided exactly
    >>> row.status, row.foreign_share, row.exact
    ('compliant', Fraction(1, 2), True)
    """
    rules = get(regime)
    policy: UndisclosedPolicy = undisclosed or rules.undisclosed  # type: ignore[assignment]
    capped = _capped(g, rules, as_of)
    shares: dict[str, ForeignShares | None] = {}
    for measure in sorted({cap.measure for _, _, cap in capped}):
        try:
            shares[measure] = foreign_shares(
                g,
                regime=rules,
                measure=measure,  # type: ignore[arg-type]
                undisclosed=policy,
                as_of=as_of,
            )
        except UnsupportedAnalysisError:
            shares[measure] = None  # a method the fast engine lacks: every row by check()
    checked: dict[int, ReportRow] = {}
    fields: dict[int, dict[str, Any]] = {}
    near: dict[str, list[int]] = {}
    approximate = {m: s.approximate for m, s in shares.items() if s is not None}
    for i, (target, sector, cap) in enumerate(capped):
        figures = shares[cap.measure]
        value = math.nan if figures is None else figures[target]
        if figures is None or math.isnan(value) or target in approximate[cap.measure]:
            checked[i] = _checked_row(
                g, target, sector, cap, rules=rules, as_of=as_of, undisclosed=undisclosed
            )
            continue
        row: dict[str, Any] = {
            "target": target,
            "sector": sector,
            "foreign_share": value,
            "cap": cap.limit,
            "cap_rule": cap,
            "exact": False,
            "measure": cap.measure,
            "method": figures.method,
        }
        if cap.limit is None:
            row.update(status="compliant", headroom=None)
        elif abs(value - float(cap.limit)) <= MARGIN:
            near.setdefault(cap.measure, []).append(i)
        else:
            limit = float(cap.limit)
            row.update(status="compliant" if value < limit else "breach", headroom=limit - value)
        fields[i] = row
    for measure, indices in near.items():
        figures = shares[measure]
        assert figures is not None
        exact = figures.exact([capped[i][0] for i in indices])
        for i in indices:
            target, _, cap = capped[i]
            share, bound = exact[target], cap.limit
            assert bound is not None
            fields[i].update(
                status="compliant" if cap.allows(share) else "breach",
                foreign_share=share,
                headroom=bound - share,
                exact=True,
            )
    for measure, figures in shares.items():
        indices = [i for i, row in fields.items() if row["measure"] == measure]
        if figures is None or not indices:
            continue
        top = figures.top_contributors([capped[i][0] for i in indices])
        for i in indices:
            best = top.get(capped[i][0])
            fields[i].update(
                top_contributor=None if best is None else best[0],
                top_contribution=None if best is None else best[1],
            )
    rows = [checked[i] if i in checked else ReportRow(**fields[i]) for i in range(len(capped))]
    return Report(regime=rules.name, as_of=as_of, rows=tuple(rows))


def _checked_row(
    g: OwnershipGraph,
    target: str,
    sector: str,
    cap: Cap,
    *,
    rules: Regime,
    as_of: dt.date | None,
    undisclosed: UndisclosedPolicy | None,
) -> ReportRow:
    try:
        result = check(g, target, regime=rules, sector=sector, as_of=as_of, undisclosed=undisclosed)
    except JVModelError as error:
        return ReportRow(
            target=target,
            sector=sector,
            status="unresolved",
            foreign_share=None,
            cap=cap.limit,
            cap_rule=cap,
            headroom=None,
            top_contributor=None,
            top_contribution=None,
            exact=True,
            measure=cap.measure,
            method=get_method(rules.method_for(cap.measure)).name,
            reason=error.message,
        )
    top = next(iter(result.contributions.items()), None)
    return ReportRow(
        target=target,
        sector=sector,
        status=result.status,
        foreign_share=result.foreign_share,
        cap=result.cap,
        cap_rule=result.cap_rule,
        headroom=result.headroom,
        top_contributor=None if top is None else top[0],
        top_contribution=None if top is None else _figure(top[1]),
        exact=True,
        measure=result.measure,
        method=result.method,
    )


def _figure(value: object) -> Figure:
    """A contribution as a report figure (a Fraction or an Interval)."""
    if isinstance(value, Fraction | Interval):
        return value
    raise UnsupportedAnalysisError(f"unexpected contribution {value!r}", reason="internal")
