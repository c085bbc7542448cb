"""The verdict over time: :func:`timeline` and its :class:`Timeline` of periods.

A verdict can only change on a day when something starts or stops applying: a
holding, a control link or a cap starts (its ``valid_from``), or the day after
one ends (its ``valid_to``).  Between two such days the structure and the caps
are the same, so the verdict is too.  :func:`timeline` checks the target once
per stretch between breakpoints and merges neighbouring stretches whose outcome
is the same, so a user sees when a joint venture crossed a cap, or when a cap
moved under it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import deque
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

import attrs

from jvmodel._numeric import Interval
from jvmodel.analysis.lookthrough import Measure, UndisclosedPolicy
from jvmodel.compliance.check import CapCheck, _choose_sector, _percent, check
from jvmodel.errors import UnknownSectorError
from jvmodel.graph import OwnershipGraph
from jvmodel.regimes import Cap, Regime, get

__all__ = ["Period", "Timeline", "timeline"]

_DAY = dt.timedelta(days=1)


@attrs.frozen(kw_only=True)
class Period:
    """A stretch of days over which the verdict is the same.

    Attributes
    ----------
    start : datetime.date or None
        The first day; None for "since the beginning of the record".
    end : datetime.date or None
        The last day; None for "still so".
    check : CapCheck or None
        The check on any day of the period; None when no cap was in force.
    """

    start: dt.date | None
    end: dt.date | None
    check: CapCheck | None

    @property
    def status(self) -> str:
        """``"compliant"``, ``"breach"``, ``"indeterminate"``, or ``"no cap"``."""
        return "no cap" if self.check is None else self.check.status

    @property
    def foreign_share(self) -> Fraction | Interval | None:
        """The foreign share over the period (None when no cap was in force)."""
        return None if self.check is None else self.check.foreign_share

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` falls in the period."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def describe(self) -> str:
        """The period in words: ``"2022-07-01 onwards: breach (51.5% vs ≤ 50% of equity)"``."""
        if self.start is None and self.end is None:
            when = "always"
        elif self.start is None:
            when = f"until {self.end}"
        elif self.end is None:
            when = f"{self.start} onwards"
        else:
            when = f"{self.start} to {self.end}"
        if self.check is None:
            return f"{when}: no cap in force"
        figure = _percent(self.check.foreign_share)
        return f"{when}: {self.status} ({figure} vs {self.check.cap_rule.describe()})"


@attrs.frozen(kw_only=True)
class Timeline:
    """The verdict on one target as a sequence of periods, oldest first.

    Iterating over a timeline gives its :class:`Period` objects.

    Attributes
    ----------
    target, regime, sector : str
    periods : tuple of Period
        Consecutive, non-overlapping, covering all time; neighbours differ in
        their outcome (status, share or cap).
    """

    target: str
    regime: str
    sector: str
    periods: tuple[Period, ...]

    def __iter__(self) -> Iterator[Period]:
        return iter(self.periods)

    def __len__(self) -> int:
        return len(self.periods)

    def __getitem__(self, index: int) -> Period:
        return self.periods[index]

    def at(self, day: dt.date) -> Period:
        """The period that covers ``day``."""
        return next(period for period in self.periods if period.covers(day))

    def crossings(self) -> list[tuple[dt.date, str, str]]:
        """The days the status changed: ``(day, status before, status from then)``."""
        return [
            (after.start, before.status, after.status)
            for before, after in itertools.pairwise(self.periods)
            if after.start is not None and before.status != after.status
        ]

    def describe(self) -> str:
        """One line per period."""
        return "\n".join(period.describe() for period in self.periods)


def _upstream_entities(g: OwnershipGraph, target: str) -> set[str]:
    """Everything that holds or controls ``target`` at any date, directly or not."""
    seen = {target}
    queue = deque([target])
    while queue:
        node = queue.popleft()
        uppers = [h.owner for h in g.holdings_of(node, as_of=...)]
        uppers += [c.controller for c in g.controls_of(node, as_of=...)]
        for upper in uppers:
            if upper not in seen:
                seen.add(upper)
                queue.append(upper)
    return seen


def _sector_caps(rules: Regime, sector: str) -> list[Cap]:
    names = {sector}
    current: str | None = sector
    while current is not None:
        info = rules.sector_info.get(current)
        current = info.parent if info is not None else None
        if current is not None:
            names.add(current)
    return [cap for cap in rules.caps if cap.sector in names]


def breakpoints(g: OwnershipGraph, target: str, caps: list[Cap]) -> list[dt.date]:
    """The days on which the verdict on ``target`` can change, sorted."""
    days: set[dt.date] = set()
    records: list[Any] = list(caps)
    for entity in _upstream_entities(g, target):
        records.extend(g.holdings_of(entity, as_of=...))
        records.extend(g.controls_of(entity, as_of=...))
    for record in records:
        if record.valid_from is not None:
            days.add(record.valid_from)
        if record.valid_to is not None and record.valid_to < dt.date.max:
            days.add(record.valid_to + _DAY)
    return sorted(days)


def _outcome(result: CapCheck | None) -> tuple[Any, ...] | None:
    if result is None:
        return None
    return (
        result.status,
        result.foreign_share,
        result.upper,
        result.cap_rule,
        result.findings,
        tuple((r.cap_rule, r.status, r.foreign_share) for r in result.rules),
    )


def timeline(
    g: OwnershipGraph,
    target: str,
    *,
    regime: str | Regime,
    sector: str | None = None,
    undisclosed: UndisclosedPolicy | None = None,
    measure: Measure | None = None,
) -> Timeline:
    """The verdict on ``target`` as a sequence of date intervals over which it is constant.

    Parameters
    ----------
    g : OwnershipGraph
    target : str
    regime : str or Regime
    sector : str, optional
        As in :func:`check`.
    undisclosed : {"foreign", "domestic", "exclude"}, optional
        Overrides the regime's policy.
    measure : {"equity", "voting"}, optional
        Only the caps on this measure (as in :func:`check`).

    Returns
    -------
    Timeline
        Periods oldest first; the first starts with the record (``start`` None),
        the last runs on (``end`` None).  A period with no cap in force has
        ``check`` None.

    Raises
    ------
    UnknownRegimeError, UnknownEntityError
    UnknownSectorError
        If the regime does not know the sector (or the target's sector cannot
        be chosen); a sector with no cap in force on some days is not an error.

    Notes
    -----
    The breakpoints are every start date of a holding, control link or cap
    that can bear on the target, and the day after every end date.  The target
    is checked once per stretch between breakpoints, on its first day (the
    stretch before the first breakpoint on the day before it), and neighbouring
    stretches with the same outcome are merged.

    Examples
    --------
    The bundled demo crossed the 50% VPN cap when a US fund bought into the
    Chinese partner's venture fund on 2022-07-01.  (Before the JV's holdings
    start on 2021-03-01 none is recorded, and undisclosed ownership counts
    foreign by default.)

    >>> import jvmodel as jvm
    >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    >>> t = jvm.timeline(g, "jv", regime="cn-beijing-2020")
    >>> print(t.describe())
    until 2020-09-06: no cap in force
    2020-09-07 to 2021-02-28: breach (100% vs ≤ 50% of equity)
    2021-03-01 to 2022-06-30: compliant (50% vs ≤ 50% of equity)
    2022-07-01 onwards: breach (51.5% vs ≤ 50% of equity)
    >>> for day, before, after in t.crossings():
    ...     print(day, before, "->", after)
    2020-09-07 no cap -> breach
    2021-03-01 breach -> compliant
    2022-07-01 compliant -> breach
    """
    rules = get(regime)
    g.entity(target)  # raises UnknownEntityError
    chosen = sector if sector is not None else _choose_sector(g, target, rules, None)
    if chosen not in rules.sectors():
        rules.caps_for(chosen)  # raises UnknownSectorError naming the known sectors
    days = breakpoints(g, target, _sector_caps(rules, chosen))
    starts: list[dt.date | None] = [None, *days]
    periods: list[Period] = []
    for index, start in enumerate(starts):
        if start is None and days and days[0] == dt.date.min:
            continue  # nothing lies before the first possible day
        end = days[index] - _DAY if index < len(days) else None
        probe = start if start is not None else (end if end is not None else dt.date.today())
        try:
            result: CapCheck | None = check(
                g,
                target,
                regime=rules,
                sector=chosen,
                as_of=probe,
                undisclosed=undisclosed,
                measure=measure,
            )
        except UnknownSectorError:
            result = None  # no cap in force (or none that applies to the target) that day
        if periods and _outcome(periods[-1].check) == _outcome(result):
            periods[-1] = attrs.evolve(periods[-1], end=end)
        else:
            periods.append(Period(start=start, end=end, check=result))
    return Timeline(target=target, regime=rules.name, sector=chosen, periods=tuple(periods))
