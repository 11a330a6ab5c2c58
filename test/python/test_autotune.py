# recur.autotune / recur.heuristics / recur.Config: the fastest config wins
# and gives the right answer; choices are remembered per key, in memory and
# in the tuning database (other processes reuse them, a new config is the
# only one timed, a writer killed mid-way leaves only whole records);
# reset_to_zero and restore_value protect in-place arguments; pruning and bad
# use; operators tuned per shape bucket.

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import recur
import recur.language as rl


@pytest.fixture
def tuning_dir(tmp_path, monkeypatch, compiled):
    """A fresh cache (and tuning database) per test, choices printed."""
    monkeypatch.setenv("RECUR_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("RECUR_PRINT_AUTOTUNING", "1")
    return tmp_path


@recur.jit
def smooth(x_ptr, out_ptr, n, BLOCK: rl.constexpr, REPS: rl.constexpr):
    offs = rl.program_id(0) * BLOCK + rl.arange(0, BLOCK)
    mask = offs < n
    x = rl.load(x_ptr + offs, mask=mask)
    acc = x
    for _ in range(REPS):  # acc stays x exactly: real work, same answer
        acc = acc * 0.5 + x * 0.5
    rl.store(out_ptr + offs, acc, mask=mask)


def grid(meta):
    return (recur.cdiv(meta["n"], meta["BLOCK"]),)


FAST = recur.Config({"BLOCK": 256, "REPS": 1})
SLOW = recur.Config({"BLOCK": 256, "REPS": 400})


def tuned(*configs, **options):
    return recur.autotune(configs=list(configs), key=["n"], **options)(smooth)


def test_fastest_config_wins_and_is_remembered(tuning_dir, capsys):
    kernel = tuned(SLOW, FAST)
    x = np.arange(50_000, dtype=np.float32)
    out = np.zeros_like(x)
    kernel[grid](x, out, x.size)
    np.testing.assert_array_equal(out, x)
    printed = capsys.readouterr().out
    assert "best Config(BLOCK: 256, REPS: 1" in printed and "timed 2 of 2" in printed
    (timings,) = kernel.timings.values()
    assert timings[FAST.identity()] < timings[SLOW.identity()]

    kernel[grid](x, out, x.size)  # same key: no tuning
    assert "recur.autotune" not in capsys.readouterr().out
    kernel[grid](x[:1000], out, 1000)  # new key value: tuned again
    assert "{'n': 1000}" in capsys.readouterr().out


def test_configs_that_compile_alike_are_timed_once(tuning_dir, capsys):
    # num_warps means nothing on the CPU: both compile to the same code.
    kernel = tuned(FAST, recur.Config({"BLOCK": 256, "REPS": 1}, num_warps=8))
    x = np.ones(1000, np.float32)
    kernel[grid](x, np.zeros_like(x), x.size)
    assert "timed 1 of 1" in capsys.readouterr().out


def test_database_is_shared_across_processes_and_configs(tuning_dir, subprocess_env, capsys):
    script = textwrap.dedent(
        """
        import numpy as np, recur, recur.language as rl
        from test_autotune import smooth, grid, FAST, SLOW
        configs = [SLOW, FAST] + ([recur.Config(dict(BLOCK=128, REPS=1))] if EXTRA else [])
        kernel = recur.autotune(configs=configs, key=["n"])(smooth)
        x = np.arange(4096, dtype=np.float32); out = np.zeros_like(x)
        kernel[grid](x, out, x.size)
        assert np.array_equal(out, x)
        """
    )
    env = subprocess_env(tuning_dir, extra_path=Path(__file__).parent)
    env["RECUR_PRINT_AUTOTUNING"] = "1"

    def run(extra):
        done = subprocess.run(
            [sys.executable, "-c", script.replace("EXTRA", str(extra))],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "timed 2 of 2" in run(False)
    assert "timed 0 of 2" in run(False)  # another process reuses the records
    assert "timed 1 of 3" in run(True)  # a new config is the only one timed


@recur.jit
def accumulate(x_ptr, out_ptr, n, BLOCK: rl.constexpr):
    offs = rl.program_id(0) * BLOCK + rl.arange(0, BLOCK)
    mask = offs < n
    rl.atomic_add(out_ptr + offs, rl.load(x_ptr + offs, mask=mask), mask=mask)


@recur.jit
def increment(x_ptr, n, BLOCK: rl.constexpr):
    offs = rl.program_id(0) * BLOCK + rl.arange(0, BLOCK)
    mask = offs < n
    rl.store(x_ptr + offs, rl.load(x_ptr + offs, mask=mask) + 1.0, mask=mask)


def test_reset_to_zero_and_restore_value(tuning_dir):
    configs = [recur.Config({"BLOCK": 64}), recur.Config({"BLOCK": 256})]
    x = np.arange(3000, dtype=np.float32)
    out = np.zeros_like(x)
    adder = recur.autotune(configs, key=["n"], reset_to_zero=["out_ptr"])(accumulate)
    adder[grid](x, out, x.size)
    np.testing.assert_array_equal(out, x)  # one launch's worth, not the timing runs'

    y = x.copy()
    bumper = recur.autotune(configs, key=["n"], restore_value=["x_ptr"])(increment)
    bumper[grid](y, y.size)
    np.testing.assert_array_equal(y, x + 1)  # timing runs undone, then one launch


def test_heuristics_and_pruning(tuning_dir, capsys):
    @recur.heuristics(values={"BLOCK": lambda args: recur.next_power_of_2(min(args["n"], 512))})
    @recur.jit
    def copy(x_ptr, out_ptr, n, BLOCK: rl.constexpr):
        offs = rl.program_id(0) * BLOCK + rl.arange(0, BLOCK)
        mask = offs < n
        rl.store(out_ptr + offs, rl.load(x_ptr + offs, mask=mask), mask=mask)

    x = np.arange(300, dtype=np.float32)
    out = np.zeros_like(x)
    copy[lambda m: (recur.cdiv(m["n"], m["BLOCK"]),)](x, out, x.size)
    np.testing.assert_array_equal(out, x)

    seen = []

    def early(configs, named):
        seen.append(named["n"])
        return [c for c in configs if c.kwargs["REPS"] < 100]

    kernel = tuned(SLOW, FAST, prune_configs_by={"early_config_prune": early})
    kernel[grid](x, out, x.size)
    assert seen == [300] and "timed 1 of 1" in capsys.readouterr().out

    model = tuned(
        SLOW,
        FAST,
        prune_configs_by={"perf_model": lambda **kw: kw["REPS"], "top_k": 1},
    )
    model[grid](x, out, x.size)
    assert "best Config(BLOCK: 256, REPS: 1" in capsys.readouterr().out


def test_bad_use(tuning_dir):
    with pytest.raises(ValueError, match="at least one Config"):
        recur.autotune(configs=[], key=["n"])(smooth)
    with pytest.raises(ValueError, match=r"key names unknown arguments \['size'\]"):
        recur.autotune(configs=[FAST], key=["size"])(smooth)
    kernel = tuned(FAST)
    x = np.ones(10, np.float32)
    with pytest.raises(ValueError, match=r"\['REPS'\] are chosen by recur.autotune"):
        kernel[grid](x, x, 10, REPS=3)


def test_operators_tune_their_chunk_per_shape_bucket(tuning_dir, monkeypatch, capsys, rng):
    from recur import ops
    from recur.ops import reference

    monkeypatch.setenv("RECUR_AUTOTUNE", "1")
    q, k, v = (rng.standard_normal((1, 100, 2, 16)).astype(np.float32) for _ in range(3))
    g = -rng.uniform(0, 1, (1, 100, 2, 16)).astype(np.float32)
    o, _ = ops.gla(q, k, v, g)
    printed = capsys.readouterr().out
    assert "recur.ops.gla: length ~128, batch ~1" in printed and "(timed 3 of 3)" in printed
    np.testing.assert_allclose(o, reference.gla(q, k, v, g)[0], rtol=0, atol=1e-4)
    ops.gla(q[:, :90], k[:, :90], v[:, :90], g[:, :90])  # same bucket: no tuning
    assert capsys.readouterr().out == ""
    # Off: the tested default, nothing timed.
    monkeypatch.setenv("RECUR_AUTOTUNE", "0")
    ops.gla(q[:, :30], k[:, :30], v[:, :30], g[:, :30])
    assert capsys.readouterr().out == ""


def test_kernels_compile_concurrently(tuning_dir):
    # The code generator's state is per thread: the autotuner relies on it.
    from concurrent.futures import ThreadPoolExecutor

    x = np.arange(700, dtype=np.float32)

    def compile_and_run(reps):
        out = np.zeros_like(x)
        smooth[grid](x, out, x.size, BLOCK=64, REPS=reps)
        return out

    with ThreadPoolExecutor(max_workers=4) as pool:
        for out in pool.map(compile_and_run, range(1, 9)):
            np.testing.assert_array_equal(out, x)


def test_tuning_database_survives_a_killed_writer(tuning_dir, subprocess_env):
    import signal
    import time

    from recur import _C

    script = textwrap.dedent(
        """
        import sys
        from recur import _C
        database = _C.runtime.TuningDatabase(sys.argv[1])
        i = 0
        while True:  # until killed
            database.record("key-%d" % (i % 50), "config-%d" % i, 0.001 * (i + 1), 3)
            i += 1
        """
    )
    directory = tuning_dir / "tuning"
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(directory)], env=subprocess_env(tuning_dir)
    )
    # Kill it mid-way once it is writing (starting Python may take seconds on
    # a loaded machine).
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any(p.is_file() for p in directory.rglob("*")):
        time.sleep(0.05)
    time.sleep(0.5)
    child.send_signal(signal.SIGKILL)
    child.wait()
    database = _C.runtime.TuningDatabase(str(directory))
    found = 0
    for i in range(2000):
        record = database.lookup("key-%d" % (i % 50), "config-%d" % i)
        if record is not None:
            assert record == (0.001 * (i + 1), 3)  # whole records only
            found += 1
    assert found > 0
    # The database still takes new measurements.
    result = database.tune("key-0", ["config-0", "fresh"], lambda config: None, 0, 1)
    assert result["timed"] == ["fresh"]


@recur.jit
def block_square(a_ptr, c_ptr, BLOCK: rl.constexpr):
    r = rl.arange(0, BLOCK)
    offs = r[:, None] * BLOCK + r[None, :]
    a = rl.load(a_ptr + offs)
    rl.store(c_ptr + offs, rl.dot(a, a))


def test_gpu_configs_beyond_a_block_are_pruned(tuning_dir, monkeypatch, capsys, rng):
    # On a GPU (here its emulation) the dot stages both operands in shared
    # memory: 2 x 128 x 128 f32 is 128 KiB, beyond an AMD workgroup's 64 KiB
    # of LDS, so the 128 config is never timed; 32 needs 8 KiB.
    monkeypatch.setenv("RECUR_DEVICE", "emu:gfx942")
    kernel = recur.autotune(
        configs=[recur.Config({"BLOCK": 128}), recur.Config({"BLOCK": 32})], key=[]
    )(block_square)
    a = rng.standard_normal(32 * 32).astype(np.float32)
    c = np.zeros_like(a)
    kernel[(1,)](a, c)
    assert "timed 1 of 1" in capsys.readouterr().out
    (timings,) = kernel.timings.values()
    assert list(timings) == [recur.Config({"BLOCK": 32}).identity()]
    a2 = a.reshape(32, 32).astype(np.float64)
    np.testing.assert_allclose(c.reshape(32, 32), a2 @ a2, rtol=1e-4, atol=1e-4)


def test_gpu_resource_model():
    from recur.runtime.autotuner import gpu_overuse, gpu_resources

    ptxas = {"target": "cuda:sm_80", "shared": 1024, "num_threads": 512, "registers": 255}
    needs = gpu_resources({**ptxas, "spill_stores": 8, "spill_loads": 8})
    assert needs["spilled"] == 16
    # 255 registers x 512 threads exceed a multiprocessor's 65536.
    assert gpu_overuse(needs) == ["255 registers x 512 threads > 65536"]
    assert gpu_overuse(gpu_resources({**ptxas, "num_threads": 128})) == []
    emulated = gpu_resources({"target": "emu:gfx942", "blocks": [[256, 64, 70000]]})
    assert emulated["target"] == "rocm:gfx942" and emulated["registers"] is None
    assert gpu_overuse(emulated) == ["70000 B of shared memory > 65536"]
    # NVIDIA blocks opt in to dynamic shared memory beyond the static 48 KiB:
    # up to 163 KiB on sm_80, 227 KiB on sm_90.
    big = {**ptxas, "num_threads": 128, "shared": 200 << 10}
    assert gpu_overuse(gpu_resources(big)) == ["204800 B of shared memory > 166912"]
    assert gpu_overuse(gpu_resources({**big, "target": "cuda:sm_90"})) == []
    assert gpu_resources({"target": "cpu"}) is None
