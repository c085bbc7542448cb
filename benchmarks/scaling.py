"""How analysis time grows with the depth and width of a structure.

Builds a chain (t ← c0 ← c1 ← … , 100% links) and a wide entity (N direct
holders of 1/N each) at each size, and times building the graph, loading it
from a native TOML file, ``effective_ownership``, ``foreign_share`` and
``check``.  Linear steps show a ratio close to the ratio of sizes (4 for 100k
against 25k); the baseline is the smallest size, measured in the same run.
Each step is timed ``--repeat`` times and the fastest kept, which damps the
noise of a shared machine; garbage collection runs before each timing.

    python benchmarks/scaling.py                 # 25k, 50k, 100k
    python benchmarks/scaling.py --sizes 1000 2000 4000
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import jvmodel as jvm

ONE = Fraction(1)


def build_chain(n: int) -> jvm.OwnershipGraph:
    g = jvm.OwnershipGraph()
    g.add_entity("t", jurisdiction="CN-BJ", sectors=["vpn"])
    g.add_entity("partner", jurisdiction="CN-BJ")
    for i in range(n):
        g.add_entity(f"c{i}", jurisdiction="GB" if i == n - 1 else "CN")
    g.add_holding("partner", "t", Fraction(1, 2))
    g.add_holding("c0", "t", Fraction(1, 2))
    for i in range(1, n):
        g.add_holding(f"c{i}", f"c{i - 1}", ONE)
    return g


def build_wide(n: int) -> jvm.OwnershipGraph:
    g = jvm.OwnershipGraph()
    g.add_entity("t", jurisdiction="CN-BJ", sectors=["vpn"])
    stake = Fraction(1, n)
    for i in range(n):
        g.add_entity(f"h{i}", jurisdiction="US" if i % 2 else "CN")
        g.add_holding(f"h{i}", "t", stake)
    return g


def timed(step: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = step()
        best = min(best, time.perf_counter() - start)
    return best, result


def measure(shape: str, n: int, folder: Path, repeat: int) -> dict[str, float]:
    build = build_chain if shape == "chain" else build_wide
    times: dict[str, float] = {}
    times["build"], g = timed(lambda: build(n))
    path = folder / f"{shape}-{n}.toml"
    jvm.save(g, path)
    times["load"], loaded = timed(lambda: jvm.load(path), repeat)
    assert loaded == g
    del loaded
    times["effective_ownership"], _ = timed(lambda: jvm.effective_ownership(g, "t"), repeat)
    times["foreign_share"], share = timed(lambda: jvm.foreign_share(g, "t", host="CN"), repeat)
    assert share == Fraction(1, 2)
    times["check"], result = timed(lambda: jvm.check(g, "t", regime="cn-beijing-2020"), repeat)
    assert result.status == "compliant"
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[25_000, 50_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3, help="timings per step (best kept)")
    args = parser.parse_args()
    sizes = sorted(args.sizes)
    with tempfile.TemporaryDirectory() as folder:
        for shape in ("chain", "wide"):
            rows = {n: measure(shape, n, Path(folder), args.repeat) for n in sizes}
            steps = list(rows[sizes[0]])
            print(f"\n{shape}: seconds by size; ratio = time / time at {sizes[0]:,}")
            print(f"{'step':<22}" + "".join(f"{n:>12,}" for n in sizes) + f"{'ratio':>10}")
            for step in steps:
                cells = "".join(f"{rows[n][step]:>12.2f}" for n in sizes)
                ratio = rows[sizes[-1]][step] / rows[sizes[0]][step]
                print(f"{step:<22}{cells}{ratio:>10.2f}")
            print(f"{'(size ratio)':<22}{'':>{12 * len(sizes)}}{sizes[-1] / sizes[0]:>10.2f}")


if __name__ == "__main__":
    main()
