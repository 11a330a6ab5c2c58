# The compile cache: in memory (per JIT function and specialisation) and on
# disk (RECUR_CACHE_DIR, content-addressed, atomic writes).
#
# Covers: a second process finds the kernel on disk; editing the kernel body, a
# helper it calls, or a constexpr global it reads misses; a constexpr value
# change misses while the same value hits the in-memory cache; Triton's
# specialisation rules (integers equal to 1, integers divisible by 16) and
# do_not_specialize; leftover temporary files, truncated entries and writers
# killed with SIGKILL never break a later launch; two processes compiling the
# same kernels at once; recur.compile(...).asm.
#
# Counters come from recur.runtime.cache_stats(): "memory_hits", "disk_hits"
# and "misses" (compilations). Child processes run `sys.executable` with the
# same PYTHONPATH and their own RECUR_CACHE_DIR under tmp_path; they import a
# kernel module written into tmp_path and print one "RESULT <json>" line.

import json
import os
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import recur
import recur.language as rl
from recur.runtime import cache_stats

CHILD_TIMEOUT = 300

KERNEL_MODULE = textwrap.dedent(
    """
    import json
    import sys

    import numpy as np

    import recur
    import recur.language as rl

    SCALE = rl.constexpr(2.0)


    @recur.jit
    def helper(x, y):
        return x + y


    @recur.jit
    def cached_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: rl.constexpr):
        offs = rl.program_id(0) * BLOCK + rl.arange(0, BLOCK)
        mask = offs < n
        x = rl.load(x_ptr + offs, mask=mask)
        y = rl.load(y_ptr + offs, mask=mask)
        rl.store(out_ptr + offs, helper(x, y) * SCALE, mask=mask)


    @recur.jit
    def other_kernel(x_ptr, out_ptr, n, BLOCK: rl.constexpr):
        offs = rl.program_id(0) * BLOCK + rl.arange(0, BLOCK)
        mask = offs < n
        x = rl.load(x_ptr + offs, mask=mask)
        rl.store(out_ptr + offs, rl.exp(x * 0.01) + rl.sum(x, axis=0) * 0.0, mask=mask)


    N = 100


    def inputs():
        return np.arange(N, dtype=np.float32), np.full(N, 3.0, dtype=np.float32)


    def main(blocks=(32,), progress=False, other=False):
        x, y = inputs()
        outs = []
        for i, block in enumerate(blocks):
            out = np.zeros(N, dtype=np.float32)
            cached_kernel[(recur.cdiv(N, block),)](x, y, out, N, BLOCK=block)
            outs.append(out.tolist())
            if other:
                out2 = np.zeros(N, dtype=np.float32)
                other_kernel[(recur.cdiv(N, block),)](x, out2, N, BLOCK=block)
                outs.append(out2.tolist())
            if progress:
                print("compiled", i, flush=True)
        print("RESULT " + json.dumps({"stats": recur.runtime.cache_stats(), "outs": outs}), flush=True)
    """
)


def write_module(tmp_path, text=KERNEL_MODULE, name="cache_kernels"):
    path = tmp_path / f"{name}.py"
    path.write_text(text)
    return path


def edit_module(path, old, new):
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


@pytest.fixture
def child(tmp_path, subprocess_env):
    """Runs `import cache_kernels; cache_kernels.main(...)` in a fresh process."""
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir(exist_ok=True)
    module = write_module(tmp_path)
    env = subprocess_env(cache_dir, extra_path=tmp_path)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # edits must never meet a stale .pyc

    def command(call="main()"):
        return [sys.executable, "-c", f"import cache_kernels; cache_kernels.{call}"]

    def run(call="main()"):
        proc = subprocess.run(
            command(call),
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT,
        )
        assert (
            proc.returncode == 0
        ), f"child failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
        assert lines, proc.stdout + proc.stderr
        return json.loads(lines[-1][len("RESULT ") :])

    def popen(call="main()"):
        return subprocess.Popen(
            command(call),
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    run.cache_dir = cache_dir
    run.module = module
    run.popen = popen
    return run


def expected_out(scale=2.0, op=np.add, offset=0.0):
    x = np.arange(100, dtype=np.float32)
    y = np.full(100, 3.0, dtype=np.float32)
    return op(x, y) * np.float32(scale) + np.float32(offset)


def expected_other():
    x = np.arange(100, dtype=np.float32)
    return np.exp(x * np.float32(0.01))


def check_outs(result, expected):
    assert len(result["outs"]) == len(expected)
    for out, exp in zip(result["outs"], expected):
        np.testing.assert_allclose(np.array(out, np.float32), exp, rtol=1e-6)


# ---------------------------------------------------------------------------
# Across processes
# ---------------------------------------------------------------------------


def test_second_process_hits_disk_cache(child):
    first = child()
    check_outs(first, [expected_out()])
    assert first["stats"]["misses"] >= 1
    assert first["stats"]["disk_hits"] == 0
    second = child()
    check_outs(second, [expected_out()])
    assert second["stats"]["disk_hits"] >= 1
    assert second["stats"]["misses"] == 0


def test_edits_to_kernel_helper_or_global_miss(child):
    path = child.module
    first = child()
    check_outs(first, [expected_out()])
    assert first["stats"]["misses"] >= 1

    # The kernel body.
    edit_module(path, "helper(x, y) * SCALE, mask", "helper(x, y) * SCALE + 1.0, mask")
    r = child()
    assert r["stats"]["misses"] >= 1, r["stats"]
    check_outs(r, [expected_out(offset=1.0)])

    # A @recur.jit helper the kernel calls.
    edit_module(path, "return x + y", "return x - y")
    r = child()
    assert r["stats"]["misses"] >= 1, r["stats"]
    check_outs(r, [expected_out(op=np.subtract, offset=1.0)])

    # A constexpr global the kernel reads.
    edit_module(path, "SCALE = rl.constexpr(2.0)", "SCALE = rl.constexpr(3.0)")
    r = child()
    assert r["stats"]["misses"] >= 1, r["stats"]
    check_outs(r, [expected_out(scale=3.0, op=np.subtract, offset=1.0)])

    # Back to the original text: content-addressed, so the first entry is found.
    write_module(path.parent)
    r = child()
    assert r["stats"]["misses"] == 0, r["stats"]
    assert r["stats"]["disk_hits"] >= 1
    check_outs(r, [expected_out()])


def test_concurrent_processes_share_the_cache(child):
    call = "main(blocks=(16, 32, 64), other=True)"
    procs = [child.popen(call) for _ in range(2)]
    expected = [expected_out(), expected_other()] * 3
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=CHILD_TIMEOUT)
        assert proc.returncode == 0, stdout + stderr
        result = json.loads([ln for ln in stdout.splitlines() if ln.startswith("RESULT ")][-1][7:])
        check_outs(result, expected)
    third = child(call)
    check_outs(third, expected)
    assert third["stats"]["misses"] == 0, third["stats"]


# ---------------------------------------------------------------------------
# Damaged cache directories
# ---------------------------------------------------------------------------


def plant_leftovers(cache_dir):
    """What a writer killed between 'create temp' and 'rename' leaves behind."""
    rng = np.random.default_rng(0)
    leftovers = []
    for rel in ["ab/tmp-12345", "00/tmp-deadbeef", "tmp-999"]:
        d = cache_dir / rel
        d.mkdir(parents=True, exist_ok=True)
        for name in ["kernel.o", "kernel.json", "kernel.llir"]:
            (d / name).write_bytes(rng.bytes(int(rng.integers(1, 300))))
        leftovers.append(d)
    (cache_dir / "ab" / "tmp-partial-file").write_bytes(b"\x7fELF\x02\x01garbage")
    return leftovers


def test_leftover_temporaries_are_ignored(child):
    plant_leftovers(child.cache_dir)
    first = child()
    check_outs(first, [expected_out()])
    second = child()
    check_outs(second, [expected_out()])
    assert second["stats"]["misses"] == 0


def test_truncated_entries_are_recompiled(child):
    # An entry whose files were cut short (a writer killed mid-write without
    # the atomic rename, or a damaged disk) must be detected: the launch
    # recompiles (or fails over to a fresh entry) and the results are right.
    # The child runs in its own process so that even a crash is reported as a
    # failure here rather than taking pytest down.
    check_outs(child("main(blocks=(32, 64))"), [expected_out(), expected_out()])
    entries = [p for p in child.cache_dir.rglob("*") if p.is_file()]
    assert entries, "the first run wrote nothing under RECUR_CACHE_DIR"
    for p in entries:
        data = p.read_bytes()
        p.write_bytes(data[: len(data) // 2])
    plant_leftovers(child.cache_dir)
    again = child("main(blocks=(32, 64))")
    check_outs(again, [expected_out(), expected_out()])
    # And the cache heals: the next process finds good entries again.
    healed = child("main(blocks=(32, 64))")
    check_outs(healed, [expected_out(), expected_out()])
    assert healed["stats"]["misses"] == 0, healed["stats"]


@pytest.mark.parametrize("kill_after", [0, 2])
def test_killed_writer_leaves_no_corrupt_entry(child, kill_after):
    blocks = (16, 32, 64, 128, 256, 512)
    call = f"main(blocks={blocks!r}, progress=True, other=True)"
    proc = child.popen(call)
    try:
        while True:
            line = proc.stdout.readline()
            if not line or line.strip() == f"compiled {kill_after}":
                break
        # The child is now compiling (and writing) the next specialisations.
        time.sleep(0.05 * kill_after)
        proc.kill()  # SIGKILL: no cleanup handlers run
    finally:
        proc.wait(timeout=CHILD_TIMEOUT)
        proc.stdout.close()
        proc.stderr.close()
    result = child(f"main(blocks={blocks!r}, other=True)")
    check_outs(result, [expected_out(), expected_other()] * len(blocks))
    stats = result["stats"]
    # Every specialisation came from a compile or a (good) disk entry.
    assert stats["misses"] + stats["disk_hits"] == 2 * len(blocks), stats
    result = child(f"main(blocks={blocks!r}, other=True)")
    assert result["stats"]["misses"] == 0, result["stats"]


# ---------------------------------------------------------------------------
# In-process: memory cache, constexprs, specialisation
# ---------------------------------------------------------------------------


@recur.jit
def scale_kernel(x_ptr, out_ptr, n, BLOCK: rl.constexpr):
    offs = rl.program_id(0) * BLOCK + rl.arange(0, BLOCK)
    mask = offs < n
    rl.store(out_ptr + offs, rl.load(x_ptr + offs, mask=mask) * 2.0, mask=mask)


def delta(before, after):
    return {k: after[k] - before[k] for k in ("memory_hits", "disk_hits", "misses")}


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch, compiled):
    monkeypatch.setenv("RECUR_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_constexpr_change_misses_and_same_value_hits_memory(fresh_cache):
    n = 100
    x = np.arange(n, dtype=np.float32)
    out = np.zeros(n, dtype=np.float32)

    def launch(block):
        out[:] = 0
        s = cache_stats()
        scale_kernel[(recur.cdiv(n, block),)](x, out, n, BLOCK=block)
        np.testing.assert_array_equal(out, 2 * x)
        return delta(s, cache_stats())

    assert launch(32) == {"memory_hits": 0, "disk_hits": 0, "misses": 1}
    assert launch(32) == {"memory_hits": 1, "disk_hits": 0, "misses": 0}
    assert launch(64) == {"memory_hits": 0, "disk_hits": 0, "misses": 1}
    assert launch(64) == {"memory_hits": 1, "disk_hits": 0, "misses": 0}
    assert launch(32) == {"memory_hits": 1, "disk_hits": 0, "misses": 0}


@recur.jit
def spec_kernel(x_ptr, out_ptr, n, BLOCK: rl.constexpr):
    offs = rl.arange(0, BLOCK)
    mask = offs < n
    rl.store(out_ptr + offs, rl.load(x_ptr + offs, mask=mask) + 1.0, mask=mask)


@recur.jit(do_not_specialize=["n"])
def nospec_kernel(x_ptr, out_ptr, n, BLOCK: rl.constexpr):
    offs = rl.arange(0, BLOCK)
    mask = offs < n
    rl.store(out_ptr + offs, rl.load(x_ptr + offs, mask=mask) - 1.0, mask=mask)


def run_sizes(kernel, sign, sizes):
    """New specialisations (compiled or loaded from disk) per launch."""
    x = np.arange(64, dtype=np.float32)
    out = np.zeros(64, dtype=np.float32)  # same arrays: only n varies
    new = []
    for n in sizes:
        out[:] = -5
        s = cache_stats()
        kernel[(1,)](x, out, n, BLOCK=64)
        d = delta(s, cache_stats())
        new.append(d["misses"] + d["disk_hits"])
        np.testing.assert_array_equal(out[:n], x[:n] + sign)
        np.testing.assert_array_equal(out[n:], -5)
    return new


def test_specialisation_on_one_and_divisibility(fresh_cache):
    # Triton's rules: n == 1 and n % 16 == 0 are distinct specialisations;
    # every other n shares one.
    new = run_sizes(spec_kernel, 1.0, [33, 35, 1, 32, 48, 33, 1, 17])
    assert new == [1, 0, 1, 1, 0, 0, 0, 0]


def test_do_not_specialize(fresh_cache):
    new = run_sizes(nospec_kernel, -1.0, [33, 1, 32, 48, 17])
    assert new == [1, 0, 0, 0, 0]


# ---------------------------------------------------------------------------
# recur.compile
# ---------------------------------------------------------------------------


@recur.jit
def add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: rl.constexpr):
    offs = rl.program_id(0) * BLOCK + rl.arange(0, BLOCK)
    mask = offs < n
    rl.store(
        out_ptr + offs,
        rl.load(x_ptr + offs, mask=mask) + rl.load(y_ptr + offs, mask=mask),
        mask=mask,
    )


def test_compile_returns_asm(compiled):
    k = recur.compile(
        add_kernel,
        signature={"x_ptr": "*fp32", "y_ptr": "*fp32", "out_ptr": "*fp32", "n": "i32"},
        constexprs={"BLOCK": 128},
        target="cpu",
    )
    assert "tile.func" in k.asm["tile"]
    assert "define" in k.asm["llir"]
    # The kernel's name survives into both levels.
    assert "add_kernel" in k.asm["tile"]
    assert "add_kernel" in k.asm["llir"]


def test_child_processes_use_the_same_recur(subprocess_env, tmp_path):
    env = subprocess_env(tmp_path / "cache")
    proc = subprocess.run(
        [sys.executable, "-c", "import recur, os; print(os.path.realpath(recur.__file__))"],
        env=env,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == os.path.realpath(recur.__file__)
