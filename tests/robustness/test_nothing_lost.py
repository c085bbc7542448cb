"""Nothing lost: a failed save leaves the old file, load never touches its input,
and a refused change leaves the graph exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

import jvmodel as jvm
from tests.robustness.bad_files import BAD_FILES


def _graph() -> jvm.OwnershipGraph:
    g = jvm.OwnershipGraph()
    g.add_entity("bt", jurisdiction="GB")
    g.add_entity("jv", jurisdiction="CN-BJ", sectors=["vpn"])
    g.add_holding("bt", "jv", "50%", valid_from=dt.date(2019, 1, 1))
    return g


def _changed(g: jvm.OwnershipGraph) -> jvm.OwnershipGraph:
    g = g.copy()
    g.add_entity("partner", jurisdiction="CN")
    g.add_holding("partner", "jv", Fraction(1, 3))
    return g


@pytest.fixture(params=[".toml", ".json"])
def saved(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A folder holding one saved file, the old version that must survive."""
    path = tmp_path / f"structure{request.param}"
    jvm.save(_graph(), path)
    return path


class _FullDisk:
    """A file object that writes half of what it is given, then reports a full disk."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.real.close()

    def write(self, data: Any) -> int:
        self.real.write(data[: len(data) // 2])
        self.real.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


_REAL_FDOPEN = os.fdopen


def _full_disk(*args: Any, **kwargs: Any) -> _FullDisk:
    return _FullDisk(_REAL_FDOPEN(*args, **kwargs))


def _fail_replace(*_args: object) -> None:
    raise OSError(errno.EIO, "Input/output error")


def _fail_fsync(_fd: int) -> None:
    raise OSError(errno.EIO, "Input/output error")


def _interrupt_fsync(_fd: int) -> None:
    raise KeyboardInterrupt


# Every writer goes through jvmodel.io._files, where the faults are injected.
FAULTS = {
    "full-disk": ("os.fdopen", _full_disk, OSError),
    "fsync-fails": ("os.fsync", _fail_fsync, OSError),
    "interrupted": ("os.fsync", _interrupt_fsync, KeyboardInterrupt),
    "rename-fails": ("os.replace", _fail_replace, OSError),
}


def _parquet(g: jvm.OwnershipGraph, folder: Path) -> None:
    pytest.importorskip("pyarrow")
    jvm.to_parquet(g, folder / "entities.parquet", folder / "holdings.parquet")


# Each writer, writing into a folder: the tabular ones write two files together.
WRITERS = {
    "toml": lambda g, folder: jvm.save(g, folder / "structure.toml"),
    "json": lambda g, folder: jvm.save(g, folder / "structure.json"),
    "bods": lambda g, folder: jvm.write_bods(g, folder / "structure.bods.json"),
    "graphml": lambda g, folder: jvm.to_graphml(g, folder / "structure.graphml"),
    "csv": lambda g, folder: jvm.to_csv(g, folder / "entities.csv", folder / "holdings.csv"),
    "parquet": _parquet,
}


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("writer", sorted(WRITERS))
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_failed_write_keeps_the_old_files_and_leaves_no_temporary(
    fault: str, writer: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write = WRITERS[writer]
    write(_graph(), tmp_path)
    before = _contents(tmp_path)
    name, replacement, error = FAULTS[fault]
    monkeypatch.setattr(f"jvmodel.io._files.{name}", replacement)
    with pytest.raises(error):
        write(_changed(_graph()), tmp_path)
    # Every old file is whole (even those of a set written together), and no
    # temporary file is left behind.
    assert _contents(tmp_path) == before
    monkeypatch.undo()
    # The same write succeeds without the fault, and changes the files.
    write(_changed(_graph()), tmp_path)
    after = _contents(tmp_path)
    assert after.keys() == before.keys()
    assert after != before


@pytest.mark.parametrize("writer", ["csv", "parquet"])
def test_a_set_of_files_is_replaced_only_when_all_are_written(
    writer: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The disk fills up while the second file (holdings) is written: the first
    # (entities), already written in full, must not replace its old version either,
    # or the folder would pair new entities with old holdings.
    write = WRITERS[writer]
    write(_graph(), tmp_path)
    before = _contents(tmp_path)
    opened: list[int] = []

    def second_fills_the_disk(*args: Any, **kwargs: Any) -> Any:
        opened.append(1)
        return _full_disk(*args, **kwargs) if len(opened) == 2 else _REAL_FDOPEN(*args, **kwargs)

    monkeypatch.setattr("jvmodel.io._files.os.fdopen", second_fills_the_disk)
    with pytest.raises(OSError, match="No space left on device"):
        write(_changed(_graph()), tmp_path)
    assert len(opened) == 2
    assert _contents(tmp_path) == before


def test_failed_first_save_creates_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("jvmodel.io._files.os.replace", _fail_replace)
    with pytest.raises(OSError, match="Input/output error"):
        jvm.save(_graph(), tmp_path / "new.toml")
    assert list(tmp_path.iterdir()) == []


def test_save_replaces_the_file_and_keeps_its_permissions(saved: Path) -> None:
    saved.chmod(0o640)
    jvm.save(_changed(_graph()), saved)
    assert jvm.load(saved) == _changed(_graph())
    assert saved.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in saved.parent.iterdir()) == [saved.name]


def test_unknown_suffix_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(jvm.SchemaError, match="unknown file type"):
        jvm.save(_graph(), tmp_path / "structure.yaml")
    assert list(tmp_path.iterdir()) == []


def _fingerprint(path: Path) -> tuple[bytes, int, int]:
    info = path.stat()
    return path.read_bytes(), info.st_mtime_ns, info.st_mode


def test_load_does_not_change_a_good_file(saved: Path) -> None:
    os.utime(saved, ns=(1_000_000_000, 1_000_000_000))  # a known mtime, far in the past
    before = _fingerprint(saved)
    jvm.load(saved)
    assert _fingerprint(saved) == before


@pytest.mark.parametrize("case", BAD_FILES[::5], ids=[c.name for c in BAD_FILES[::5]])
def test_load_does_not_change_a_bad_file(case: Any, tmp_path: Path) -> None:
    path = tmp_path / f"bad{case.suffix}"
    path.write_bytes(case.content)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = _fingerprint(path)
    with pytest.raises(jvm.JVModelError):
        jvm.load(path)
    assert _fingerprint(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


# -- refused operations lose nothing ---------------------------------------------------


def _mostly(valid: st.SearchStrategy[Any], invalid: st.SearchStrategy[Any]) -> Any:
    """Valid five times in six: sequences then build real structures to refuse against."""
    return st.integers(0, 5).flatmap(lambda k: invalid if k == 0 else valid)


IDS = _mostly(
    st.sampled_from(["bt", "jv", "partner", "fund"]),
    st.sampled_from(["", " bt", "cafe\u0301", 7, "ghost"]),
)
JURISDICTIONS = _mostly(
    st.sampled_from(["GB", "CN", "CN-BJ", "US", "HK", None]), st.sampled_from(["UK", "XX", 44])
)
SHARES = _mostly(
    st.one_of(
        st.sampled_from(["10%", "25%", "50%", "60%", "1/3", "0", "100%", "0.5"]),
        st.fractions(0, 1, max_denominator=12),
        st.fixed_dictionaries({"min": st.sampled_from(["10%", "20%"]), "max": st.just("30%")}),
    ),
    st.sampled_from(["150%", "-1%", "50", "abc", "", "1/0", None, True, 2, {"min": "40%"}]),
)
DATES = st.one_of(st.none(), st.dates(dt.date(2019, 1, 1), dt.date(2021, 12, 31)))
ADD_ENTITY = st.tuples(
    st.just("add_entity"), IDS, JURISDICTIONS, st.sampled_from(["company", "fund", "x"])
)
OPERATIONS = st.one_of(
    ADD_ENTITY,
    st.tuples(st.just("add_holding"), IDS, IDS, SHARES, st.one_of(st.none(), SHARES), DATES, DATES),
    st.tuples(st.just("add_control"), IDS, IDS, st.sampled_from(["contract", "board", "x"])),
    st.tuples(st.just("replace_entity"), IDS, JURISDICTIONS),
)


def _apply(g: jvm.OwnershipGraph, operation: tuple[Any, ...]) -> None:
    kind, *args = operation
    if kind == "add_entity":
        entity, jurisdiction, entity_kind = args
        g.add_entity(entity, jurisdiction=jurisdiction, kind=entity_kind)
    elif kind == "add_holding":
        owner, owned, equity, voting, start, end = args
        g.add_holding(owner, owned, equity, voting=voting, valid_from=start, valid_to=end)
    elif kind == "add_control":
        controller, controlled, basis = args
        g.add_control(controller, controlled, basis=basis)
    else:
        entity, jurisdiction = args
        g.replace_entity(jvm.Entity(id=entity, jurisdiction=jurisdiction, name="renamed"))


@given(first=st.lists(ADD_ENTITY, min_size=2, max_size=6), then=st.lists(OPERATIONS, max_size=40))
def test_refused_operations_lose_nothing(
    first: list[tuple[Any, ...]], then: list[tuple[Any, ...]]
) -> None:
    operations = first + then  # entities first, so that later changes have something to refer to
    g = jvm.OwnershipGraph()
    accepted = []
    for operation in operations:
        before, version = g.copy(), g.version
        try:
            _apply(g, operation)
        except jvm.JVModelError:
            event(f"refused {operation[0]}")
            assert g == before  # the refused change left no trace
            assert g.version == version
            continue
        accepted.append(operation)
    event(f"{len(accepted)} accepted" if len(accepted) < 5 else "5+ accepted")
    assert g.version == len(accepted)  # each accepted change counts once
    rebuilt = jvm.OwnershipGraph()
    for operation in accepted:
        _apply(rebuilt, operation)  # every accepted change is accepted again
    assert rebuilt == g
    assert list(rebuilt.entities()) == list(g.entities())
    assert list(rebuilt.holdings()) == list(g.holdings())
    assert list(rebuilt.controls()) == list(g.controls())
