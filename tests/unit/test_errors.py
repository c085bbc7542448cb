"""The error tree: one root, the natural builtins, structured fields that pickle."""

from __future__ import annotations

import pickle

import pytest

import jvmodel as jvm


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (jvm.InvalidShareError, ValueError),
        (jvm.InvalidEntityError, ValueError),
        (jvm.OverallocatedError, ValueError),
        (jvm.UnknownEntityError, KeyError),
        (jvm.DuplicateEntityError, ValueError),
        (jvm.DuplicateHoldingError, ValueError),
        (jvm.CircularOwnershipError, ValueError),
        (jvm.SchemaError, ValueError),
        (jvm.UnknownRegimeError, KeyError),
        (jvm.UnknownSectorError, KeyError),
        (jvm.UnsupportedAnalysisError, ValueError),
    ],
)
def test_each_error_subclasses_the_root_and_its_builtin(error: type, builtin: type) -> None:
    assert issubclass(error, jvm.JVModelError)
    assert issubclass(error, builtin)


def test_errors_pickle_with_their_fields() -> None:
    g = jvm.OwnershipGraph()
    g.add_entity("a")
    g.add_entity("b")
    g.add_holding("a", "b", "70%")
    g.add_entity("c")
    with pytest.raises(jvm.OverallocatedError) as caught:
        g.add_holding("c", "b", "40%")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is jvm.OverallocatedError
    assert str(copy) == str(caught.value)
    assert copy.entity == "b"
    assert copy.stakes == caught.value.stakes


def test_key_errors_read_as_sentences() -> None:
    # KeyError's own str() would wrap the message in quotes.
    error = jvm.UnknownEntityError("no entity 'x' in the graph", entity="x")
    assert str(error) == "no entity 'x' in the graph"
