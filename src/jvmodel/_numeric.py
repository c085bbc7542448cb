"""Exact numbers: reading shares, ranges of shares, intervals, and display.

Shares are :class:`fractions.Fraction` from the moment they are read.  What is
accepted (and what is refused, quickly, whatever its size):

* ``"50%"``, ``"33.3%"``: a percentage, written as a plain decimal;
* ``"0.5"``, ``"1"``, ``"0"``: a bare number is a *fraction of one*, so it must
  lie in [0, 1].  ``"50"`` is refused as ambiguous (did you mean ``"50%"``?);
* ``"1/2"``: a ratio of two whole numbers;
* :class:`~fractions.Fraction`, :class:`~decimal.Decimal` and the integers 0 and 1;
* a :class:`float`, read through its shortest decimal form, so ``0.1`` is one
  tenth exactly (not 3602879701896397/36028797018963968).

Refused with :class:`~jvmodel.InvalidShareError`: negative values, values above
one, NaN and infinities, empty strings, exponent notation in strings, digits
other than ASCII ``0-9``, strings longer than 64 characters, zero denominators,
booleans, and any other type.  Every accepted share has an exact text form of at
most 64 characters (what :func:`format_share` writes), so a saved share always
loads back: a :class:`~fractions.Fraction`, :class:`~decimal.Decimal` or float
too fine for that (``Fraction(1, 3**200)``, ``1e-300``) is refused too.  The
length limits come before any arithmetic, so no input can make parsing slow.
"""

from __future__ import annotations

import decimal
import math
import re
from fractions import Fraction
from typing import Literal, TypeAlias

import attrs

from jvmodel._text import show
from jvmodel.errors import InvalidShareError

__all__ = [
    "Closed",
    "Interval",
    "Range",
    "ShareLike",
    "format_percent",
    "format_share",
    "parse_share",
]

ShareLike: TypeAlias = "str | Fraction | decimal.Decimal | int | float"
Closed: TypeAlias = Literal["both", "left", "right", "neither"]

ZERO = Fraction(0)
ONE = Fraction(1)

# Long enough for any honest share ("33.333333333333333333%" or "1234567/9876543"),
# short enough that no input can make parsing slow.
_MAX_TEXT = 64
_DECIMAL = r"(?:\d+(?:\.\d*)?|\.\d+)"
# re.ASCII: "٥٠%" (Arabic-Indic digits) is not read as 50%.
_SHARE_RE = re.compile(
    rf"(?P<number>{_DECIMAL})\s*(?P<percent>%?)|(?P<num>\d+)\s*/\s*(?P<den>\d+)", re.ASCII
)
# A number of more bits than this has more than 64 decimal digits: no text form fits.
_MAX_BITS = 214


def parse_share(value: object, *, what: str = "share") -> Fraction:
    """Read a share as an exact fraction of one, in [0, 1].

    Parameters
    ----------
    value : str, Fraction, Decimal, int or float
        The share, in any of the forms listed in the module documentation.
    what : str
        How to name the value in an error message (e.g. ``"equity of 'bt' in 'jv'"``).

    Returns
    -------
    Fraction

    Raises
    ------
    InvalidShareError
        When the value cannot be read or lies outside [0, 1].

    Examples
    --------
    >>> parse_share("50%"), parse_share("0.5"), parse_share("1/2")
    (Fraction(1, 2), Fraction(1, 2), Fraction(1, 2))
    >>> parse_share(0.1)
    Fraction(1, 10)
    >>> parse_share("33.3%")
    Fraction(333, 1000)
    >>> parse_share("50")
    Traceback (most recent call last):
    ...
    jvmodel.errors.InvalidShareError: share '50' is a bare number above 1; ... write '50%' ...
    """
    if (
        type(value) is Fraction
        and 0 <= value.numerator <= value.denominator
        and value.denominator.bit_length() <= 64
    ):
        # The common case when records are built in bulk: already exact, and small
        # enough that its ratio text ("p/q", at most 41 characters) always fits.
        return value
    share = _to_fraction(value, what)
    if share < 0:
        raise InvalidShareError(
            f"{what} {_show(value)} is negative; a share lies between 0% and 100%",
            value=value,
        )
    if share > 1:
        raise InvalidShareError(
            f"{what} {_show(value)} is above 100%; a share lies between 0% and 100%",
            value=value,
        )
    if not _writable(share):
        raise InvalidShareError(
            f"{what} {_show(value)} has no exact text form of at most {_MAX_TEXT} characters, "
            "so it could not be saved; round it (for example with Fraction.limit_denominator)",
            value=value,
        )
    return share


def _show(value: object) -> str:
    return show(value)


def _writable(share: Fraction) -> bool:
    """Whether ``format_share(share)`` fits the 64 characters a share may have in a file."""
    if max(share.numerator.bit_length(), share.denominator.bit_length()) > _MAX_BITS:
        return False
    return len(format_share(share)) <= _MAX_TEXT


def _to_fraction(value: object, what: str) -> Fraction:
    # bool is an int subclass; True as "100%" is a silent surprise, so refuse it.
    if isinstance(value, bool):
        raise InvalidShareError(f"{what} {value!r} is a boolean, not a share", value=value)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        if value in (0, 1):
            return Fraction(value)
        hint = f"'{value}%'" if 0 < value <= 100 else "'50%'"
        raise InvalidShareError(
            f"{what} {_show(value)} is an integer other than 0 or 1; write a percentage "
            f"such as {hint} or a fraction such as '1/2'",
            value=value,
        )
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidShareError(f"{what} {value!r} is not a finite number", value=value)
        # repr gives the shortest decimal that reads back as the same float.
        return Fraction(decimal.Decimal(repr(value)))
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise InvalidShareError(f"{what} {value!r} is not a finite number", value=value)
        sign_digits_exponent = value.as_tuple()
        if (
            abs(sign_digits_exponent.exponent) > _MAX_TEXT  # type: ignore[arg-type]
            or len(sign_digits_exponent.digits) > _MAX_TEXT
        ):
            raise InvalidShareError(
                f"{what} {_show(value)} has more than {_MAX_TEXT} digits or an exponent "
                "too large to be a share",
                value=value,
            )
        return Fraction(value)
    if isinstance(value, str):
        return _parse_text(value, what)
    raise InvalidShareError(
        f"{what} {_show(value)} has type {type(value).__name__}; give a string such as "
        "'50%', '0.5' or '1/2', a Fraction, a Decimal or a float",
        value=value,
    )


def _parse_text(text: str, what: str) -> Fraction:
    stripped = text.strip()
    if not stripped:
        raise InvalidShareError(f"{what} is empty; give a share such as '50%'", value=text)
    if len(stripped) > _MAX_TEXT:
        raise InvalidShareError(
            f"{what} {_show(text)} is {len(stripped)} characters long (at most {_MAX_TEXT})",
            value=text,
        )
    match = _SHARE_RE.fullmatch(stripped)
    if match is None:
        raise InvalidShareError(
            f"{what} {_show(text)} is not a share; write a percentage ('50%'), a fraction "
            "of one ('0.5') or a ratio ('1/2')",
            value=text,
        )
    if match["den"] is not None:
        if int(match["den"]) == 0:
            raise InvalidShareError(f"{what} {_show(text)} has a zero denominator", value=text)
        return Fraction(int(match["num"]), int(match["den"]))
    number = Fraction(match["number"])
    if match["percent"]:
        return number / 100
    if number > 1:
        raise InvalidShareError(
            f"{what} {_show(text)} is a bare number above 1; bare numbers are fractions "
            f"of one, so write '{stripped}%' for a percentage or '0.5' for a half",
            value=text,
        )
    return number


def _percent_text(share: Fraction) -> str | None:
    """The exact percentage text of ``share``, or None if its decimal expansion is
    infinite or longer than any share text may be."""
    den = share.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    places = max(twos, fives)  # share × 10^places is a whole number
    if den != 1 or places > _MAX_TEXT:
        return None
    # Integer arithmetic: exact whatever the decimal context's precision.
    scaled = abs(share.numerator) * (10**places // share.denominator) * 100
    digits = str(scaled).rjust(places + 1, "0")
    whole, fraction = digits[: len(digits) - places], digits[len(digits) - places :].rstrip("0")
    sign = "-" if share < 0 else ""
    return f"{sign}{whole}.{fraction}%" if fraction else f"{sign}{whole}%"


def format_share(share: Fraction) -> str:
    """The exact text form of a share, as written to files: ``"12.5%"`` or ``"1/3"``.

    A share with a finite decimal expansion is written as a percentage, any other
    (or one whose percentage would be longer than the 64 characters a share may
    have) as a ratio, so that reading the text back gives the same fraction.

    Examples
    --------
    >>> format_share(Fraction(1, 8)), format_share(Fraction(1, 3)), format_share(Fraction(1))
    ('12.5%', '1/3', '100%')
    >>> format_share(Fraction(1, 2**40))
    '0.00000000009094947017729282379150390625%'
    >>> format_share(Fraction(1, 2**80))
    '1/1208925819614629174706176'
    """
    percent = _percent_text(share)
    if percent is not None and len(percent) <= _MAX_TEXT:
        return percent
    return f"{share.numerator}/{share.denominator}"


def format_percent(share: Fraction, places: int = 2) -> str:
    """A share rounded for display (half to even): ``"51.5%"``, ``"33.33%"``.

    Trailing zeros are dropped, and a share that rounds to a boundary but is not
    on it shows a ``≈`` sign, so ``50.000001%`` never reads as ``50%``.

    Examples
    --------
    >>> format_percent(Fraction(103, 200)), format_percent(Fraction(1, 3))
    ('51.5%', '≈33.33%')
    >>> format_percent(Fraction(1, 2) + Fraction(1, 10**9))
    '≈50%'
    """
    with decimal.localcontext() as context:
        context.prec = 60
        exact = decimal.Decimal(share.numerator * 100) / decimal.Decimal(share.denominator)
        rounded = exact.quantize(decimal.Decimal(1).scaleb(-places))
    text = format(rounded.normalize(), "f")
    if Fraction(rounded) / 100 != share:
        return f"≈{text}%"
    return f"{text}%"


def _check_closed(_instance: object, _attribute: object, value: str) -> None:
    if value not in ("both", "left", "right", "neither"):
        raise InvalidShareError(
            f"closed={value!r} is not one of 'both', 'left', 'right', 'neither'", value=value
        )


def _range_bound(value: object) -> Fraction:
    return parse_share(value, what="range bound")


@attrs.frozen
class Range:
    """A stake known only to lie between two bounds, as registers often report it.

    Parameters
    ----------
    min, max : share-like
        The bounds, read like any share.
    closed : {"both", "left", "right", "neither"}
        Which ends belong to the range.  The UK PSC band "more than 25% to 50%" is
        ``Range("25%", "50%", closed="right")``.

    Examples
    --------
    >>> band = Range("25%", "50%", closed="right")
    >>> band
    Range('25%', '50%', closed='right')
    >>> Fraction(1, 4) in band, Fraction(1, 2) in band
    (False, True)
    """

    min: Fraction = attrs.field(converter=_range_bound)
    max: Fraction = attrs.field(converter=_range_bound)
    closed: Closed = attrs.field(default="both", validator=_check_closed)

    def __attrs_post_init__(self) -> None:
        if self.min > self.max:
            raise InvalidShareError(
                f"range from {format_share(self.min)} to {format_share(self.max)} is "
                "reversed; give the smaller bound first",
                value=(self.min, self.max),
            )
        if self.min == self.max and self.closed != "both":
            raise InvalidShareError(
                f"range from {format_share(self.min)} to {format_share(self.max)} with "
                f"closed={self.closed!r} is empty",
                value=(self.min, self.max),
            )

    @property
    def min_closed(self) -> bool:
        """Whether the lower bound belongs to the range."""
        return self.closed in ("both", "left")

    @property
    def max_closed(self) -> bool:
        """Whether the upper bound belongs to the range."""
        return self.closed in ("both", "right")

    def __contains__(self, share: object) -> bool:
        if not isinstance(share, Fraction | int):
            return False
        above = share > self.min or (self.min_closed and share == self.min)
        below = share < self.max or (self.max_closed and share == self.max)
        return above and below

    def __repr__(self) -> str:
        return (
            f"Range({format_share(self.min)!r}, {format_share(self.max)!r}, closed={self.closed!r})"
        )


@attrs.frozen(kw_only=True)
class Interval:
    """The set of values a figure can take when some stakes are ranges.

    ``lower``/``upper`` are exact; ``lower_closed``/``upper_closed`` say whether
    the bounds themselves are attained.

    Examples
    --------
    >>> Interval(lower=Fraction(1, 4), upper=Fraction(1, 2), lower_closed=False)
    Interval(lower=Fraction(1, 4), upper=Fraction(1, 2), lower_closed=False, upper_closed=True)
    """

    lower: Fraction
    upper: Fraction
    lower_closed: bool = True
    upper_closed: bool = True

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, Fraction | int):
            return False
        above = value > self.lower or (self.lower_closed and value == self.lower)
        below = value < self.upper or (self.upper_closed and value == self.upper)
        return above and below

    @property
    def is_point(self) -> bool:
        """Whether the interval holds exactly one value."""
        return self.lower == self.upper

    def describe(self) -> str:
        """The interval with exact ends, brackets showing which belong to it.

        >>> Interval(lower=Fraction(1, 4), upper=Fraction(1, 3), lower_closed=False).describe()
        '(25%, 1/3]'
        """
        left = "[" if self.lower_closed else "("
        right = "]" if self.upper_closed else ")"
        return f"{left}{format_share(self.lower)}, {format_share(self.upper)}{right}"
