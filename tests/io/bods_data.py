"""Small builders of BODS 0.4 statements for tests, and the official schema validator."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED

BODS = SHARED / "data" / "bods-0.4"
EXAMPLES = BODS / "examples"
SCHEMA = BODS / "schema"

_numbers = itertools.count(1)


def require_bods_data() -> Path:
    """The shared BODS folder, or skip the test with the reason."""
    if not EXAMPLES.is_dir() or not SCHEMA.is_dir():
        pytest.skip(f"the official BODS 0.4 schema and examples are not at {BODS}")
    return BODS


def statement(
    record: str, kind: str, details: dict[str, Any], *, date: str = "2024-01-02", **extra: Any
) -> dict[str, Any]:
    number = next(_numbers)
    found = {
        "statementId": f"test-statement-{number:020d}",
        "declarationSubject": "subject",
        "statementDate": date,
        "recordId": record,
        "recordType": kind,
        "recordStatus": "new",
        "recordDetails": details,
    }
    found.update(extra)
    return found


def entity(record: str, *, code: str | None = None, type_: str = "registeredEntity", **kw: Any):
    details: dict[str, Any] = {"isComponent": False, "entityType": {"type": type_}, "name": record}
    if code is not None:
        details["jurisdiction"] = {"name": code, "code": code}
    details.update(kw.pop("details", {}))
    return statement(record, "entity", details, **kw)


def person(record: str, *, code: str | None = None, person_type: str = "knownPerson", **kw: Any):
    details: dict[str, Any] = {"isComponent": False, "personType": person_type}
    if person_type == "knownPerson":
        details["names"] = [{"fullName": record.title()}]
    if code is not None:
        details["nationalities"] = [{"name": code, "code": code}]
    return statement(record, "person", details, **kw)


def relationship(record: str, subject: Any, party: Any, *interests: dict[str, Any], **kw: Any):
    details: dict[str, Any] = {"isComponent": False, "subject": subject, "interestedParty": party}
    details["interests"] = list(interests)
    details.update(kw.pop("details", {}))
    return statement(record, "relationship", details, **kw)


def shares(percent: Any = None, type_: str = "shareholding", **fields: Any) -> dict[str, Any]:
    """An interest; ``percent`` is an exact share, or give ``share={...}``."""
    interest: dict[str, Any] = {"type": type_, "directOrIndirect": "direct"}
    if percent is not None:
        interest["share"] = {"exact": percent}
    interest.update(fields)
    return interest


def write(folder: Path, statements: list[dict[str, Any]], name: str = "statements.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(statements, indent=1), encoding="utf-8")
    return path


def validator() -> Any:
    """A validator of BODS 0.4 statement arrays, $refs resolved from the shared folder."""
    require_bods_data()
    jsonschema = pytest.importorskip("jsonschema")
    referencing = pytest.importorskip("referencing")
    from referencing.jsonschema import DRAFT202012

    resources = []
    for file in SCHEMA.glob("*.json"):
        document = json.loads(file.read_text(encoding="utf-8"))
        resources.append(
            (
                document["$id"],
                referencing.Resource.from_contents(document, default_specification=DRAFT202012),
            )
        )
    registry = referencing.Registry().with_resources(resources)
    schema = json.loads((SCHEMA / "statement.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(
        schema, registry=registry, format_checker=jsonschema.FormatChecker()
    )
