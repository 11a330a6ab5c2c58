"""Timing for the benchmarks: the median wall time of repeated runs."""

from __future__ import annotations

import statistics
import time


def median_seconds(fn, repeats: int, warmup: int = 1) -> float:
    """Runs ``fn`` ``warmup`` times (compiles, warms caches), then returns the
    median of ``repeats`` timed runs, in seconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(max(repeats, 1)):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
