"""CSV, Parquet and pandas edge lists: exact round trips, and errors with their location."""

from __future__ import annotations

import datetime as dt
import sys
from fractions import Fraction
from pathlib import Path

import pytest

import jvmodel as jvm
from tests.io.test_bods_write import rich_graph


def without_claims(g: jvm.OwnershipGraph) -> jvm.OwnershipGraph:
    """The graph less its declared interests, which the tables do not carry."""
    plain = jvm.OwnershipGraph()
    for e in g.entities():
        plain.add_entity(e)
    for h in g.holdings():
        plain.add_holding(h)
    for c in g.controls():
        plain.add_control(c)
    return plain


def csv_paths(folder: Path) -> tuple[Path, Path, Path]:
    return folder / "entities.csv", folder / "holdings.csv", folder / "controls.csv"


def test_csv_round_trip(tmp_path: Path) -> None:
    g = rich_graph()
    jvm.to_csv(g, *csv_paths(tmp_path))
    back = jvm.read_csv(*csv_paths(tmp_path))
    assert back == without_claims(g)
    assert [e.id for e in back.entities()] == [e.id for e in g.entities()]
    text = (tmp_path / "holdings.csv").read_text(encoding="utf-8")
    # Exact strings: 1/3 as a ratio, the (25%, 50%] band in interval notation.
    assert "fund,jv,1/3,10%,,," in text
    assert '"(25%, 50%]"' in text


def test_labels_with_separators_survive(tmp_path: Path) -> None:
    g = jvm.OwnershipGraph()
    g.add_entity("x", sectors=["a;b", "back\\slash", "vpn"], zones=["z"])
    g.add_holding("x", "x", "10%")  # treasury shares
    jvm.to_csv(g, tmp_path / "e.csv", tmp_path / "h.csv")
    assert jvm.read_csv(tmp_path / "e.csv", tmp_path / "h.csv") == g


def test_columns_in_any_order_and_optional_ones_left_out(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text("jurisdiction,id\nGB,bt\nCN-BJ,jv\n", encoding="utf-8")
    (tmp_path / "h.csv").write_text(
        "equity,owned,owner,valid_from\n50%,jv,bt,2021-03-01\n", encoding="utf-8"
    )
    g = jvm.read_csv(tmp_path / "e.csv", tmp_path / "h.csv")
    assert g.entity("bt") == jvm.Entity(id="bt", jurisdiction="GB")
    [holding] = g.holdings()
    assert (holding.equity, holding.voting, holding.valid_from) == (
        Fraction(1, 2),
        Fraction(1, 2),
        dt.date(2021, 3, 1),
    )


ENTITIES = "id,kind,jurisdiction\nbt,company,GB\njv,company,CN-BJ\npartner,company,CN\n"


@pytest.mark.parametrize(
    ("entities", "holdings", "file", "where", "column"),
    [
        ("id,kind,colour\nbt,company,red\n", "owner,owned,equity\n", "e.csv", "header", "colour"),
        (ENTITIES, "owner,owned\nbt,jv\n", "h.csv", "header", "equity"),
        (ENTITIES, "owner,owned,equity\nbt,jv,50%\npartner,jv,half\n", "h.csv", "row 3", "equity"),
        (ENTITIES, "owner,owned,equity\nbt,jv,120%\n", "h.csv", "row 2", "equity"),
        (ENTITIES, "owner,owned,equity,voting\nbt,jv,50%,[60%, 40%]\n", "h.csv", "row 2", None),
        (
            ENTITIES,
            "owner,owned,equity,valid_from\nbt,jv,50%,2021-02-30\n",
            "h.csv",
            "row 2",
            "valid_from",
        ),
        (ENTITIES, "owner,owned,equity\n,jv,50%\n", "h.csv", "row 2", "owner"),
        ("id,kind\nbt,corporation\n", "owner,owned,equity\n", "e.csv", "row 2", "kind"),
        ("id,jurisdiction\nbt,UK\n", "owner,owned,equity\n", "e.csv", "row 2", "jurisdiction"),
    ],
)
def test_malformed_csv_names_file_row_and_column(  # noqa: PLR0917 - parametrised
    tmp_path: Path, entities: str, holdings: str, file: str, where: str, column: str | None
) -> None:
    (tmp_path / "e.csv").write_text(entities, encoding="utf-8")
    (tmp_path / "h.csv").write_text(holdings, encoding="utf-8")
    with pytest.raises(jvm.SchemaError) as caught:
        jvm.read_csv(tmp_path / "e.csv", tmp_path / "h.csv")
    error = caught.value
    assert str(tmp_path / file) in str(error)
    assert error.record == where
    if column is not None:
        assert error.field == column
        assert f"column {column!r}" in str(error)


def test_graph_refusals_keep_their_type_with_the_row(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text(ENTITIES, encoding="utf-8")
    (tmp_path / "h.csv").write_text(
        "owner,owned,equity\nbt,jv,60%\npartner,jv,50%\n", encoding="utf-8"
    )
    with pytest.raises(jvm.OverallocatedError, match=r"h\.csv: row 3: holdings in 'jv'"):
        jvm.read_csv(tmp_path / "e.csv", tmp_path / "h.csv")
    (tmp_path / "h.csv").write_text("owner,owned,equity\nghost,jv,10%\n", encoding="utf-8")
    with pytest.raises(jvm.UnknownEntityError, match=r"h\.csv: row 2: no entity 'ghost'"):
        jvm.read_csv(tmp_path / "e.csv", tmp_path / "h.csv")


def test_extra_cells_are_refused(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text(ENTITIES, encoding="utf-8")
    # An unquoted range splits into two cells.
    (tmp_path / "h.csv").write_text("owner,owned,equity\nbt,jv,(25%, 50%]\n", encoding="utf-8")
    with pytest.raises(jvm.SchemaError, match="row 2: more cells than columns"):
        jvm.read_csv(tmp_path / "e.csv", tmp_path / "h.csv")


def test_control_links_are_not_dropped_silently(tmp_path: Path) -> None:
    with pytest.raises(jvm.SchemaError, match="3 control links"):
        jvm.to_csv(rich_graph(), tmp_path / "e.csv", tmp_path / "h.csv")
    assert not (tmp_path / "e.csv").exists()


def test_csv_works_without_pandas_and_pyarrow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for module in ("pandas", "pyarrow", "pyarrow.parquet"):
        monkeypatch.setitem(sys.modules, module, None)  # import now fails
    g = rich_graph()
    jvm.to_csv(g, *csv_paths(tmp_path))
    assert jvm.read_csv(*csv_paths(tmp_path)) == without_claims(g)
    with pytest.raises(jvm.MissingDependencyError, match=r"jvmodel\[pandas\]") as caught:
        jvm.to_pandas(g)
    assert isinstance(caught.value, ImportError)
    assert caught.value.extra == "pandas"
    with pytest.raises(jvm.MissingDependencyError, match=r"jvmodel\[parquet\]"):
        jvm.to_parquet(g, tmp_path / "e.parquet", tmp_path / "h.parquet")


# -- Parquet and pandas (skipped where they are not installed) ---------------------------------


def test_parquet_round_trip(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    g = rich_graph()
    paths = (tmp_path / "e.parquet", tmp_path / "h.parquet", tmp_path / "c.parquet")
    jvm.to_parquet(g, *paths)
    assert jvm.read_parquet(*paths) == without_claims(g)


def test_parquet_errors_name_file_row_and_column(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    jvm.to_parquet(rich_graph(), tmp_path / "e.parquet", tmp_path / "h.parquet", tmp_path / "c.pq")
    bad = pa.table({"owner": ["fund", "lp"], "owned": ["jv", "jv"], "equity": ["10%", "lots"]})
    pq.write_table(bad, tmp_path / "bad.parquet")
    with pytest.raises(jvm.SchemaError) as caught:
        jvm.read_parquet(tmp_path / "e.parquet", tmp_path / "bad.parquet")
    assert (caught.value.record, caught.value.field) == ("row 2", "equity")
    (tmp_path / "junk.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(jvm.SchemaError, match="not a readable Parquet file"):
        jvm.read_parquet(tmp_path / "e.parquet", tmp_path / "junk.parquet")


def test_pandas_round_trip_and_typed_cells() -> None:
    pd = pytest.importorskip("pandas")
    g = rich_graph()
    entities, holdings, controls = jvm.to_pandas(g)
    assert list(holdings.columns) == [
        "owner",
        "owned",
        "equity",
        "voting",
        "valid_from",
        "valid_to",
        "source",
    ]
    assert jvm.from_pandas(entities, holdings, controls) == without_claims(g)
    # Frames made by hand: float shares (read through their shortest decimal form),
    # Timestamps at midnight, NaN for empty cells.
    people = pd.DataFrame({"id": ["a", "b"], "jurisdiction": ["US", float("nan")]})
    stakes = pd.DataFrame(
        {
            "owner": ["a"],
            "owned": ["b"],
            "equity": [0.1],
            "valid_from": [pd.Timestamp("2021-03-01")],
            "source": [None],
        }
    )
    [holding] = jvm.from_pandas(people, stakes).holdings()
    assert (holding.equity, holding.valid_from, holding.source) == (
        Fraction(1, 10),
        dt.date(2021, 3, 1),
        None,
    )


def test_pandas_errors_name_the_frame_row_and_column() -> None:
    pd = pytest.importorskip("pandas")
    people = pd.DataFrame({"id": ["a", "b"]})
    stakes = pd.DataFrame(
        {
            "owner": ["a", "a"],
            "owned": ["b", "b"],
            "equity": ["10%", "10%"],
            "valid_from": [
                "2020-01-01",
                pd.Timestamp("2021-03-01 12:30"),
            ],
        }
    )
    with pytest.raises(jvm.SchemaError) as caught:
        jvm.from_pandas(people, stakes)
    assert str(caught.value).startswith("holdings: row 2, column 'valid_from'")
