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
from jvmodel.analysis.methods import Method, get_method
from jvmodel.errors import JVModelError, SchemaError, UnknownRegimeError, UnknownSectorError
from jvmodel.model import covers, normalise_jurisdiction

__all__ = ["Cap", "Regime", "Sector", "get", "load_regime", "names", "register"]


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
    method : str, Method or None
        The attribution method of this cap when it differs from the regime's
        method for its measure (``"direct"`` for a limit on direct holdings).
    applies_to : {"entity", "controlling-parent"}
        Whose foreign share the cap limits: the entity itself, or each entity
        that controls it (the FCC's 310(b)(4) benchmark on the controlling
        parent; see :func:`jvmodel.controllers`).
    domestic_control : bool
        Whether the entity must also be controlled domestically (China's basic
        telecom: "controlled by the Chinese party"); control by a foreign entity
        is then a breach of the cap, whatever the share.
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
    method: str | Method | None = None
    applies_to: str = "entity"
    domestic_control: bool = False

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

    def details(self) -> str:
        """The cap with its qualifiers: benchmark, parent, method, domestic control."""
        parts = [self.describe()]
        if self.kind == "benchmark":
            parts.append("benchmark")
        if self.applies_to == "controlling-parent":
            parts.append("on each controlling parent")
        if self.method is not None:
            parts.append(f"method {get_method(self.method).describe()}")
        if self.domestic_control:
            parts.append("and domestically controlled")
        return ", ".join(parts)


@attrs.frozen(kw_only=True)
class Sector:
    """A sector a regime names, and the broader sector whose caps it falls back on.

    ``parent`` is consulted when the sector has no cap of its own in force (a
    sub-sector of value-added telecom keeps the value-added telecom cap until a
    rule lifts its own).
    """

    id: str
    title: str = ""
    parent: str | None = None


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
    methods : Mapping[str, str or Method]
        The attribution method per measure (``{"equity": "proportional", ...}``);
        a method with options is a :class:`~jvmodel.methods.Method` object.
    undisclosed : {"foreign", "domestic", "exclude"}
    incorporation : bool
        Whether an entity organised outside the host counts wholly foreign
        whoever owns it (the look-through stops there).
    caps : tuple of Cap
    sector_info : Mapping[str, Sector]
        Sectors declared with a title or a parent sector.
    """

    name: str
    title: str = ""
    description: str = ""
    host: str
    foreign: tuple[str, ...] = ()
    methods: Mapping[str, str | Method] = attrs.field(
        factory=lambda: {"equity": "proportional", "voting": "proportional"}
    )
    undisclosed: str = "foreign"
    incorporation: bool = False
    caps: tuple[Cap, ...] = ()
    sector_info: Mapping[str, Sector] = attrs.field(factory=dict)

    def sectors(self) -> list[str]:
        """The sector ids this regime knows (has caps for, or declares), sorted."""
        return sorted({cap.sector for cap in self.caps} | set(self.sector_info))

    def method_for(self, measure: str) -> str | Method:
        """The attribution method this regime uses for ``measure``."""
        return self.methods.get(measure, "proportional")

    def caps_for(
        self, sector: str, *, as_of: dt.date | None = None, zones: Iterable[str] = ()
    ) -> tuple[Cap, ...]:
        """Every cap on ``sector`` in force on ``as_of`` for an entity in ``zones``.

        Caps scoped to one of the entity's zones take precedence over unscoped
        ones; of two caps on the same measure, party and kind whose periods
        touch, the more recent wins.  A sector with no cap of its own in force
        falls back on its parent sector's caps.  Several caps can apply at once
        (the FCC's limits on direct equity, direct votes and the controlling
        parent); they are returned in file order.

        Raises
        ------
        UnknownSectorError
            If the regime does not know the sector, or has no cap in force.

        Examples
        --------
        >>> import jvmodel as jvm
        >>> national = jvm.regimes.get("cn-national")
        >>> [c.limit for c in national.caps_for("vats", as_of=dt.date(2002, 6, 1))]
        [Fraction(3, 10)]
        >>> national.caps_for("vpn")[0].sector
        'vats'
        """
        if sector not in self.sectors():
            raise UnknownSectorError(
                f"regime {self.name!r} has no sector {sector!r}; its sectors are "
                f"{', '.join(self.sectors())}",
                sector=sector,
                regime=self.name,
                entity=None,
            )
        seen = {sector}
        current: str | None = sector
        while current is not None:
            found = self._own_caps(current, as_of, set(zones))
            if found:
                return found
            info = self.sector_info.get(current)
            current = info.parent if info is not None else None
            if current in seen:  # pragma: no cover - refused when the file is read
                break
            if current is not None:
                seen.add(current)
        when = f"on {as_of}" if as_of is not None else "today (with no end date)"
        zone_list = sorted(set(zones))
        raise UnknownSectorError(
            f"regime {self.name!r} has no cap on {sector!r} in force {when}"
            + (f" for zones {zone_list}" if zone_list else "")
            + "; pass another as_of= date",
            sector=sector,
            regime=self.name,
            entity=None,
        )

    def _own_caps(self, sector: str, as_of: dt.date | None, zones: set[str]) -> tuple[Cap, ...]:
        in_force = [cap for cap in self.caps if cap.sector == sector and cap.covers(as_of)]
        scoped = [cap for cap in in_force if cap.zones and zones & set(cap.zones)]
        chosen = scoped or [cap for cap in in_force if not cap.zones]
        latest: dict[tuple[str, str, str], Cap] = {}
        for cap in chosen:
            key = (cap.measure, cap.applies_to, cap.kind)
            held = latest.get(key)
            if held is None or (cap.valid_from or dt.date.min) > (held.valid_from or dt.date.min):
                latest[key] = cap
        kept = set(map(id, latest.values()))
        return tuple(cap for cap in chosen if id(cap) in kept)

    def cap_for(
        self, sector: str, *, as_of: dt.date | None = None, zones: Iterable[str] = ()
    ) -> Cap:
        """The first cap on ``sector`` in force on ``as_of`` for an entity in ``zones``.

        See :meth:`caps_for` for every cap in force (a sector may have several).

        Raises
        ------
        UnknownSectorError
            If the regime has no cap for the sector, or none in force that day.
        """
        return self.caps_for(sector, as_of=as_of, zones=zones)[0]


# -- reading regime files ----------------------------------------------------------

_REGIME_KEYS = {
    "name", "title", "description", "host", "foreign", "method", "undisclosed",
    "incorporation", "sector", "cap",
}  # fmt: skip
_CAP_KEYS = {
    "sector", "limit", "inclusive", "measure", "title", "source", "url", "note",
    "valid_from", "valid_to", "zones", "kind", "method", "applies_to", "domestic_control",
}  # fmt: skip
_SECTOR_KEYS = {"title", "parent"}
_PARTIES = ("entity", "controlling-parent")


def _fail(origin: str, record: str, field: str, problem: str) -> SchemaError:
    return SchemaError(
        f"{origin}: {record}: field {field!r}: {problem}", path=origin, record=record, field=field
    )


def _text(data: Mapping[str, Any], key: str, origin: str, record: str, default: str = "") -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise _fail(origin, record, key, f"expected a string, got {type(value).__name__}")
    return value


def _flag(data: Mapping[str, Any], key: str, origin: str, record: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise _fail(origin, record, key, f"expected true or false, got {value!r}")
    return value


def _method(value: Any, origin: str, record: str, field: str) -> str | Method:
    """A method name (kept as text) or an inline table of options (a Method)."""
    if not isinstance(value, str | dict):
        problem = 'expected a method name or a table such as { name = "threshold" }'
        raise _fail(origin, record, field, problem)
    try:
        method = get_method(value)
    except JVModelError as error:
        raise _fail(origin, record, field, str(error)) from error
    return value if isinstance(value, str) else method


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
    inclusive = _flag(data, "inclusive", origin, record, True)
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
    applies_to = _text(data, "applies_to", origin, record, "entity")
    if applies_to not in _PARTIES:
        allowed = ", ".join(_PARTIES)
        raise _fail(origin, record, "applies_to", f"{applies_to!r} is not one of {allowed}")
    method = None if "method" not in data else _method(data["method"], origin, record, "method")
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
        method=method,
        applies_to=applies_to,
        domestic_control=_flag(data, "domestic_control", origin, record, False),
    )


def _sectors(data: Any, origin: str, known: set[str]) -> dict[str, Sector]:
    record = "regime"
    if not isinstance(data, dict):
        raise _fail(origin, record, "sector", "expected a table of sectors ([sector.<id>])")
    found: dict[str, Sector] = {}
    for sector, table in data.items():
        where = f"sector {sector!r}"
        if not isinstance(table, dict):
            raise _fail(origin, where, "sector", "each [sector.<id>] must be a table")
        unknown = set(table) - _SECTOR_KEYS
        if unknown:
            raise _fail(origin, where, sorted(unknown)[0], "unknown field")
        parent = table.get("parent")
        if parent is not None and (not isinstance(parent, str) or not parent):
            raise _fail(origin, where, "parent", "expected a sector id")
        found[sector] = Sector(id=sector, title=_text(table, "title", origin, where), parent=parent)
    names = known | set(found)
    for sector, info in found.items():
        if info.parent is not None and info.parent not in names:
            raise _fail(origin, f"sector {sector!r}", "parent", f"no sector {info.parent!r}")
        seen = {sector}
        parent = info.parent
        while parent is not None:
            if parent in seen:
                raise _fail(origin, f"sector {sector!r}", "parent", "the parents form a loop")
            seen.add(parent)
            parent = found[parent].parent if parent in found else None
    return found


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
    raw_methods = data.get("method", {})
    if not isinstance(raw_methods, dict) or set(raw_methods) - {"equity", "voting"}:
        raise _fail(origin, record, "method", "expected a table with keys equity and voting")
    methods = {
        measure: _method(method, origin, record, f"method.{measure}")
        for measure, method in raw_methods.items()
    }
    undisclosed = _text(data, "undisclosed", origin, record, "foreign")
    if undisclosed not in ("foreign", "domestic", "exclude"):
        raise _fail(origin, record, "undisclosed", f"{undisclosed!r} is not a policy")
    caps = data.get("cap", [])
    if not isinstance(caps, list) or not caps:
        raise _fail(origin, record, "cap", "a regime needs at least one [[cap]]")
    cap_records = tuple(_cap(cap, origin, i) for i, cap in enumerate(caps))
    sector_info = _sectors(data.get("sector", {}), origin, {c.sector for c in cap_records})
    return Regime(
        name=name,
        title=_text(data, "title", origin, record),
        description=_text(data, "description", origin, record),
        host=host,
        foreign=foreign_codes,
        methods={"equity": "proportional", "voting": "proportional", **methods},
        undisclosed=undisclosed,
        incorporation=_flag(data, "incorporation", origin, record, False),
        caps=cap_records,
        sector_info=sector_info,
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
