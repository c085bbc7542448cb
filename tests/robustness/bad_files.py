"""The catalogue of bad native files: what each must be refused with, and where.

Shared by the loader tests (``test_catalogue.py``) and the command-line tests
(``tests/cli/test_bad_input.py``).  Every case names the error type, a fragment
of its message, and the record and field the message must point to (None where
the problem is the file as a whole or has no single field).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from jvmodel import (
    DuplicateEntityError,
    DuplicateHoldingError,
    OverallocatedError,
    SchemaError,
    UnknownEntityError,
)


@dataclass(frozen=True)
class BadFile:
    name: str
    suffix: str
    content: bytes
    error: type[Exception]
    fragment: str
    record: str | None
    field: str | None


# A valid structure to break: two entities and, where a case adds one, a holding.
_ENTITIES = """\
[[entity]]
id = "bt"
jurisdiction = "GB"

[[entity]]
id = "jv"
jurisdiction = "CN-BJ"
sectors = ["vpn"]
"""


_WITH_PARTNER = _ENTITIES + '\n[[entity]]\nid = "partner"\njurisdiction = "CN"\n'


def _toml(extra: str = "", entities: str = _ENTITIES) -> bytes:
    return (entities + extra).encode()


def _holding(**fields: str) -> str:
    """A [[holding]] of bt in jv at 50%, with fields replaced (raw TOML values)."""
    values = {"owner": '"bt"', "owned": '"jv"', "equity": '"50%"', **fields}
    body = "".join(f"{key} = {value}\n" for key, value in values.items() if value != "")
    return f"\n[[holding]]\n{body}"


def _json(data: object) -> bytes:
    return json.dumps(data).encode()


def _json_equity(literal: bytes) -> bytes:
    """A JSON file whose one holding has ``literal`` (raw JSON) as its equity."""
    return (
        b'{"entity": [{"id": "bt"}, {"id": "jv"}], '
        b'"holding": [{"owner": "bt", "owned": "jv", "equity": ' + literal + b"}]}"
    )


_E = [{"id": "bt", "jurisdiction": "GB"}, {"id": "jv", "jurisdiction": "CN-BJ"}]

BAD_FILES: list[BadFile] = [
    # -- the file as a whole
    BadFile("empty", ".toml", b"", SchemaError, "the file is empty", "file", None),
    BadFile("blank", ".json", b" \n\t\n", SchemaError, "the file is empty", "file", None),
    BadFile(
        "not-utf8",
        ".toml",
        b'[[entity]]\nid = "\xff\xfe"\n',
        SchemaError,
        "not UTF-8",
        "file",
        None,
    ),
    BadFile(
        "latin1",
        ".json",
        '{"entity": [{"id": "café"}]}'.encode("latin-1"),
        SchemaError,
        "not UTF-8",
        "file",
        None,
    ),
    BadFile(
        "toml-syntax", ".toml", b"[[entity]\nid = 1\n", SchemaError, "not valid TOML", "file", None
    ),
    BadFile("json-syntax", ".json", b'{"entity": [}', SchemaError, "not valid JSON", "file", None),
    BadFile(
        "toml-nested-deep",
        ".toml",
        b"entity = " + b"[" * 5000 + b"]" * 5000,
        SchemaError,
        "nested too deeply",
        "file",
        None,
    ),
    BadFile(
        "json-nested-deep",
        ".json",
        b"[" * 100_000 + b"]" * 100_000,
        SchemaError,
        "nested too deeply",
        "file",
        None,
    ),
    BadFile(
        "toml-inline-deep",
        ".toml",
        b"x = " + b"{a = " * 3000 + b"1" + b"}" * 3000,
        SchemaError,
        "nested too deeply",
        "file",
        None,
    ),
    # Python refuses to convert integers of more than 4300 digits (a ValueError).
    BadFile(
        "json-huge-int",
        ".json",
        b'{"version": 1' + b"0" * 5000 + b', "entity": []}',
        SchemaError,
        "not valid JSON",
        "file",
        None,
    ),
    BadFile(
        "toml-huge-int",
        ".toml",
        b"version = 1" + b"0" * 5000 + b"\nentity = []\n",
        SchemaError,
        "not valid TOML",
        "file",
        None,
    ),
    BadFile(
        "json-duplicate-key",
        ".json",
        b'{"entity": [], "entity": [{"id": "x"}]}',
        SchemaError,
        "appears twice",
        "file",
        "entity",
    ),
    BadFile(
        "json-duplicate-field",
        ".json",
        b'{"entity": [{"id": "a", "id": "b"}]}',
        SchemaError,
        "appears twice",
        "file",
        "id",
    ),
    BadFile(
        "unknown-suffix",
        ".yaml",
        b"entity: []\n",
        SchemaError,
        "unknown file type '.yaml'",
        None,
        None,
    ),
    # -- the top level
    BadFile("top-list", ".json", b"[1, 2]", SchemaError, "expected a table", "top level", None),
    BadFile("top-string", ".json", b'"entity"', SchemaError, "expected a table", "top level", None),
    BadFile("no-entity", ".toml", b"version = 1\n", SchemaError, "missing", "top level", "entity"),
    BadFile(
        "entity-not-array",
        ".toml",
        b'entity = "bt"\n',
        SchemaError,
        "expected an array of tables",
        "top level",
        "entity",
    ),
    BadFile(
        "unknown-top-key",
        ".toml",
        _toml(entities="holdings = []\n" + _ENTITIES),
        SchemaError,
        "unknown key",
        "top level",
        "holdings",
    ),
    BadFile(
        "version-2",
        ".toml",
        _toml(entities="version = 2\n" + _ENTITIES),
        SchemaError,
        "unsupported version 2",
        "top level",
        "version",
    ),
    BadFile(
        "version-true",
        ".json",
        _json({"version": True, "entity": _E}),
        SchemaError,
        "unsupported version True",
        "top level",
        "version",
    ),
    BadFile(
        "version-float",
        ".json",
        _json({"version": 1.0, "entity": _E}),
        SchemaError,
        "unsupported version 1.0",
        "top level",
        "version",
    ),
    # -- records: shape, missing and extra fields, wrong types
    BadFile(
        "entity-not-table",
        ".json",
        _json({"entity": [1]}),
        SchemaError,
        "expected a table, got int",
        "entity #1",
        None,
    ),
    BadFile(
        "missing-id",
        ".toml",
        b'[[entity]]\nname = "BT"\n',
        SchemaError,
        "missing",
        "entity #1",
        "id",
    ),
    BadFile(
        "missing-equity",
        ".toml",
        _toml(_holding(equity="")),
        SchemaError,
        "missing",
        "holding #1",
        "equity",
    ),
    BadFile(
        "extra-field",
        ".toml",
        _toml(_holding(equty='"50%"')),
        SchemaError,
        "unknown field",
        "holding #1",
        "equty",
    ),
    BadFile(
        "extra-range-key",
        ".toml",
        _toml(_holding(equity='{ min = "1%", max = "2%", step = "1%" }')),
        SchemaError,
        "unknown range key 'step'",
        "holding #1",
        "equity",
    ),
    BadFile(
        "range-missing-max",
        ".toml",
        _toml(_holding(equity='{ min = "1%" }')),
        SchemaError,
        "a range needs 'max'",
        "holding #1",
        "equity",
    ),
    BadFile(
        "range-reversed",
        ".toml",
        _toml(_holding(equity='{ min = "60%", max = "50%" }')),
        SchemaError,
        "reversed",
        "holding #1",
        "equity",
    ),
    BadFile(
        "equity-bool",
        ".toml",
        _toml(_holding(equity="true")),
        SchemaError,
        "is a boolean",
        "holding #1",
        "equity",
    ),
    BadFile(
        "equity-list",
        ".toml",
        _toml(_holding(equity='["50%"]')),
        SchemaError,
        "has type list",
        "holding #1",
        "equity",
    ),
    BadFile(
        "equity-null",
        ".json",
        _json({"entity": _E, "holding": [{"owner": "bt", "owned": "jv", "equity": None}]}),
        SchemaError,
        "has type NoneType",
        "holding #1",
        "equity",
    ),
    BadFile(
        "name-int",
        ".toml",
        b'[[entity]]\nid = "bt"\nname = 5\n',
        SchemaError,
        "must be a string",
        "entity #1",
        "name",
    ),
    BadFile(
        "name-newline",
        ".json",
        _json({"entity": [{"id": "bt", "name": "BT\nGroup"}]}),
        SchemaError,
        "control character",
        "entity #1",
        "name",
    ),
    BadFile(
        "sectors-int",
        ".toml",
        b'[[entity]]\nid = "bt"\nsectors = 5\n',
        SchemaError,
        "must be a list of strings",
        "entity #1",
        "sectors",
    ),
    BadFile(
        "sectors-object",
        ".json",
        _json({"entity": [{"id": "bt", "sectors": {"vpn": True}}]}),
        SchemaError,
        "must be a list of strings",
        "entity #1",
        "sectors",
    ),
    BadFile(
        "kind-unknown",
        ".toml",
        b'[[entity]]\nid = "bt"\nkind = "corporation"\n',
        SchemaError,
        "kind 'corporation' is not one of",
        "entity #1",
        "kind",
    ),
    BadFile(
        "date-text",
        ".toml",
        _toml(_holding(valid_from='"yesterday"')),
        SchemaError,
        "is not a date",
        "holding #1",
        "valid_from",
    ),
    BadFile(
        "date-time",
        ".toml",
        _toml(_holding(valid_from="2020-01-01T10:00:00")),
        SchemaError,
        "is not a date",
        "holding #1",
        "valid_from",
    ),
    BadFile(
        "deep-value",
        ".json",
        b'{"entity": [{"id": ' + b"[" * 400 + b"]" * 400 + b"}]}",
        SchemaError,
        "must be a string, not list",
        "entity #1",
        "id",
    ),
    # -- shares
    BadFile(
        "bare-50",
        ".toml",
        _toml(_holding(equity='"50"')),
        SchemaError,
        "bare number above 1",
        "holding #1",
        "equity",
    ),
    BadFile(
        "int-50",
        ".toml",
        _toml(_holding(equity="50")),
        SchemaError,
        "integer other than 0 or 1",
        "holding #1",
        "equity",
    ),
    BadFile(
        "negative",
        ".toml",
        _toml(_holding(equity='"-5%"')),
        SchemaError,
        "not a share",
        "holding #1",
        "equity",
    ),
    BadFile(
        "negative-float",
        ".toml",
        _toml(_holding(equity="-0.5")),
        SchemaError,
        "is negative",
        "holding #1",
        "equity",
    ),
    BadFile(
        "above-100",
        ".toml",
        _toml(_holding(equity='"120%"')),
        SchemaError,
        "above 100%",
        "holding #1",
        "equity",
    ),
    BadFile(
        "voting-above-100",
        ".toml",
        _toml(_holding(voting='"3/2"')),
        SchemaError,
        "above 100%",
        "holding #1",
        "voting",
    ),
    BadFile(
        "nan",
        ".toml",
        _toml(_holding(equity="nan")),
        SchemaError,
        "not a finite number",
        "holding #1",
        "equity",
    ),
    BadFile(
        "nan-text",
        ".toml",
        _toml(_holding(equity='"NaN"')),
        SchemaError,
        "not a share",
        "holding #1",
        "equity",
    ),
    BadFile(
        "infinite",
        ".toml",
        _toml(_holding(equity="inf")),
        SchemaError,
        "not a finite number",
        "holding #1",
        "equity",
    ),
    BadFile(
        "json-infinity",
        ".json",
        _json_equity(b"Infinity"),
        SchemaError,
        "not a finite number",
        "holding #1",
        "equity",
    ),
    BadFile(
        "empty-share",
        ".toml",
        _toml(_holding(equity='""')),
        SchemaError,
        "is empty",
        "holding #1",
        "equity",
    ),
    BadFile(
        "huge-exponent",
        ".toml",
        _toml(_holding(equity='"1e999999%"')),
        SchemaError,
        "not a share",
        "holding #1",
        "equity",
    ),
    BadFile(
        "json-huge-exponent",
        ".json",
        _json_equity(b"1e999999"),
        SchemaError,
        "not a finite number",
        "holding #1",
        "equity",
    ),
    BadFile(
        "tiny-float",
        ".toml",
        _toml(_holding(equity="1e-300")),
        SchemaError,
        "no exact text form",
        "holding #1",
        "equity",
    ),
    BadFile(
        "long-fraction",
        ".toml",
        _toml(_holding(equity='"1/' + "3" * 10_000 + '"')),
        SchemaError,
        "characters long (at most 64)",
        "holding #1",
        "equity",
    ),
    BadFile(
        "zero-denominator",
        ".toml",
        _toml(_holding(equity='"1/0"')),
        SchemaError,
        "zero denominator",
        "holding #1",
        "equity",
    ),
    BadFile(
        "arabic-digits",
        ".toml",
        _toml(_holding(equity='"٥٠%"')),
        SchemaError,
        "not a share",
        "holding #1",
        "equity",
    ),
    # -- ids and jurisdictions
    BadFile(
        "empty-id", ".toml", b'[[entity]]\nid = ""\n', SchemaError, "is empty", "entity #1", "id"
    ),
    BadFile(
        "padded-id",
        ".toml",
        b'[[entity]]\nid = " bt"\n',
        SchemaError,
        "whitespace around it",
        "entity #1",
        "id",
    ),
    BadFile(
        "nfd-id",
        ".json",
        _json({"entity": [{"id": "cafe\u0301"}]}),
        SchemaError,
        "not in Unicode normal form NFC",
        "entity #1",
        "id",
    ),
    BadFile(
        "zero-width-id",
        ".json",
        _json({"entity": [{"id": "b\u200bt"}]}),
        SchemaError,
        "invisible format character",
        "entity #1",
        "id",
    ),
    BadFile(
        "bidi-id",
        ".json",
        _json({"entity": [{"id": "bt\u202egnp.exe"}]}),
        SchemaError,
        "invisible format character",
        "entity #1",
        "id",
    ),
    BadFile(
        "nul-id",
        ".json",
        b'{"entity": [{"id": "b\\u0000t"}]}',
        SchemaError,
        "control character",
        "entity #1",
        "id",
    ),
    BadFile(
        "surrogate-id",
        ".json",
        b'{"entity": [{"id": "b\\ud800t"}]}',
        SchemaError,
        "lone surrogate",
        "entity #1",
        "id",
    ),
    BadFile(
        "reserved-id",
        ".toml",
        b'[[entity]]\nid = "(undisclosed)"\n',
        SchemaError,
        "reserved",
        "entity #1",
        "id",
    ),
    BadFile(
        "jurisdiction-uk",
        ".toml",
        b'[[entity]]\nid = "bt"\njurisdiction = "UK"\n',
        SchemaError,
        "use 'GB'",
        "entity #1",
        "jurisdiction",
    ),
    BadFile(
        "jurisdiction-name",
        ".toml",
        b'[[entity]]\nid = "bt"\njurisdiction = "Britain"\n',
        SchemaError,
        "not an ISO 3166 code",
        "entity #1",
        "jurisdiction",
    ),
    BadFile(
        "jurisdiction-dotless-i",
        ".toml",
        '[[entity]]\nid = "x"\njurisdiction = "ıt"\n'.encode(),
        SchemaError,
        "not an ISO 3166 code",
        "entity #1",
        "jurisdiction",
    ),
    BadFile(
        "jurisdiction-int",
        ".json",
        _json({"entity": [{"id": "bt", "jurisdiction": 44}]}),
        SchemaError,
        "must be an ISO 3166 code string",
        "entity #1",
        "jurisdiction",
    ),
    # -- the graph refuses well-formed records
    BadFile(
        "duplicate-id",
        ".toml",
        _toml(entities=_ENTITIES + '\n[[entity]]\nid = "bt"\n'),
        DuplicateEntityError,
        "already exists",
        "entity #3",
        "id",
    ),
    BadFile(
        "unknown-owner",
        ".toml",
        _toml(_holding(owner='"ghost"')),
        UnknownEntityError,
        "no entity 'ghost'",
        "holding #1",
        "owner",
    ),
    BadFile(
        "unknown-controlled",
        ".toml",
        _toml('\n[[control]]\ncontroller = "bt"\ncontrolled = "ghost"\n'),
        UnknownEntityError,
        "no entity 'ghost'",
        "control #1",
        "controlled",
    ),
    BadFile(
        "duplicate-holding",
        ".toml",
        _toml(_holding() + _holding(equity='"10%"')),
        DuplicateHoldingError,
        "already holds a stake",
        "holding #2",
        None,
    ),
    # partner 60% + bt 50% (the default holding) = 110% of jv.
    BadFile(
        "over-allocated",
        ".toml",
        _toml(_holding(owner='"partner"', equity='"60%"') + _holding(), _WITH_PARTNER),
        OverallocatedError,
        "add up to 110% from the start",
        "holding #2",
        "equity",
    ),
    # partner 60% up to 2020-06-30, bt 50% from 2020-06-30: 110% on that one shared day.
    BadFile(
        "over-allocated-one-day",
        ".toml",
        _toml(
            _holding(owner='"partner"', equity='"60%"', valid_to="2020-06-30")
            + _holding(valid_from="2020-06-30"),
            _WITH_PARTNER,
        ),
        OverallocatedError,
        "add up to 110% on 2020-06-30",
        "holding #2",
        "equity",
    ),
    # Equity 10% + 50% fits; votes 60% + 50% (bt's voting is its equity) = 110%.
    BadFile(
        "voting-over-allocated",
        ".toml",
        _toml(
            _holding(owner='"partner"', equity='"10%"', voting='"60%"') + _holding(), _WITH_PARTNER
        ),
        OverallocatedError,
        "voting stakes in 'jv' add up to 110%",
        "holding #2",
        "voting",
    ),
    BadFile(
        "dates-reversed",
        ".toml",
        _toml(_holding(valid_from="2021-01-01", valid_to="2020-01-01")),
        SchemaError,
        "before it starts",
        "holding #1",
        "valid_to",
    ),
    BadFile(
        "treasury-votes",
        ".toml",
        _toml(_holding(owner='"jv"', equity='"10%"', voting='"5%"')),
        SchemaError,
        "own shares carry no votes",
        "holding #1",
        "voting",
    ),
    BadFile(
        "treasury-all",
        ".toml",
        _toml(_holding(owner='"jv"', equity='"100%"')),
        SchemaError,
        "cannot hold all of its own shares",
        "holding #1",
        "equity",
    ),
    BadFile(
        "self-control",
        ".toml",
        _toml('\n[[control]]\ncontroller = "bt"\ncontrolled = "bt"\n'),
        SchemaError,
        "cannot control itself",
        "control #1",
        "controlled",
    ),
]
