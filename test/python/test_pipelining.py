"""num_stages: loops' global loads software-pipelined (tile-pipeline-loads).

With num_stages >= 2 the GPU loads loop iterations' tiles ahead: on NVIDIA
targets with cp.async into num_stages shared-memory slots, num_stages - 1
iterations ahead (one in loops that store), elsewhere one iteration ahead in
registers. The values are those of the loop as written, so outputs on the
emulated GPUs (whose cp.async lands only at its wait) are bit-identical for
every num_stages, including K not a multiple of the block and loops that run
no iteration (whose prologue copies are masked off). On sm_80 the copies of
a later iteration come before the iteration's FMAs in the PTX, and ptxas
still spills nothing.
"""

import re

import numpy as np
import pytest

import recur
import recur.language as rl
from recur import _C
from test_gpu_compile import compile_for, needs_ptxas
from test_tutorials import matmul_kernel

STAGES = [1, 2, 3, 4]


@pytest.fixture(params=["emu:sm_80", "emu:sm_90"])
def emu(request, monkeypatch, compiled):
    # NVIDIA targets pipeline through cp.async into shared memory.
    monkeypatch.setenv("RECUR_DEVICE", request.param)
    return request.param


def run_matmul(a, b, num_stages, block=(32, 32, 16)):
    M, K = a.shape
    N = b.shape[1]
    c = np.full((M, N), np.nan, dtype=np.float32)
    grid = (recur.cdiv(M, block[0]), recur.cdiv(N, block[1]))
    matmul_kernel[grid](
        a,
        b,
        c,
        M,
        N,
        K,
        K,
        1,
        N,
        1,
        N,
        1,
        BLOCK_M=block[0],
        BLOCK_N=block[1],
        BLOCK_K=block[2],
        num_stages=num_stages,
    )
    return c


@pytest.mark.parametrize("M,N,K", [(64, 64, 64), (40, 24, 37), (32, 32, 0)])
def test_matmul_is_bit_identical_for_every_num_stages(emu, rng, M, N, K):
    a = rng.standard_normal((M, K)).astype(np.float32)
    b = rng.standard_normal((K, N)).astype(np.float32)
    results = [run_matmul(a, b, stages) for stages in STAGES]
    np.testing.assert_allclose(results[0], a @ b, rtol=1e-4, atol=1e-4)
    for result in results[1:]:
        np.testing.assert_array_equal(result, results[0])


@pytest.mark.parametrize("M,N,K", [(64, 64, 64), (40, 24, 37)])
def test_f16_matmul_reads_its_operands_from_the_slots(emu, rng, M, N, K):
    # f16 operands take the tensor cores (mma.sync on sm_80, which reads the
    # tiles from the copies' slots without staging them; wgmma on sm_90).
    a = rng.standard_normal((M, K)).astype(np.float16)
    b = rng.standard_normal((K, N)).astype(np.float16)
    results = [run_matmul(a, b, stages) for stages in STAGES]
    reference = a.astype(np.float64) @ b.astype(np.float64)
    np.testing.assert_allclose(results[0], reference, rtol=1e-3, atol=1e-3)
    for result in results[1:]:
        np.testing.assert_array_equal(result, results[0])


@recur.jit
def row_sum_kernel(x_ptr, out_ptr, K, stride, BLOCK_M: rl.constexpr, BLOCK_K: rl.constexpr):
    # One program sums BLOCK_M rows over K in blocks of BLOCK_K: a masked
    # load per block, then a reduction that the next block's load can overlap.
    rows = rl.program_id(0) * BLOCK_M + rl.arange(0, BLOCK_M)
    cols = rl.arange(0, BLOCK_K)
    acc = rl.zeros((BLOCK_M,), dtype=rl.float32)
    for k in range(0, K, BLOCK_K):
        mask = (cols[None, :] + k) < K
        x = rl.load(x_ptr + rows[:, None] * stride + (cols[None, :] + k), mask=mask, other=0.0)
        acc += rl.sum(x * x, axis=1)
    rl.store(out_ptr + rows, acc)


@pytest.mark.parametrize("K", [128, 100, 5, 0])
def test_reduction_over_k_blocks_is_bit_identical(emu, rng, K):
    M, block_m, block_k = 32, 16, 32
    x = rng.standard_normal((M, max(K, 1))).astype(np.float32)
    results = []
    for stages in STAGES:
        out = np.full(M, np.nan, dtype=np.float32)
        row_sum_kernel[(M // block_m,)](
            x, out, K, x.shape[1], BLOCK_M=block_m, BLOCK_K=block_k, num_stages=stages
        )
        results.append(out)
    ref = (x[:, :K].astype(np.float64) ** 2).sum(axis=1)
    np.testing.assert_allclose(results[0], ref, rtol=1e-5, atol=1e-6)
    for result in results[1:]:
        np.testing.assert_array_equal(result, results[0])


def loop_of(ptx):
    """The K loop's body: from the label that the last backward branch
    targets to that branch."""
    branches = list(re.finditer(r"bra(?:\.uni)?\s+(\$L__BB\d+_\d+);", ptx))
    for branch in reversed(branches):
        label = re.search(re.escape(branch.group(1)) + r":", ptx)
        if label and label.start() < branch.start():
            return ptx[: label.start()], ptx[label.end() : branch.start()]
    raise AssertionError("no loop in the PTX")


@needs_ptxas
def test_sm80_copies_tiles_ahead_with_cp_async():
    plain = compile_for("matmul", "cuda:sm_80", num_stages=1)
    pipelined = compile_for("matmul", "cuda:sm_80", num_stages=3)
    assert pipelined.metadata["options"]["num_stages"] == 3
    before, body = loop_of(pipelined.asm["ptx"])
    # The prologue starts the copies of the first two iterations, one group
    # each, and loads nothing into registers ...
    assert "cp.async.ca.shared.global" in before
    assert before.count("cp.async.commit_group") == 2
    assert "ld.global" not in before
    # ... and each iteration waits for its own group (the next one may stay
    # in flight), then starts iteration k + 2's copies before its FMAs.
    assert re.search(r"cp\.async\.wait_group\s+1;", body)
    assert body.count("cp.async.commit_group") == 1
    assert body.index("cp.async.wait_group") < body.index("cp.async.ca")
    assert body.index("cp.async.ca") < body.index("fma.rn.f32")
    assert "ld.global" not in body
    assert "cp.async" not in plain.asm["ptx"]
    # Three slots of the 32x16 and 16x32 f32 tiles, after the scratch.
    assert pipelined.metadata["shared"] >= plain.metadata["shared"] + 3 * 2 * 32 * 16 * 4


@needs_ptxas
def test_sm90_copies_whole_rows_with_bulk_copies():
    # linear_attn's 64x64 f32 chunks (four 16-byte runs per thread) take one
    # cp.async.bulk per row on sm_90, completing on mbarriers; the delta
    # rule's [16, 64] chunks (one run per thread) keep cp.async, and sm_80
    # has no bulk copies. The group counters stay in registers (no stack).
    from recur.ops import _kernels
    from test_ops_gpu_compile import _capture, _run_every_operator

    sources = {
        name: (source, size)
        for name, source, size in _capture(lambda: _run_every_operator(np.random.default_rng(0)))
    }

    def compile_operator(name, target):
        source, size = sources[name]
        result = _kernels.lower_gpu(source, size, _kernels.gpu_warps(name), 2, target=target)
        (kernel,) = [k for k in result["kernels"] if k["name"] == name]
        return result["asm"], kernel

    bulk = "cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes"
    ptx, kernel = compile_operator("linear_attn", "cuda:sm_90")
    for instruction in (
        bulk,
        "mbarrier.init.shared.b64",
        "mbarrier.expect_tx",
        "mbarrier.arrive.shared.b64",
        "mbarrier.try_wait.parity.shared.b64",
        "fence.proxy.async.shared::cta",
        # Rows that are misaligned or masked off take cp.async.
        "cp.async.cg.shared.global",
    ):
        assert instruction in ptx, instruction
    assert kernel["spill_stores"] == 0 and kernel["stack"] == 0
    for name, target in (("delta_rule", "cuda:sm_90"), ("linear_attn", "cuda:sm_80")):
        ptx, _ = compile_operator(name, target)
        assert "cp.async.cg.shared.global" in ptx
        assert "cp.async.bulk" not in ptx and "mbarrier" not in ptx
    # Per-thread copies on sm_90 are the tuner's other choice.
    source, size = sources["linear_attn"]
    ptx = _kernels.lower_gpu(source, size, 8, 2, bulk_copies=False, target="cuda:sm_90")["asm"]
    assert "cp.async.cg.shared.global" in ptx
    assert "cp.async.bulk" not in ptx and "mbarrier" not in ptx
    configs = _kernels.gpu_configs("linear_attn", "cuda:sm_90")
    assert (64, 8, 2) in configs and (64, 8, 2, 0) in configs and (64, 8, 1, 0) not in configs
    assert all(len(c) == 3 for c in _kernels.gpu_configs("linear_attn", "cuda:sm_80"))


@needs_ptxas
@pytest.mark.parametrize("name", ["matmul", "layer_norm", "softmax", "linear_recurrence"])
def test_sm80_pipelined_tutorial_kernels_do_not_spill(name):
    kernel = compile_for(name, "cuda:sm_80", num_stages=3)
    assert kernel.metadata["spill_stores"] == 0 and kernel.metadata["spill_loads"] == 0


def test_num_stages_reaches_the_gpu_compiler():
    # The binding takes num_stages (1: loops as written).
    assert "num_stages" in _C.runtime.compile_gpu.__doc__
    assert "num_stages" in _C.runtime.compile_cpu.__doc__


def _operator_calls(rng):
    """One call per operator (T = 50: not a multiple of any chunk), each
    taking ``chunk_size``/``block_size`` last."""
    from recur import ops

    def normal(*shape):
        return rng.standard_normal(shape).astype(np.float32)

    B, T, H, K, V = 2, 50, 2, 16, 32
    q, k, v = normal(B, T, H, K), normal(B, T, H, K), normal(B, T, H, V)
    g, beta = -np.abs(normal(B, T, H)), np.abs(normal(B, T, H))
    params = {f"W_{x}": normal(24, 6) for x in "zrc"}
    params.update({f"a_{x}": normal(24) for x in "zrc"})
    params.update({f"b_{x}": 0.1 * normal(24) for x in "zrc"})
    x = normal(B, T, 6)
    u, delta = normal(B, 12, T), np.abs(normal(B, 12, T))
    A, Bm, Cm = -np.abs(normal(12, 4)), normal(B, 4, T), normal(B, 4, T)
    return {
        "linear_attn": lambda size: ops.linear_attn(q, k, v, chunk_size=size)[0],
        "gla": lambda size: ops.gla(q, k, v, -np.abs(normal(B, T, H, K)), chunk_size=size)[0],
        "delta_rule": lambda size: ops.delta_rule(q, k, v, beta, chunk_size=size)[0],
        "gated_delta_rule": lambda size: ops.gated_delta_rule(q, k, v, g, beta, chunk_size=size)[0],
        "flash_attn": lambda size: ops.flash_attn(q, k, v, causal=True, block_size=size),
        "selective_scan": lambda size: ops.selective_scan(u, delta, A, Bm, Cm, chunk_size=size)[0],
        "newton_rnn": lambda size: ops.newton_rnn("gru_diag", x, params, chunk_size=size)[0],
    }


@pytest.mark.parametrize(
    "name",
    [
        "linear_attn",
        "gla",
        "delta_rule",
        "gated_delta_rule",
        "flash_attn",
        "selective_scan",
        "newton_rnn",
    ],
)
def test_operators_are_bit_identical_for_every_num_stages(emu, name):
    # The operators' GPU tuner times 1, 2 and 3 stages: all must compute the
    # same, and 1 stage is what the operator tests check against references.
    from recur.ops import _kernels

    size, warps = _kernels.CONFIG_SPACES[name].gpu
    # Fresh inputs per call, the same for each: gla draws its gate inside.
    results = [
        _operator_calls(np.random.default_rng(3))[name](_kernels.TunedSize(size, warps, stages))
        for stages in (1, 2, 3)
    ]
    for result in results[1:]:
        np.testing.assert_array_equal(result, results[0])


def test_bulk_copied_chunks_are_bit_identical(emu):
    # K = V = 64 f32 chunks of 64 rows: four 16-byte runs per thread at 8
    # warps, so on sm_90 every aligned, unmasked row is one cp.async.bulk
    # (the tail chunk of T = 150 masks rows off: those zero-fill through
    # cp.async), completing on mbarriers. The same kernel with per-thread
    # copies on sm_80, and one stage on either, compute the same bits.
    from recur import ops
    from recur.ops import _kernels
    from recur.ops import reference as ref

    rng = np.random.default_rng(8)
    q, k, v = (rng.standard_normal((2, 150, 2, 64)).astype(np.float32) for _ in range(3))
    s0 = rng.standard_normal((2, 2, 64, 64)).astype(np.float32)
    results = [
        ops.linear_attn(
            q, k, v, initial_state=s0, output_final_state=True,
            chunk_size=_kernels.TunedSize(64, 8, *config),
        )
        for config in ((1,), (2,), (3,), (3, 0))  # (3, 0): per-thread copies
    ]  # fmt: skip
    ro, rs = ref.linear_attn(q, k, v, initial_state=s0, output_final_state=True)
    assert np.abs(results[0][0] - ro).max() <= 1e-5 * np.abs(ro).max()
    assert np.abs(results[0][1] - rs).max() <= 1e-5 * np.abs(rs).max()
    for o, s in results[1:]:
        np.testing.assert_array_equal(o, results[0][0])
        np.testing.assert_array_equal(s, results[0][1])


def test_nested_pipelined_loops_are_bit_identical(emu):
    # GLA with gates strong enough for the exact intra-chunk weights: a loop
    # over the keys inside the chunk loop, both copying ahead, so the inner
    # loop's groups interleave with the outer loop's.
    from recur import ops
    from recur.ops import _kernels
    from recur.ops import reference as ref

    rng = np.random.default_rng(5)
    B, T, H, K, V = 1, 70, 2, 16, 32
    q, k = (rng.standard_normal((B, T, H, K)).astype(np.float32) for _ in range(2))
    v = rng.standard_normal((B, T, H, V)).astype(np.float32)
    g = -rng.uniform(0.0, 20.0, (B, T, H, K)).astype(np.float32)
    results = [
        ops.gla(q, k, v, g, output_final_state=True, chunk_size=_kernels.TunedSize(32, 4, s))
        for s in (1, 2, 3)
    ]
    ro, _ = ref.gla(q, k, v, g, output_final_state=True)
    assert np.abs(results[0][0] - ro).max() <= 2e-4 * np.abs(ro).max()
    for o, s in results[1:]:
        np.testing.assert_array_equal(o, results[0][0])
        np.testing.assert_array_equal(s, results[0][1])
