"""Hypothesis strategies for ownership structures, valid by construction.

Property-based tests of cap logic need ownership structures that a register
could hold: stakes in an entity that add up to at most 100%, layers without
cycles unless cycles are wanted, cross-holdings that always leave an outside
owner.  Generic graph strategies cannot say that; these do, by construction
(every example is built to be valid, none is drawn and thrown away), so they
stay fast and shrink well.

Install the optional extra to use them: ``pip install 'jvmodel[hypothesis]'``.

Every option is keyword-only and checked when the strategy is made, with
hypothesis's :class:`~hypothesis.errors.InvalidArgument`.  Each strategy's
documentation says what its examples shrink towards: few entities, shallow
structures and round percentages, so that a failing example reads like a
small worked case.

The types are registered with hypothesis (through its ``hypothesis`` entry
point), so ``st.from_type(jvm.OwnershipGraph)``, and ``st.builds(f)`` for a
function whose arguments are annotated with jvmodel's types, work without
importing this module.

Examples
--------
>>> from hypothesis import given
>>> import jvmodel as jvm
>>> import jvmodel.strategies as jst
>>> @given(jst.ownership_graphs(max_entities=6))
... def test_shares_add_up(g):
...     for entity in g:
...         assert sum(jvm.effective_ownership(g, entity).values()) == 1
>>> test_shares_add_up()
"""

from __future__ import annotations

from jvmodel.errors import MissingDependencyError

try:
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
    from hypothesis.strategies import SearchStrategy
except ImportError:  # pragma: no cover - exercised in a subprocess test
    raise MissingDependencyError(
        "jvmodel.strategies needs hypothesis, which is not installed; install the "
        "hypothesis extra: pip install 'jvmodel[hypothesis]'",
        package="hypothesis",
        extra="hypothesis",
    ) from None

import datetime as dt
import decimal
import functools
import math
import operator
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Literal, overload

import attrs

from jvmodel import regimes as _registry
from jvmodel._iso3166 import COUNTRIES
from jvmodel._numeric import Range, ShareLike, format_share, parse_share
from jvmodel.analysis.methods import method_names
from jvmodel.errors import JVModelError
from jvmodel.graph import OwnershipGraph
from jvmodel.model import BASES, KINDS, ControlLink, Entity, Holding, normalise_jurisdiction
from jvmodel.regimes import Cap, Regime

__all__ = [
    "SECTORS",
    "caps",
    "control_links",
    "entities",
    "holdings",
    "joint_ventures",
    "jurisdictions",
    "ownership_graphs",
    "ranges",
    "regimes",
    "shares",
]


SECTORS: tuple[str, ...] = (
    "vpn",
    "information-services",
    "internet-access",
    "vats",
    "basic-telecom",
)
"""Sector ids drawn when a strategy is not told which sectors to use."""

_ZERO = Fraction(0)
_ONE = Fraction(1)
_HALF = Fraction(1, 2)
# Countries that foreign investors in the bundled examples come from: drawn first,
# so shrinking ends on a familiar code.  The rest follow in alphabetical order.
_FAMILIAR = ("US", "GB", "HK", "DE", "JP", "SG", "FR", "KR", "NL", "CA", "CN", "TW", "MO")
_COUNTRY_ORDER: tuple[str, ...] = _FAMILIAR + tuple(sorted(COUNTRIES - set(_FAMILIAR)))
# Subdivisions that are domestic for their country under every bundled regime
# (Hong Kong, Macau and Taiwan, CN-HK, CN-MO, CN-TW, are left out on purpose).
_SUBDIVISIONS: dict[str, tuple[str, ...]] = {
    "CN": ("BJ", "SH", "TJ", "CQ", "GD", "ZJ", "JS", "SC", "HB", "FJ", "SD", "HI"),
    "US": ("CA", "DE", "NY", "TX", "WA"),
    "GB": ("ENG", "SCT", "WLS", "NIR"),
}
# Regime lists of jurisdictions counted foreign although their country is the host.
_SPECIAL_FOREIGN: dict[str, tuple[str, ...]] = {
    "CN": ("HK", "MO", "TW", "CN-HK", "CN-MO", "CN-TW"),
}
_TYPICAL_CAPS = (
    Fraction(1, 2),
    Fraction(49, 100),
    Fraction(1, 4),
    Fraction(1, 3),
    Fraction(1, 5),
    _ZERO,
    _ONE,
)
_OWNED_KINDS = ("company", "fund", "trust", "partnership")
_POLICIES = ("foreign", "domestic", "exclude")
_CLOSED = ("both", "left", "right", "neither")
_MAX_DENOMINATOR = 10_000
_MAX_TEXT = 60  # digits: shorter than the 64 characters parse_share reads
_MAX_HOLDERS = 4
_MAX_BACK_HOLDERS = 2
_FIRST_DAY = dt.date(2020, 1, 1)
_DAYS = 3650


# -- checking options ------------------------------------------------------------


def _check_bool(name: str, value: object) -> None:
    if not isinstance(value, bool):
        raise InvalidArgument(f"{name}={value!r} must be True or False")


def _check_count(name: str, value: object, *, least: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(f"{name}={value!r} must be an integer")
    if value < least:
        raise InvalidArgument(f"{name}={value!r} must be at least {least}")
    return value


def _check_order(low_name: str, low: int, high_name: str, high: int) -> None:
    if high < low:
        raise InvalidArgument(f"Cannot have {high_name}={high!r} < {low_name}={low!r}")


def _check_share(name: str, value: object) -> Fraction:
    try:
        return parse_share(value, what=name)
    except JVModelError as error:
        raise InvalidArgument(f"{name}={value!r} is not a share: {error}") from None


def _check_host(name: str, value: object, *, required: bool = False) -> str | None:
    if value is None:
        if required:
            raise InvalidArgument(
                f"{name}=None: give the host country (e.g. {name}='CN'), which decides "
                "what is foreign"
            )
        return None
    try:
        code = normalise_jurisdiction(value)
    except JVModelError:
        code = None
    if code is None or len(code) != 2:
        raise InvalidArgument(
            f"{name}={value!r} must be an ISO 3166-1 alpha-2 country code such as 'CN'"
        )
    return code


def _check_labels(name: str, value: object) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidArgument(f"{name}={value!r} must be a list of strings such as ['vpn']")
    labels = tuple(value)
    if not labels or not all(isinstance(x, str) and x.strip() for x in labels):
        raise InvalidArgument(f"{name}={value!r} must be a non-empty list of non-blank strings")
    return tuple(dict.fromkeys(x.strip() for x in labels))


def _check_kinds(value: object) -> tuple[str, ...]:
    if value is None:
        return KINDS
    kinds = _check_labels("kinds", value)
    assert kinds is not None
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise InvalidArgument(f"kinds={value!r} has {unknown[0]!r}, not one of {', '.join(KINDS)}")
    return kinds


def _ids_strategy(name: str, value: object) -> SearchStrategy[str]:
    if value is None:
        return _ids()
    if isinstance(value, str):
        if not value.strip():
            raise InvalidArgument(f"{name}={value!r} is blank; an id needs a visible character")
        return st.just(value)
    if isinstance(value, SearchStrategy):
        return value
    raise InvalidArgument(f"{name}={value!r} must be an id string or a strategy of ids")


def _ids() -> SearchStrategy[str]:
    return st.from_regex(r"[a-z][a-z0-9_-]{0,11}", fullmatch=True)


# -- numbers -------------------------------------------------------------------------


# Strategies are made once and reused: making one per draw costs more than drawing.
_FLAGS = st.booleans()
_HISTORY_MODES = st.sampled_from(("undated", "started", "history"))
_DENOMINATORS = st.integers(1, _MAX_DENOMINATOR)


def _integer(draw: st.DrawFn, low: int, high: int) -> int:
    """An integer in [low, high], shrinking towards ``low``."""
    return low if low == high else low + draw(st.integers(0, high - low))


def _share_between(draw: st.DrawFn, low: Fraction, high: Fraction) -> Fraction:
    """A share in [low, high]: a whole percentage when there is one, else n/d."""
    first, last = math.ceil(low * 100), math.floor(high * 100)
    if first <= last and not draw(_FLAGS):
        return Fraction(_integer(draw, first, last), 100)
    denominator = draw(_DENOMINATORS)
    return low + (high - low) * Fraction(_integer(draw, 0, denominator), denominator)


def _portion(draw: st.DrawFn, below: Fraction) -> Fraction:
    """A stake strictly between 0 and ``below``, whole percentages first."""
    top = math.ceil(below * 100) - 1  # the largest k with k/100 < below
    if top >= 1 and not draw(_FLAGS):
        return Fraction(_integer(draw, 1, top), 100)
    denominator = 1 + draw(_DENOMINATORS)
    most = math.ceil(below * denominator) - 1  # the largest n with n/d < below
    if most < 1:
        return below / 2
    return Fraction(_integer(draw, 1, most), denominator)


def _spellings(share: Fraction) -> list[ShareLike]:
    """The ways a user may write ``share`` that :func:`parse_share` reads back exactly."""
    forms: list[ShareLike] = [
        share,
        f"{share.numerator}/{share.denominator}",
        f" {share.numerator} / {share.denominator} ",
        format_share(share),  # "12.5%" when the decimal expansion ends, else "n/d"
    ]
    if format_share(share).endswith("%"):  # the decimal expansion ends: decimals spell it exactly
        with decimal.localcontext(prec=_MAX_TEXT):
            as_decimal = Decimal(share.numerator) / Decimal(share.denominator)
        forms.extend([as_decimal, format(as_decimal, "f"), float(share)])
    if share in (0, 1):
        forms.append(int(share))
    # Keep a spelling only when it reads back exactly (a float or a long decimal
    # may not): the forms are computed, never drawn and rejected.
    return [form for form in forms if _reads_back(form, share)]


def _reads_back(form: ShareLike, share: Fraction) -> bool:
    try:
        return parse_share(form) == share
    except JVModelError:
        return False


@overload
def shares(
    *, min_value: ShareLike = 0, max_value: ShareLike = 1, exact: Literal[True] = True
) -> SearchStrategy[Fraction]: ...
@overload
def shares(
    *, min_value: ShareLike = 0, max_value: ShareLike = 1, exact: Literal[False]
) -> SearchStrategy[ShareLike]: ...
@overload
def shares(
    *, min_value: ShareLike = 0, max_value: ShareLike = 1, exact: bool
) -> SearchStrategy[Fraction] | SearchStrategy[ShareLike]: ...


def shares(
    *, min_value: ShareLike = 0, max_value: ShareLike = 1, exact: bool = True
) -> SearchStrategy[Fraction] | SearchStrategy[ShareLike]:
    """Shares in [min_value, max_value]: exact fractions, or any spelling a user may write.

    Parameters
    ----------
    min_value, max_value : share-like
        The bounds (both included), read like any share (``"25%"``, ``"1/3"``).
    exact : bool
        True: draw :class:`~fractions.Fraction` values.  False: draw the share
        in one of the forms :func:`jvmodel.parse_share` accepts (``"12.5%"``,
        ``"0.125"``, ``" 1 / 8 "``, a ``Decimal``, a float with a short decimal
        form, ``0`` or ``1``), each of which reads back as exactly the fraction.

    Shrinks towards ``min_value`` and whole percentages; other fractions have
    denominators up to 10,000 (for example thirds).

    Examples
    --------
    >>> from hypothesis import given
    >>> import jvmodel as jvm
    >>> @given(shares(min_value="25%", max_value="50%", exact=False))
    ... def test_reads_back(text):
    ...     assert Fraction(1, 4) <= jvm.parse_share(text) <= Fraction(1, 2)
    >>> test_reads_back()
    """
    low = _check_share("min_value", min_value)
    high = _check_share("max_value", max_value)
    if high < low:
        raise InvalidArgument(f"Cannot have max_value={max_value!r} < min_value={min_value!r}")
    _check_bool("exact", exact)

    @st.composite
    def draw_share(draw: st.DrawFn) -> Fraction:
        return _share_between(draw, low, high)

    if exact:
        return draw_share()
    return draw_share().flatmap(lambda share: st.sampled_from(_spellings(share)))


def ranges(*, min_value: ShareLike = 0, max_value: ShareLike = 1) -> SearchStrategy[Range]:
    """Ranges of stakes (:class:`~jvmodel.Range`) within [min_value, max_value].

    Both ends are drawn with :func:`shares`, and which ends belong to the range
    (``closed``) is drawn too, except that a range of one value is closed at
    both ends (any other would be empty).

    Shrinks towards the closed range of the single value ``min_value``, then
    towards whole-percentage bands such as ``Range('0%', '25%')``.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(ranges(max_value="50%"))
    ... def test_inside(band):
    ...     assert band.min <= band.max <= Fraction(1, 2)
    >>> test_inside()
    """
    low = _check_share("min_value", min_value)
    high = _check_share("max_value", max_value)
    if high < low:
        raise InvalidArgument(f"Cannot have max_value={max_value!r} < min_value={min_value!r}")

    @st.composite
    def draw_range(draw: st.DrawFn) -> Range:
        return _range_between(draw, low, high)

    return draw_range()


def _range_between(draw: st.DrawFn, low: Fraction, high: Fraction) -> Range:
    bottom = _share_between(draw, low, high)
    top = _share_between(draw, bottom, high)
    closed = "both" if bottom == top else draw(st.sampled_from(_CLOSED))
    return Range(bottom, top, closed=closed)  # type: ignore[arg-type]


# -- jurisdictions and entities -----------------------------------------------------


@functools.cache
def _domestic(host: str) -> SearchStrategy[str]:
    known = _SUBDIVISIONS.get(host)
    # Hosts with a regime list of "foreign" subdivisions have a known list here.
    parts = st.sampled_from(known) if known else st.from_regex(r"[A-Z]{2}", fullmatch=True)
    return st.one_of(st.just(host), parts.map(lambda code: f"{host}-{code}"))


@functools.cache
def _foreign(host: str) -> SearchStrategy[str]:
    return st.sampled_from(tuple(code for code in _COUNTRY_ORDER if code != host))


@functools.cache
def _any_jurisdiction() -> SearchStrategy[str]:
    countries = st.sampled_from(_COUNTRY_ORDER)
    return st.one_of(countries, countries.flatmap(_domestic))


def jurisdictions(*, host: str | None = None, foreign: bool | None = None) -> SearchStrategy[str]:
    """ISO 3166 jurisdiction codes: countries (``"GB"``) and subdivisions (``"CN-BJ"``).

    Parameters
    ----------
    host : str, optional
        A host country.  With ``foreign`` it decides which codes are drawn.
    foreign : bool, optional
        True: codes of countries other than ``host`` (foreign by the plain
        country test).  False: ``host`` itself or one of its subdivisions (for
        China never ``CN-HK``, ``CN-MO`` or ``CN-TW``, which Chinese rules count
        as foreign).  None: either.

    Shrinks towards the host itself, and among foreign codes towards familiar
    ones (``"US"``, ``"GB"``, ``"HK"``).

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(jurisdictions(host="CN", foreign=True))
    ... def test_foreign(code):
    ...     assert code[:2] != "CN"
    >>> test_foreign()
    """
    host_code = _check_host("host", host)
    if foreign is not None:
        _check_bool("foreign", foreign)
        if host_code is None:
            raise InvalidArgument(f"foreign={foreign!r} needs host= (foreign to which country?)")
    if host_code is None:
        return _any_jurisdiction()
    if foreign is None:
        return st.one_of(_domestic(host_code), _foreign(host_code))
    return _foreign(host_code) if foreign else _domestic(host_code)


@functools.cache
def _names() -> SearchStrategy[str | None]:
    # Names may be any text but what the model refuses in every text field:
    # control characters, lone surrogates, line and paragraph separators.
    letters = st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"))
    return st.one_of(st.none(), st.text(letters, max_size=24))


def entities(
    *,
    ids: str | SearchStrategy[str] | None = None,
    kinds: Sequence[str] | None = None,
    host: str | None = None,
    foreign: bool | None = None,
    allow_unknown_jurisdiction: bool = False,
    sectors: Sequence[str] | None = None,
    zones: Sequence[str] | None = None,
) -> SearchStrategy[Entity]:
    """Entities (:class:`~jvmodel.Entity`) with valid ids, kinds and jurisdictions.

    Parameters
    ----------
    ids : str or strategy, optional
        The id, or a strategy of ids; by default short lower-case ids.
    kinds : list of str, optional
        The kinds to draw from (all of them by default).
    host, foreign
        As for :func:`jurisdictions`.
    allow_unknown_jurisdiction : bool
        Whether the jurisdiction may be None (unknown).
    sectors, zones : list of str, optional
        Labels to draw each entity's sectors and zones from (none by default).

    Shrinks towards a ``company`` with a one-letter id, named after its id, in
    the host country (or the first familiar one), with no sectors or zones.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(entities(host="CN", foreign=False, sectors=["vpn"]))
    ... def test_domestic(e):
    ...     assert e.country == "CN" and set(e.sectors) <= {"vpn"}
    >>> test_domestic()
    """
    id_strategy = _ids_strategy("ids", ids)
    kind_choices = _check_kinds(kinds)
    jurisdiction = jurisdictions(host=host, foreign=foreign)
    _check_bool("allow_unknown_jurisdiction", allow_unknown_jurisdiction)
    sector_labels = _check_labels("sectors", sectors)
    zone_labels = _check_labels("zones", zones)

    @st.composite
    def draw_entity(draw: st.DrawFn) -> Entity:
        entity_id = draw(id_strategy)
        name = draw(_names())
        fields: dict[str, object] = {
            "id": entity_id,
            "kind": draw(st.sampled_from(kind_choices)),
            "jurisdiction": draw(
                st.one_of(jurisdiction, st.none()) if allow_unknown_jurisdiction else jurisdiction
            ),
            "sectors": draw(_subsets(sector_labels)),
            "zones": draw(_subsets(zone_labels)),
        }
        if name is not None:
            fields["name"] = name
        return Entity(**fields)  # type: ignore[arg-type]

    return draw_entity()


@functools.cache
def _subsets(labels: tuple[str, ...] | None) -> SearchStrategy[list[str]]:
    if not labels:
        return st.just([])
    return st.lists(st.sampled_from(labels), unique=True, max_size=len(labels))


@functools.cache
def _distinct_dates(count: int) -> SearchStrategy[list[dt.date]]:
    return st.lists(_dates(), min_size=count, max_size=count, unique=True)


@functools.cache
def _maybe_dates() -> SearchStrategy[dt.date | None]:
    return st.one_of(st.none(), _dates())


@functools.cache
def _dates() -> SearchStrategy[dt.date]:
    return st.integers(0, _DAYS).map(lambda days: _FIRST_DAY + dt.timedelta(days=days))


def holdings(
    *,
    owners: str | SearchStrategy[str] | None = None,
    owned: str | SearchStrategy[str] | None = None,
    max_value: ShareLike = 1,
    allow_ranges: bool = False,
    allow_dates: bool = False,
) -> SearchStrategy[Holding]:
    """Holdings (:class:`~jvmodel.Holding`): one stake of an owner in an owned entity.

    Parameters
    ----------
    owners, owned : str or strategy, optional
        The ids (fixed, or a strategy); short lower-case ids by default.  When
        both are drawn the same, the holding records treasury shares (exact, at
        most half, without votes).
    max_value : share-like
        The largest stake (and largest range bound) drawn.
    allow_ranges : bool
        Whether stakes may be ranges (:class:`~jvmodel.Range`).
    allow_dates : bool
        Whether the holding may have a validity period.

    Shrinks towards an undated holding of 0% with votes equal to the equity.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(holdings(owners="bt", owned="jv", max_value="50%"))
    ... def test_bt(h):
    ...     assert h.owner == "bt" and h.equity <= Fraction(1, 2)
    >>> test_bt()
    """
    owner_ids = _ids_strategy("owners", owners)
    owned_ids = _ids_strategy("owned", owned)
    high = _check_share("max_value", max_value)
    _check_bool("allow_ranges", allow_ranges)
    _check_bool("allow_dates", allow_dates)

    @st.composite
    def draw_holding(draw: st.DrawFn) -> Holding:
        def stake() -> Fraction | Range:
            if allow_ranges and draw(st.booleans()):
                return _range_between(draw, _ZERO, high)
            return _share_between(draw, _ZERO, high)

        owner = draw(owner_ids)
        owned = draw(owned_ids)
        if owner == owned:
            # Treasury shares: exact, below 100% (at most half, or max_value if lower),
            # and without votes of their own.
            equity: Fraction | Range = _share_between(draw, _ZERO, min(high, _HALF))
            voting = None
        else:
            equity = stake()
            voting = stake() if draw(st.booleans()) else None
        start = end = None
        if allow_dates:
            start = draw(_maybe_dates())
            end = draw(_maybe_dates())
            if start is not None and end is not None and end < start:
                start, end = end, start
        return Holding(
            owner=owner,
            owned=owned,
            equity=equity,
            voting=voting,
            valid_from=start,
            valid_to=end,
        )

    return draw_holding()


def control_links(
    *,
    controllers: str | SearchStrategy[str] | None = None,
    controlled: str | SearchStrategy[str] | None = None,
    allow_dates: bool = False,
) -> SearchStrategy[ControlLink]:
    """Control links (:class:`~jvmodel.ControlLink`) between two different entities.

    Shrinks towards an undated contractual (VIE) link between one-letter ids.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(control_links(controllers="wfoe"))
    ... def test_link(link):
    ...     assert link.controller == "wfoe" != link.controlled
    >>> test_link()
    """
    controller_ids = _ids_strategy("controllers", controllers)
    controlled_ids = _ids_strategy("controlled", controlled)
    if isinstance(controllers, str) and controllers == controlled:
        raise InvalidArgument(
            f"controllers={controllers!r} and controlled={controlled!r} are the same; "
            "an entity cannot control itself by contract"
        )
    _check_bool("allow_dates", allow_dates)

    @st.composite
    def draw_link(draw: st.DrawFn) -> ControlLink:
        controller = draw(controller_ids)
        target = draw(controlled_ids.filter(lambda other: other != controller))
        start = end = None
        if allow_dates:
            start = draw(_maybe_dates())
            end = draw(_maybe_dates())
            if start is not None and end is not None and end < start:
                start, end = end, start
        return ControlLink(
            controller=controller,
            controlled=target,
            basis=draw(st.sampled_from(BASES)),
            valid_from=start,
            valid_to=end,
        )

    return draw_link()


# -- graphs ------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _GraphOptions:
    min_entities: int
    max_entities: int
    max_depth: int | None
    allow_cycles: bool
    allow_closed_loops: bool
    allow_ranges: bool
    allow_control_links: bool
    allow_treasury: bool
    allow_dates: bool
    allow_unknown_jurisdictions: bool
    undisclosed: bool
    host: str | None
    foreign_fraction: Fraction | None
    sectors: tuple[str, ...] | None


def _allocate(draw: st.DrawFn, count: int, *, exact_total: bool) -> list[Fraction]:
    """``count`` positive stakes adding up to at most 1 (exactly 1 if ``exact_total``).

    Each stake but the last is drawn strictly below what is left, so the last
    always has room; the last takes all that is left when the total must be
    exact (and sometimes otherwise: a fully disclosed entity).
    """
    stakes: list[Fraction] = []
    left = _ONE
    for index in range(count):
        if index == count - 1 and (exact_total or draw(st.booleans())):
            stakes.append(left)
        else:
            stake = _portion(draw, left)
            stakes.append(stake)
            left -= stake
    return stakes


def _history(
    draw: st.DrawFn,
) -> tuple[list[tuple[dt.date | None, dt.date, Fraction]], dt.date | None]:
    """Earlier periods of a holding, and the first day of the current one.

    Each earlier period comes with a factor in (0, 1] that scales today's stakes,
    so on any day the stakes in force in an entity add up to no more than today's.
    """
    mode = draw(_HISTORY_MODES)
    if mode == "undated":
        return [], None
    periods = draw(st.integers(1, 2)) if mode == "history" else 0
    count = 2 * periods + 1
    days = sorted(draw(_distinct_dates(count)))
    earlier: list[tuple[dt.date | None, dt.date, Fraction]] = []
    for index in range(periods):
        start: dt.date | None = days[2 * index]
        if index == 0 and draw(st.booleans()):
            start = None  # in force since before the record begins
        factor = _share_between(draw, Fraction(1, 100), _ONE)
        earlier.append((start, days[2 * index + 1], factor))
    return earlier, days[-1]


@st.composite
def _graphs(draw: st.DrawFn, options: _GraphOptions) -> OwnershipGraph:
    size = draw(st.integers(options.min_entities, options.max_entities))
    ids = [f"e{index}" for index in range(size)]
    # Layers: an entity may only be held (forward) by entities of a lower layer,
    # so no chain of holdings is longer than max_depth.
    if options.max_depth is None:
        layers = list(range(size))
    else:
        layers = sorted(
            draw(st.lists(st.integers(0, options.max_depth), min_size=size, max_size=size))
        )
    holders: list[list[int]] = []
    for index in range(size):
        forward = [i for i in range(index) if layers[i] < layers[index]]
        chosen = _pick(draw, forward, _MAX_HOLDERS)
        # A holder later in the order closes a cycle.  The entity also keeps a
        # holder earlier in the order, so the earliest member of any cycle has an
        # owner outside it and no set of entities owns itself entirely.
        if options.allow_cycles and (chosen or options.allow_closed_loops):
            later = list(range(index + 1, size))
            chosen += _pick(draw, later, _MAX_BACK_HOLDERS)
        holders.append(chosen)
    foreign = _foreign_flags(draw, size, options)
    g = OwnershipGraph()
    for index, entity_id in enumerate(ids):
        owned = bool(holders[index])
        if options.host is None:
            jurisdiction: str | None = draw(_any_jurisdiction())
        else:
            jurisdiction = draw(
                _foreign(options.host) if foreign[index] else _domestic(options.host)
            )
        if options.allow_unknown_jurisdictions and draw(st.booleans()):
            jurisdiction = None
        fields: dict[str, object] = {
            "id": entity_id,
            "kind": draw(st.sampled_from(_OWNED_KINDS if owned else KINDS)),
            "jurisdiction": jurisdiction,
            "sectors": draw(_subsets(options.sectors)),
        }
        name = draw(_names())
        if name is not None:
            fields["name"] = name
        g.add_entity(Entity(**fields))  # type: ignore[arg-type]
    for index, entity_id in enumerate(ids):
        _add_stakes(draw, g, entity_id, [ids[i] for i in holders[index]], options)
    if options.allow_control_links and size >= 2:
        links = draw(
            st.lists(
                st.tuples(
                    st.integers(0, size - 1), st.integers(0, size - 2), st.sampled_from(BASES)
                ),
                max_size=size,
                unique_by=lambda link: (link[0], link[1], link[2]),
            )
        )
        for controller, other, basis in links:
            controlled = other + 1 if other >= controller else other  # never itself
            g.add_control(ids[controller], ids[controlled], basis=basis)
    return g


def _pick(draw: st.DrawFn, candidates: list[int], most: int) -> list[int]:
    """Up to ``most`` distinct candidates; shrinks towards none, then the first ones."""
    pool = list(candidates)
    count = _integer(draw, 0, min(most, len(pool)))
    return [pool.pop(_integer(draw, 0, len(pool) - 1)) for _ in range(count)]


def _foreign_flags(draw: st.DrawFn, size: int, options: _GraphOptions) -> list[bool]:
    if options.foreign_fraction is None:
        return [draw(st.booleans()) for _ in range(size)]
    # Round half up: the nearest whole number of foreign entities.
    count = math.floor(options.foreign_fraction * size + Fraction(1, 2))
    order = draw(st.permutations(range(size)))
    chosen = set(order[:count])
    return [index in chosen for index in range(size)]


def _add_stakes(
    draw: st.DrawFn, g: OwnershipGraph, owned: str, owners: list[str], options: _GraphOptions
) -> None:
    exact_total = not options.undisclosed
    if owners and options.allow_treasury and draw(st.booleans()):
        owners = [*owners, owned]  # treasury never the only holder: it must stay below 1
    if not owners:
        return
    equity = _allocate(draw, len(owners), exact_total=exact_total)
    # Own shares carry no votes and are left out of both measures, so an entity
    # with treasury shares has no separate voting allocation.
    separate = owned not in owners and draw(st.booleans())
    voting = _allocate(draw, len(owners), exact_total=exact_total) if separate else None
    room = _ONE - sum(equity, _ZERO)
    for position, owner in enumerate(owners):
        point = equity[position]
        votes = point if voting is None else voting[position]
        stake: Fraction | Range = point
        # Treasury shares are recorded exactly.
        if owner != owned and options.allow_ranges and draw(st.booleans()):
            # The lower end fits inside the point allocation, the upper end inside
            # it plus what is undisclosed.
            low = _share_between(draw, _ZERO, point)
            high = _share_between(draw, point, point + room)
            closed = "both" if low == high else draw(st.sampled_from(_CLOSED))
            stake = Range(low, high, closed=closed)  # type: ignore[arg-type]
        earlier, since = _history(draw) if options.allow_dates else ([], None)
        for start, end, factor in earlier:
            g.add_holding(
                Holding(
                    owner=owner,
                    owned=owned,
                    equity=point * factor,
                    voting=votes * factor,
                    valid_from=start,
                    valid_to=end,
                )
            )
        g.add_holding(
            Holding(
                owner=owner,
                owned=owned,
                equity=stake,
                voting=None if voting is None else votes,
                valid_from=since,
            )
        )


def ownership_graphs(
    *,
    min_entities: int = 1,
    max_entities: int = 30,
    max_depth: int | None = None,
    allow_cycles: bool = False,
    allow_closed_loops: bool = False,
    allow_ranges: bool = False,
    allow_control_links: bool = False,
    allow_treasury: bool = False,
    allow_dates: bool = False,
    allow_unknown_jurisdictions: bool = False,
    undisclosed: bool = True,
    host: str | None = "CN",
    foreign_fraction: ShareLike | None = None,
    sectors: Sequence[str] | None = None,
) -> SearchStrategy[OwnershipGraph]:
    """Ownership graphs (:class:`~jvmodel.OwnershipGraph`) that are valid by construction.

    Entities are ``e0``, ``e1``, ...; holdings run from earlier entities to later
    ones (so ``e0`` is always an ultimate owner), plus, with ``allow_cycles``,
    some from later to earlier ones.  Every graph is built through the public
    ``add_*`` methods, so it has passed the graph's own validation.

    Parameters
    ----------
    min_entities, max_entities : int
        How many entities.
    max_depth : int, optional
        The longest chain of holdings (0: no holdings at all).  With
        ``allow_cycles`` it bounds the chains before cycles are added.
    allow_cycles : bool
        Whether cross-holdings may occur.  An entity held from later in the order
        also keeps a holder from earlier in the order, so every cycle has an
        owner outside it and look-through is defined.
    allow_closed_loops : bool
        Whether a set of entities may own each other entirely with no outside
        owner (for testing :class:`~jvmodel.CircularOwnershipError`); needs
        ``allow_cycles``.  Such loops are then possible, not certain.
    allow_ranges : bool
        Whether some equity stakes are ranges; each range contains the point
        stake it stands for, and its upper end fits in what is undisclosed.
    allow_control_links : bool
        Whether to add control links (contract, board, voting agreement).
    allow_treasury : bool
        Whether entities may hold their own shares (never all of them).
    allow_dates : bool
        Whether holdings may have validity periods, with earlier periods of a
        holding at a stake no larger than today's.  The rules below then hold
        for today's structure (``as_of=None``); on an earlier day the stakes in
        an entity add up to no more than today's, and no closed loop appears.
    allow_unknown_jurisdictions : bool
        Whether some entities have no jurisdiction.
    undisclosed : bool
        True: the stakes in an entity add up to at most 1.  False: exactly 1 in
        every entity that has holders (also for the voting stakes).
    host : str or None
        The host country; None draws any jurisdictions.
    foreign_fraction : share-like, optional
        The fraction of entities with a foreign jurisdiction (rounded to the
        nearest whole entity, half up); by default each entity is drawn
        domestic or foreign.  Needs ``host``.
    sectors : list of str, optional
        Sector ids to draw each entity's sectors from (none by default).

    Shrinks towards ``min_entities`` domestic companies without holdings, then
    to shallow chains of whole-percentage stakes (1%, 2%, ...) that leave part
    of each entity undisclosed.

    Examples
    --------
    >>> from hypothesis import given
    >>> import jvmodel as jvm
    >>> @given(ownership_graphs(max_entities=8, undisclosed=False))
    ... def test_fully_disclosed(g):
    ...     for entity in g:
    ...         stakes = [h.equity for h in g.holdings_of(entity)]
    ...         if stakes:  # not an ultimate owner
    ...             assert sum(stakes) == 1
    ...             assert jvm.UNDISCLOSED not in jvm.effective_ownership(g, entity)
    >>> test_fully_disclosed()
    """
    return _graphs(
        _graph_options(
            min_entities=min_entities,
            max_entities=max_entities,
            max_depth=max_depth,
            allow_cycles=allow_cycles,
            allow_closed_loops=allow_closed_loops,
            allow_ranges=allow_ranges,
            allow_control_links=allow_control_links,
            allow_treasury=allow_treasury,
            allow_dates=allow_dates,
            allow_unknown_jurisdictions=allow_unknown_jurisdictions,
            undisclosed=undisclosed,
            host=host,
            foreign_fraction=foreign_fraction,
            sectors=sectors,
        )
    )


def _graph_options(
    *,
    min_entities: object,
    max_entities: object,
    max_depth: object,
    allow_cycles: bool,
    allow_closed_loops: bool,
    allow_ranges: bool,
    allow_control_links: bool,
    allow_treasury: bool,
    allow_dates: bool,
    allow_unknown_jurisdictions: bool,
    undisclosed: bool,
    host: object,
    foreign_fraction: object,
    sectors: object,
) -> _GraphOptions:
    low = _check_count("min_entities", min_entities)
    high = _check_count("max_entities", max_entities)
    _check_order("min_entities", low, "max_entities", high)
    depth = None if max_depth is None else _check_count("max_depth", max_depth)
    for name, flag in [
        ("allow_cycles", allow_cycles),
        ("allow_closed_loops", allow_closed_loops),
        ("allow_ranges", allow_ranges),
        ("allow_control_links", allow_control_links),
        ("allow_treasury", allow_treasury),
        ("allow_dates", allow_dates),
        ("allow_unknown_jurisdictions", allow_unknown_jurisdictions),
        ("undisclosed", undisclosed),
    ]:
        _check_bool(name, flag)
    if allow_closed_loops and not allow_cycles:
        raise InvalidArgument(
            "allow_closed_loops=True needs allow_cycles=True (a closed loop is a cycle)"
        )
    host_code = _check_host("host", host)
    fraction = None
    if foreign_fraction is not None:
        fraction = _check_share("foreign_fraction", foreign_fraction)
        if host_code is None:
            raise InvalidArgument(
                f"foreign_fraction={foreign_fraction!r} needs host= (foreign to which country?)"
            )
    return _GraphOptions(
        min_entities=low,
        max_entities=high,
        max_depth=depth,
        allow_cycles=allow_cycles,
        allow_closed_loops=allow_closed_loops,
        allow_ranges=allow_ranges,
        allow_control_links=allow_control_links,
        allow_treasury=allow_treasury,
        allow_dates=allow_dates,
        allow_unknown_jurisdictions=allow_unknown_jurisdictions,
        undisclosed=undisclosed,
        host=host_code,
        foreign_fraction=fraction,
        sectors=_check_labels("sectors", sectors),
    )


def joint_ventures(
    *,
    min_parents: int = 2,
    max_parents: int = 4,
    max_entities: int = 12,
    max_depth: int | None = None,
    allow_cycles: bool = False,
    allow_ranges: bool = False,
    undisclosed: bool = True,
    host: str = "CN",
    sectors: Sequence[str] | None = None,
) -> SearchStrategy[tuple[OwnershipGraph, str]]:
    """Joint ventures: a graph and the id of a target held by two or more parents.

    The target (id ``"jv"``) is a domestic company of ``host``; at least one of
    its parents has a foreign jurisdiction.  Above the parents is a graph drawn
    like :func:`ownership_graphs` with the same options, so a foreign parent
    may itself be held by domestic owners (round-tripping): its look-through
    foreign share, and the joint venture's, can be 0.

    Parameters
    ----------
    min_parents, max_parents : int
        How many direct holders the joint venture has (at least 2).
    max_entities : int
        The most entities above the joint venture (at least ``max_parents``).
    max_depth, allow_cycles, allow_ranges, undisclosed, host
        As for :func:`ownership_graphs`; ``undisclosed=False`` also makes the
        parents' stakes in the joint venture add up to exactly 1.
    sectors : list of str, optional
        The joint venture gets one of these sectors (none by default), so
        :func:`jvmodel.check` can find its cap.

    Shrinks towards two parents without owners of their own, one of them
    foreign, holding whole percentages of the joint venture.

    Examples
    --------
    >>> from hypothesis import given
    >>> import jvmodel as jvm
    >>> @given(joint_ventures(sectors=["vpn"], undisclosed=False))
    ... def test_parents(example):
    ...     g, jv = example
    ...     parents = [g.entity(h.owner) for h in g.holdings_of(jv)]
    ...     assert len(parents) >= 2
    ...     assert any(parent.country != "CN" for parent in parents)
    ...     assert 0 <= jvm.foreign_share(g, jv, host="CN") <= 1
    >>> test_parents()
    """
    low = _check_count("min_parents", min_parents, least=2)
    high = _check_count("max_parents", max_parents, least=2)
    _check_order("min_parents", low, "max_parents", high)
    size = _check_count("max_entities", max_entities)
    _check_order("max_parents", high, "max_entities", size)
    options = _graph_options(
        min_entities=low,
        max_entities=size,
        max_depth=max_depth,
        allow_cycles=allow_cycles,
        allow_closed_loops=False,
        allow_ranges=allow_ranges,
        allow_control_links=False,
        allow_treasury=False,
        allow_dates=False,
        allow_unknown_jurisdictions=False,
        undisclosed=undisclosed,
        host=host,
        foreign_fraction=None,
        sectors=None,
    )
    host_code = _check_host("host", host, required=True)
    assert host_code is not None
    sector_labels = _check_labels("sectors", sectors)

    @st.composite
    def draw_jv(draw: st.DrawFn) -> tuple[OwnershipGraph, str]:
        count = draw(st.integers(low, high))
        g = draw(_graphs(attrs.evolve(options, min_entities=count)))
        ids = list(g)
        parents = draw(st.lists(st.sampled_from(ids), unique=True, min_size=count,
                                max_size=count))  # fmt: skip
        if not any(g.entity(p).country not in (None, host_code) for p in parents):
            first = g.entity(parents[0])
            g.replace_entity(
                attrs.evolve(first, jurisdiction=draw(jurisdictions(host=host_code, foreign=True)))
            )
        g.add_entity(
            "jv",
            kind="company",
            jurisdiction=draw(jurisdictions(host=host_code, foreign=False)),
            sectors=[draw(st.sampled_from(sector_labels))] if sector_labels else [],
        )
        for parent, stake in zip(
            parents, _allocate(draw, count, exact_total=not undisclosed), strict=True
        ):
            g.add_holding(parent, "jv", stake)
        return g, "jv"

    return draw_jv()


# -- regimes -------------------------------------------------------------------------


def caps(
    *, sectors: Sequence[str] | None = None, allow_uncapped: bool = True
) -> SearchStrategy[Cap]:
    """Caps (:class:`~jvmodel.Cap`) on one sector, with no dates or zones.

    Parameters
    ----------
    sectors : list of str, optional
        The sector ids to draw from (:data:`SECTORS` by default).
    allow_uncapped : bool
        Whether the limit may be None (an uncapped sector).

    Shrinks towards an inclusive cap of 50% on equity, then to other typical
    limits (49%, 25%, 1/3, 20%, 0%, 100%), then to any share.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(caps(sectors=["vpn"], allow_uncapped=False))
    ... def test_cap(cap):
    ...     assert cap.sector == "vpn" and 0 <= cap.limit <= 1
    >>> test_cap()
    """
    labels = _check_labels("sectors", sectors) or SECTORS
    _check_bool("allow_uncapped", allow_uncapped)
    limits: list[SearchStrategy[Fraction | None]] = [st.sampled_from(_TYPICAL_CAPS), shares()]
    if allow_uncapped:
        limits.append(st.none())
    return st.builds(
        Cap,
        sector=st.sampled_from(labels),
        limit=st.one_of(limits),
        inclusive=st.booleans().map(operator.not_),
        measure=st.sampled_from(("equity", "voting")),
        kind=st.sampled_from(("cap", "benchmark")),
        source=st.just("synthetic cap drawn by jvmodel.strategies"),
    )


def _bundled(host: str | None, sectors: tuple[str, ...] | None) -> list[str]:
    chosen = []
    for name in _registry.names():
        regime = _registry.get(name)
        if host is not None and regime.host != host:
            continue
        if sectors is not None and not set(sectors) <= set(regime.sectors()):
            continue
        chosen.append(name)
    return chosen


def regimes(
    *,
    host: str | None = None,
    sectors: Sequence[str] | None = None,
    bundled: bool = True,
    synthetic: bool = True,
) -> SearchStrategy[Regime]:
    """Regimes (:class:`~jvmodel.Regime`): bundled ones, and synthetic ones with random caps.

    Parameters
    ----------
    host : str, optional
        Only regimes with this host country.
    sectors : list of str, optional
        Only regimes that cap every one of these sectors; synthetic regimes get
        a cap on each of them (and on no other).
    bundled : bool
        Whether to draw the regimes of :func:`jvmodel.regimes.names`.
    synthetic : bool
        Whether to draw synthetic regimes: one undated cap per sector drawn with
        :func:`caps`, a method per measure from
        :func:`jvmodel.methods.method_names`, any undisclosed policy, and for a
        Chinese host sometimes the Hong Kong, Macau and Taiwan rule.

    Shrinks towards the first bundled regime (by name), then towards a
    synthetic regime with an inclusive 50% equity cap, proportional methods and
    undisclosed ownership counted as foreign.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(regimes(host="CN", sectors=["vpn"]))
    ... def test_vpn_capped(regime):
    ...     assert regime.host == "CN" and "vpn" in regime.sectors()
    >>> test_vpn_capped()
    """
    host_code = _check_host("host", host)
    labels = _check_labels("sectors", sectors)
    _check_bool("bundled", bundled)
    _check_bool("synthetic", synthetic)
    if not (bundled or synthetic):
        raise InvalidArgument("bundled=False and synthetic=False leave no regime to draw")
    choices: list[SearchStrategy[Regime]] = []
    if bundled:
        names = _bundled(host_code, labels)
        if names:
            choices.append(st.sampled_from(names).map(_registry.get))
        elif not synthetic:
            raise InvalidArgument(
                f"no bundled regime has host={host!r} and caps every one of sectors={sectors!r}"
            )
    if synthetic:
        choices.append(_synthetic(host_code, labels))
    return st.one_of(choices)


@st.composite
def _synthetic(draw: st.DrawFn, host: str | None, labels: tuple[str, ...] | None) -> Regime:
    country = host if host is not None else draw(st.sampled_from(_COUNTRY_ORDER))
    sector_ids = (
        labels
        if labels is not None
        else draw(st.lists(st.sampled_from(SECTORS), unique=True, min_size=1))
    )
    drawn = [draw(caps(sectors=[sector])) for sector in sector_ids]
    special = _SPECIAL_FOREIGN.get(country, ())
    names = method_names()
    return Regime(
        name=f"synthetic-{country.lower()}",
        title="A synthetic regime drawn by jvmodel.strategies",
        host=country,
        foreign=special if special and not draw(st.booleans()) else (),
        methods={
            "equity": draw(st.sampled_from(names)),
            "voting": draw(st.sampled_from(names)),
        },
        undisclosed=draw(st.sampled_from(_POLICIES)),
        caps=tuple(drawn),
    )


def _registered_entities() -> SearchStrategy[Entity]:
    """What ``st.from_type(jvm.Entity)`` draws: any entity, sectors and all."""
    return entities(sectors=SECTORS, allow_unknown_jurisdiction=True)
