"""The catalogue of bad input: each case is refused with its error type and message,
and a refused change leaves the graph exactly as it was.

Decisions the cases pin down (see ``docs/security.md``):

* a bare number is a fraction of one, so ``"50"`` is refused as ambiguous;
* ids are NFC strings without surrounding whitespace or invisible characters;
* a holding of an entity in itself is always treasury: no votes of its own, < 100%;
* unknown fields in files are refused, not ignored.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import jvmodel as jvm
from jvmodel import (
    DuplicateEntityError,
    DuplicateHoldingError,
    InvalidEntityError,
    InvalidShareError,
    OverallocatedError,
    UnknownEntityError,
)
from tests.robustness.bad_files import BAD_FILES, BadFile

# -- shares -----------------------------------------------------------------------

BAD_SHARES: list[tuple[str, object, str]] = [
    ("negative-percent", "-10%", "not a share"),  # the grammar has no sign at all
    ("negative-fraction", Fraction(-1, 2), "is negative"),
    ("negative-float", -0.5, "is negative"),
    ("negative-decimal", decimal.Decimal("-0.1"), "is negative"),
    ("above-100-percent", "150%", "above 100%"),
    ("above-100-ratio", "101/100", "above 100%"),
    ("above-100-fraction", Fraction(3, 2), "above 100%"),
    ("nan-text", "nan", "not a share"),
    ("nan-float", float("nan"), "not a finite number"),
    ("nan-decimal", decimal.Decimal("NaN"), "not a finite number"),
    ("infinite-text", "inf", "not a share"),
    ("infinite-float", float("inf"), "not a finite number"),
    ("infinite-decimal", decimal.Decimal("-Infinity"), "not a finite number"),
    ("empty", "", "is empty"),
    ("blank", "  \t ", "is empty"),
    ("bare-50", "50", "bare number above 1"),
    ("bare-1.5", "1.5", "bare number above 1"),
    ("int-50", 50, "integer other than 0 or 1"),
    ("huge-exponent", "1e999999%", "not a share"),
    ("small-exponent", "5e-1", "not a share"),
    ("double-percent", "50%%", "not a share"),
    ("arabic-indic-digits", "٥٠%", "not a share"),
    ("fullwidth-digits", "５０%", "not a share"),
    ("long-ratio", "1/" + "3" * 10_000, "characters long (at most 64)"),
    ("long-decimal", "0." + "1" * 10_000, "characters long (at most 64)"),
    ("zero-denominator", "1/0", "zero denominator"),
    ("huge-int", 10**10_000, "integer other than 0 or 1"),
    ("huge-fraction", Fraction(1, 3**1000), "no exact text form"),
    ("huge-decimal-exponent", decimal.Decimal("1e-999999"), "exponent too large"),
    ("long-decimal-digits", decimal.Decimal("0." + "1" * 100), "more than 64 digits"),
    ("tiny-float", 1e-300, "no exact text form"),
    ("none", None, "has type NoneType"),
    ("list", ["50%"], "has type list"),
    ("tuple", (1, 2), "has type tuple"),
    ("bytes", b"50%", "has type bytes"),
    ("complex", 0.5j, "has type complex"),
    ("true", True, "is a boolean"),
    ("false", False, "is a boolean"),
]


@pytest.mark.parametrize(
    ("value", "fragment"), [c[1:] for c in BAD_SHARES], ids=[c[0] for c in BAD_SHARES]
)
def test_bad_share_is_refused(value: object, fragment: str) -> None:
    with pytest.raises(InvalidShareError, match=None) as caught:
        jvm.parse_share(value)
    assert fragment in str(caught.value)
    assert caught.value.value is value  # the error keeps what was given


@pytest.mark.parametrize(
    "value",
    ["1/" + "3" * 10_000, "0." + "1" * 10_000, "9" * 100_000 + "%", " " + "1" * 65],
    ids=["long-ratio", "long-decimal", "long-percent", "65-digits"],
)
def test_long_share_text_is_refused_before_it_is_parsed(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No slow path by construction: the length check comes before the grammar
    # and before any arithmetic, so neither may be reached.
    class Untouchable:
        def fullmatch(self, _text: str) -> None:
            raise AssertionError("the share grammar was reached")

    monkeypatch.setattr("jvmodel._numeric._SHARE_RE", Untouchable())
    with pytest.raises(InvalidShareError, match=r"characters long \(at most 64\)"):
        jvm.parse_share(value)


@pytest.mark.parametrize(
    "value", [Fraction(1, 3**1000), Fraction(7**500, 7**500 + 1)], ids=["tiny", "near-one"]
)
def test_huge_fraction_is_refused_by_size_before_it_is_written(
    value: Fraction, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The bit-length check comes first: format_share (digits of a 1585-bit
    # number) is never called on such a value.
    def untouchable(_share: Fraction) -> str:
        raise AssertionError("format_share was reached")

    monkeypatch.setattr("jvmodel._numeric.format_share", untouchable)
    with pytest.raises(InvalidShareError, match="no exact text form"):
        jvm.parse_share(value)


GOOD_SHARES: list[tuple[object, Fraction]] = [
    ("50%", Fraction(1, 2)),
    ("0.5", Fraction(1, 2)),  # a bare number is a fraction of one
    ("1", Fraction(1)),  # so a bare "1" is all of it
    ("1/3", Fraction(1, 3)),
    (" 12.5 % ", Fraction(1, 8)),
    ("0." + "0" * 61 + "1", Fraction(1, 10**62)),  # 64 characters: the longest allowed
    (0.1, Fraction(1, 10)),  # the shortest decimal of the float, not its binary value
    (1, Fraction(1)),
    (decimal.Decimal("0.25"), Fraction(1, 4)),
]


@pytest.mark.parametrize(("value", "expected"), GOOD_SHARES, ids=[repr(v) for v, _ in GOOD_SHARES])
def test_good_share_is_read_exactly_and_writes_back(value: object, expected: Fraction) -> None:
    # Positive controls for the catalogue: a parser that refused everything fails here.
    share = jvm.parse_share(value)
    assert share == expected
    assert jvm.parse_share(jvm.format_share(share)) == share


# -- changes to a graph ------------------------------------------------------------


def _base() -> jvm.OwnershipGraph:
    g = jvm.OwnershipGraph()
    g.add_entity("bt", jurisdiction="GB")
    g.add_entity("partner", jurisdiction="CN-BJ")
    g.add_entity("jv", jurisdiction="CN-BJ", sectors=["vpn"])
    # Partner holds 60% of the JV until 2020-06-30; from 2020-07-01 there is room.
    g.add_holding("partner", "jv", "60%", valid_to=dt.date(2020, 6, 30))
    g.add_holding("bt", "partner", "10%")
    g.add_control("bt", "partner", basis="board")
    return g


Change = Callable[[jvm.OwnershipGraph], Any]
BAD_CHANGES: list[tuple[str, Change, type[Exception], str]] = [
    # entities
    ("empty-id", lambda g: g.add_entity(""), InvalidEntityError, "is empty"),
    ("blank-id", lambda g: g.add_entity("   "), InvalidEntityError, "is empty"),
    ("none-id", lambda g: g.add_entity(None), InvalidEntityError, "must be a string"),
    ("int-id", lambda g: g.add_entity(7), InvalidEntityError, "must be a string, not int"),
    ("padded-id", lambda g: g.add_entity("bt "), InvalidEntityError, "whitespace around it"),
    ("tab-id", lambda g: g.add_entity("b\tt"), InvalidEntityError, "control character (U+0009)"),
    ("nul-id", lambda g: g.add_entity("b\x00t"), InvalidEntityError, "control character (U+0000)"),
    ("zero-width-id", lambda g: g.add_entity("b\u200bt"), InvalidEntityError, "(U+200B)"),
    ("bidi-override-id", lambda g: g.add_entity("a\u202eb"), InvalidEntityError, "(U+202E)"),
    ("surrogate-id", lambda g: g.add_entity("b\ud800t"), InvalidEntityError, "lone surrogate"),
    ("line-separator-id", lambda g: g.add_entity("a\u2028b"), InvalidEntityError, "line separator"),
    # "e" + combining acute: looks like "é" but is another string; NFC is required.
    ("nfd-id", lambda g: g.add_entity("cafe\u0301"), InvalidEntityError, "write it as 'café'"),
    ("reserved-id", lambda g: g.add_entity("(undisclosed)"), InvalidEntityError, "reserved"),
    ("duplicate-id", lambda g: g.add_entity("bt"), DuplicateEntityError, "'bt' already exists"),
    ("kind", lambda g: g.add_entity("x", kind="corp"), InvalidEntityError, "kind 'corp'"),
    ("name-type", lambda g: g.add_entity("x", name=5), InvalidEntityError, "must be a string"),
    ("name-newline", lambda g: g.add_entity("x", name="a\nb"), InvalidEntityError, "control"),
    (
        "sectors-mapping",
        lambda g: g.add_entity("x", sectors={"vpn": 1}),
        InvalidEntityError,
        "list of strings",
    ),
    (
        "sectors-empty-label",
        lambda g: g.add_entity("x", sectors=[""]),
        InvalidEntityError,
        "non-empty strings",
    ),
    (
        "jurisdiction-uk",
        lambda g: g.add_entity("x", jurisdiction="UK"),
        InvalidEntityError,
        "use 'GB'",
    ),
    (
        "jurisdiction-unassigned",
        lambda g: g.add_entity("x", jurisdiction="XX"),
        InvalidEntityError,
        "not an ISO 3166 code",
    ),
    (
        "jurisdiction-alpha3",
        lambda g: g.add_entity("x", jurisdiction="GBR"),
        InvalidEntityError,
        "not an ISO 3166 code",
    ),
    (
        "jurisdiction-bad-subdivision",
        lambda g: g.add_entity("x", jurisdiction="CN-"),
        InvalidEntityError,
        "not an ISO 3166 code",
    ),
    # "ı".upper() is "I": without the ASCII check "ıt" would pass as Italy.
    (
        "jurisdiction-dotless-i",
        lambda g: g.add_entity("x", jurisdiction="ıt"),
        InvalidEntityError,
        "not an ISO 3166 code",
    ),
    (
        "jurisdiction-fullwidth",
        lambda g: g.add_entity("x", jurisdiction="ＧＢ"),
        InvalidEntityError,
        "not an ISO 3166 code",
    ),
    (
        "jurisdiction-int",
        lambda g: g.add_entity("x", jurisdiction=44),
        InvalidEntityError,
        "code string",
    ),
    # holdings
    (
        "unknown-owner",
        lambda g: g.add_holding("ghost", "jv", "1%"),
        UnknownEntityError,
        "no entity 'ghost'",
    ),
    (
        "unknown-owned",
        lambda g: g.add_holding("bt", "ghost", "1%"),
        UnknownEntityError,
        "no entity 'ghost'",
    ),
    (
        "share-bare-50",
        lambda g: g.add_holding("bt", "jv", "50"),
        InvalidShareError,
        "bare number above 1",
    ),
    (
        "share-negative",
        lambda g: g.add_holding("bt", "jv", Fraction(-1, 10)),
        InvalidShareError,
        "is negative",
    ),
    (
        "share-none",
        lambda g: g.add_holding("bt", "jv", equity=None),
        InvalidEntityError,
        "needs the owner",
    ),
    (
        "share-list",
        lambda g: g.add_holding("bt", "jv", ["50%"]),
        InvalidShareError,
        "has type list",
    ),
    (
        "voting-bool",
        lambda g: g.add_holding("bt", "jv", "10%", voting=True),
        InvalidShareError,
        "is a boolean",
    ),
    (
        "range-reversed",
        lambda g: g.add_holding("bt", "jv", {"min": "50%", "max": "25%"}),
        InvalidShareError,
        "reversed",
    ),
    (
        "range-empty",
        lambda g: g.add_holding("bt", "jv", {"min": "25%", "max": "25%", "closed": "left"}),
        InvalidShareError,
        "is empty",
    ),
    (
        "range-missing-max",
        lambda g: g.add_holding("bt", "jv", {"min": "25%"}),
        InvalidShareError,
        "'max' is missing",
    ),
    (
        "dates-reversed",
        lambda g: g.add_holding(
            "bt", "jv", "10%", valid_from=dt.date(2021, 1, 1), valid_to=dt.date(2020, 1, 1)
        ),
        InvalidEntityError,
        "ends on 2020-01-01 before it starts on 2021-01-01",
    ),
    (
        "date-as-text",
        lambda g: g.add_holding("bt", "jv", "10%", valid_from="2021-01-01"),
        InvalidEntityError,
        "must be a datetime.date",
    ),
    (
        "date-as-datetime",
        lambda g: g.add_holding("bt", "jv", "10%", valid_from=dt.datetime(2021, 1, 1)),
        InvalidEntityError,
        "must be a datetime.date",
    ),
    (
        "duplicate-holding",
        lambda g: g.add_holding("bt", "partner", "5%"),
        DuplicateHoldingError,
        "already holds a stake",
    ),
    # 60% (partner, to 2020-06-30) + 50% (bt, from 2020-06-30): 110% on that one day only.
    (
        "overallocated-one-day",
        lambda g: g.add_holding("bt", "jv", "50%", valid_from=dt.date(2020, 6, 30)),
        OverallocatedError,
        "add up to 110% on 2020-06-30 (> 100%): 'partner' 60%, 'bt' 50%",
    ),
    # 60% + 41% before any end date: 101%.
    (
        "overallocated-always",
        lambda g: g.add_holding("bt", "jv", "41%"),
        OverallocatedError,
        "add up to 101% from the start",
    ),
    # Voting: 60% + 10% equity with 45% votes = 105% of the votes.
    (
        "overallocated-voting",
        lambda g: g.add_holding("bt", "jv", "10%", voting="45%"),
        OverallocatedError,
        "voting stakes in 'jv' add up to 105%",
    ),
    # Treasury 50% + partner 60%: own shares count towards the 100% too.
    (
        "overallocated-treasury",
        lambda g: g.add_holding("jv", "jv", "50%"),
        OverallocatedError,
        "add up to 110%",
    ),
    (
        "treasury-with-votes",
        lambda g: g.add_holding("jv", "jv", "10%", voting="5%"),
        InvalidEntityError,
        "own shares carry no votes",
    ),
    (
        "treasury-all",
        lambda g: g.add_holding("bt", "bt", "100%"),
        InvalidEntityError,
        "cannot hold all of its own shares",
    ),
    (
        "source-type",
        lambda g: g.add_holding("bt", "jv", "1%", source=5),
        InvalidEntityError,
        "source must be a string",
    ),
    # control links
    (
        "control-self",
        lambda g: g.add_control("bt", "bt"),
        InvalidEntityError,
        "cannot control itself",
    ),
    (
        "control-basis",
        lambda g: g.add_control("bt", "jv", basis="bribery"),
        InvalidEntityError,
        "basis 'bribery'",
    ),
    (
        "control-unknown",
        lambda g: g.add_control("bt", "ghost"),
        UnknownEntityError,
        "no entity 'ghost'",
    ),
    (
        "control-duplicate",
        lambda g: g.add_control("bt", "partner", basis="board"),
        DuplicateHoldingError,
        "already controls",
    ),
]


@pytest.mark.parametrize(
    ("change", "error", "fragment"), [c[1:] for c in BAD_CHANGES], ids=[c[0] for c in BAD_CHANGES]
)
def test_bad_change_is_refused_and_changes_nothing(
    change: Change, error: type[Exception], fragment: str
) -> None:
    g = _base()
    before, version = g.copy(), g.version
    with pytest.raises(error) as caught:
        change(g)
    assert isinstance(caught.value, jvm.JVModelError)
    assert fragment in str(caught.value)
    assert "\n" not in str(caught.value)  # one line, also for odd values
    assert g == before
    assert g.version == version


GOOD_CHANGES: list[tuple[str, Change]] = [
    # The neighbours of the refused cases are accepted (a validator that refuses
    # everything fails here).
    (
        "after-the-one-day",
        lambda g: g.add_holding("bt", "jv", "50%", valid_from=dt.date(2020, 7, 1)),
    ),
    ("exactly-100", lambda g: g.add_holding("bt", "jv", "40%")),  # 60% + 40% = 100%
    ("treasury", lambda g: g.add_holding("jv", "jv", "40%")),  # 60% + 40% treasury = 100%
    ("treasury-equal-votes", lambda g: g.add_holding("jv", "jv", "10%", voting="10%")),
    ("unicode-id", lambda g: g.add_entity("中国联通", jurisdiction="CN")),
    ("nfc-id", lambda g: g.add_entity("café")),
    ("inner-space-id", lambda g: g.add_entity("BT Group plc")),
    ("persian-name", lambda g: g.add_entity("x", name="می\u200cخواهم")),  # ZWNJ in a name is fine
    ("jurisdiction-lower", lambda g: g.add_entity("x", jurisdiction=" cn-bj ")),
    ("kosovo", lambda g: g.add_entity("x", jurisdiction="XK")),
]


@pytest.mark.parametrize("change", [c[1] for c in GOOD_CHANGES], ids=[c[0] for c in GOOD_CHANGES])
def test_neighbouring_good_change_is_accepted(change: Change) -> None:
    g = _base()
    version = g.version
    change(g)
    assert g.version == version + 1


def test_treasury_is_left_out_and_the_rest_renormalised() -> None:
    # A holding of an entity in itself is always treasury.  With 40% treasury
    # and the partner's 60%, the partner owns 60/60 = all of the shares that count.
    g = _base()
    g.add_holding("jv", "jv", "40%")
    owners = jvm.effective_ownership(g, "jv", as_of=dt.date(2020, 1, 1))
    # partner 100% of jv; bt 10% of partner → 1/10; partner's other 90% undisclosed.
    assert owners == {jvm.UNDISCLOSED: Fraction(9, 10), "bt": Fraction(1, 10)}


# -- files ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", BAD_FILES, ids=[c.name for c in BAD_FILES])
def test_bad_file_is_refused_naming_the_record_and_field(case: BadFile, tmp_path: Path) -> None:
    path = tmp_path / f"{case.name}{case.suffix}"
    path.write_bytes(case.content)
    with pytest.raises(case.error) as caught:
        jvm.load(path)
    error = caught.value
    assert isinstance(error, jvm.JVModelError)
    message = str(error)
    assert case.fragment in message
    assert message.startswith(f"{path}: ")
    assert "\n" not in message
    assert getattr(error, "record", None) == case.record
    assert getattr(error, "field", None) == case.field
    if case.record is not None:
        assert case.record in message
    if case.field is not None:
        assert repr(case.field) in message


def test_unknown_fields_are_refused_not_ignored(tmp_path: Path) -> None:
    # A misspelt "equty" would otherwise drop the stake silently (and "equity",
    # being required, would then be reported missing instead of the real cause).
    path = tmp_path / "misspelt.toml"
    path.write_text(
        '[[entity]]\nid = "a"\n[[entity]]\nid = "b"\n'
        '[[holding]]\nowner = "a"\nowned = "b"\nequity = "1%"\nsorce = "x"\n'
    )
    with pytest.raises(jvm.SchemaError, match="field 'sorce': unknown field"):
        jvm.load(path)


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    # Some editors start UTF-8 files with a BOM; it carries no data.
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + b'[[entity]]\nid = "a"\njurisdiction = "GB"\n')
    assert [e.id for e in jvm.load(path).entities()] == ["a"]


def test_an_empty_structure_round_trips(tmp_path: Path) -> None:
    # The empty *file* is refused, but an empty structure saves and loads back.
    for suffix in (".toml", ".json"):
        path = tmp_path / f"empty{suffix}"
        jvm.save(jvm.OwnershipGraph(), path)
        assert len(jvm.load(path)) == 0


def test_regime_file_with_a_huge_integer_is_a_schema_error(tmp_path: Path) -> None:
    # Python refuses to convert integers of more than 4300 digits with a plain
    # ValueError; the regime loader reports it as a SchemaError naming the file.
    path = tmp_path / "regime.toml"
    path.write_text('name = "x"\nhost = "CN"\nlimit = 1' + "0" * 5000 + "\n")
    with pytest.raises(jvm.SchemaError, match="not a valid TOML file") as caught:
        jvm.regimes.load_regime(path)
    assert str(path) in str(caught.value)
