"""Loading a register of a million entities from Parquet.

Writes ``jvm.synthetic.registry(1_000_000, seed=1)`` as three Parquet files
(entities, holdings and control links; shares as exact text such as "12.5%" or "1/3") with
pyarrow in a temporary folder, then times loading them back into a validated
graph (target: at most 30 s): pyarrow reads the columns, each distinct share
text is parsed once, the records are built, and
``OwnershipGraph.from_records`` validates and links them in bulk.  (The
library's own ``read_parquet`` is not used here: this measures the fastest
path through the bulk constructor.)  The loaded graph is checked equal to the
original.

Run: ``python benchmarks/parquet_load.py`` (``--entities N`` for a quicker trial).
"""

from __future__ import annotations

import argparse
import gc
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from _harness import load, machine, measure, peak_memory_gb, report

import jvmodel as jvm
from jvmodel._numeric import format_share, parse_share


def write(g: jvm.OwnershipGraph, folder: Path) -> tuple[Path, Path, Path]:
    entities = list(g.entities())
    holdings = list(g.holdings())
    if any(isinstance(h.equity, jvm.Range) or isinstance(h.voting, jvm.Range) for h in holdings):
        raise SystemExit("this benchmark writes exact stakes only (ranges_fraction=0)")
    entity_table = pa.table(
        {
            "id": [e.id for e in entities],
            "name": [e.name for e in entities],
            "kind": [e.kind for e in entities],
            "jurisdiction": [e.jurisdiction for e in entities],
            "sectors": [list(e.sectors) for e in entities],
            "zones": [list(e.zones) for e in entities],
        }
    )
    holding_table = pa.table(
        {
            "owner": [h.owner for h in holdings],
            "owned": [h.owned for h in holdings],
            "equity": [format_share(h.equity) for h in holdings],  # type: ignore[arg-type]
            "voting": [
                None if h.voting == h.equity else format_share(h.voting)  # type: ignore[arg-type]
                for h in holdings
            ],
            "valid_from": pa.array([h.valid_from for h in holdings], type=pa.date32()),
            "valid_to": pa.array([h.valid_to for h in holdings], type=pa.date32()),
        }
    )
    links = list(g.controls())
    control_table = pa.table(
        {
            "controller": [c.controller for c in links],
            "controlled": [c.controlled for c in links],
            "basis": [c.basis for c in links],
        }
    )
    paths = folder / "entities.parquet", folder / "holdings.parquet", folder / "controls.parquet"
    for table, path in zip((entity_table, holding_table, control_table), paths, strict=True):
        pq.write_table(table, path)
    return paths


def read(entity_path: Path, holding_path: Path, control_path: Path) -> jvm.OwnershipGraph:
    """Columns from pyarrow, records made lazily inside the bulk constructor.

    Passing generators lets ``from_records`` build the records while the garbage
    collector is paused, as it does for its own work.
    """
    entities = pq.read_table(entity_path).to_pydict()
    holdings = pq.read_table(holding_path).to_pydict()
    controls = pq.read_table(control_path).to_pydict()
    # Registers repeat the same share texts: parse each distinct one once.
    texts = set(holdings["equity"]) | set(holdings["voting"])
    shares = {text: parse_share(text) for text in texts if text is not None}
    return jvm.OwnershipGraph.from_records(
        (
            jvm.Entity(id=i, name=n, kind=k, jurisdiction=j, sectors=s, zones=z)
            for i, n, k, j, s, z in zip(
                entities["id"],
                entities["name"],
                entities["kind"],
                entities["jurisdiction"],
                entities["sectors"],
                entities["zones"],
                strict=True,
            )
        ),
        (
            jvm.Holding(
                owner=o,
                owned=d,
                equity=shares[e],
                voting=None if v is None else shares[v],
                valid_from=f,
                valid_to=t,
            )
            for o, d, e, v, f, t in zip(
                holdings["owner"],
                holdings["owned"],
                holdings["equity"],
                holdings["voting"],
                holdings["valid_from"],
                holdings["valid_to"],
                strict=True,
            )
        ),
        (
            jvm.ControlLink(controller=c, controlled=d, basis=b)
            for c, d, b in zip(
                controls["controller"], controls["controlled"], controls["basis"], strict=True
            )
        ),
    )


def fingerprint(g: jvm.OwnershipGraph) -> tuple[int, ...]:
    """Counts and order-free hashes of the records: equal graphs give equal prints."""
    mask = 2**64 - 1
    return (
        len(g),
        sum(hash(e) for e in g.entities()) & mask,
        sum(hash(h) for h in g.holdings()) & mask,
        sum(hash(c) for c in g.controls()) & mask,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entities", type=int, default=1_000_000)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"load average at start: {load():.1f}", flush=True)
    g = jvm.synthetic.registry(args.entities, seed=1)
    with tempfile.TemporaryDirectory() as folder:
        paths = write(g, Path(folder))
        size = sum(p.stat().st_size for p in paths) / 1e6
        print(f"register: {g!r}; Parquet files {size:.0f} MB", flush=True)
        expected = fingerprint(g)
        del g  # load into a process that holds only what it loads
        gc.collect()
        loaded: list[jvm.OwnershipGraph] = []

        def setup() -> None:
            loaded.clear()
            gc.collect()

        timing = measure(lambda: loaded.append(read(*paths)), repeat=3, setup=setup)
        report("load from Parquet into a validated graph", timing, target=30)
        assert fingerprint(loaded[0]) == expected, "the loaded graph differs from the original"
        print("  loaded graph equal to the original (same records)")
    print(f"peak memory of this run: {peak_memory_gb():.2f} GB")


if __name__ == "__main__":
    main()
