"""Control analysis on deep chains and wide entities: time against size.

A chain ``t ← c0 ← c1 ← … ← c(n-1)`` of 100% stakes (c0 holds 50% of t, a
domestic partner the other 50%; only the top layer is foreign) is the worst
case of control: every layer controls every layer below it, n²/2 pairs in
all.  A wide entity has n direct holders of 1/n each.  At each size the script
times, as medians of ``--repeat`` runs (wall and CPU):

* ``check`` of t under cn-beijing-2020 (which looks for t's controllers);
* ``controllers`` of c0 (n-1 levels) on the chain, of t on the wide entity;
* ``attribute`` of t under the threshold method with its control test
  (India's and Canada's), which reads every layer's controllers.

Target: linear time, so each figure about doubles when the size doubles; the
ratio printed is time(n) / time(n/2), the baseline being the previous size
measured in the same run.

Run: ``python benchmarks/control_scaling.py`` (``--sizes 1000 2000`` for a
quick trial).
"""

from __future__ import annotations

import argparse
import gc
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from _harness import Timing, load, machine, measure

import jvmodel as jvm

ONE = Fraction(1)
THRESHOLD = jvm.methods.Threshold()  # at least 50% foreign, or foreign-controlled


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


def steps(shape: str, g: jvm.OwnershipGraph, n: int) -> dict[str, Callable[[], Any]]:
    def check() -> None:
        assert jvm.check(g, "t", regime="cn-beijing-2020").status == "compliant"

    def chain_controllers() -> None:
        assert jvm.controllers(g, "c0").ultimate == f"c{n - 1}"

    def wide_controllers() -> None:
        assert jvm.controllers(g, "t").kind == "none"

    def threshold() -> None:
        assert jvm.attribute(g, "t", host="CN", method=THRESHOLD).share == Fraction(1, 2)

    return {
        "check": check,
        "controllers": chain_controllers if shape == "chain" else wide_controllers,
        "threshold, control test": threshold,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 20_000, 40_000, 80_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = sorted(args.sizes)
    print(f"machine: {machine()}")
    print(f"load average at start: {load():.1f}", flush=True)
    for shape, build in (("chain", build_chain), ("wide", build_wide)):
        timings: dict[str, dict[int, Timing]] = {}
        for n in sizes:
            g = build(n)
            for name, run in steps(shape, g, n).items():
                timings.setdefault(name, {})[n] = measure(run, repeat=args.repeat, setup=gc.collect)
            del g
        print(f"\n{shape}: median seconds (wall / CPU); ratio = time(n) / time(previous n)")
        print(f"{'step':<26}" + "".join(f"{n:>22,}" for n in sizes))
        for name, by_size in timings.items():
            cells = []
            previous: Timing | None = None
            for n in sizes:
                t = by_size[n]
                ratio = "" if previous is None else f" x{t.cpu / previous.cpu:.2f}"
                cells.append(f"{t.wall:.2f} / {t.cpu:.2f}{ratio}")
                previous = t
            print(f"{name:<26}" + "".join(f"{cell:>22}" for cell in cells))
        loads = [x for by_size in timings.values() for t in by_size.values() for x in t.loads]
        growth = sizes[1] / sizes[0] if len(sizes) > 1 else 1
        print(f"(size ratio {growth:.2f} per step; load {min(loads):.1f}-{max(loads):.1f})")


if __name__ == "__main__":
    main()
