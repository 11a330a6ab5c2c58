"""Compile and launch latency of a @recur.jit kernel (the vector-add tutorial).

Measures, for one kernel specialisation:
  * the import of recur._C (libMLIR, libLLVM), once per process, apart;
  * first compile: AST -> tile IR -> LLVM -> object, with an empty cache;
  * disk-cache load: a fresh process (new in-memory cache) that finds the
    entry on disk;
  * cached launch: the median time of ``kernel[grid](...)`` once compiled,
    on n = 1024 floats, beside numpy's ``np.add(x, y, out=out)`` on the same
    arrays (the floor a Python-level call can reach).

Prints a table and writes JSON (``--json PATH``).

    PYTHONPATH=build/python python3 bench/jit_latency.py --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

import numpy as np
from timing import median_seconds

KERNEL_SOURCE = """
import recur, recur.language as rl

@recur.jit
def add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: rl.constexpr):
    pid = rl.program_id(0)
    offs = pid * BLOCK + rl.arange(0, BLOCK)
    mask = offs < n
    x = rl.load(x_ptr + offs, mask=mask)
    y = rl.load(y_ptr + offs, mask=mask)
    rl.store(out_ptr + offs, x + y, mask=mask)
"""

CHILD = """
import sys, time, numpy as np
sys.path.insert(0, {dir!r})
import recur
from latency_kernel import add_kernel
start = time.perf_counter()
import recur._C  # libMLIR and libLLVM: loaded once per process
extension = time.perf_counter() - start
n = 1024
x = np.ones(n, np.float32); y = np.ones(n, np.float32); out = np.empty(n, np.float32)
start = time.perf_counter()
add_kernel[(recur.cdiv(n, 256),)](x, y, out, n, BLOCK=256)
elapsed = time.perf_counter() - start
assert (out == 2).all()
from recur.runtime import cache_stats
print(elapsed, cache_stats()["disk_hits"], cache_stats()["misses"], extension)
"""


def run_child(directory: str, env: dict) -> tuple[float, int, int, float]:
    output = subprocess.run(
        [sys.executable, "-c", CHILD.format(dir=directory)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(output[0]), int(output[1]), int(output[2]), float(output[3])


def median_us(fn, repeats: int) -> float:
    return median_seconds(fn, repeats, warmup=20) * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument("--repeats", type=int, default=2000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as work:
        with open(os.path.join(work, "latency_kernel.py"), "w") as f:
            f.write(KERNEL_SOURCE)
        env = dict(os.environ, RECUR_CACHE_DIR=os.path.join(work, "cache"))
        first, _, misses, extension = run_child(work, env)
        assert misses == 1, "the first process should compile"
        loads = []
        for _ in range(3):
            loaded, disk_hits, misses, _ = run_child(work, env)
            assert disk_hits == 1 and misses == 0, "later processes should hit the disk cache"
            loads.append(loaded)

        os.environ["RECUR_CACHE_DIR"] = env["RECUR_CACHE_DIR"]
        sys.path.insert(0, work)
        import recur
        from latency_kernel import add_kernel

        n = 1024
        x = np.random.rand(n).astype(np.float32)
        y = np.random.rand(n).astype(np.float32)
        out = np.empty(n, np.float32)
        grid = (recur.cdiv(n, 256),)
        launch = add_kernel[grid]
        cached = median_us(lambda: launch(x, y, out, n, BLOCK=256), args.repeats)
        np.testing.assert_array_equal(out, x + y)
        numpy_add = median_us(lambda: np.add(x, y, out=out), args.repeats)

    results = {
        "kernel": "vector add, n = 1024, BLOCK = 256",
        "import_extension_ms": extension * 1e3,
        "first_compile_ms": first * 1e3,
        "disk_cache_load_ms": statistics.median(loads) * 1e3,
        "cached_launch_us": cached,
        "numpy_add_us": numpy_add,
    }
    print(f"{'measurement':<36}{'value':>12}")
    print(f"{'import recur._C (once per process)':<36}{results['import_extension_ms']:>9.1f} ms")
    print(f"{'first compile (empty cache)':<36}{results['first_compile_ms']:>9.1f} ms")
    print(f"{'first launch, disk cache hit':<36}{results['disk_cache_load_ms']:>9.1f} ms")
    print(f"{'cached launch (median)':<36}{results['cached_launch_us']:>9.1f} us")
    print(f"{'numpy np.add(out=) same arrays':<36}{results['numpy_add_us']:>9.1f} us")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
