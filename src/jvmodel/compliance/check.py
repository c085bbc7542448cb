"""Where analysis meets caps: :func:`check` and its result, :class:`CapCheck`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from fractions import Fraction
from typing import Any, Literal, TypeAlias

import attrs

from jvmodel._numeric import format_percent, format_share
from jvmodel.analysis.lookthrough import (
    Measure,
    UndisclosedPolicy,
    foreign_contributions,
)
from jvmodel.analysis.lookthrough import foreign_share as _foreign_share
from jvmodel.analysis.methods import Method, get_method
from jvmodel.errors import UnknownSectorError
from jvmodel.graph import OwnershipGraph
from jvmodel.regimes import Cap, Regime, get

__all__ = ["CapCheck", "Status", "check", "foreign_share"]

Status: TypeAlias = Literal["compliant", "breach", "indeterminate"]


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
    foreign_share : Fraction
        The exact foreign share of the target under the regime's method.
    cap_rule : Cap
        The cap applied, with its legal source and dates.
    status : {"compliant", "breach", "indeterminate"}
    contributions : dict
        The foreign share by foreign ultimate owner (``UNDISCLOSED`` for the part
        counted foreign because it is undisclosed); adds up to ``foreign_share``.
    findings : tuple of str
        Facts a reader should see next to the figure.
    """

    target: str
    regime: str
    sector: str
    as_of: dt.date | None
    measure: str
    method: str
    foreign_share: Fraction
    cap_rule: Cap
    status: Status
    contributions: dict[str, Fraction] = attrs.field(factory=dict)
    findings: tuple[str, ...] = ()

    @property
    def cap(self) -> Fraction | None:
        """The limit as a fraction; None when the sector is uncapped."""
        return self.cap_rule.limit

    @property
    def compliant(self) -> bool | None:
        """True inside the cap, False in breach, None when indeterminate."""
        return {"compliant": True, "breach": False}.get(self.status)

    @property
    def headroom(self) -> Fraction | None:
        """Cap minus foreign share (negative in breach); None when uncapped.

        Under a strict cap (``<``) a headroom of exactly 0 is a breach.
        """
        return None if self.cap is None else self.cap - self.foreign_share

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary: exact values as strings (``"103/200"``) next to
        decimal percentages (``"51.5%"``)."""

        def exact(value: Fraction | None) -> dict[str, str] | None:
            if value is None:
                return None
            return {"exact": str(value), "percent": format_share(value)}

        return {
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
            "headroom": None
            if self.headroom is None
            else {
                "exact": str(self.headroom),
                "percent": f"{'-' if self.headroom < 0 else ''}{format_share(abs(self.headroom))}",
            },
            "contributions": {owner: exact(share) for owner, share in self.contributions.items()},
            "findings": list(self.findings),
        }

    def __repr__(self) -> str:
        return (
            f"<CapCheck {self.target!r} {self.status}: foreign {format_percent(self.foreign_share)}"
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
) -> Fraction:
    """How much of ``target`` counts as foreign, under a regime or explicit options.

    With ``regime=``, its host, its method for ``measure``, its undisclosed
    policy and its extra foreign jurisdictions are the defaults; explicit
    keywords override them.  Without a regime, ``host=`` is required and the
    method defaults to ``"proportional"``, the policy to ``"foreign"``.

    See :func:`jvmodel.analysis.lookthrough.foreign_share` for the parameters.

    Examples
    --------
    >>> import jvmodel as jvm
    >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    >>> jvm.foreign_share(g, "jv", regime="cn-beijing-2020")
    Fraction(103, 200)
    >>> jvm.foreign_share(g, "jv", host="CN", undisclosed="domestic")
    Fraction(103, 200)
    """
    if regime is not None:
        rules = get(regime)
        host = host or rules.host
        method = method or rules.method_for(measure)
        undisclosed = undisclosed or rules.undisclosed  # type: ignore[assignment]
        foreign = rules.foreign if foreign is None else foreign
    return _foreign_share(
        g,
        target,
        host=host,
        method=method or "proportional",
        measure=measure,
        undisclosed=undisclosed or "foreign",
        as_of=as_of,
        foreign=foreign or (),
    )


def check(
    g: OwnershipGraph,
    target: str,
    *,
    regime: str | Regime,
    sector: str | None = None,
    as_of: dt.date | None = None,
    undisclosed: UndisclosedPolicy | None = None,
) -> CapCheck:
    """Check the foreign share of ``target`` against the regime's cap for its sector.

    Parameters
    ----------
    g : OwnershipGraph
    target : str
    regime : str or Regime
        A regime name (see :func:`jvmodel.regimes.names`) or object.
    sector : str, optional
        The sector whose cap applies; by default the one sector of the target
        that the regime caps.
    as_of : datetime.date, optional
        The date of the structure and of the cap; None for today's structure.
    undisclosed : {"foreign", "domestic", "exclude"}, optional
        Overrides the regime's policy for undisclosed ownership.

    Returns
    -------
    CapCheck

    Raises
    ------
    UnknownRegimeError, UnknownSectorError, UnknownEntityError,
    CircularOwnershipError, UnsupportedAnalysisError

    Examples
    --------
    >>> import jvmodel as jvm
    >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    >>> r = jvm.check(g, "jv", regime="cn-beijing-2020")
    >>> r.status, r.foreign_share, r.cap, r.headroom
    ('breach', Fraction(103, 200), Fraction(1, 2), Fraction(-3, 200))
    """
    rules = get(regime)
    chosen = sector if sector is not None else _choose_sector(g, target, rules, as_of)
    entity = g.entity(target)
    cap = rules.cap_for(chosen, as_of=as_of, zones=entity.zones)
    measure: Measure = "voting" if cap.measure == "voting" else "equity"
    method = get_method(rules.method_for(measure))
    policy = undisclosed or rules.undisclosed
    options: dict[str, Any] = {
        "host": rules.host,
        "method": method,
        "measure": measure,
        "undisclosed": policy,
        "as_of": as_of,
        "foreign": rules.foreign,
    }
    share = _foreign_share(g, target, **options)
    contributions = foreign_contributions(g, target, **options) if method.linear else {}
    status: Status = "compliant" if cap.allows(share) else "breach"
    findings: list[str] = []
    if cap.kind == "benchmark" and status == "breach":
        findings.append(
            f"foreign share {format_percent(share)} is above the {cap.describe()} benchmark: "
            "the regulator's approval is needed"
        )
    return CapCheck(
        target=target,
        regime=rules.name,
        sector=chosen,
        as_of=as_of,
        measure=measure,
        method=method.name,
        foreign_share=share,
        cap_rule=cap,
        status=status,
        contributions=contributions,
        findings=tuple(findings),
    )
