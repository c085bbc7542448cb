"""Batch screening of a register of a million entities.

Measures, on ``jvm.synthetic.registry(1_000_000, seed=1)`` (about 1.9 million
holdings):

* building the array form (target: at most 10 s);
* the foreign share of every entity under ``proportional`` once the array
  form is built (target: at most 5 s), and its ratio to a bare scipy.sparse
  fixed-point iteration ``x = W x + c`` over the same matrix, run to the same
  answer in the same process (target: at most 3 times the floor);
* one exact ``foreign_share`` for a target whose upstream has at most 200
  entities, on this register and on a register of 10,000 (target: at most
  20 ms, independent of the register's size);
* the peak memory of the whole run (target: at most 4 GB);
* a profile of the batch run: its top costs.

Run: ``python benchmarks/registry_1m.py`` (``--entities N`` for a quicker trial).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time

import numpy as np
from _harness import load, machine, measure, peak_memory_gb, report

import jvmodel as jvm
from jvmodel.analysis import fast
from jvmodel.analysis.lookthrough import upstream

REGIME = jvm.regimes.get("cn-beijing-2020")


def bare_iteration(weights, constant, tolerance=0.0):  # type: ignore[no-untyped-def]
    """The floor: iterate x = W x + c from x = c until nothing changes."""
    x = constant.copy()
    for rounds in range(1, 100_000):
        step = weights @ x + constant
        if np.max(np.abs(step - x)) <= tolerance:
            return step, rounds
        x = step
    raise RuntimeError("no convergence")  # pragma: no cover


def single_target(g: jvm.OwnershipGraph, label: str, repeat: int = 30) -> None:
    """Time one exact foreign_share for the JV with the largest upstream of at most 200."""
    best, size = None, 0
    for entity in g.entities():
        if not entity.sectors:
            continue
        try:
            closure = len(upstream(g, entity.id).entities)
        except jvm.JVModelError:
            continue
        if size < closure <= 200:
            best, size = entity.id, closure
    assert best is not None
    timing = measure(lambda: jvm.foreign_share(g, best, regime=REGIME), repeat=repeat)
    report(
        f"exact foreign_share of {best!r} ({size} entities upstream) in {label}",
        timing,
        target=20,
        unit="ms",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entities", type=int, default=1_000_000)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"load average at start: {load():.1f}", flush=True)

    start = time.perf_counter()
    g = jvm.synthetic.registry(args.entities, seed=1)
    print(
        f"register: {g!r}, built in {time.perf_counter() - start:.1f} s "
        f"(synthetic generation and validation, not a target)",
        flush=True,
    )

    build = measure(lambda: fast._build(g, "equity", None), repeat=3)
    report("array form build", build, target=10)
    form = fast.array_form(g)
    print(
        f"  array form: {form.n} entities, {form.weights.nnz} holdings, {form.levels} levels, "
        f"{len(form.blocks)} cross-holding components",
        flush=True,
    )

    batch = measure(lambda: jvm.foreign_shares(g, regime=REGIME), repeat=5)
    report("batch foreign share of every entity (proportional)", batch, target=5)
    shares = batch.result

    system = shares._system
    floor = measure(lambda: bare_iteration(system.weights, system.constant), repeat=5)
    values, rounds = floor.result
    report(f"floor: bare scipy.sparse iteration ({rounds} rounds to a fixed point)", floor)
    resolved = ~np.isnan(shares._by_position) & ~form.ultimate
    difference = float(np.max(np.abs(values[resolved] - shares._by_position[resolved])))
    print(
        f"  ratio batch / floor: {batch.wall / floor.wall:.2f} wall, {batch.cpu / floor.cpu:.2f} "
        f"CPU (target <= 3); largest difference between the two: {difference:.2g}",
        flush=True,
    )

    single_target(jvm.synthetic.registry(10_000, seed=1), "a register of 10,000")
    single_target(g, f"a register of {args.entities:,}")

    memory = peak_memory_gb()
    verdict = "target met" if memory <= 4 else "TARGET MISSED"
    print(f"peak memory of the whole run: {memory:.2f} GB (target <= 4 GB) {verdict}")

    profile = cProfile.Profile()
    profile.enable()
    jvm.foreign_shares(g, regime=REGIME)
    profile.disable()
    text = io.StringIO()
    pstats.Stats(profile, stream=text).sort_stats("tottime").print_stats(10)
    print("profile of one batch run, top costs by own time:")
    print("\n".join(line for line in text.getvalue().splitlines() if line.strip()))


if __name__ == "__main__":
    main()
