"""What the benchmarks share: timing medians, load, memory, the machine.

The benchmarks are plain scripts, not tests: run them by hand (see README.md).
Every figure is the median of several runs, reported as wall time and as CPU
time of this process; the load average is printed with each figure because the
machine's cores may be shared.
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import time
from collections.abc import Callable
from typing import Any


def machine() -> str:
    """A one-line description of the machine (no host names or paths)."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = "?"
    try:
        with open("/proc/meminfo", encoding="utf-8") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal"):
                    memory = f"{int(line.split()[1]) / 1024**2:.0f} GiB"
                    break
    except OSError:
        pass
    import numpy
    import scipy

    return (
        f"{os.cpu_count()} cores ({model}), {memory} memory, {platform.system()}, "
        f"Python {platform.python_version()}, numpy {numpy.__version__}, scipy {scipy.__version__}"
    )


def load() -> float:
    """The one-minute load average (how busy the shared cores are)."""
    return os.getloadavg()[0]


def peak_memory_gb() -> float:
    """The peak resident memory of this process so far, in GB (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9


class Timing:
    """Median wall and CPU seconds over repeated runs, with the load seen."""

    def __init__(self, walls: list[float], cpus: list[float], loads: list[float], result: Any):
        self.walls, self.cpus, self.loads, self.result = walls, cpus, loads, result

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    def spread(self) -> str:
        return f"runs {', '.join(f'{w:.3g}' for w in self.walls)} s"


def measure(
    run: Callable[[], Any], *, repeat: int, setup: Callable[[], Any] | None = None
) -> Timing:
    """Time ``run`` ``repeat`` times (``setup`` before each, untimed)."""
    walls: list[float] = []
    cpus: list[float] = []
    loads: list[float] = []
    result = None
    for _ in range(repeat):
        if setup is not None:
            setup()
        loads.append(load())
        wall, cpu = time.perf_counter(), time.process_time()
        result = run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return Timing(walls, cpus, loads, result)


def report(name: str, timing: Timing, *, target: float | None = None, unit: str = "s") -> None:
    """Print one figure: median wall and CPU time, the target, and the load seen."""
    scale = 1000.0 if unit == "ms" else 1.0
    verdict = ""
    if target is not None:
        verdict = "  target met" if timing.wall * scale <= target else "  TARGET MISSED"
        verdict = f"  (target <= {target:g} {unit}){verdict}"
    print(
        f"{name}: median {timing.wall * scale:.4g} {unit} wall, {timing.cpu * scale:.4g} {unit} "
        f"CPU{verdict}  [{len(timing.walls)} runs, load {min(timing.loads):.1f}-"
        f"{max(timing.loads):.1f}]",
        flush=True,
    )
