"""check_all against calling check for each capped entity, on a register of 10,000.

Target: check_all at least 50 times faster than the loop.  ``check_all`` is
timed cold (on a fresh copy of the graph, so the array form is built inside
the timing) and warm (array form already built); both reach the same verdicts
as the loop, which the script checks.

Run: ``python benchmarks/check_all_10k.py``.
"""

from __future__ import annotations

import argparse

from _harness import load, machine, measure, report

import jvmodel as jvm

REGIME = jvm.regimes.get("cn-beijing-2020")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entities", type=int, default=10_000)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"load average at start: {load():.1f}", flush=True)
    g = jvm.synthetic.registry(args.entities, seed=1)
    rows = [(row.target, row.sector) for row in jvm.check_all(g, regime=REGIME)]
    print(f"register: {g!r}; {len(rows)} entities with a capped sector", flush=True)

    def loop() -> list[str]:
        return [jvm.check(g, t, regime=REGIME, sector=s).status for t, s in rows]

    each = measure(loop, repeat=3)
    report(f"check for each of the {len(rows)} entities", each)

    fresh: list[jvm.OwnershipGraph] = []
    cold = measure(
        lambda: jvm.check_all(fresh[-1], regime=REGIME),
        repeat=5,
        setup=lambda: fresh.append(g.copy()),
    )
    report("check_all, cold (array form built inside)", cold)
    jvm.check_all(g, regime=REGIME)
    warm = measure(lambda: jvm.check_all(g, regime=REGIME), repeat=5)
    report("check_all, warm (array form cached)", warm)
    exact = sum(row.exact for row in warm.result)
    print(f"  rows recomputed exactly (within 1e-9 of the cap): {exact} of {len(rows)}")
    assert [row.status for row in warm.result] == each.result, "verdicts differ"
    assert [row.status for row in cold.result] == each.result, "verdicts differ"
    print(
        f"speed-up over the loop: {each.wall / cold.wall:.0f}x cold, {each.wall / warm.wall:.0f}x "
        f"warm (wall; CPU {each.cpu / cold.cpu:.0f}x and {each.cpu / warm.cpu:.0f}x; target >= 50x)"
    )


if __name__ == "__main__":
    main()
