"""Explanations: where a foreign share comes from, path by path, with reasons."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import attrs

from jvmodel._numeric import format_percent, format_share
from jvmodel.analysis.lookthrough import UndisclosedPolicy, attribute
from jvmodel.analysis.methods import get_method
from jvmodel.analysis.paths import Path
from jvmodel.compliance.check import CapCheck, check
from jvmodel.graph import OwnershipGraph
from jvmodel.regimes import Regime, get

__all__ = ["Explanation", "explain"]


@attrs.frozen(kw_only=True)
class Explanation:
    """The result of :func:`explain`: a check, and where its foreign share comes from.

    Attributes
    ----------
    check : CapCheck
        The check explained (its deciding cap).
    owners : dict
        The foreign share by the owner each path starts from, largest first:
        foreign ultimate owners (``UNDISCLOSED`` for undisclosed parts counted
        foreign) and, under a threshold, presence or largest-holder method, the
        intermediates counted wholly foreign.  Adds up to the foreign share.
    paths : tuple of Path
        The contributing paths, largest first, each with its product; a
        cross-holding is passed as one step (``Path.cycles`` names it).
    truncated : bool
        Whether ``paths`` stops short (more than 1000 paths).
    counted_foreign : dict
        Under a non-linear method: each intermediate a path ends at, counted
        wholly foreign, with the test it failed (``"foreign share 60% ≥ 50%"``).
    """

    check: CapCheck
    owners: dict[str, Fraction]
    paths: tuple[Path, ...]
    truncated: bool = False
    counted_foreign: dict[str, str] = attrs.field(factory=dict)

    @property
    def foreign_share(self) -> Fraction:
        """The figure explained (``check.foreign_share``)."""
        return self.check.exact_share()

    def describe(self) -> str:
        """The explanation as plain text, one path a line."""
        c = self.check
        subject = c.subject or c.target
        lines = [
            f"{subject}: foreign {format_share(c.exact_share())} ({c.method}, {c.measure}) "
            f"vs {c.cap_rule.describe()}: {c.status}"
        ]
        for path in self.paths:
            through = "".join(
                f" (through the cross-holding {', '.join(cycle)})" for cycle in path.cycles
            )
            lines.append(f"  {format_share(path.product):>8}  {path.describe()}{through}")
        if self.truncated:
            lines.append("  … (more paths left out)")
        for entity, reason in self.counted_foreign.items():
            lines.append(f"  {entity} counted wholly foreign: {reason}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form: the check's :meth:`CapCheck.to_dict` plus the paths."""
        payload = self.check.to_dict()
        payload["owners"] = {
            owner: {"exact": str(share), "percent": format_share(share)}
            for owner, share in self.owners.items()
        }
        payload["paths"] = [_path_dict(p) for p in self.paths]
        payload["paths_truncated"] = self.truncated
        payload["counted_foreign"] = dict(self.counted_foreign)
        return payload

    def __repr__(self) -> str:
        return (
            f"<Explanation {self.check.target!r}: foreign {format_percent(self.foreign_share)}"
            f" in {len(self.paths)} path{'s' if len(self.paths) != 1 else ''}>"
        )

    def _repr_html_(self) -> str:
        # display sits above compliance; imported when Jupyter asks (as CapCheck does).
        from jvmodel.display import explanation_html  # noqa: PLC0415

        return explanation_html(self)


def _path_dict(path: Path) -> dict[str, Any]:
    return {
        "owner": str(path.owner),
        "entities": list(path.entities),
        "product": {"exact": str(path.product), "percent": format_share(path.product)},
        "cycles": [list(cycle) for cycle in path.cycles],
    }


def explain(
    g: OwnershipGraph,
    target: str,
    *,
    regime: str | Regime,
    sector: str | None = None,
    as_of: dt.date | None = None,
    undisclosed: UndisclosedPolicy | None = None,
) -> Explanation:
    """Check ``target`` and explain its foreign share: owners, paths and reasons.

    Parameters
    ----------
    g : OwnershipGraph
    target : str
    regime, sector, as_of, undisclosed
        As in :func:`jvmodel.check`.

    Returns
    -------
    Explanation

    Notes
    -----
    Under a linear method the share of a foreign ultimate owner is the sum over
    the upward paths of the product of their stakes; a cross-holding would give
    infinitely many paths and is reported as one step whose weight is the exact
    sum of all the walks inside it (an entry of ``(I − Q)⁻¹``).  Under a method
    that decides an intermediate's status from its owners, the intermediate
    counted wholly foreign is where the path ends: its whole stake counts, and
    :attr:`Explanation.counted_foreign` says which test it failed.  Either way
    the products add up exactly to the foreign share.

    Examples
    --------
    >>> import jvmodel as jvm
    >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    >>> e = jvm.explain(g, "jv", regime="cn-beijing-2020")
    >>> print(e.describe())
    jv: foreign 51.5% (proportional, equity) vs ≤ 50% of equity: breach
           50%  bt → bt-global → bt-china → jv
          1.5%  calpers → zgc-fund → partner → jv
    >>> sum(p.product for p in e.paths) == e.foreign_share
    True
    """
    rules = get(regime)
    result = check(g, target, regime=rules, sector=sector, as_of=as_of, undisclosed=undisclosed)
    source = result._paths_source
    paths, truncated = source() if source is not None else ((), False)
    owners: dict[str, Fraction] = {}
    for path in paths:
        owners[path.owner] = owners.get(path.owner, Fraction(0)) + path.product
    owners = dict(sorted(owners.items(), key=lambda item: (-item[1], str(item[0]))))
    counted: dict[str, str] = {}
    cap = result.cap_rule
    method = get_method(cap.method if cap.method is not None else rules.method_for(cap.measure))
    subject = result.subject or target
    if not method.linear and g.holdings_of(subject, as_of=as_of):
        attribution = attribute(
            g,
            subject,
            host=rules.host,
            method=method,
            measure="voting" if cap.measure == "voting" else "equity",
            undisclosed=undisclosed or rules.undisclosed,  # type: ignore[arg-type]
            as_of=as_of,
            foreign=rules.foreign,
            incorporation=rules.incorporation,
        )
        for path in paths:
            top = path.entities[0]
            if g.holdings_of(top, as_of=as_of) and top not in counted and path.owner == top:
                counted[top] = attribution.reasons.get(top, "")
    return Explanation(
        check=result, owners=owners, paths=paths, truncated=truncated, counted_foreign=counted
    )
