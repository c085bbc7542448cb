"""Regimes: the rules of one regulator, as data.

A :class:`Regime` names its host country, which jurisdictions count as foreign
beyond the plain country test, the attribution method per measure, the policy
for undisclosed ownership, and its :class:`Cap` per sector, each with its legal
source and validity dates.  Bundled regimes live in ``regimes/data/*.toml``, one
file each; :func:`load_regime` reads the same format from any file, and
:func:`register` adds a regime object for this session.

Examples
--------
>>> import jvmodel as jvm
>>> "cn-beijing-2020" in jvm.regimes.names()
True
>>> vpn = jvm.regimes.get("cn-beijing-2020").cap_for("vpn")
>>> vpn.limit, vpn.inclusive, vpn.measure
(Fraction(1, 2), True, 'equity')
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Mapping
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from jvmodel._numeric import format_share, parse_share
from jvmodel.analysis.methods import get_method
from jvmodel.errors import JVModelError, SchemaError, UnknownRegimeError, UnknownSectorError
from jvmodel.model import covers, normalise_jurisdiction

__all__ = ["Cap", "Regime", "get", "load_regime", "names", "register"]


@attrs.frozen(kw_only=True)
class Cap:
    """An upper bound on the foreign share of an entity in one sector.

    Attributes
    ----------
    sector : str
        The sector id (``"vpn"``).
    limit : Fraction or None
        The largest foreign share allowed; None when the sector is uncapped.
    inclusive : bool
        True for "at most" (≤), False for "less than" (<).
    measure : {"equity", "voting"}
    title, source, url, note : str
        What the sector is, the legal source of the cap, where to read it, and
        remarks (for example how a benchmark is worded).
    valid_from, valid_to : datetime.date or None
        When the cap applies (both inclusive).
    zones : tuple of str
        The zones the cap is scoped to; empty when it applies everywhere.  A
        zone-scoped cap applies to entities registered in one of its zones and
        takes precedence there over an unscoped cap for the same sector.
    kind : {"cap", "benchmark"}
        A "benchmark" is a level above which the regulator must approve (the
        FCC's 25% under 310(b)(4)); crossing it is reported as a breach of the
        benchmark, worded as such.
    """

    sector: str
    limit: Fraction | None
    inclusive: bool = True
    measure: str = "equity"
    title: str = ""
    source: str = ""
    url: str = ""
    note: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    zones: tuple[str, ...] = ()
    kind: str = "cap"

    def covers(self, as_of: dt.date | None) -> bool:
        """Whether the cap is in force on ``as_of`` (None: has no end date)."""
        return covers(self.valid_from, self.valid_to, as_of)

    def allows(self, share: Fraction) -> bool:
        """Whether ``share`` is inside the cap (always, when uncapped)."""
        if self.limit is None:
            return True
        return share <= self.limit if self.inclusive else share < self.limit

    def describe(self) -> str:
        """The cap in words: ``"≤ 50% of equity"``, ``"< 1/3 of voting"``, ``"uncapped"``."""
        if self.limit is None:
            return "uncapped"
        sign = "≤" if self.inclusive else "<"
        return f"{sign} {format_share(self.limit)} of {self.measure}"


@attrs.frozen(kw_only=True)
class Regime:
    """The rules of one regulator: host, foreignness, methods, caps.

    Attributes
    ----------
    name : str
        The regime id (``"cn-beijing-2020"``).
    title, description : str
    host : str
        The host country (ISO 3166-1 alpha-2).
    foreign : tuple of str
        Jurisdictions counted foreign although their country is the host
        (Hong Kong, Macau and Taiwan under Chinese rules).
    methods : Mapping[str, str]
        The attribution method per measure (``{"equity": "proportional", ...}``).
    undisclosed : {"foreign", "domestic", "exclude"}
    caps : tuple of Cap
    """

    name: str
    title: str = ""
    description: str = ""
    host: str
    foreign: tuple[str, ...] = ()
    methods: Mapping[str, str] = attrs.field(
        factory=lambda: {"equity": "proportional", "voting": "proportional"}
    )
    undisclosed: str = "foreign"
    caps: tuple[Cap, ...] = ()

    def sectors(self) -> list[str]:
        """The sector ids this regime has caps for, sorted."""
        return sorted({cap.sector for cap in self.caps})

    def method_for(self, measure: str) -> str:
        """The attribution method this regime uses for ``measure``."""
        return self.methods.get(measure, "proportional")

    def cap_for(
        self, sector: str, *, as_of: dt.date | None = None, zones: Iterable[str] = ()
    ) -> Cap:
        """The cap on ``sector`` in force on ``as_of`` for an entity in ``zones``.

        Raises
        ------
        UnknownSectorError
            If the regime has no cap for the sector, or none in force that day.
        """
        caps = [cap for cap in self.caps if cap.sector == sector]
        if not caps:
            raise UnknownSectorError(
                f"regime {self.name!r} has no sector {sector!r}; its sectors are "
                f"{', '.join(self.sectors())}",
                sector=sector,
                regime=self.name,
                entity=None,
            )
        in_force = [cap for cap in caps if cap.covers(as_of)]
        zone_set = set(zones)
        scoped = [cap for cap in in_force if cap.zones and zone_set & set(cap.zones)]
        chosen = scoped or [cap for cap in in_force if not cap.zones]
        if not chosen:
            when = f"on {as_of}" if as_of is not None else "today (with no end date)"
            raise UnknownSectorError(
                f"regime {self.name!r} has no cap on {sector!r} in force {when}"
                + (f" for zones {sorted(zone_set)}" if zone_set else "")
                + "; pass another as_of= date",
                sector=sector,
                regime=self.name,
                entity=None,
            )
        # The most recent rule wins where periods touch.
        return max(chosen, key=lambda cap: cap.valid_from or dt.date.min)


# -- reading regime files ----------------------------------------------------------

_REGIME_KEYS = {"name", "title", "description", "host", "foreign", "method", "undisclosed", "cap"}
_CAP_KEYS = {
    "sector", "limit", "inclusive", "measure", "title", "source", "url", "note",
    "valid_from", "valid_to", "zones", "kind",
}  # fmt: skip


def _fail(origin: str, record: str, field: str, problem: str) -> SchemaError:
    return SchemaError(
        f"{origin}: {record}: field {field!r}: {problem}", path=origin, record=record, field=field
    )


def _text(data: Mapping[str, Any], key: str, origin: str, record: str, default: str = "") -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise _fail(origin, record, key, f"expected a string, got {type(value).__name__}")
    return value


def _date(data: Mapping[str, Any], key: str, origin: str, record: str) -> dt.date | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise _fail(origin, record, key, f"expected a date (YYYY-MM-DD), got {value!r}")


def _cap(data: Any, origin: str, index: int) -> Cap:
    record = f"cap #{index + 1}"
    if not isinstance(data, dict):
        raise _fail(origin, record, "cap", "each [[cap]] must be a table")
    unknown = set(data) - _CAP_KEYS
    if unknown:
        raise _fail(origin, record, sorted(unknown)[0], "unknown field")
    sector = _text(data, "sector", origin, record)
    if not sector:
        raise _fail(origin, record, "sector", "missing")
    record = f"cap #{index + 1} ({sector})"
    raw_limit = data.get("limit")
    if raw_limit is None:
        raise _fail(origin, record, "limit", 'missing; write a share or "none" for uncapped')
    try:
        limit = None if raw_limit == "none" else parse_share(raw_limit, what="limit")
    except JVModelError as error:
        raise _fail(origin, record, "limit", str(error)) from error
    inclusive = data.get("inclusive", True)
    if not isinstance(inclusive, bool):
        raise _fail(origin, record, "inclusive", "expected true or false")
    measure = _text(data, "measure", origin, record, "equity")
    if measure not in ("equity", "voting"):
        raise _fail(origin, record, "measure", f"{measure!r} is not 'equity' or 'voting'")
    kind = _text(data, "kind", origin, record, "cap")
    if kind not in ("cap", "benchmark"):
        raise _fail(origin, record, "kind", f"{kind!r} is not 'cap' or 'benchmark'")
    zones = data.get("zones", [])
    if not isinstance(zones, list) or not all(isinstance(z, str) and z for z in zones):
        raise _fail(origin, record, "zones", "expected a list of zone names")
    source = _text(data, "source", origin, record)
    if not source:
        raise _fail(origin, record, "source", "missing; every cap names its legal source")
    valid_from = _date(data, "valid_from", origin, record)
    valid_to = _date(data, "valid_to", origin, record)
    if valid_from and valid_to and valid_to < valid_from:
        raise _fail(origin, record, "valid_to", f"{valid_to} is before valid_from {valid_from}")
    return Cap(
        sector=sector,
        limit=limit,
        inclusive=inclusive,
        measure=measure,
        title=_text(data, "title", origin, record),
        source=source,
        url=_text(data, "url", origin, record),
        note=_text(data, "note", origin, record),
        valid_from=valid_from,
        valid_to=valid_to,
        zones=tuple(zones),
        kind=kind,
    )


def regime_from_dict(data: Mapping[str, Any], *, origin: str = "<regime>") -> Regime:
    """Build a :class:`Regime` from the mapping a regime file holds (validated)."""
    record = "regime"
    unknown = set(data) - _REGIME_KEYS
    if unknown:
        raise _fail(origin, record, sorted(unknown)[0], "unknown field")
    name = _text(data, "name", origin, record)
    if not name:
        raise _fail(origin, record, "name", "missing")
    try:
        host = normalise_jurisdiction(_text(data, "host", origin, record))
    except JVModelError as error:
        raise _fail(origin, record, "host", str(error)) from error
    if host is None or len(host) != 2:
        raise _fail(origin, record, "host", "expected an ISO 3166-1 alpha-2 country code")
    foreign = data.get("foreign", [])
    if not isinstance(foreign, list):
        raise _fail(origin, record, "foreign", "expected a list of jurisdiction codes")
    try:
        foreign_codes = tuple(str(normalise_jurisdiction(code)) for code in foreign)
    except JVModelError as error:
        raise _fail(origin, record, "foreign", str(error)) from error
    methods = data.get("method", {})
    if not isinstance(methods, dict) or set(methods) - {"equity", "voting"}:
        raise _fail(origin, record, "method", "expected a table with keys equity and voting")
    for measure, method in methods.items():
        try:
            get_method(method)
        except JVModelError as error:
            raise _fail(origin, record, f"method.{measure}", str(error)) from error
    undisclosed = _text(data, "undisclosed", origin, record, "foreign")
    if undisclosed not in ("foreign", "domestic", "exclude"):
        raise _fail(origin, record, "undisclosed", f"{undisclosed!r} is not a policy")
    caps = data.get("cap", [])
    if not isinstance(caps, list) or not caps:
        raise _fail(origin, record, "cap", "a regime needs at least one [[cap]]")
    return Regime(
        name=name,
        title=_text(data, "title", origin, record),
        description=_text(data, "description", origin, record),
        host=host,
        foreign=foreign_codes,
        methods={"equity": "proportional", "voting": "proportional", **methods},
        undisclosed=undisclosed,
        caps=tuple(_cap(cap, origin, i) for i, cap in enumerate(caps)),
    )


def load_regime(path: str | Path) -> Regime:
    """Read a regime from a TOML file in the bundled format.

    Raises
    ------
    SchemaError
        If the file is not valid TOML or breaks the format.
    """
    origin = str(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    # ValueError: TOML and UTF-8 decoding errors, and integers too long to convert.
    except ValueError as error:
        raise SchemaError(
            f"{origin}: not a valid TOML file: {error}", path=origin, record=None, field=None
        ) from error
    return regime_from_dict(data, origin=origin)


_registered: dict[str, Regime] = {}
_bundled: dict[str, Regime] = {}


def _bundled_files() -> dict[str, Any]:
    folder = resources.files("jvmodel.regimes") / "data"
    return {
        entry.name.removesuffix(".toml"): entry
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    }


def names() -> list[str]:
    """The names of the bundled and registered regimes, sorted."""
    return sorted({*_bundled_files(), *_registered})


def get(name: str | Regime) -> Regime:
    """The regime with this name (a :class:`Regime` is returned as it is).

    Raises
    ------
    UnknownRegimeError
        If no bundled or registered regime has that name.
    """
    if isinstance(name, Regime):
        return name
    if name in _registered:
        return _registered[name]
    if name not in _bundled:
        files = _bundled_files()
        if name not in files:
            raise UnknownRegimeError(
                f"no regime {name!r}; the known regimes are {', '.join(names())}",
                regime=name,
            )
        text = files[name].read_text(encoding="utf-8")
        _bundled[name] = regime_from_dict(tomllib.loads(text), origin=f"regimes/data/{name}.toml")
    return _bundled[name]


def register(regime: Regime) -> Regime:
    """Make ``regime`` available to :func:`get` by its name (replacing any earlier one)."""
    _registered[regime.name] = regime
    return regime
