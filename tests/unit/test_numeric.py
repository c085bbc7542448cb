"""Reading shares exactly, ranges, and display."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

import jvmodel as jvm
from jvmodel._numeric import Interval, format_percent, format_share, parse_share


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("50%", Fraction(1, 2)),
        ("0.5", Fraction(1, 2)),
        ("1/2", Fraction(1, 2)),
        (" 1 / 2 ", Fraction(1, 2)),
        ("33.3%", Fraction(333, 1000)),  # 33.3 / 100
        ("12.5 %", Fraction(1, 8)),
        ("100%", Fraction(1)),
        ("1", Fraction(1)),
        ("0", Fraction(0)),
        (".25", Fraction(1, 4)),
        (Fraction(2, 7), Fraction(2, 7)),
        (Decimal("0.35"), Fraction(7, 20)),
        (0, Fraction(0)),
        (1, Fraction(1)),
        (0.1, Fraction(1, 10)),  # shortest decimal form, not the binary expansion
        (0.35, Fraction(7, 20)),
    ],
)
def test_accepted_forms(text: object, expected: Fraction) -> None:
    assert parse_share(text) == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("50", "bare number above 1"),
        ("120%", "above 100%"),
        ("-5%", "not a share"),  # a sign is not part of the grammar
        (Fraction(-1, 2), "negative"),
        ("", "empty"),
        ("   ", "empty"),
        ("abc", "not a share"),
        ("1e-2", "not a share"),
        ("1/0", "zero denominator"),
        ("1" * 100, "characters long"),
        (float("nan"), "not a finite number"),
        (float("inf"), "not a finite number"),
        (Decimal("NaN"), "not a finite number"),
        (50, "integer other than 0 or 1"),
        (True, "boolean"),
        (None, "has type NoneType"),
        ([1, 2], "has type list"),
        (1.5, "above 100%"),
    ],
)
def test_refused_forms(value: object, fragment: str) -> None:
    with pytest.raises(jvm.InvalidShareError, match=fragment) as caught:
        parse_share(value)
    assert isinstance(caught.value, ValueError)
    assert caught.value.value is value


def test_float_sum_versus_exact_sum() -> None:
    # 0.1 + 0.2 in floats is 0.30000000000000004; read as shares it is exactly 3/10.
    assert parse_share(0.1) + parse_share(0.2) == Fraction(3, 10)


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (Fraction(1, 8), "12.5%"),
        (Fraction(1, 3), "1/3"),
        (Fraction(1), "100%"),
        (Fraction(0), "0%"),
        (Fraction(103, 200), "51.5%"),
        (Fraction(1, 10**20), "0.000000000000000001%"),
    ],
)
def test_format_share_round_trips(share: Fraction, text: str) -> None:
    assert format_share(share) == text
    assert parse_share(text) == share


def test_format_percent_marks_rounding() -> None:
    assert format_percent(Fraction(1, 2)) == "50%"
    assert format_percent(Fraction(2, 3)) == "≈66.67%"
    # 50.001% rounds to 50% at two places, but must not read as exactly 50%.
    assert format_percent(Fraction(50001, 100000)) == "≈50%"
    assert format_percent(Fraction(50001, 100000), places=3) == "50.001%"


def test_range_ends() -> None:
    # UK PSC band "more than 25% to 50%": (25%, 50%].
    band = jvm.Range("25%", "50%", closed="right")
    assert band.min == Fraction(1, 4)
    assert band.max == Fraction(1, 2)
    assert (Fraction(1, 4) in band, Fraction(1, 2) in band, Fraction(3, 10) in band) == (
        False,
        True,
        True,
    )
    assert Fraction(1, 4) in jvm.Range("25%", "50%")
    assert Fraction(1, 2) not in jvm.Range("25%", "50%", closed="left")
    assert jvm.Range("25%", "50%", closed="right") == jvm.Range(0.25, "1/2", closed="right")


@pytest.mark.parametrize(
    ("args", "kwargs", "fragment"),
    [
        (("50%", "25%"), {}, "reversed"),
        (("50%", "50%"), {"closed": "left"}, "empty"),
        (("25%", "50%"), {"closed": "open"}, "closed='open'"),
        (("25%", "150%"), {}, "above 100%"),
    ],
)
def test_range_refusals(args: tuple[str, str], kwargs: dict[str, str], fragment: str) -> None:
    with pytest.raises(jvm.InvalidShareError, match=fragment):
        jvm.Range(*args, **kwargs)  # type: ignore[arg-type]


def test_interval_membership() -> None:
    interval = Interval(lower=Fraction(1, 4), upper=Fraction(1, 2), lower_closed=False)
    assert Fraction(1, 4) not in interval
    assert Fraction(1, 2) in interval
    assert not interval.is_point
    assert Interval(lower=Fraction(1, 3), upper=Fraction(1, 3)).is_point
