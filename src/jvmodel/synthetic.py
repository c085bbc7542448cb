"""Deterministic synthetic registers: realistic ownership structures of any size.

:func:`registry` builds a register shaped like the company registers that
screening runs over: corporate groups of power-law sizes, listed parents with a
public float, state holders, funds with partly disclosed limited partners,
family trusts, joint ventures in the sectors a regime caps (some of them
exactly at the cap), contractual (VIE) control, small cross-holdings inside
groups, undisclosed remainders, and a little history.  The same arguments
always give the same graph, so a register can stand in for real data in
notebooks, tests and benchmarks.

Examples
--------
>>> import jvmodel as jvm
>>> g = jvm.synthetic.registry(200, seed=7)
>>> len(g)
200
>>> g == jvm.synthetic.registry(200, seed=7)
True
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Sequence
from fractions import Fraction

from jvmodel._numeric import Range
from jvmodel.analysis.lookthrough import is_foreign
from jvmodel.errors import InvalidShareError, UnsupportedAnalysisError
from jvmodel.graph import OwnershipGraph, _collector_paused
from jvmodel.model import ControlLink, Entity, Holding
from jvmodel.regimes import Regime, get

__all__ = ["registry"]

_BP = 10_000  # stakes are drawn in basis points: 1 bp = 0.01%
_MIN_ENTITIES = 20

# Jurisdictions that registers of a host typically show.  Subdivisions of the
# host come first; foreign ones mix large economies, financial centres and
# (for a Chinese host) Hong Kong written both ways, which the regime counts as
# foreign.
_DOMESTIC = {
    "CN": ("CN", "CN-BJ", "CN-SH", "CN-GD", "CN-ZJ", "CN-JS", "CN-SC", "CN-HB", "CN-SD"),
    "US": ("US", "US-DE", "US-NY", "US-CA", "US-TX"),
}
_FOREIGN = ("GB", "US", "DE", "FR", "JP", "SG", "KR", "NL", "KY", "VG", "HK", "CN-HK", "TW")
_SOVEREIGN = ("SG", "NO", "QA", "AE")
_OTHER_SECTORS = ("manufacturing", "retail", "logistics", "real-estate")
_PERSON, _STATE, _FUND, _TRUST, _FLOAT, _COMPANY = (
    "person", "state", "fund", "trust", "float", "company",
)  # fmt: skip


def registry(
    n_entities: int,
    *,
    seed: int,
    foreign_fraction: float = 0.1,
    cross_holding_fraction: float = 0.01,
    max_depth: int = 12,
    ranges_fraction: float = 0.0,
    regime: str | Regime = "cn-beijing-2020",
) -> OwnershipGraph:
    """A realistic synthetic register of ``n_entities`` entities, the same for the same seed.

    Parameters
    ----------
    n_entities : int
        How many entities (at least 20).  About two holdings per entity.
    seed : int
        Fixes every random choice: equal arguments give equal graphs.
    foreign_fraction : float
        The fraction of entities whose jurisdiction counts as foreign under the
        regime (persons by nationality; whole foreign groups, offshore funds,
        sovereign holders, and floats listed abroad or in Hong Kong).
    cross_holding_fraction : float
        The fraction of entities that sit on a cross-holding cycle: two or three
        sister companies of one group holding 0.5% to 10% of each other.
    max_depth : int
        The longest chain of holdings (at least 2).
    ranges_fraction : float
        The fraction of holdings recorded as a band instead of an exact stake
        (``Range("25%", "50%", closed="right")`` and the like, as in the UK PSC
        register), each band containing the stake it replaces.
    regime : str or Regime
        The regime whose host country decides what is foreign and whose capped
        sectors the joint ventures operate in (default ``"cn-beijing-2020"``).

    Returns
    -------
    OwnershipGraph

    Raises
    ------
    InvalidShareError
        If a fraction lies outside its range.
    UnsupportedAnalysisError
        If ``n_entities`` or ``max_depth`` is too small for the structure asked for.

    Notes
    -----
    What the register promises, whatever the seed:

    * exactly ``n_entities`` entities, validated like any graph (built through
      :meth:`OwnershipGraph.from_records`);
    * exactly ``round(n_entities * foreign_fraction)`` entities whose
      jurisdiction is foreign under the regime (:func:`jvmodel.analysis.is_foreign`
      is True); a few persons have no known nationality;
    * exactly ``round(n_entities * cross_holding_fraction)`` entities on
      cross-holding cycles (strongly connected sets of two or three entities
      of one group), except that a count of one becomes zero; every cycle has
      an owner outside it, so no set of entities owns itself entirely;
    * no chain of holdings longer than ``max_depth`` (counting a cycle as one
      step), reached by the largest groups;
    * exactly ``round(h * ranges_fraction)`` of the ``h`` holdings are ranges;
    * every entity with a sector of the regime has a sector it caps; joint
      ventures hold about 2% of the entities, a fifth of them at exactly 50/50,
      some with a partner whose own owners are partly foreign or undisclosed;
    * today's structure (``as_of=None``) is the holdings without an end date;
      some joint-venture stakes have a start date and a few an ended
      predecessor.

    Examples
    --------
    >>> import jvmodel as jvm
    >>> g = registry(1000, seed=1, foreign_fraction=0.2)
    >>> host = jvm.regimes.get("cn-beijing-2020")
    >>> sum(bool(jvm.analysis.is_foreign(e, host.host, host.foreign)) for e in g.entities())
    200
    """
    rules = get(regime)
    _check_options(n_entities, foreign_fraction, cross_holding_fraction, max_depth, ranges_fraction)
    with _collector_paused():
        builder = _Builder(rules, random.Random(seed), foreign_fraction, max_depth)
        builder.populate(n_entities)
        builder.cross_holdings(_cycle_members(n_entities, cross_holding_fraction))
        builder.match_foreign_count(round(n_entities * foreign_fraction))
        return builder.graph(ranges_fraction)


def _check_options(
    n_entities: int, foreign: float, cross: float, max_depth: int, ranges: float
) -> None:
    for name, value, upper in (
        ("foreign_fraction", foreign, 0.9),
        ("cross_holding_fraction", cross, 0.3),
        ("ranges_fraction", ranges, 1.0),
    ):
        if not isinstance(value, int | float) or not 0 <= value <= upper:
            raise InvalidShareError(
                f"{name}={value!r} must be a number between 0 and {upper}", value=value
            )
    if not isinstance(n_entities, int) or n_entities < _MIN_ENTITIES:
        raise UnsupportedAnalysisError(
            f"n_entities={n_entities!r}: a synthetic register needs at least "
            f"{_MIN_ENTITIES} entities",
            reason="too few entities",
        )
    if not isinstance(max_depth, int) or max_depth < 2:
        raise UnsupportedAnalysisError(
            f"max_depth={max_depth!r}: a register needs chains of at least 2 holdings "
            "(an owner, a company, a joint venture)",
            reason="too shallow",
        )


def _cycle_members(n_entities: int, fraction: float) -> int:
    members = round(n_entities * fraction)
    return 0 if members < 2 else members


class _Builder:
    """The register under construction: entities and holdings as parallel lists."""

    def __init__(self, rules: Regime, rng: random.Random, foreign: float, max_depth: int):
        self.rules = rules
        self.rng = rng
        self.foreign = foreign
        self.max_depth = max_depth
        self.host = rules.host
        self.domestic_codes = _DOMESTIC.get(rules.host, (rules.host,))
        self.foreign_codes = tuple(c for c in _FOREIGN if c[:2] != rules.host or c in rules.foreign)
        capped = sorted({c.sector for c in rules.caps if c.limit is not None})
        self.capped_sectors = capped
        self.sector_zones = {
            s: sorted({z for c in rules.caps if c.sector == s for z in c.zones}) for s in capped
        }
        # entities
        self.ids: list[str] = []
        self.kinds: list[str] = []
        self.jurisdictions: list[str | None] = []
        self.sectors: list[tuple[str, ...]] = []
        self.zones: list[tuple[str, ...]] = []
        self.level: list[int] = []
        self.allocated: list[int] = []  # basis points recorded in the entity
        self.largest: list[int] = []  # index of its largest undated holding, or -1
        self.tree_parent: list[int] = []  # parent within its group, or -1
        self.pinned: list[bool] = []  # keep this entity's jurisdiction
        # holdings
        self.owner: list[int] = []
        self.owned: list[int] = []
        self.stake: list[int] = []
        self.valid_from: list[dt.date | None] = []
        self.valid_to: list[dt.date | None] = []
        self.controls: list[tuple[int, int]] = []
        # pools to draw holders and partners from
        self.persons: list[int] = []
        self.domestic_persons: list[int] = []
        self.foreign_persons: list[int] = []
        self.states: list[int] = []
        self.funds: list[int] = []
        self.companies_by_level: list[list[int]] = [[] for _ in range(max_depth + 1)]
        self.foreign_companies: list[int] = []
        self.domestic_companies: list[int] = []
        self.clean_companies: list[int] = []  # wholly domestic and fully disclosed upstream
        self.pure_foreign: list[int] = []  # wholly foreign and fully disclosed upstream

    # -- entities and holdings ----------------------------------------------------

    def entity(
        self,
        prefix: str,
        kind: str,
        jurisdiction: str | None,
        level: int,
        *,
        sectors: tuple[str, ...] = (),
        zones: tuple[str, ...] = (),
    ) -> int:
        index = len(self.ids)
        self.ids.append(f"{prefix}{index}")
        self.kinds.append(kind)
        self.jurisdictions.append(jurisdiction)
        self.sectors.append(sectors)
        self.zones.append(zones)
        self.level.append(level)
        self.allocated.append(0)
        self.largest.append(-1)
        self.tree_parent.append(-1)
        self.pinned.append(False)
        return index

    def hold(
        self,
        owner: int,
        owned: int,
        stake: int,
        valid_from: dt.date | None = None,
        valid_to: dt.date | None = None,
    ) -> None:
        assert stake > 0, stake
        assert valid_to is not None or self.allocated[owned] + stake <= _BP, owned
        index = len(self.owner)
        self.owner.append(owner)
        self.owned.append(owned)
        self.stake.append(stake)
        self.valid_from.append(valid_from)
        self.valid_to.append(valid_to)
        if valid_to is None:
            self.allocated[owned] += stake
            best = self.largest[owned]
            if valid_from is None and owner != owned and (best < 0 or stake > self.stake[best]):
                self.largest[owned] = index

    def room(self, owned: int) -> int:
        return _BP - self.allocated[owned]

    # -- random choices -----------------------------------------------------------

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def between(self, low: int, high: int) -> int:
        return low + int(self.rng.random() * (high - low + 1))

    def pick(self, pool: Sequence[int]) -> int:
        return pool[int(self.rng.random() * len(pool))]

    def domestic_code(self) -> str:
        # Most of a host's register sits in its capital region, if it has one.
        if len(self.domestic_codes) > 1 and self.chance(0.4):
            return self.domestic_codes[1]
        return self.domestic_codes[int(self.rng.random() * len(self.domestic_codes))]

    def foreign_code(self) -> str:
        return self.foreign_codes[int(self.rng.random() * len(self.foreign_codes))]

    def group_size(self, cap: int) -> int:
        # Pareto with exponent 2: P(size >= k) = 1/k, the shape of group-size data.
        return min(cap, int(1 / (1 - self.rng.random())))

    # -- the register -------------------------------------------------------------

    def populate(self, n: int) -> None:
        n_person = round(0.20 * n)
        n_state = max(1, round(0.002 * n))
        n_fund = max(1, round(0.03 * n))
        n_capped = max(1, round(0.02 * n))
        for _ in range(n_state):
            self.state()
        for _ in range(n_person):
            self.person()
        for _ in range(n_fund):
            self.fund()
        self.groups(n - len(self.ids) - n_capped)
        n_vie = n_capped // 10 if self.foreign_companies else 0
        for _ in range(n_vie):
            self.vie()
        for _ in range(n_capped - n_vie):
            self.joint_venture()
        assert len(self.ids) == n, (len(self.ids), n)

    def state(self) -> int:
        if self.foreign and self.chance(0.1):
            code = _SOVEREIGN[int(self.rng.random() * len(_SOVEREIGN))]
        else:
            code = self.domestic_code()
        index = self.entity("s", _STATE, code, 0)
        self.states.append(index)
        return index

    def person(self) -> int:
        if self.chance(0.005):
            code = None  # nationality not recorded
        elif self.chance(self.foreign):
            code = self.foreign_code()
        else:
            code = self.host
        index = self.entity("p", _PERSON, code, 0)
        self.persons.append(index)
        if code == self.host:
            self.domestic_persons.append(index)
        elif code is not None:
            self.foreign_persons.append(index)
        return index

    def fund(self) -> int:
        offshore = self.chance(min(1.0, 2 * self.foreign))
        code = self.foreign_code() if offshore else self.domestic_code()
        kind = "partnership" if self.chance(0.3) else _FUND
        with_partners = self.max_depth >= 4 and self.chance(0.4)
        index = self.entity("f", kind, code, 1 if with_partners else 0)
        if with_partners:
            # A few limited partners are disclosed; the rest of the fund is not.
            for _ in range(self.between(1, 4)):
                partner = self.pick(self.persons) if self.chance(0.7) else self.pick(self.states)
                stake = self.between(200, 2000)
                if stake <= self.room(index) and not self.holds(partner, index):
                    self.hold(partner, index, stake)
        self.funds.append(index)
        return index

    def holds(self, owner: int, owned: int) -> bool:
        # Holders are few per entity, so a scan of the last holdings suffices.
        for i in range(len(self.owner) - 1, max(-1, len(self.owner) - 40), -1):
            if self.owned[i] == owned and self.owner[i] == owner:
                return True
        return False

    def groups(self, budget: int) -> None:
        cap = max(5, min(5000, budget // 20))
        while budget > 0:
            size = min(self.group_size(cap), budget)
            spare = budget - size  # room for a float or a family trust
            listed = spare > 0 and self.chance(0.7 if size >= 10 else 0.08)
            trust = spare > 0 and not listed and self.max_depth >= 3 and self.chance(0.05)
            budget -= self.group(size, listed=listed, trust=trust)

    def group(self, size: int, *, listed: bool, trust: bool) -> int:
        """A corporate group: its owners, a parent, and a tree of subsidiaries.

        Returns the number of entities made: at most ``size`` companies, and the
        float or trust.
        """
        foreign = self.chance(self.foreign)
        country = self.foreign_code() if foreign else self.domestic_code()
        state_owned = not foreign and not listed and not trust and self.chance(0.15)
        clean = not foreign and not listed and not state_owned and self.chance(0.5)
        made = 0
        pure = False
        holders: list[tuple[int, int]] = []
        if listed:
            venue = country if foreign else ("HK" if self.chance(0.2) else self.host)
            float_ = self.entity("l", _FLOAT, venue, 0)
            made += 1
            holders.append((float_, self.between(2500, 7000)))
            anchor = self.pick(self.states) if self.chance(0.4) else self.pick(self.persons)
            holders.append((anchor, self.between(500, 3000)))
            holders.extend(
                (self.top_investor(), self.between(50, 500)) for _ in range(self.between(2, 8))
            )
        elif state_owned:
            holders.append((self.pick(self.states), _BP if self.chance(0.7) else 6000))
        elif trust:
            settlor = self.pick(self.domestic_persons or self.persons)
            family = self.entity("t", _TRUST, self.jurisdictions[settlor], 1)
            made += 1
            self.hold(settlor, family, _BP)
            holders.append((family, _BP))
        else:
            if clean and self.domestic_persons:
                pool = self.domestic_persons
            elif foreign and self.foreign_persons:
                pool = self.foreign_persons
            else:
                pool = self.persons
            disclosed = _BP if clean or self.chance(0.6) else 9000
            pure = pool is self.foreign_persons and disclosed == _BP
            for share in _split(self.rng, disclosed, self.between(1, 5)):
                person = self.pick(pool)
                self.pinned[person] = self.pinned[person] or clean or pure
                holders.append((person, share))
        top_level = 1 + max(self.level[h] for h, _ in holders)
        assert top_level <= self.max_depth - 1
        top = self.entity("g", _COMPANY, country, top_level)
        made += 1
        for holder, wanted in holders:
            stake = min(wanted, self.room(top))
            if stake > 0 and not self.holds(holder, top):
                self.hold(holder, top, stake)
        if listed and self.chance(0.1) and self.room(top) > 0:
            self.hold(top, top, min(self.room(top), self.between(50, 300)))  # treasury shares
        members = [top]
        self.register_company(top, foreign=foreign, clean=clean)
        pure = pure and self.room(top) == 0
        if pure:
            self.pure_foreign.append(top)
        while len(members) < size:
            member = self.subsidiary(members, foreign=foreign, clean=clean, country=country)
            if member < 0:
                break
            members.append(member)
            if pure and self.stake[self.largest[member]] == _BP and self.level[member] <= 2:
                self.pure_foreign.append(member)  # wholly owned from the pure top down
            made += 1
        return made

    def top_investor(self) -> int:
        return self.pick(self.funds) if self.chance(0.6) else self.pick(self.persons)

    def register_company(self, index: int, *, foreign: bool, clean: bool) -> None:
        self.companies_by_level[self.level[index]].append(index)
        self.pinned[index] = clean
        if foreign:
            self.foreign_companies.append(index)
        else:
            self.domestic_companies.append(index)
            if clean:
                self.clean_companies.append(index)

    def subsidiary(self, members: list[int], *, foreign: bool, clean: bool, country: str) -> int:
        deepest = self.max_depth - 1  # leave a layer for joint ventures below
        if self.chance(0.6):
            parent = members[max(0, len(members) - 1 - int(self.rng.random() * 3))]
        else:
            parent = self.pick(members)
        if self.level[parent] + 1 > deepest:
            parent = members[0]
            if self.level[parent] + 1 > deepest:
                return -1
        level = self.level[parent] + 1
        # Subsidiaries of foreign groups are often local companies (WFOEs).
        code = self.domestic_code() if foreign and self.chance(0.3) else country
        sectors: tuple[str, ...] = ()
        if self.capped_sectors and not foreign and self.chance(0.003):
            sectors = (self.capped_sectors[int(self.rng.random() * len(self.capped_sectors))],)
        elif self.chance(0.02):
            sectors = (_OTHER_SECTORS[int(self.rng.random() * len(_OTHER_SECTORS))],)
        member = self.entity("g", _COMPANY, code, level, sectors=sectors)
        self.tree_parent[member] = parent
        shape = self.rng.random()
        if shape < 0.35:
            self.hold(parent, member, _BP)
        else:
            self.hold(parent, member, self.between(5100, 9500))
            if clean:
                # One domestic person holds the rest: nothing undisclosed.
                minority = self.minority_holder(level, clean=True)
                if minority >= 0:
                    self.hold(minority, member, self.room(member))
            elif shape < 0.85:
                room = self.room(member)
                count = self.between(1, 5)
                disclosed = room if self.chance(0.5) else self.between(min(count, room), room)
                for share in _split(self.rng, disclosed, count):
                    minority = self.minority_holder(level, clean=False)
                    if minority != parent and not self.holds(minority, member):
                        self.hold(minority, member, share)
        self.register_company(member, foreign=foreign, clean=clean)
        return member

    def minority_holder(self, level: int, *, clean: bool) -> int:
        if clean:
            person = self.pick(self.domestic_persons) if self.domestic_persons else -1
            if person >= 0:
                self.pinned[person] = True
            return person
        draw = self.rng.random()
        if draw < 0.45:
            return self.pick(self.persons)
        if draw < 0.7:
            fund = self.pick(self.funds)
            return fund if self.level[fund] < level else self.pick(self.persons)
        if draw < 0.95:
            # Another group's company, no deeper than this one's parent.
            pool = self.companies_by_level[1 + int(self.rng.random() * (level - 1))]
            return self.pick(pool) if pool else self.pick(self.persons)
        return self.pick(self.states)

    def capped_sector(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        sector = self.capped_sectors[int(self.rng.random() * len(self.capped_sectors))]
        zones = self.sector_zones[sector]
        if zones and self.chance(0.2):
            return (sector,), (zones[int(self.rng.random() * len(zones))],)
        return (sector,), ()

    def joint_venture(self) -> int:
        """A JV in a capped sector: a foreign partner near the cap and domestic partners."""
        sectors, zones = self.capped_sector() if self.capped_sectors else ((), ())
        draw = self.rng.random()
        if draw < 0.25:
            foreign_stake = _BP // 2
        elif draw < 0.4:
            foreign_stake = 4900
        elif draw < 0.5:
            foreign_stake = self.between(5100, 6000)
        else:
            foreign_stake = self.between(1000, 5000)
        foreign_partner = self.pick(self.foreign_companies or self.domestic_companies)
        exact_half = (
            foreign_stake == _BP // 2
            and bool(self.clean_companies and self.pure_foreign)
            and self.chance(0.6)
        )
        if exact_half:
            # Wholly foreign and wholly domestic partners: exactly 50% foreign.
            foreign_partner = self.pick(self.pure_foreign)
            domestic = [self.pick(self.clean_companies)]
            undisclosed = 0
        else:
            pool = self.domestic_companies or self.persons
            domestic = [self.pick(pool) for _ in range(2 if self.chance(0.3) else 1)]
            rest = _BP - foreign_stake
            undisclosed = self.between(1, min(500, rest - 1)) if self.chance(0.3) else 0
        domestic = [d for d in dict.fromkeys(domestic) if d != foreign_partner]
        partners = [foreign_partner, *domestic]
        stakes = [foreign_stake]
        if domestic:
            stakes += _split(self.rng, _BP - foreign_stake - undisclosed, len(domestic))
        level = 1 + max(self.level[p] for p in partners)
        jv = self.entity("jv", _COMPANY, self.domestic_code(), level, sectors=sectors, zones=zones)
        formed = dt.date(2010, 1, 1) + dt.timedelta(days=self.between(0, 5000))
        dated = self.chance(0.3)
        for partner, stake in zip(partners, stakes, strict=False):
            if stake <= 0:
                continue
            if dated and partner == foreign_partner and self.chance(0.15):
                # The partner held less before an increase on a later date.
                changed = formed + dt.timedelta(days=self.between(30, 1500))
                earlier = self.between(max(1, stake - 2000), stake)
                self.hold(partner, jv, earlier, formed, changed - dt.timedelta(days=1))
                self.hold(partner, jv, stake, changed)
            else:
                self.hold(partner, jv, stake, formed if dated else None)
        return jv

    def vie(self) -> int:
        """A domestic operating company held by nominees and run by contract from a WFOE."""
        sector = "information-services" if "information-services" in self.capped_sectors else None
        sectors = (sector,) if sector else self.capped_sector()[0]
        owners = [self.pick(self.domestic_persons or self.persons) for _ in range(2)]
        level = 1
        opco = self.entity("op", _COMPANY, self.domestic_code(), level, sectors=sectors)
        first = self.between(5000, 9000)
        self.hold(owners[0], opco, first if owners[1] != owners[0] else _BP)
        if owners[1] != owners[0]:
            self.hold(owners[1], opco, _BP - first)
        self.controls.append((self.pick(self.foreign_companies), opco))
        return opco

    # -- cross-holdings -------------------------------------------------------------

    def cross_holdings(self, members: int) -> None:
        """Put ``members`` entities on cycles of two or three inside their groups.

        A cycle is two or three sister companies holding parts of each other in
        a ring.  Every cycle keeps an owner outside it (the sisters' parent), so
        none is closed.  Sisters sit on the same level, so a cycle makes no chain
        longer (a subsidiary holding part of its parent would lift everything
        else the parent holds to the subsidiary's level).
        """
        if members == 0:
            return
        triples = members % 2 + 2 * (members // 20)  # a few 3-cycles, parity right
        while 3 * triples > members:
            triples -= 2
        pairs = (members - 3 * triples) // 2
        parent = self.tree_parent
        children: dict[int, list[int]] = {}
        for child, above in enumerate(parent):
            if above >= 0:
                children.setdefault(above, []).append(child)
        candidates = [i for i, above in enumerate(parent) if above >= 0]
        self.rng.shuffle(candidates)
        used = bytearray(len(self.ids))
        cycles: list[list[tuple[int, int]]] = []
        for node in candidates:
            if not pairs and not triples:
                break
            if used[node]:
                continue
            size = 3 if triples else 2
            cycle = self.cycle_at(node, size, children, used)
            if cycle is None:
                continue
            for holder, _ in cycle:
                used[holder] = 1
            cycles.append(cycle)
            if size == 3:
                triples -= 1
            else:
                pairs -= 1
        if pairs or triples:
            raise UnsupportedAnalysisError(
                f"cannot place {members} of {len(self.ids)} entities on cross-holding cycles "
                "in this register (its groups are too small or too shallow); lower "
                "cross_holding_fraction or raise max_depth",
                reason="too many cycles",
            )
        for cycle in cycles:
            for holder, held in cycle:
                stake = self.between(50, 1000)
                deficit = stake - self.room(held)
                if deficit > 0:
                    # Make room: the largest holder of ``held`` gives up a little.
                    largest = self.largest[held]
                    self.stake[largest] -= deficit
                    self.allocated[held] -= deficit
                self.hold(holder, held, stake)

    def cycle_at(
        self, node: int, size: int, children: dict[int, list[int]], used: bytearray
    ) -> list[tuple[int, int]] | None:
        """New holdings closing a ring of ``size`` unused sisters through ``node``."""
        sisters = [s for s in children.get(self.tree_parent[node], ()) if s != node and not used[s]]
        if len(sisters) < size - 1:
            return None
        ring = [node, *sisters[: size - 1]]
        return [(ring[k], ring[(k + 1) % size]) for k in range(size)]

    # -- exact foreign count --------------------------------------------------------

    def counts_foreign(self, code: str | None) -> bool:
        if code is None:
            return False
        probe = Entity(id="probe", jurisdiction=code)
        return bool(is_foreign(probe, self.host, self.rules.foreign))

    def match_foreign_count(self, target: int) -> None:
        """Move nationalities until exactly ``target`` entities count as foreign.

        Persons move first, then other entities, then (only if still needed)
        those of fully domestic groups; entities with a capped sector stay.
        """
        verdict = {code: self.counts_foreign(code) for code in set(self.jurisdictions) if code}
        foreign = sum(1 for code in self.jurisdictions if code and verdict[code])
        persons: list[int] = []
        others: list[int] = []
        pinned: list[int] = []
        capped = set(self.capped_sectors)
        for i, (kind, code) in enumerate(zip(self.kinds, self.jurisdictions, strict=True)):
            if code is None or capped.intersection(self.sectors[i]):
                continue  # licensed entities stay in the host country
            if self.pinned[i]:
                pinned.append(i)
            else:
                (persons if kind == _PERSON else others).append(i)
        for pool in (persons, others, pinned):
            self.rng.shuffle(pool)
        for i in persons + others + pinned:
            if foreign == target:
                break
            code = self.jurisdictions[i]
            assert code is not None
            if foreign < target and not verdict[code]:
                self.jurisdictions[i] = self.foreign_code()
                foreign += 1
            elif foreign > target and verdict[code]:
                home = self.host if self.kinds[i] == _PERSON else self.domestic_code()
                self.jurisdictions[i] = home
                foreign -= 1
        if foreign != target:
            raise UnsupportedAnalysisError(
                f"cannot make {target} of {len(self.ids)} entities foreign in this register "
                f"(reached {foreign}); choose a foreign_fraction nearer 0.1",
                reason="foreign fraction out of reach",
            )

    # -- records --------------------------------------------------------------------

    def graph(self, ranges_fraction: float) -> OwnershipGraph:
        share = _shares()
        n_holdings = len(self.owner)
        banded = set(self.rng.sample(range(n_holdings), round(n_holdings * ranges_fraction)))
        entities = [
            Entity(id=i, kind=k, jurisdiction=j, sectors=s, zones=z)  # type: ignore[arg-type]
            for i, k, j, s, z in zip(
                self.ids, self.kinds, self.jurisdictions, self.sectors, self.zones, strict=True
            )
        ]
        ids = self.ids
        holdings = [
            Holding(
                owner=ids[o],
                owned=ids[d],
                equity=_band(bp) if h in banded else share[bp],
                valid_from=f,
                valid_to=t,
            )
            for h, (o, d, bp, f, t) in enumerate(
                zip(
                    self.owner,
                    self.owned,
                    self.stake,
                    self.valid_from,
                    self.valid_to,
                    strict=True,
                )
            )
        ]
        controls = [
            ControlLink(controller=ids[c], controlled=ids[d], basis="contract")
            for c, d in self.controls
        ]
        return OwnershipGraph.from_records(entities, holdings, controls)


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` basis points cut into ``parts`` positive pieces (fewer if too small)."""
    parts = max(1, min(parts, total))
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    bounds = [0, *cuts, total]
    return [b - a for a, b in itertools.pairwise(bounds)]


def _shares() -> list[Fraction]:
    """One shared Fraction per basis-point value, so equal stakes share an object."""
    return [Fraction(bp, _BP) for bp in range(_BP + 1)]


_BANDS = (
    (Fraction(0), Fraction(1, 4)),
    (Fraction(1, 4), Fraction(1, 2)),
    (Fraction(1, 2), Fraction(3, 4)),
    (Fraction(3, 4), Fraction(1)),
)


def _band(bp: int) -> Range:
    """The PSC-style band (low, high] that holds a stake of ``bp`` basis points."""
    stake = Fraction(bp, _BP)
    for low, high in _BANDS:
        if low < stake <= high:
            return Range(low, high, closed="right")
    raise AssertionError(stake)  # pragma: no cover - stakes are positive
