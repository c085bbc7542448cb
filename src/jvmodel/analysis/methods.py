"""Attribution methods: how a regulator passes foreign ownership up through layers.

DESIGN.md section 3 describes every method by two transforms.  At each entity
``e`` of the look-through::

    r(e) = Σ_h carry(h → e) + undisclosed(e)·φ_u       (carry: link transform)
    φ(e) = T(context of e)                              (status transform)

where ``carry(h → e)`` is by default ``w'(w(h, e))·φ(h)``.  The figure reported
for the target is its raw ``r``; the status transform applies to the entities
above it.  A method object supplies the three hooks:

* :meth:`Method.link` — the link transform ``w'`` of a stake;
* :meth:`Method.carry` — what one holding passes on, given the holder's status,
  its raw share and the stake (a :class:`Link`); by default
  ``link(stake) × φ(holder)``;
* :meth:`Method.status` — the status transform ``T``, given a :class:`Context`
  (the entity, its raw ``r``, its holders with their stakes and values, whether
  it is foreign-controlled).

A method whose status transform is the identity and whose carry is the default
is *linear* (``linear = True``): on cross-holdings its values solve a linear
system exactly.  Non-linear methods are evaluated in topological order of the
strongly connected components; on a cycle the engine takes the least fixed
point (every member starts domestic) and also computes the greatest fixed point
(every member starts foreign); where the two differ the status is reported as
ambiguous (see :func:`jvmodel.attribute`).

The bundled methods:

====================  ========================================================
``proportional``      multiply stakes along paths, add over paths
``multiplier``        a controlling link (over 50%) counts as 100% (FCC votes)
``threshold``         an intermediate is wholly foreign or wholly domestic by a
                      test on its owners (India, Canada)
``presence``          any foreign share at any layer makes an intermediate
                      foreign
``direct``            only the direct holders' own jurisdictions
``largest-holder``    foreign when the largest holder is foreign and holds at
                      least 15% (Korea)
====================  ========================================================

Strings name the bundled methods with their default options; :func:`get_method`
turns a string, a mapping such as ``{"name": "threshold", "threshold": "1/3"}``
or a method object into a method object.  Define your own by subclassing
:class:`Method`.

Examples
--------
>>> import jvmodel as jvm
>>> jvm.methods.Multiplier().link(Fraction(7, 10))
Fraction(1, 1)
>>> india = jvm.methods.Threshold(threshold="50%", mirror=True)
>>> india
Threshold(threshold=Fraction(1, 2), inclusive=True, control=True, mirror=True)
>>> get_method({"name": "threshold", "threshold": "1/3", "inclusive": False}).describe()
'threshold (foreign when r > 1/3, or foreign-controlled)'
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any, ClassVar

import attrs

from jvmodel._numeric import format_share, parse_share
from jvmodel.errors import JVModelError, UnsupportedAnalysisError
from jvmodel.model import Entity

__all__ = [
    "Context",
    "Direct",
    "Holder",
    "LargestHolder",
    "Link",
    "Method",
    "Multiplier",
    "Presence",
    "Proportional",
    "Threshold",
    "get_method",
    "method_names",
]

_ZERO = Fraction(0)
_ONE = Fraction(1)
_HALF = Fraction(1, 2)


@attrs.frozen(kw_only=True)
class Holder:
    """One holder of an entity, as the method hooks see it.

    Attributes
    ----------
    id : str
    entity : Entity
    stake : Fraction
        Its stake on the measure analysed (treasury shares left out).
    votes : Fraction
        Its voting stake (for control tests), whatever the measure.
    value : Fraction
        Its foreign measure φ (its status under the method).
    raw : Fraction
        Its raw foreign share r (equal to ``value`` for an ultimate owner).
    ultimate : bool
        Whether the look-through stops at it (no recorded owners, or counted
        foreign by its own jurisdiction under the incorporation rule).
    """

    id: str
    entity: Entity
    stake: Fraction
    votes: Fraction
    value: Fraction
    raw: Fraction
    ultimate: bool


@attrs.frozen(kw_only=True)
class Context:
    """What a status transform may look at when it decides an entity's status.

    Attributes
    ----------
    entity : Entity
    raw : Fraction
        The raw foreign share ``r`` of the entity (for an ultimate owner, its
        value from its jurisdiction or the undisclosed policy).
    holders : tuple of Holder
        Its holders on the measure analysed and its voting holders.
    undisclosed : Fraction
        The part of it no recorded holder accounts for.
    undisclosed_value : Fraction
        The foreign measure φ_u given to that part by the undisclosed policy.
    foreign_controlled : bool
        Whether it is controlled by an entity whose status is wholly foreign
        (through majority votes or a control link, as in
        :func:`jvmodel.controllers`), or holders of wholly foreign status have
        more than half of its votes.  Only computed for methods whose
        ``uses_control`` is true; False otherwise.
    foreign_controllers : tuple of str
        The nearest controllers of wholly foreign status: those that control
        no other controller of wholly foreign status (on a chain of foreign
        controllers, the one just above the entity).  Empty when control is
        not used or when foreign control comes from dispersed foreign votes.
    ultimate : bool
        Whether the look-through stops at the entity.
    target : bool
        Whether the entity is the target of the analysis.
    host : str
        The host country.
    """

    entity: Entity
    raw: Fraction
    holders: tuple[Holder, ...] = ()
    undisclosed: Fraction = _ZERO
    undisclosed_value: Fraction = _ZERO
    foreign_controlled: bool = False
    foreign_controllers: tuple[str, ...] = ()
    ultimate: bool = False
    target: bool = False
    host: str = ""


@attrs.frozen(kw_only=True)
class Link:
    """One holding as it passes foreign ownership on: holder, owned entity, stake.

    Attributes
    ----------
    holder : Holder
    owned : Entity
    stake : Fraction
        The stake on the measure analysed.
    into_target : bool
        Whether the owned entity is the target of the analysis.
    """

    holder: Holder
    owned: Entity
    stake: Fraction
    into_target: bool = False


class Method:
    """Base class of attribution methods.

    Subclass it to define your own.  Override :meth:`link` (and keep
    ``linear = True``) for a method that only reweights stakes; override
    :meth:`status` and/or :meth:`carry` and set ``linear = False`` for one
    that decides an entity's status from its owners.  A non-linear method must
    be monotone (a larger foreign input never lowers a status) and take
    finitely many values on cycles, or the engine refuses it on cross-holdings.

    Attributes
    ----------
    name : str
        The method's name, as shown in results.
    linear : bool
        True when the status transform is the identity and the carry is
        ``link(stake) × φ(holder)``: the engine then solves cycles exactly as a
        linear system and ignores :meth:`status` and :meth:`carry`.
    looks_through : bool
        False for a method that only reads the direct holders of the target
        (``direct``): the look-through then stops at them.
    grounded : bool
        True when the method's status is by definition grounded in foreign
        ultimate owners, so the least fixed point is its only reading and no
        ambiguity is reported on cycles (``presence``).

    Examples
    --------
    A method that ignores stakes under 5% (a de minimis rule):

    >>> class DeMinimis(Method):
    ...     name = "de-minimis"
    ...     def link(self, stake):
    ...         return stake if stake >= Fraction(1, 20) else Fraction(0)
    >>> DeMinimis().link(Fraction(1, 25))
    Fraction(0, 1)
    """

    name: ClassVar[str] = "method"
    linear: ClassVar[bool] = True
    looks_through: ClassVar[bool] = True
    grounded: ClassVar[bool] = False

    @property
    def uses_control(self) -> bool:
        """Whether :meth:`status` reads ``foreign_controlled`` (the engine then
        also follows control links and voting stakes upstream)."""
        return False

    def link(self, stake: Fraction) -> Fraction:
        """The link transform w': the weight a stake carries upward."""
        return stake

    def carry(self, link: Link) -> Fraction:
        """What one holding passes on to the owned entity's raw share."""
        return self.link(link.stake) * link.holder.value

    def status(self, context: Context) -> Fraction:
        """The status transform T: an entity's foreign measure from its context."""
        return context.raw

    def reason(self, context: Context, value: Fraction) -> str:
        """Why the entity got ``value`` (shown in explanations)."""
        return f"foreign share {format_share(context.raw)}"

    def describe(self) -> str:
        """The method and its options in words."""
        return self.name


@attrs.frozen
class Proportional(Method):
    """Multiply stakes along each path and add over paths.

    The FCC's rule for equity interests (47 CFR 1.5002(b)(1)) and the common
    reading of Chinese look-through.  With cross-holdings the infinite path sums
    are solved exactly as a linear system.

    Examples
    --------
    >>> Proportional().link(Fraction(3, 10))
    Fraction(3, 10)
    """

    name: ClassVar[str] = "proportional"


@attrs.frozen
class Multiplier(Method):
    """As proportional, but a controlling link (a stake over 50%) counts as 100%.

    The FCC's rule for voting interests held through intervening corporations
    (47 CFR 1.5002(b)(2)).  Rounding controlling links up can attribute more
    than 100% in total (an entity held 60% and 40% by two foreign holders
    passes on 100% + 40%), so the figure reported for the target is capped at
    100%; intermediate values are not capped, as the FCC adds each foreign
    investor's own multiplied interest.  A cycle whose path sums diverge (two
    companies each controlling the other, with any foreign input) gives 100%.

    Because it double counts, the multiplier is monotone in a foreign holder's
    stake only when the extra weight comes from a part counted domestic: moving
    undisclosed weight counted foreign to a controlling foreign holder lowers
    the sum (the holder already counted 100%).

    Examples
    --------
    >>> m = Multiplier()
    >>> m.link(Fraction(1, 2)), m.link(Fraction(51, 100))
    (Fraction(1, 2), Fraction(1, 1))
    """

    name: ClassVar[str] = "multiplier"

    def link(self, stake: Fraction) -> Fraction:
        return _ONE if stake > _HALF else stake


@attrs.frozen
class Direct(Method):
    """Only the direct holders count, each by its own jurisdiction.

    The incorporation test: a direct holder organised abroad counts wholly
    foreign, a domestic one not at all, whoever owns it; nothing is looked
    through (47 U.S.C. 310(b)(3) reads foreign interests held directly in the
    licensee).  Holders of unknown jurisdiction count by the undisclosed policy.

    Examples
    --------
    >>> Direct().looks_through
    False
    """

    name: ClassVar[str] = "direct"
    looks_through: ClassVar[bool] = False


def _share(value: object) -> Fraction:
    return parse_share(value, what="threshold")


def _flag(_instance: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        raise UnsupportedAnalysisError(
            f"{attribute.name}={value!r} must be True or False", reason="bad method option"
        )


@attrs.frozen
class Presence(Method):
    """Any foreign share at any layer makes an intermediate wholly foreign.

    Chinese licensing practice: a foreign layer anywhere above makes the
    applicant foreign-invested.  ``T(r) = 1 if r > 0 else 0``.  On cycles the
    least fixed point is plain reachability from a foreign owner; a loop with no
    foreign input stays domestic and no ambiguity is reported (``grounded``).

    Examples
    --------
    >>> Presence().status(Context(entity=Entity(id="x"), raw=Fraction(1, 1000)))
    Fraction(1, 1)
    """

    name: ClassVar[str] = "presence"
    linear: ClassVar[bool] = False
    grounded: ClassVar[bool] = True

    def status(self, context: Context) -> Fraction:
        return _ONE if context.raw > 0 else _ZERO

    def reason(self, context: Context, value: Fraction) -> str:
        if value:
            return f"has a foreign layer (foreign share {format_share(context.raw)} > 0)"
        return "no foreign share at any layer"


@attrs.frozen
class Threshold(Method):
    """Each intermediate counts wholly foreign or wholly domestic by a test on its owners.

    An intermediate is foreign (status 1) when its raw foreign share reaches the
    threshold (``r ≥ threshold``, or ``r > threshold`` when not inclusive), or,
    with ``control=True``, when it is foreign-controlled (a control link or a
    board right held by a foreign entity, a chain of majority votes leading to
    one, or foreign holders with more than half of its votes); otherwise it is
    domestic (status 0).  Its stake then counts in full or not at all.

    Parameters
    ----------
    threshold : share-like
        The foreign share at which an intermediate counts foreign.
    inclusive : bool
        Whether reaching the threshold exactly is enough.
    control : bool
        Whether foreign control also makes an intermediate foreign.
    mirror : bool
        The wholly-owned-subsidiary rule: a holder of 100% of an entity passes on
        its own raw foreign share ``r`` instead of its all-or-nothing status
        (the target included).

    Notes
    -----
    India, Press Note 2 (2009 Series): an Indian company counts domestic only if
    residents own more than half of it *and* control it, so
    ``Threshold(threshold="50%", inclusive=True, control=True, mirror=True)``.
    Canada: a holding company is Canadian when at least 2/3 of its votes are
    Canadian and it is not controlled by non-Canadians, so
    ``Threshold(threshold="1/3", inclusive=False, control=True)``.

    Examples
    --------
    >>> t = Threshold(threshold="1/3", inclusive=False)
    >>> e = Entity(id="holdco")
    >>> [t.status(Context(entity=e, raw=r)) for r in (Fraction(1, 3), Fraction(2, 5))]
    [Fraction(0, 1), Fraction(1, 1)]
    """

    name: ClassVar[str] = "threshold"
    linear: ClassVar[bool] = False

    threshold: Fraction = attrs.field(default=_HALF, converter=_share)
    inclusive: bool = attrs.field(default=True, validator=_flag)
    control: bool = attrs.field(default=True, validator=_flag)
    mirror: bool = attrs.field(default=False, validator=_flag)

    @property
    def uses_control(self) -> bool:
        return self.control

    def _reaches(self, raw: Fraction) -> bool:
        return raw > self.threshold or (self.inclusive and raw == self.threshold)

    def carry(self, link: Link) -> Fraction:
        if self.mirror and link.stake == 1:
            return link.holder.raw
        return link.stake * link.holder.value

    def status(self, context: Context) -> Fraction:
        if context.ultimate:
            if context.raw == 1 or (self.control and context.foreign_controlled):
                return _ONE
            return context.raw
        if self._reaches(context.raw) or (self.control and context.foreign_controlled):
            return _ONE
        return _ZERO

    def reason(self, context: Context, value: Fraction) -> str:
        sign = "≥" if self.inclusive else ">"
        share = format_share(context.raw)
        limit = format_share(self.threshold)
        if context.ultimate and not (self.control and context.foreign_controlled):
            return "ultimate owner, by its jurisdiction"
        if not context.ultimate and self._reaches(context.raw):
            return f"foreign share {share} {sign} {limit}"
        if self.control and context.foreign_controlled:
            if context.foreign_controllers:
                names = ", ".join(repr(c) for c in context.foreign_controllers)
                return f"controlled by foreign {names}"
            return "holders counted foreign have more than half of its votes"
        negation = "<" if self.inclusive else "≤"
        tail = " and not foreign-controlled" if self.control else ""
        return f"foreign share {share} {negation} {limit}{tail}"

    def describe(self) -> str:
        sign = "≥" if self.inclusive else ">"
        parts = [f"foreign when r {sign} {format_share(self.threshold)}"]
        if self.control:
            parts[0] += ", or foreign-controlled"
        if self.mirror:
            parts.append("wholly owned subsidiaries mirror their parent")
        return f"threshold ({'; '.join(parts)})"


@attrs.frozen
class LargestHolder(Method):
    """Foreign when the largest holder is foreign and holds at least a threshold.

    Korea's rule for facilities-based telecom carriers: a Korean corporation
    whose largest shareholder is foreign (or a corporation itself counted
    foreign) and holds at least 15% of its voting shares counts wholly foreign;
    otherwise it counts domestic.  A corporation so counted that holds 1% or
    less of the carrier's votes is exempt: its stake in the target counts
    domestic.  Holders are compared by their voting stakes; on a tie for
    largest, a foreign one among them is enough.  Shares of related persons are
    not aggregated (record them as one holder).

    Parameters
    ----------
    threshold : share-like
        The least stake of a foreign largest holder that makes the entity
        foreign (inclusive).
    exempt : share-like
        A corporation counted foreign by the rule whose stake in the target is at
        most this much passes on nothing.

    Examples
    --------
    >>> LargestHolder()
    LargestHolder(threshold=Fraction(3, 20), exempt=Fraction(1, 100))
    """

    name: ClassVar[str] = "largest-holder"
    linear: ClassVar[bool] = False

    threshold: Fraction = attrs.field(default=Fraction(15, 100), converter=_share)
    exempt: Fraction = attrs.field(default=Fraction(1, 100), converter=_share)

    def carry(self, link: Link) -> Fraction:
        if link.into_target and not link.holder.ultimate and link.stake <= self.exempt:
            return _ZERO
        return link.stake * link.holder.value

    def _largest(self, context: Context) -> tuple[Fraction, list[Holder]]:
        largest = max((h.votes for h in context.holders), default=_ZERO)
        return largest, [h for h in context.holders if h.votes == largest and largest > 0]

    def status(self, context: Context) -> Fraction:
        if context.ultimate:
            return context.raw
        largest, top = self._largest(context)
        if largest >= self.threshold and any(h.value == 1 for h in top):
            return _ONE
        return _ZERO

    def reason(self, context: Context, value: Fraction) -> str:
        if context.ultimate:
            return "ultimate owner, by its jurisdiction"
        largest, top = self._largest(context)
        if not top:
            return "no recorded holder with votes"
        names = ", ".join(repr(h.id) for h in top)
        if value:
            return (
                f"largest holder {names} counts foreign and holds {format_share(largest)} "
                f"≥ {format_share(self.threshold)}"
            )
        if any(h.value == 1 for h in top):
            return (
                f"largest holder {names} counts foreign but holds only {format_share(largest)} "
                f"< {format_share(self.threshold)}"
            )
        return f"largest holder {names} ({format_share(largest)}) counts domestic"

    def describe(self) -> str:
        return (
            f"largest-holder (foreign when the largest holder is foreign with ≥ "
            f"{format_share(self.threshold)}; stakes ≤ {format_share(self.exempt)} in the "
            "target exempt)"
        )


_BUNDLED: dict[str, type[Method]] = {
    "proportional": Proportional,
    "multiplier": Multiplier,
    "threshold": Threshold,
    "presence": Presence,
    "direct": Direct,
    "largest-holder": LargestHolder,
}


def method_names() -> list[str]:
    """The names of the bundled methods.

    Examples
    --------
    >>> method_names()
    ['direct', 'largest-holder', 'multiplier', 'presence', 'proportional', 'threshold']
    """
    return sorted(_BUNDLED)


def get_method(method: str | Method | Mapping[str, Any]) -> Method:
    """The method object for a name, an options mapping or a method object.

    A mapping names the method under ``"name"`` and gives its options as the
    other keys (as in regime files): ``{"name": "threshold", "threshold":
    "1/3", "inclusive": False}``.

    Raises
    ------
    UnsupportedAnalysisError
        For an unknown name or an option the method does not take.

    Examples
    --------
    >>> get_method("multiplier")
    Multiplier()
    >>> get_method({"name": "threshold", "mirror": True}).mirror
    True
    >>> get_method("majority")
    Traceback (most recent call last):
    ...
    jvmodel.errors.UnsupportedAnalysisError: method 'majority' is not one of direct, ...
    """
    if isinstance(method, Method):
        return method
    if isinstance(method, Mapping):
        options = dict(method)
        name = options.pop("name", None)
        cls = _lookup(name)
        fields = {f.name for f in attrs.fields(cls)} if attrs.has(cls) else set()
        unknown = sorted(set(options) - fields)
        if unknown:
            allowed = ", ".join(sorted(fields)) or "none"
            raise UnsupportedAnalysisError(
                f"method {name!r} takes no option {unknown[0]!r} (its options: {allowed})",
                reason="unknown method option",
                method=name,
            )
        try:
            return cls(**options)
        except JVModelError as error:
            raise UnsupportedAnalysisError(
                f"method {name!r}: {error}", reason="bad method option", method=name
            ) from error
    return _lookup(method)()


def _lookup(name: object) -> type[Method]:
    if isinstance(name, str) and name in _BUNDLED:
        return _BUNDLED[name]
    raise UnsupportedAnalysisError(
        f"method {name!r} is not one of {', '.join(method_names())}; pass one of these "
        "names or a jvmodel.methods.Method object",
        reason="unknown method",
        method=name,
    )
