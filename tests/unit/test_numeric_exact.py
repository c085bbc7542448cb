"""Exact numbers: every accepted spelling, every refusal with its message, display rules."""

from __future__ import annotations

import decimal
from fractions import Fraction

import pytest

import jvmodel as jvm
from jvmodel._numeric import Interval, Range, format_percent, format_share, parse_share


@pytest.mark.parametrize(
    ("text", "share"),
    [
        ("0", Fraction(0)),
        ("1", Fraction(1)),
        ("0%", Fraction(0)),
        ("100%", Fraction(1)),
        ("50%", Fraction(1, 2)),
        ("33.3%", Fraction(333, 1000)),  # 33.3/100 = 333/1000
        (" 12.5 % ", Fraction(1, 8)),  # spaces around the number and the sign
        (".5", Fraction(1, 2)),
        ("1.", Fraction(1)),
        ("0.125", Fraction(1, 8)),
        ("1/3", Fraction(1, 3)),
        ("2 / 4", Fraction(1, 2)),
        ("3/3", Fraction(1)),
        ("0/7", Fraction(0)),
        (0, Fraction(0)),
        (1, Fraction(1)),
        (0.1, Fraction(1, 10)),  # the shortest decimal of the float, not its binary value
        (1.0, Fraction(1)),
        (0.0, Fraction(0)),
        (decimal.Decimal("0.25"), Fraction(1, 4)),
        # 1E-63 is 1E-61 %, written "0." + 60 zeros + "1%": 64 characters, the longest
        # text a share may have in a file.
        (decimal.Decimal("1E-63"), Fraction(1, 10**63)),
        (Fraction(2, 3), Fraction(2, 3)),
        ("0." + "0" * 61 + "1", Fraction(1, 10**62)),  # 64 characters: the longest allowed
    ],
)
def test_accepted_spellings(text: object, share: Fraction) -> None:
    result = parse_share(text)
    assert result == share
    assert type(result) is Fraction


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "50",
            "share '50' is a bare number above 1; bare numbers are fractions of one, so "
            "write '50%' for a percentage or '0.5' for a half",
        ),
        (
            "1.5",
            "share '1.5' is a bare number above 1; bare numbers are fractions of one, so "
            "write '1.5%' for a percentage or '0.5' for a half",
        ),
        (-0.5, "share -0.5 is negative; a share lies between 0% and 100%"),
        (1.5, "share 1.5 is above 100%; a share lies between 0% and 100%"),
        ("100.1%", "share '100.1%' is above 100%; a share lies between 0% and 100%"),
        ("3/2", "share '3/2' is above 100%; a share lies between 0% and 100%"),
        (Fraction(-1, 3), "share -1/3 is negative; a share lies between 0% and 100%"),
        (Fraction(4, 3), "share 4/3 is above 100%; a share lies between 0% and 100%"),
        (True, "share True is a boolean, not a share"),
        (False, "share False is a boolean, not a share"),
        (
            2,
            "share 2 is an integer other than 0 or 1; write a percentage such as '2%' or a "
            "fraction such as '1/2'",
        ),
        (
            -1,
            # '-1%' would be refused too, so the example is a valid percentage.
            "share -1 is an integer other than 0 or 1; write a percentage such as '50%' or a "
            "fraction such as '1/2'",
        ),
        (float("nan"), "share nan is not a finite number"),
        (float("inf"), "share inf is not a finite number"),
        (decimal.Decimal("NaN"), "share Decimal('NaN') is not a finite number"),
        (
            # 1E-64 is 1E-62 %: "0." + 61 zeros + "1%" is 65 characters, one too many.
            decimal.Decimal("1E-64"),
            "share Decimal('1E-64') has no exact text form of at most 64 characters, so it "
            "could not be saved; round it (for example with Fraction.limit_denominator)",
        ),
        (
            decimal.Decimal("1E-65"),
            "share Decimal('1E-65') has more than 64 digits or an exponent too large to be a share",
        ),
        (
            decimal.Decimal("1E+65"),
            "share Decimal('1E+65') has more than 64 digits or an exponent too large to be a share",
        ),
        (
            [1],
            "share [1] has type list; give a string such as '50%', '0.5' or '1/2', a "
            "Fraction, a Decimal or a float",
        ),
        (
            None,
            "share None has type NoneType; give a string such as '50%', '0.5' or '1/2', "
            "a Fraction, a Decimal or a float",
        ),
        ("", "share is empty; give a share such as '50%'"),
        ("   ", "share is empty; give a share such as '50%'"),
        (
            "abc",
            "share 'abc' is not a share; write a percentage ('50%'), a fraction of one "
            "('0.5') or a ratio ('1/2')",
        ),
        (
            "1e-3",
            "share '1e-3' is not a share; write a percentage ('50%'), a fraction of one "
            "('0.5') or a ratio ('1/2')",
        ),
        ("1/0", "share '1/0' has a zero denominator"),
        # 65 characters: its repr (67) is longer than the 60 shown whole, so the message
        # shows the first 27 and the last 28 characters around "...".
        (
            "0." + "0" * 62 + "1",
            "share '0." + "0" * 25 + "..." + "0" * 27 + "1' is 65 characters long (at most 64)",
        ),
    ],
)
def test_refusals_name_the_value_and_the_limit(value: object, message: str) -> None:
    with pytest.raises(jvm.InvalidShareError) as caught:
        parse_share(value)
    assert str(caught.value) == message
    assert caught.value.value is value


def test_the_value_is_named_as_asked() -> None:
    with pytest.raises(jvm.InvalidShareError, match=r"^equity of 'bt' in 'jv' '2' is a bare"):
        parse_share("2", what="equity of 'bt' in 'jv'")


def test_long_values_are_cut_in_messages() -> None:
    # repr adds two quotes and is shown whole up to 60 characters: 58 characters of text
    # show whole; 59 are cut to the first 27 and the last 28 around "...".
    with pytest.raises(jvm.InvalidShareError) as whole:
        parse_share("x" * 58)
    assert str(whole.value).startswith(f"share '{'x' * 58}' is not a share;")
    with pytest.raises(jvm.InvalidShareError) as cut:
        parse_share("x" * 59)
    assert str(cut.value).startswith(f"share '{'x' * 27}...{'x' * 28}' is not a share;")


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (Fraction(0), "0%"),
        (Fraction(1), "100%"),
        (Fraction(1, 2), "50%"),
        (Fraction(1, 8), "12.5%"),
        (Fraction(3, 40), "7.5%"),  # 40 = 2^3 · 5
        (Fraction(1, 1024), "0.09765625%"),  # 2^10: ends after ten places
        (Fraction(1, 5**7), "0.00128%"),  # 5^7 = 78125
        (Fraction(1, 3), "1/3"),
        (Fraction(1, 6), "1/6"),  # a factor 3 besides the 2: never ends
        (Fraction(7, 15), "7/15"),  # a factor 3 besides the 5
        (Fraction(2, 7), "2/7"),
        (Fraction(103, 200), "51.5%"),
        # 1/5^30 = 2^30/10^30: too large a denominator for floats to divide exactly.
        (Fraction(1, 5**30), "0.0000000000000000001073741824%"),
    ],
)
def test_exact_text(share: Fraction, text: str) -> None:
    assert format_share(share) == text
    assert parse_share(text) == share  # and it reads back exactly


@pytest.mark.parametrize(
    ("share", "places", "text"),
    [
        (Fraction(103, 200), 2, "51.5%"),
        (Fraction(1, 2), 2, "50%"),
        (Fraction(1, 3), 2, "≈33.33%"),
        (Fraction(2, 3), 2, "≈66.67%"),
        (Fraction(1, 800), 2, "≈0.12%"),  # 0.125% rounds half to even: 0.12
        (Fraction(3, 800), 2, "≈0.38%"),  # 0.375% rounds half to even: 0.38
        (Fraction(1, 2) + Fraction(1, 10**9), 2, "≈50%"),  # near 50% is never shown as 50%
        (Fraction(1, 3), 0, "≈33%"),
        (Fraction(1, 3), 1, "≈33.3%"),
        (Fraction(1, 8), 1, "12.5%"),
        (Fraction(1, 3), 20, "≈33." + "3" * 20 + "%"),
        (Fraction(0), 2, "0%"),
        (Fraction(1), 2, "100%"),
    ],
)
def test_display(share: Fraction, places: int, text: str) -> None:
    assert format_percent(share, places) == text


def test_display_rounds_to_two_places_by_default() -> None:
    assert format_percent(Fraction(1, 3)) == "≈33.33%"


def test_a_band_as_uk_registers_write_it() -> None:
    band = Range("25%", "50%", closed="right")
    assert (band.min, band.max) == (Fraction(1, 4), Fraction(1, 2))
    assert (band.min_closed, band.max_closed) == (False, True)
    assert repr(band) == "Range('25%', '50%', closed='right')"
    assert Fraction(1, 4) not in band
    assert Fraction(1, 2) in band
    assert Fraction(3, 10) in band
    assert Fraction(51, 100) not in band
    assert 0 not in band
    assert "30%" not in band  # only numbers are members
    assert 1 not in band


@pytest.mark.parametrize(
    ("closed", "low_in", "high_in"),
    [
        ("both", True, True),
        ("left", True, False),
        ("right", False, True),
        ("neither", False, False),
    ],
)
def test_which_ends_belong(closed: str, low_in: bool, high_in: bool) -> None:
    band = Range(0, "1/2", closed=closed)  # type: ignore[arg-type]
    assert band.closed == closed
    assert (band.min_closed, band.max_closed) == (low_in, high_in)
    assert (0 in band, Fraction(1, 2) in band) == (low_in, high_in)
    assert Fraction(1, 4) in band
    assert Fraction(-1, 4) not in band
    assert Fraction(3, 4) not in band


def test_a_range_of_one_value() -> None:
    point = Range("1/3", "1/3")
    assert point.closed == "both"
    assert Fraction(1, 3) in point
    assert Fraction(1, 3) + Fraction(1, 10**9) not in point


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: Range("60%", "50%"),
            "range from 60% to 50% is reversed; give the smaller bound first",
        ),
        (
            lambda: Range("1/3", "1/3", closed="left"),
            "range from 1/3 to 1/3 with closed='left' is empty",
        ),
        (
            lambda: Range(0, 1, closed="open"),
            "closed='open' is not one of 'both', 'left', 'right', 'neither'",
        ),
        (
            lambda: Range("150%", 1),
            "range bound '150%' is above 100%; a share lies between 0% and 100%",
        ),
    ],
)
def test_malformed_ranges(make: object, message: str) -> None:
    with pytest.raises(jvm.InvalidShareError) as caught:
        make()  # type: ignore[operator]
    assert str(caught.value) == message


def test_range_errors_keep_the_values() -> None:
    with pytest.raises(jvm.InvalidShareError) as reversed_range:
        Range("60%", "50%")
    assert reversed_range.value.value == (Fraction(3, 5), Fraction(1, 2))
    with pytest.raises(jvm.InvalidShareError) as empty:
        Range("1/3", "1/3", closed="neither")
    assert empty.value.value == (Fraction(1, 3), Fraction(1, 3))
    with pytest.raises(jvm.InvalidShareError) as closed:
        Range(0, 1, closed="open")  # type: ignore[arg-type]
    assert closed.value.value == "open"


def test_intervals() -> None:
    half_open = Interval(lower=Fraction(1, 4), upper=Fraction(1, 2), lower_closed=False)
    assert half_open.upper_closed
    assert Fraction(1, 4) not in half_open
    assert Fraction(1, 2) in half_open
    assert Fraction(1, 3) in half_open
    assert Fraction(3, 5) not in half_open
    assert "x" not in half_open
    assert not half_open.is_point
    shut = Interval(lower=Fraction(0), upper=Fraction(1, 2), upper_closed=False)
    assert 0 in shut
    assert Fraction(1, 2) not in shut
    assert Interval(lower=Fraction(1, 3), upper=Fraction(1, 3)).is_point
