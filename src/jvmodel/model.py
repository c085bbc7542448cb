"""The value types of an ownership structure: entities, holdings and control links.

All three are frozen attrs classes, validated and normalised on construction
(country codes upper-cased, shares turned into exact fractions); change one with
:func:`attrs.evolve`, which validates again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any, Literal, TypeAlias

import attrs

from jvmodel._iso3166 import COUNTRIES
from jvmodel._numeric import Range, format_share, parse_share
from jvmodel._text import show, text_problem
from jvmodel.errors import InvalidEntityError, InvalidShareError

__all__ = [
    "BASES",
    "DIRECTNESS",
    "INTERESTS",
    "KINDS",
    "ControlBasis",
    "ControlLink",
    "DeclaredInterest",
    "Directness",
    "Entity",
    "EntityKind",
    "Holding",
    "Stake",
]

EntityKind: TypeAlias = Literal[
    "company", "person", "state", "fund", "trust", "partnership", "float"
]
ControlBasis: TypeAlias = Literal["contract", "board", "voting_agreement"]
Stake: TypeAlias = "Fraction | Range"

Directness: TypeAlias = Literal["direct", "indirect", "unknown"]

KINDS: tuple[str, ...] = ("company", "person", "state", "fund", "trust", "partnership", "float")
BASES: tuple[str, ...] = ("contract", "board", "voting_agreement")
DIRECTNESS: tuple[str, ...] = ("direct", "indirect", "unknown")
# The interest types of the Beneficial Ownership Data Standard 0.4 (a closed codelist).
INTERESTS: tuple[str, ...] = (
    "shareholding",
    "votingRights",
    "appointmentOfBoard",
    "otherInfluenceOrControl",
    "seniorManagingOfficial",
    "settlor",
    "trustee",
    "protector",
    "beneficiaryOfLegalArrangement",
    "rightsToSurplusAssetsOnDissolution",
    "rightsToProfitOrIncome",
    "rightsGrantedByContract",
    "conditionalRightsGrantedByContract",
    "controlViaCompanyRulesOrArticles",
    "controlByLegalFramework",
    "boardMember",
    "boardChair",
    "unknownInterest",
    "unpublishedInterest",
    "enjoymentAndUseOfAssets",
    "rightToProfitOrIncomeFromAssets",
    "nominee",
    "nominator",
)

_JURISDICTION_RE = re.compile(r"([A-Z]{2})(?:-([A-Z0-9]{1,3}))?")
# The key under which analysis results report the undisclosed remainder
# (jvmodel.UNDISCLOSED); an entity with that id would merge with it.
_RESERVED_IDS = frozenset({"(undisclosed)"})


def _check_id(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    """Ids: non-blank strings, NFC, no surrounding whitespace or invisible characters."""
    if not isinstance(value, str):
        raise InvalidEntityError(
            f"{attribute.name} must be a string, not {type(value).__name__} {show(value)}",
            field=attribute.name,
            value=value,
        )
    if not value.strip():
        raise InvalidEntityError(
            f"{attribute.name} {show(value)} is empty; give every entity a non-blank id",
            field=attribute.name,
            value=value,
        )
    problem = text_problem(value, identifier=True)
    if problem is not None:
        raise InvalidEntityError(
            f"{attribute.name} {show(value)} {problem}; an id is a visible, "
            "NFC-normalised string without surrounding whitespace",
            field=attribute.name,
            value=value,
        )
    if value in _RESERVED_IDS:
        raise InvalidEntityError(
            f"{attribute.name} {value!r} is reserved for the undisclosed remainder in "
            "analysis results; choose another id",
            field=attribute.name,
            value=value,
        )


def _check_text(value: object, field: str, owner: str = "") -> None:
    """Other text fields: a string without control characters or lone surrogates."""
    if not isinstance(value, str):
        raise InvalidEntityError(
            f"{field}{owner} must be a string, not {type(value).__name__} {show(value)}",
            field=field,
            value=value,
        )
    problem = text_problem(value, identifier=False)
    if problem is not None:
        raise InvalidEntityError(
            f"{field}{owner} {show(value)} {problem}", field=field, value=value
        )


def normalise_jurisdiction(value: object) -> str | None:
    """Upper-case and check an ISO 3166-1 alpha-2 or ISO 3166-2 code.

    Examples
    --------
    >>> normalise_jurisdiction("cn-bj"), normalise_jurisdiction(" gb ")
    ('CN-BJ', 'GB')
    >>> normalise_jurisdiction("UK")
    Traceback (most recent call last):
    ...
    jvmodel.errors.InvalidEntityError: jurisdiction 'UK' is not an ISO 3166 code; use 'GB' ...
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidEntityError(
            f"jurisdiction must be an ISO 3166 code string, not {type(value).__name__} "
            f"{show(value)}",
            field="jurisdiction",
            value=value,
        )
    # ASCII before upper-casing: "ıt".upper() is "IT", and "ｇｂ" is not "GB".
    code = value.strip().upper() if value.isascii() else value
    match = _JURISDICTION_RE.fullmatch(code)
    if match is None or match[1] not in COUNTRIES:
        hint = (
            "; use 'GB' for the United Kingdom"
            if match and match[1] == "UK"
            else (
                "; give an ISO 3166-1 alpha-2 country code such as 'CN' or 'GB', "
                "or an ISO 3166-2 subdivision such as 'CN-BJ'"
            )
        )
        raise InvalidEntityError(
            f"jurisdiction {show(value)} is not an ISO 3166 code{hint}",
            field="jurisdiction",
            value=value,
        )
    return code


def _labels(value: object, field: str) -> tuple[str, ...]:
    """Normalise sectors or zones to a tuple of unique non-empty strings, in order."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = (value,)
    # A mapping would iterate over its keys: a JSON object is not a list of labels.
    if not isinstance(value, Iterable) or isinstance(value, Mapping | bytes):
        raise InvalidEntityError(
            f"{field} must be a list of strings, not {type(value).__name__}",
            field=field,
            value=value,
        )
    seen: dict[str, None] = {}
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise InvalidEntityError(
                f"{field} must hold non-empty strings; got {show(item)}", field=field, value=item
            )
        _check_text(item, field)
        seen.setdefault(item.strip(), None)
    return tuple(seen)


def _sectors(value: object) -> tuple[str, ...]:
    return _labels(value, "sectors")


def _zones(value: object) -> tuple[str, ...]:
    return _labels(value, "zones")


def _check_kind(_instance: object, _attribute: object, value: object) -> None:
    if value not in KINDS:
        raise InvalidEntityError(
            f"kind {show(value)} is not one of {', '.join(KINDS)}", field="kind", value=value
        )


@attrs.frozen(kw_only=True)
class Entity:
    """A company, JV, person, state body, fund, trust, partnership or listed float.

    Parameters
    ----------
    id : str
        Unique, non-blank identifier.
    name : str
        Display name; defaults to the id.
    kind : {"company", "person", "state", "fund", "trust", "partnership", "float"}
    jurisdiction : str or None
        ISO 3166-1 alpha-2 country (``"GB"``) or ISO 3166-2 subdivision
        (``"CN-BJ"``); for a person, the nationality.  None when unknown: an
        ultimate owner without a jurisdiction counts like undisclosed ownership.
    sectors, zones : sequence of str
        The regulated sectors the entity operates in, and the zones it is
        registered in (which zone-scoped caps apply).

    Examples
    --------
    >>> jv = Entity(id="jv", kind="company", jurisdiction="cn-bj", sectors=["vpn"])
    >>> jv.jurisdiction, jv.country, jv.name, jv.sectors
    ('CN-BJ', 'CN', 'jv', ('vpn',))
    """

    id: str = attrs.field(validator=_check_id)
    name: str = attrs.field(default=attrs.Factory(lambda self: self.id, takes_self=True))
    kind: EntityKind = attrs.field(default="company", validator=_check_kind)
    jurisdiction: str | None = attrs.field(default=None, converter=normalise_jurisdiction)
    sectors: tuple[str, ...] = attrs.field(default=(), converter=_sectors)
    zones: tuple[str, ...] = attrs.field(default=(), converter=_zones)

    @name.validator
    def _check_name(self, _attribute: object, value: object) -> None:
        _check_text(value, "name", f" of {self.id!r}")

    @property
    def country(self) -> str | None:
        """The country part of the jurisdiction (``"CN"`` for ``"CN-BJ"``)."""
        return None if self.jurisdiction is None else self.jurisdiction[:2]


def _stake(value: object) -> Stake:
    if isinstance(value, Range):
        return value
    if isinstance(value, dict):
        try:
            return Range(value["min"], value["max"], closed=value.get("closed", "both"))
        except KeyError as missing:
            raise InvalidShareError(
                f"a range needs 'min' and 'max'; {missing} is missing from {show(value)}",
                value=value,
            ) from None
    return parse_share(value)


def _optional_stake(value: object) -> Stake | None:
    return None if value is None else _stake(value)


def _voting(value: object, holding: Any) -> Stake:
    """The voting stake: the equity stake unless given."""
    return holding.equity if value is None else _stake(value)


def _check_date(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
        raise InvalidEntityError(
            f"{attribute.name} must be a datetime.date, not {type(value).__name__} {show(value)}",
            field=attribute.name,
            value=value,
        )


def _check_source(_instance: object, _attribute: object, value: Any) -> None:
    if value is not None:
        _check_text(value, "source")


def _check_period(start: dt.date | None, end: dt.date | None, what: str) -> None:
    if start is not None and end is not None and end < start:
        raise InvalidEntityError(
            f"{what} ends on {end} before it starts on {start}; swap valid_from and valid_to",
            field="valid_to",
            value=end,
        )


def covers(start: dt.date | None, end: dt.date | None, as_of: dt.date | None) -> bool:
    """Whether the period [start, end] (both ends inclusive) covers ``as_of``.

    ``as_of=None`` means today's structure: whatever has no end date.
    """
    if as_of is None:
        return end is None
    return (start is None or start <= as_of) and (end is None or as_of <= end)


@attrs.frozen(kw_only=True)
class Holding:
    """A stake of ``owner`` in ``owned``: equity, and voting that defaults to equity.

    Parameters
    ----------
    owner, owned : str
        Entity ids.  ``owner == owned`` records treasury (own) shares: they carry
        no votes, so their ``voting`` is their equity (or omitted), and the
        look-through leaves them out of both measures and renormalises the other
        stakes.  An entity cannot hold all of its own shares.
    equity : share-like or Range
        The fraction of the equity held.
    voting : share-like or Range, optional
        The fraction of the votes held; the equity when not given.
    valid_from, valid_to : datetime.date, optional
        The first and last day the holding applies (both inclusive).
    source : str, optional
        Where the figure comes from (a filing, a register, a statement id).

    Examples
    --------
    >>> h = Holding(owner="bt", owned="jv", equity="50%")
    >>> h.equity, h.voting
    (Fraction(1, 2), Fraction(1, 2))
    """

    owner: str = attrs.field(validator=_check_id)
    owned: str = attrs.field(validator=_check_id)
    equity: Stake = attrs.field(converter=_stake)
    voting: Stake = attrs.field(
        default=None,
        converter=attrs.Converter(_voting, takes_self=True),  # type: ignore[misc]
    )
    valid_from: dt.date | None = attrs.field(default=None, validator=_check_date)
    valid_to: dt.date | None = attrs.field(default=None, validator=_check_date)
    source: str | None = attrs.field(default=None, validator=_check_source)

    def __attrs_post_init__(self) -> None:
        _check_period(
            self.valid_from, self.valid_to, f"holding of {self.owner!r} in {self.owned!r}"
        )
        if self.owner == self.owned:
            if self.voting != self.equity:
                raise InvalidEntityError(
                    f"treasury holding of {self.owner!r} in itself has voting "
                    f"{_show_stake(self.voting)} other than its equity "
                    f"{_show_stake(self.equity)}; own shares carry no votes and are left "
                    "out of both measures, so omit voting",
                    field="voting",
                    value=self.voting,
                )
            if self.equity == 1:
                raise InvalidEntityError(
                    f"treasury holding of {self.owner!r} in itself is 100%; an entity "
                    "cannot hold all of its own shares (record its owners instead)",
                    field="equity",
                    value=self.equity,
                )

    def stake(self, measure: str) -> Stake:
        """The equity or voting stake (``measure`` is ``"equity"`` or ``"voting"``)."""
        return self.voting if measure == "voting" else self.equity

    def covers(self, as_of: dt.date | None) -> bool:
        """Whether the holding applies on ``as_of`` (None: has no end date)."""
        return covers(self.valid_from, self.valid_to, as_of)

    @property
    def is_treasury(self) -> bool:
        """Whether these are the entity's own shares."""
        return self.owner == self.owned


def _show_stake(stake: Stake) -> str:
    return repr(stake) if isinstance(stake, Range) else format_share(stake)


def _check_basis(_instance: object, _attribute: object, value: object) -> None:
    if value not in BASES:
        raise InvalidEntityError(
            f"basis {show(value)} is not one of {', '.join(BASES)}", field="basis", value=value
        )


@attrs.frozen(kw_only=True)
class ControlLink:
    """Control of ``controlled`` by ``controller`` without (or beyond) equity.

    ``basis`` is ``"contract"`` (a VIE arrangement), ``"board"`` (a right to
    appoint a majority of directors) or ``"voting_agreement"``.  Control links
    are never turned into equity; they feed control analysis and findings.

    Examples
    --------
    >>> ControlLink(controller="wfoe", controlled="opco", basis="contract").basis
    'contract'
    """

    controller: str = attrs.field(validator=_check_id)
    controlled: str = attrs.field(validator=_check_id)
    basis: ControlBasis = attrs.field(default="contract", validator=_check_basis)
    valid_from: dt.date | None = attrs.field(default=None, validator=_check_date)
    valid_to: dt.date | None = attrs.field(default=None, validator=_check_date)
    source: str | None = attrs.field(default=None, validator=_check_source)

    def __attrs_post_init__(self) -> None:
        if self.controller == self.controlled:
            raise InvalidEntityError(
                f"control link from {self.controller!r} to itself; an entity cannot "
                "control itself by contract",
                field="controlled",
                value=self.controlled,
            )
        _check_period(
            self.valid_from,
            self.valid_to,
            f"control link of {self.controller!r} over {self.controlled!r}",
        )

    def covers(self, as_of: dt.date | None) -> bool:
        """Whether the link applies on ``as_of`` (None: has no end date)."""
        return covers(self.valid_from, self.valid_to, as_of)


def _check_choice(choices: tuple[str, ...]) -> Any:
    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value not in choices:
            raise InvalidEntityError(
                f"{attribute.name} {value!r} is not one of {', '.join(choices)}",
                field=attribute.name,
                value=value,
            )

    return check


def _components(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidEntityError(
            f"components must be a list of record ids, not {type(value).__name__} {value!r}",
            field="components",
            value=value,
        )
    items = tuple(value)
    for item in items:
        if not isinstance(item, str) or not item:
            raise InvalidEntityError(
                f"components must hold non-empty strings; got {item!r}",
                field="components",
                value=item,
            )
    return items


@attrs.frozen(kw_only=True)
class DeclaredInterest:
    """An interest that the data declares but that is not an edge of the graph.

    Registers report more than direct stakes: a person's *indirect* share of a
    company (held through intermediaries the register may also list), a senior
    managing official, a trustee, an interest of unknown size.  These are claims,
    kept next to the graph so that nothing the source said is lost, and so that
    declared indirect shares can be compared with the computed look-through
    (:func:`jvmodel.verify_declared`).  They never enter analysis.

    Parameters
    ----------
    party : str
        The interested party (an entity id).
    subject : str
        The entity the interest is held in.
    interest : str
        The kind of interest, a code of the BODS 0.4 ``interestType`` codelist
        (``"shareholding"``, ``"votingRights"``, ``"seniorManagingOfficial"``, ...).
    directness : {"direct", "indirect", "unknown"}
        Whether the interest is held through intermediaries.
    share : share-like or Range, optional
        The declared size of the interest, where it has one.
    valid_from, valid_to : datetime.date, optional
        The first and last day the interest applies (both inclusive).
    components : sequence of str
        Record ids the source names as the intermediaries of an indirect interest.
    source : str, optional
        Where the claim comes from (for BODS: the statement id).

    Examples
    --------
    >>> claim = DeclaredInterest(party="p1", subject="a", interest="shareholding",
    ...                          directness="indirect", share="30%")
    >>> claim.share, claim.components
    (Fraction(3, 10), ())
    """

    party: str = attrs.field(validator=_check_id)
    subject: str = attrs.field(validator=_check_id)
    interest: str = attrs.field(validator=_check_choice(INTERESTS))
    directness: Directness = attrs.field(default="unknown", validator=_check_choice(DIRECTNESS))
    share: Stake | None = attrs.field(default=None, converter=_optional_stake)
    valid_from: dt.date | None = attrs.field(default=None, validator=_check_date)
    valid_to: dt.date | None = attrs.field(default=None, validator=_check_date)
    components: tuple[str, ...] = attrs.field(default=(), converter=_components)
    source: str | None = attrs.field(default=None, validator=_check_source)

    def __attrs_post_init__(self) -> None:
        if self.party == self.subject:
            raise InvalidEntityError(
                f"declared interest of {self.party!r} in itself; the party and the subject "
                "must differ",
                field="subject",
                value=self.subject,
            )
        _check_period(
            self.valid_from,
            self.valid_to,
            f"declared interest of {self.party!r} in {self.subject!r}",
        )

    def covers(self, as_of: dt.date | None) -> bool:
        """Whether the interest applies on ``as_of`` (None: has no end date)."""
        return covers(self.valid_from, self.valid_to, as_of)
