"""Where analysis meets caps: :func:`check` and its result, :class:`CapCheck`.

A sector of a regime may have several caps in force at once (the FCC limits
direct foreign equity, direct foreign votes, and the foreign ownership of each
controlling parent).  :func:`check` checks each of them and returns the one that
decides the verdict, with the others under :attr:`CapCheck.rules`: the first
breached cap, else the first indeterminate one, else the one with the least
headroom.  Next to the figures it reports findings: foreign control of the
target through any chain of majority votes or control links (a VIE), a breached
benchmark worded as such, and statuses a cyclic structure leaves ambiguous.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from fractions import Fraction
from typing import Any, Literal, TypeAlias

import attrs

from jvmodel._numeric import Interval, format_percent, format_share
from jvmodel.analysis.control import ControlChain, controllers
from jvmodel.analysis.lookthrough import (
    Attribution,
    Measure,
    UndisclosedPolicy,
    attribute,
    foreign_contributions,
    is_foreign,
)
from jvmodel.analysis.lookthrough import foreign_share as _foreign_share
from jvmodel.analysis.methods import Method, get_method
from jvmodel.analysis.paths import Path, foreign_paths
from jvmodel.errors import MissingDependencyError, UnknownSectorError, UnsupportedAnalysisError
from jvmodel.graph import OwnershipGraph
from jvmodel.regimes import Cap, Regime, get

__all__ = ["CapCheck", "Status", "check", "foreign_share"]

Status: TypeAlias = Literal["compliant", "breach", "indeterminate"]


def _lowest(figure: Fraction | Interval) -> Fraction:
    return figure.lower if isinstance(figure, Interval) else figure


def _highest(figure: Fraction | Interval) -> Fraction:
    return figure.upper if isinstance(figure, Interval) else figure


def _percent(figure: Fraction | Interval) -> str:
    """A figure for display: ``"51.5%"``, or ``"(25%, 50%]"`` for an interval."""
    if not isinstance(figure, Interval):
        return format_percent(figure)
    if figure.is_point:
        return format_percent(figure.lower)
    left = "[" if figure.lower_closed else "("
    right = "]" if figure.upper_closed else ")"
    return f"{left}{format_percent(figure.lower)}, {format_percent(figure.upper)}{right}"


def _signed_share(value: Fraction) -> str:
    return f"{'-' if value < 0 else ''}{format_share(abs(value))}"


def _exact(figure: Fraction | Interval | None) -> dict[str, Any] | None:
    """JSON form: exact strings next to percentages; an interval gives both ends."""
    if figure is None:
        return None
    if isinstance(figure, Interval):
        return {
            "lower": {"exact": str(figure.lower), "percent": _signed_share(figure.lower)},
            "upper": {"exact": str(figure.upper), "percent": _signed_share(figure.upper)},
            "lower_closed": figure.lower_closed,
            "upper_closed": figure.upper_closed,
        }
    return {"exact": str(figure), "percent": _signed_share(figure)}


@attrs.frozen(kw_only=True)
class CapCheck:
    """The verdict of :func:`check`: a foreign share next to a cap, with reasons.

    Attributes
    ----------
    target, regime, sector : str
    as_of : datetime.date or None
    measure : {"equity", "voting"}
    method : str
        The attribution method used.
    foreign_share : Fraction or Interval
        The exact foreign share under the regime's method (of the target, or of
        its controlling parent for a cap that applies to the parent).  On a
        cyclic structure under a non-linear method, the least fixed point.
        When a stake in the structure is a range, an :class:`~jvmodel.Interval`
        of the values it can take; the status is then ``"indeterminate"`` when
        the cap cuts the interval (see :doc:`/howto/ranges`).
    cap_rule : Cap
        The cap applied, with its legal source and dates.
    status : {"compliant", "breach", "indeterminate"}
        For the check as a whole: a breach of any cap in force is a breach.
    contributions : dict
        The foreign share by foreign ultimate owner (``UNDISCLOSED`` for the part
        counted foreign because it is undisclosed); adds up to ``foreign_share``
        (linear methods only; empty otherwise).  With ranged stakes, an
        :class:`~jvmodel.Interval` per owner, each bounded on its own (they do
        not add up to the share's bounds).
    findings : tuple of str
        Facts a reader should see next to the figure.
    rules : tuple of CapCheck
        The check of every cap in force on the sector, this one's included
        (empty on those inner checks).
    subject : str
        The entity whose share was measured: the target, or the controlling
        parent for a cap that applies to it.
    upper : Fraction
        The share at the greatest fixed point; differs from ``foreign_share``
        only when statuses in a cross-holding are ambiguous.
    ambiguous : tuple of str
        The entities whose status is ambiguous (see :func:`jvmodel.attribute`).
    foreign_controllers : tuple of str
        Entities counted foreign that control the target (see
        :func:`jvmodel.controllers`).
    paths : tuple of Path
        The paths that make up ``foreign_share``, largest first (computed when
        first read; see :attr:`paths`).
    """

    target: str
    regime: str
    sector: str
    as_of: dt.date | None
    measure: str
    method: str
    foreign_share: Fraction | Interval
    cap_rule: Cap
    status: Status
    contributions: dict[str, Fraction] | dict[str, Interval] = attrs.field(factory=dict)
    findings: tuple[str, ...] = ()
    rules: tuple[CapCheck, ...] = ()
    subject: str = ""
    upper: Fraction | Interval | None = None
    ambiguous: tuple[str, ...] = ()
    foreign_controllers: tuple[str, ...] = ()
    _paths_source: _PathSource | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def paths(self) -> tuple[Path, ...]:
        """The paths that make up ``foreign_share``, largest first, each with its product.

        Under a linear method they run to the foreign ultimate owners (a
        cross-holding passed as one exact step) and their products add up to
        ``foreign_share``; under a threshold, presence or largest-holder method
        they run up to the holders the method counts (an intermediate counted
        wholly foreign ends its path).  Computed when first read, from the graph
        as it was checked; at most 1000 paths (see :func:`jvmodel.explain`).

        Raises
        ------
        UnsupportedAnalysisError
            If the graph has changed since the check.
        """
        return () if self._paths_source is None else self._paths_source()[0]

    @property
    def cap(self) -> Fraction | None:
        """The limit as a fraction; None when the sector is uncapped."""
        return self.cap_rule.limit

    def to_pandas(self) -> Any:
        """The contributions as a pandas DataFrame, largest first (needs ``jvmodel[pandas]``).

        Columns: ``owner``, ``share`` (exact: a Fraction, or an Interval with ranged
        stakes) and ``percent`` (a float for reading and plotting; the lower end of
        an interval).  The check's own figures are in :meth:`to_dict`.
        """
        try:
            import pandas as pd  # noqa: PLC0415
        except ImportError:
            raise MissingDependencyError(
                "CapCheck.to_pandas needs pandas: pip install 'jvmodel[pandas]'",
                package="pandas",
                extra="pandas",
            ) from None
        rows = [
            {
                "owner": owner,
                "share": share,
                "percent": 100 * float(share.lower if isinstance(share, Interval) else share),
            }
            for owner, share in self.contributions.items()
        ]
        return pd.DataFrame(rows, columns=["owner", "share", "percent"])

    def exact_share(self) -> Fraction:
        """The foreign share as a single fraction; refuses an interval.

        What-if questions and explanations need one figure: with ranged stakes
        the share is an :class:`~jvmodel.Interval`, and they refuse it clearly.
        """
        share = self.foreign_share
        if isinstance(share, Interval):
            raise UnsupportedAnalysisError(
                f"the foreign share of {self.target!r} is the interval {share.describe()} "
                "because some stakes are ranges; this question needs exact stakes",
                reason="ranged stake",
                entity=self.target,
            )
        return share

    @property
    def compliant(self) -> bool | None:
        """True inside the cap, False in breach, None when indeterminate."""
        return {"compliant": True, "breach": False}.get(self.status)

    @property
    def headroom(self) -> Fraction | Interval | None:
        """Cap minus foreign share (negative in breach); None when uncapped.

        Under a strict cap (``<``) a headroom of exactly 0 is a breach.  When
        the foreign share is an interval, so is the headroom (its ends swap:
        the least headroom comes from the greatest share).
        """
        if self.cap is None:
            return None
        share = self.foreign_share
        if isinstance(share, Interval):
            return Interval(
                lower=self.cap - share.upper,
                upper=self.cap - share.lower,
                lower_closed=share.upper_closed,
                upper_closed=share.lower_closed,
            )
        return self.cap - share

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary: exact values as strings (``"103/200"``) next to
        decimal percentages (``"51.5%"``)."""

        exact = _exact
        payload: dict[str, Any] = {
            "target": self.target,
            "regime": self.regime,
            "sector": self.sector,
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "measure": self.measure,
            "method": self.method,
            "status": self.status,
            "compliant": self.compliant,
            "foreign_share": exact(self.foreign_share),
            "cap": exact(self.cap),
            "cap_inclusive": self.cap_rule.inclusive,
            "cap_kind": self.cap_rule.kind,
            "cap_source": self.cap_rule.source,
            "headroom": exact(self.headroom),
            "contributions": {owner: exact(share) for owner, share in self.contributions.items()},
            "findings": list(self.findings),
            "subject": self.subject or self.target,
            "ambiguous": list(self.ambiguous),
            "foreign_controllers": list(self.foreign_controllers),
        }
        if self.upper is not None and self.upper != self.foreign_share:
            payload["upper"] = exact(self.upper)
        if self.rules:
            payload["rules"] = [
                {
                    "cap": rule.cap_rule.details(),
                    "title": rule.cap_rule.title,
                    "subject": rule.subject or rule.target,
                    "measure": rule.measure,
                    "method": rule.method,
                    "status": rule.status,
                    "foreign_share": exact(rule.foreign_share),
                    "cap_source": rule.cap_rule.source,
                }
                for rule in self.rules
            ]
        return payload

    def __repr__(self) -> str:
        return (
            f"<CapCheck {self.target!r} {self.status}: foreign {_percent(self.foreign_share)}"
            f" vs {self.cap_rule.describe()} ({self.regime}, {self.sector})>"
        )

    def _repr_html_(self) -> str:
        # display sits above compliance in the layering; importing it here, when
        # Jupyter asks, is the one deliberate exception to the one-way imports.
        from jvmodel.display import check_html  # noqa: PLC0415

        return check_html(self)


def _choose_sector(g: OwnershipGraph, target: str, rules: Regime, as_of: dt.date | None) -> str:
    known = set(rules.sectors())
    candidates = [s for s in g.entity(target).sectors if s in known]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise UnknownSectorError(
            f"entity {target!r} has no sector capped by regime {rules.name!r} (its sectors: "
            f"{list(g.entity(target).sectors)}); pass sector= one of {', '.join(sorted(known))}",
            sector=None,
            regime=rules.name,
            entity=target,
        )
    raise UnknownSectorError(
        f"entity {target!r} has several sectors capped by regime {rules.name!r} "
        f"({', '.join(candidates)}); pass sector= to choose one",
        sector=None,
        regime=rules.name,
        entity=target,
    )


def foreign_share(
    g: OwnershipGraph,
    target: str,
    *,
    regime: str | Regime | None = None,
    host: str | None = None,
    method: str | Method | None = None,
    measure: Measure = "equity",
    undisclosed: UndisclosedPolicy | None = None,
    as_of: dt.date | None = None,
    foreign: Iterable[str] | None = None,
    incorporation: bool | None = None,
) -> Fraction | Interval:
    """How much of ``target`` counts as foreign, under a regime or explicit options.

    With ``regime=``, its host, its method for ``measure``, its undisclosed
    policy, its extra foreign jurisdictions and its incorporation rule are the
    defaults; explicit keywords override them.  Without a regime, ``host=`` is
    required and the method defaults to ``"proportional"``, the policy to
    ``"foreign"``.

    See :func:`jvmodel.analysis.lookthrough.foreign_share` for the parameters.

    Examples
    --------
    >>> import jvmodel as jvm
    >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    >>> jvm.foreign_share(g, "jv", regime="cn-beijing-2020")
    Fraction(103, 200)
    >>> jvm.foreign_share(g, "jv", host="CN", undisclosed="domestic")
    Fraction(103, 200)

    Under the FCC's rules votes go through the multiplier: a foreign holder of
    30% of a company that holds 70% of the target holds 30% of its votes.

    >>> g = jvm.OwnershipGraph()
    >>> for e, country in [("f", "FR"), ("a", "US"), ("us", "US"), ("b", "US")]:
    ...     _ = g.add_entity(e, jurisdiction=country)
    >>> _ = g.add_holding("f", "a", "30%")
    >>> _ = g.add_holding("us", "a", "70%")
    >>> _ = g.add_holding("a", "b", "70%")
    >>> _ = g.add_holding("us", "b", "30%")
    >>> jvm.foreign_share(g, "b", regime="us-fcc", measure="voting")
    Fraction(3, 10)
    >>> jvm.foreign_share(g, "b", regime="us-fcc", measure="equity")
    Fraction(21, 100)
    """
    if regime is not None:
        rules = get(regime)
        host = host or rules.host
        method = method or rules.method_for(measure)
        undisclosed = undisclosed or rules.undisclosed  # type: ignore[assignment]
        foreign = rules.foreign if foreign is None else foreign
        incorporation = rules.incorporation if incorporation is None else incorporation
    return _foreign_share(
        g,
        target,
        host=host,
        method=method or "proportional",
        measure=measure,
        undisclosed=undisclosed or "foreign",
        as_of=as_of,
        foreign=foreign or (),
        incorporation=bool(incorporation),
    )


@attrs.frozen(kw_only=True)
class _Setting:
    """What every cap check of one call shares."""

    g: OwnershipGraph
    target: str
    rules: Regime
    sector: str
    as_of: dt.date | None
    policy: UndisclosedPolicy
    chain: ControlChain

    def options(self, method: Method, measure: Measure) -> dict[str, Any]:
        return {
            "host": self.rules.host,
            "method": method,
            "measure": measure,
            "undisclosed": self.policy,
            "as_of": self.as_of,
            "foreign": self.rules.foreign,
            "incorporation": self.rules.incorporation,
        }

    def organised_abroad(self, entity_id: str) -> bool:
        entity = self.g.entity(entity_id)
        return is_foreign(entity, self.rules.host, self.rules.foreign) is True

    def ground(self, entity_id: str) -> Fraction:
        """The foreign measure of an entity with no recorded owners."""
        verdict = is_foreign(self.g.entity(entity_id), self.rules.host, self.rules.foreign)
        if verdict is None:
            return Fraction(1 if self.policy == "foreign" else 0)
        return Fraction(int(verdict))


def _measure(cap: Cap) -> Measure:
    return "voting" if cap.measure == "voting" else "equity"


def _method_of(setting: _Setting, cap: Cap) -> Method:
    chosen = cap.method if cap.method is not None else setting.rules.method_for(cap.measure)
    return get_method(chosen)


def _verdict(cap: Cap, low: Fraction | Interval, high: Fraction | Interval) -> Status:
    """Compliant when every value from ``low`` to ``high`` is inside the cap, breach
    when none is, indeterminate otherwise; an open end of an interval is not a value.

    ``low`` and ``high`` are the figures at the least and greatest fixed points
    (equal unless statuses are ambiguous); either may be an interval.
    """
    least = low if isinstance(low, Interval) else Interval(lower=low, upper=low)
    most = high if isinstance(high, Interval) else Interval(lower=high, upper=high)
    lower, lower_closed = least.lower, least.lower_closed
    upper, upper_closed = most.upper, most.upper_closed
    if cap.limit is None:
        return "compliant"
    limit = cap.limit
    # Every value allowed: the greatest one is, or it is the open end at the limit.
    if cap.allows(upper) or (upper == limit and not upper_closed):
        return "compliant"
    # No value allowed: the least one is not, or it is the open end at the limit.
    if not cap.allows(lower) or (cap.inclusive and lower == limit and not lower_closed):
        return "breach"
    return "indeterminate"


def _ambiguity(attribution: Attribution) -> str:
    listed = ", ".join(repr(e) for e in attribution.ambiguous)
    return (
        f"the status of {listed} is ambiguous under the rule's recursive definition (a "
        "cross-holding where each counts foreign only if the others do): counted "
        f"domestic the foreign share is {_percent(attribution.share)}, counted "
        f"foreign {_percent(attribution.upper)}"
    )


def _check_cap(setting: _Setting, cap: Cap) -> CapCheck | str:
    """The check of one cap, or a finding saying why it does not apply."""
    measure = _measure(cap)
    method = _method_of(setting, cap)
    options = setting.options(method, measure)
    target = setting.target
    findings: list[str] = []
    if cap.applies_to == "controlling-parent":
        # The parents are the controlling entities other than natural persons.
        parents = [p for p in setting.chain if setting.g.entity(p).kind != "person"]
        if not parents:
            return (
                f"{cap.title or cap.describe()}: does not apply, {target!r} has no "
                "controlling parent"
            )
        measured: list[
            tuple[Fraction | Interval, Fraction | Interval, str, Attribution | None]
        ] = []
        for parent in parents:
            if setting.rules.incorporation and setting.organised_abroad(parent):
                measured.append((Fraction(1), Fraction(1), parent, None))
            elif not setting.g.holdings_of(parent, as_of=setting.as_of):
                ground = setting.ground(parent)  # no recorded owners: its jurisdiction
                measured.append((ground, ground, parent, None))
            else:
                a = attribute(setting.g, parent, **options)
                measured.append((a.share, a.upper, parent, a))
        share, upper, subject, attribution = max(
            measured, key=lambda m: (_highest(m[1]), _highest(m[0]), _lowest(m[0]))
        )
        if attribution is None and setting.organised_abroad(subject):
            findings.append(
                f"controlling parent {subject!r} is organised abroad "
                f"({setting.g.entity(subject).jurisdiction}): it counts wholly foreign"
            )
    else:
        attribution = attribute(setting.g, target, **options)
        share, upper, subject = attribution.share, attribution.upper, target
    status = _verdict(cap, share, upper)
    ambiguous: tuple[str, ...] = ()
    if attribution is not None and attribution.is_ambiguous:
        ambiguous = attribution.ambiguous
        findings.append(_ambiguity(attribution))
    contributions: dict[str, Fraction] | dict[str, Interval] = {}
    if method.linear:
        try:
            contributions = foreign_contributions(setting.g, subject, **options)
        except UnsupportedAnalysisError:
            contributions = {}  # a multiplier cycle: per-owner figures are unbounded
    if cap.kind == "benchmark" and status == "breach":
        whose = "" if subject == target else f" of controlling parent {subject!r}"
        findings.append(
            f"foreign share{whose} {_percent(share)} is above the "
            f"{cap.describe()} benchmark ({cap.title or cap.sector}): the regulator's "
            "approval is needed"
        )
    regime_method = get_method(setting.rules.method_for(measure))
    if (
        cap.domestic_control
        and setting.chain
        and _foreign_controllers(setting, regime_method, measure)
    ):
        status = "breach"
        findings.append(
            f"{cap.title or cap.sector} must be controlled domestically, and "
            f"{target!r} is controlled by a foreign entity"
        )
    return CapCheck(
        paths_source=_PathSource(
            setting.g,
            target=target,
            subject=subject,
            share=share,
            looked_through=attribution is not None,
            options=options,
        ),
        target=target,
        regime=setting.rules.name,
        sector=setting.sector,
        as_of=setting.as_of,
        measure=measure,
        method=method.name,
        foreign_share=share,
        cap_rule=cap,
        status=status,
        contributions=contributions,
        findings=tuple(findings),
        subject=subject,
        upper=upper,
        ambiguous=ambiguous,
    )


class _PathSource:
    """Computes a check's paths when they are first asked for (checks stay fast).

    Pickles without the graph: paths already computed travel with the check;
    otherwise they are no longer available after unpickling.
    """

    def __init__(
        self,
        g: OwnershipGraph | None,
        *,
        target: str,
        subject: str,
        share: Fraction | Interval,
        looked_through: bool,
        options: dict[str, Any],
    ) -> None:
        self.g = g
        self.version = g.version if g is not None else -1
        self.target = target
        self.subject = subject
        self.share = share
        self.looked_through = looked_through
        self.options = options
        self.found: tuple[tuple[Path, ...], bool] | None = None

    def __call__(self) -> tuple[tuple[Path, ...], bool]:
        if self.found is not None:
            return self.found
        if self.g is None:
            raise UnsupportedAnalysisError(
                f"the paths of the check of {self.target!r} were not computed before it "
                "was pickled, and the graph does not travel with it; check it again",
                reason="graph not available",
            )
        if self.g.version != self.version:
            raise UnsupportedAnalysisError(
                f"the graph has changed since {self.target!r} was checked (version "
                f"{self.version}, now {self.g.version}); check it again to see its paths",
                reason="graph changed",
            )
        if not self.looked_through:  # a parent counted by its own jurisdiction
            share = self.share
            if isinstance(share, Interval):
                raise UnsupportedAnalysisError(
                    f"the foreign share of {self.target!r} is an interval; paths are traced "
                    "on exact stakes",
                    reason="ranged stake",
                )
            whole = Path(owner=self.subject, entities=(self.subject,), product=share)
            self.found = ((whole,) if share else (), False)
        else:
            paths, cut = foreign_paths(self.g, self.subject, **self.options)
            self.found = (tuple(paths), cut)
        return self.found

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "g": None}


def _foreign_controllers(setting: _Setting, method: Method, measure: Measure) -> tuple[str, ...]:
    """The controllers of the target that count foreign under the regime.

    A controller counts foreign when it is organised abroad (or in a
    jurisdiction the regime lists as foreign), or when, as an intermediate,
    its status under the method is more than half foreign.
    """
    found: list[str] = []
    options = setting.options(method, measure)
    # The controllers with owners lie in the target's own closure, whose one
    # attribution holds their statuses: analysing each of them again would make a
    # long chain of controllers quadratic.
    closure: Attribution | None = None
    for controller in setting.chain:
        if setting.organised_abroad(controller):
            found.append(controller)
            continue
        if not setting.g.holdings_of(controller, as_of=setting.as_of):
            continue  # an ultimate owner: its own jurisdiction decides
        if closure is None:
            closure = attribute(setting.g, setting.target, **options)
        status = closure.values.get(controller)
        if status is None:  # beyond the target's closure (reached by a control link)
            status = attribute(setting.g, controller, **options).status
        # With ranged stakes, only a controller foreign over the whole range counts.
        if _lowest(status) > Fraction(1, 2):
            found.append(controller)
    return tuple(found)


def _control_finding(setting: _Setting, foreign: tuple[str, ...]) -> str:
    names = ", ".join(
        f"{c!r} ({setting.g.entity(c).jurisdiction or 'jurisdiction unknown'})" for c in foreign
    )
    return (
        f"foreign control: {setting.chain.describe()}; {names} "
        f"{'counts' if len(foreign) == 1 else 'count'} foreign, whatever the equity share"
    )


def check(
    g: OwnershipGraph,
    target: str,
    *,
    regime: str | Regime,
    sector: str | None = None,
    as_of: dt.date | None = None,
    undisclosed: UndisclosedPolicy | None = None,
    measure: Measure | None = None,
) -> CapCheck:
    """Check the foreign share of ``target`` against the regime's caps for its sector.

    Parameters
    ----------
    g : OwnershipGraph
    target : str
    regime : str or Regime
        A regime name (see :func:`jvmodel.regimes.names`) or object.
    sector : str, optional
        The sector whose caps apply; by default the one sector of the target
        that the regime caps.
    as_of : datetime.date, optional
        The date of the structure (holdings and control links) and of the caps;
        None for today's structure.
    undisclosed : {"foreign", "domestic", "exclude"}, optional
        Overrides the regime's policy for undisclosed ownership.
    measure : {"equity", "voting"}, optional
        Only check the caps on this measure (by default, all caps in force).

    Returns
    -------
    CapCheck
        The deciding cap's check, with every cap's under ``rules``.

    Raises
    ------
    UnknownRegimeError, UnknownSectorError, UnknownEntityError,
    CircularOwnershipError, UnsupportedAnalysisError

    Notes
    -----
    The verdict is a breach when any cap in force is breached (a benchmark
    included, reported as such); indeterminate when a cap's verdict depends on
    which fixed point a cyclic structure is read at, or, with ranged stakes, on
    where in the ranges the stakes lie; compliant otherwise.  With ranged
    stakes the foreign share and the headroom are intervals; a bound at an
    open end is not a value the share takes, so (25%, 50%) is compliant under
    "< 50%" while [25%, 50%] is indeterminate.  When
    the target is controlled, through any chain of majority votes or control
    links, by an entity that counts foreign, a finding says so whatever the
    share; under a cap that requires domestic control it is a breach.

    Examples
    --------
    >>> import jvmodel as jvm
    >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    >>> r = jvm.check(g, "jv", regime="cn-beijing-2020")
    >>> r.status, r.foreign_share, r.cap, r.headroom
    ('breach', Fraction(103, 200), Fraction(1, 2), Fraction(-3, 200))

    A VIE: a US parent's wholly owned Chinese subsidiary (WFOE) controls the
    operating company by contract; Chinese nominees hold all of its equity.

    >>> g = jvm.OwnershipGraph()
    >>> _ = g.add_entity("parent", jurisdiction="US")
    >>> _ = g.add_entity("wfoe", jurisdiction="CN")
    >>> _ = g.add_entity("nominee", kind="person", jurisdiction="CN")
    >>> _ = g.add_entity("opco", jurisdiction="CN", sectors=["vats"])
    >>> _ = g.add_holding("parent", "wfoe", "100%")
    >>> _ = g.add_holding("nominee", "opco", "100%")
    >>> _ = g.add_control("wfoe", "opco", basis="contract")
    >>> r = jvm.check(g, "opco", regime="cn-national")
    >>> r.status, r.foreign_share, r.foreign_controllers
    ('compliant', Fraction(0, 1), ('wfoe', 'parent'))
    >>> print(r.findings[0])  # doctest: +NORMALIZE_WHITESPACE
    foreign control: 'opco' is controlled by 'wfoe' (contract), which is controlled
    by 'parent' (100% of the votes); 'wfoe' (CN), 'parent' (US) count foreign,
    whatever the equity share
    """
    rules = get(regime)
    chosen = sector if sector is not None else _choose_sector(g, target, rules, as_of)
    entity = g.entity(target)
    caps = rules.caps_for(chosen, as_of=as_of, zones=entity.zones)
    if measure is not None:
        caps = tuple(cap for cap in caps if cap.measure == measure)
        if not caps:
            raise UnknownSectorError(
                f"regime {rules.name!r} has no cap on the {measure} of {chosen!r} in force; "
                "leave measure= out to check the caps there are",
                sector=chosen,
                regime=rules.name,
                entity=target,
            )
    setting = _Setting(
        g=g,
        target=target,
        rules=rules,
        sector=chosen,
        as_of=as_of,
        policy=undisclosed or rules.undisclosed,  # type: ignore[arg-type]
        chain=controllers(g, target, as_of=as_of),
    )
    findings: list[str] = []
    foreign_control: tuple[str, ...] = ()
    if setting.chain:
        # Controllers are judged by the regime's own look-through for the first
        # cap's measure (not a cap's narrower method, such as "direct").
        measure_first = _measure(caps[0])
        method_first = get_method(rules.method_for(measure_first))
        foreign_control = _foreign_controllers(setting, method_first, measure_first)
        if foreign_control:
            findings.append(_control_finding(setting, foreign_control))
    results: list[CapCheck] = []
    for cap in caps:
        outcome = _check_cap(setting, cap)
        if isinstance(outcome, str):
            findings.append(outcome)
        else:
            results.append(outcome)
    if not results:  # only parent caps, and no parent: nothing limits the target
        raise UnknownSectorError(
            f"no cap of regime {rules.name!r} on {chosen!r} applies to {target!r}: "
            + "; ".join(findings),
            sector=chosen,
            regime=rules.name,
            entity=target,
        )
    breached = [r for r in results if r.status == "breach"]
    undecided = [r for r in results if r.status == "indeterminate"]
    status: Status
    if breached:
        deciding, status = breached[0], "breach"
    elif undecided:
        deciding, status = undecided[0], "indeterminate"
    else:
        deciding, status = min(results, key=_room), "compliant"
    for result in results:
        findings.extend(f for f in result.findings if f not in findings)
    return attrs.evolve(
        deciding,
        status=status,
        findings=tuple(findings),
        rules=tuple(results) if len(results) > 1 else (),
        foreign_controllers=foreign_control,
    )


def _room(result: CapCheck) -> tuple[int, Fraction]:
    """Sort key: least headroom first, uncapped last."""
    return (1, Fraction(0)) if result.headroom is None else (0, _lowest(result.headroom))
