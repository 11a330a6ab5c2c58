"""f16 and bf16 operators reach the matrix units on GPU targets.

tile-narrow-dot-operands gives a dot over f32 extensions of f16/bf16 values
the narrow values: each product of two f16 (or two bf16) values is exact in
f32 and the accumulator stays f32, so the dot adds the same products while
running on mma.sync (sm_80), wgmma (sm_90, where a dot fills warpgroups)
or MFMA. The operators' dots over loaded tiles take that path (q kᵀ, and
kᵀ v for linear attention, C Bᵀ for SSD); dots over tiles computed in f32
(scores, the state) keep the FMA form. Checked in the PTX of their GPU
configs, and by running them on the emulated GPUs against float64
references.

Tolerances, relative to the largest reference value: final states are f32
sums of exact products, 2e-5 (linear attention; f32 rounding of sums over
<= 100 steps in another order than the reference's) and 1e-4 (the delta
rule, whose chunk solve divides); outputs are rounded to the input type,
2^-10 (f16) and 2^-7 (bf16) plus the same f32 error.
"""

import ml_dtypes
import numpy as np
import pytest

from recur import ops
from recur.ops import _kernels
from recur.ops import reference as ref
from test_gpu_compile import needs_ptxas
from test_ops_gpu_compile import _capture

DTYPES = {"f16": np.float16, "bf16": ml_dtypes.bfloat16}
OUTPUT_TOLERANCE = {"f16": 2e-3, "bf16": 1e-2}
B, T, H, K, V = 2, 100, 2, 16, 32


def _inputs(dtype, seed=0):
    rng = np.random.default_rng(seed)

    def normal(*shape):
        return rng.standard_normal(shape).astype(DTYPES[dtype])

    return normal, normal(B, T, H, K), normal(B, T, H, K), normal(B, T, H, V)


def _calls(dtype):
    """One call per operator with narrow q, k and v."""
    normal, q, k, v = _inputs(dtype)
    beta = np.abs(normal(B, T, H)).astype(np.float32)
    dt = np.abs(normal(B, T, H)).astype(np.float32)
    A = -np.abs(normal(H)).astype(np.float32)
    Bm, Cm = normal(B, T, 1, K), normal(B, T, 1, K)
    ops.linear_attn(q, k, v)
    ops.delta_rule(q, k, v, beta)
    ops.flash_attn(q, k, v, causal=True)
    ops.ssd(v, dt, A, Bm, Cm)


def _assembly(dtype, target):
    return {
        name: _kernels.lower_gpu(source, size, _kernels.gpu_warps(name), target=target)["asm"]
        for name, source, size in _capture(lambda: _calls(dtype))
    }


@needs_ptxas
@pytest.mark.parametrize(
    "target, dtype",
    [("cuda:sm_80", "f16"), ("cuda:sm_80", "bf16"), ("cuda:sm_90", "bf16")],
)
def test_narrow_operators_use_tensor_cores(target, dtype):
    mma = f"mma.sync.aligned.m16n8k16.row.col.f32.{dtype}.{dtype}.f32"
    wgmma = f".f32.{dtype}.{dtype}"  # wgmma.mma_async.sync.aligned.m64nNk16
    assembly = _assembly(dtype, target)
    assert set(assembly) == {"linear_attn", "delta_rule", "flash_attn", "ssd"}
    for name, ptx in assembly.items():
        wgmmas = [line for line in ptx.splitlines() if "wgmma.mma_async" in line]
        assert mma in ptx or any(wgmma in line for line in wgmmas), name


@needs_ptxas
def test_float32_operators_keep_the_fma_form():
    # f32 dots would need tf32 to use the tensor cores, which rounds the
    # operands: the operators keep IEEE f32.
    def calls():
        rng = np.random.default_rng(0)
        q, k, v = (rng.standard_normal((B, T, H, K)).astype(np.float32) for _ in range(3))
        ops.linear_attn(q, k, v)
        ops.flash_attn(q, k, v, causal=True)

    for name, source, size in _capture(calls):
        ptx = _kernels.lower_gpu(source, size, _kernels.gpu_warps(name), target="cuda:sm_80")["asm"]
        assert "mma.sync" not in ptx and "fma.rn.f32" in ptx, name


def _relative_error(actual, expected):
    expected = np.asarray(expected, dtype=np.float64)
    actual = np.asarray(actual, dtype=np.float64)
    return np.max(np.abs(actual - expected)) / np.max(np.abs(expected))


@pytest.fixture(params=["emu:sm_80", "emu:sm_90"])
def emu(request, monkeypatch):
    monkeypatch.setenv("RECUR_DEVICE", request.param)
    return request.param


@pytest.mark.parametrize("dtype", DTYPES)
def test_linear_attn_states_are_exact_sums(emu, dtype):
    normal, q, k, v = _inputs(dtype)
    s0 = normal(B, H, K, V).astype(np.float32)
    o, s = ops.linear_attn(q, k, v, initial_state=s0, output_final_state=True)
    ro, rs = ref.linear_attn(q, k, v, initial_state=s0, output_final_state=True)
    assert o.dtype == DTYPES[dtype]
    assert _relative_error(s, rs) < 2e-5
    assert _relative_error(o, ro) < OUTPUT_TOLERANCE[dtype]


@pytest.mark.parametrize("dtype", DTYPES)
def test_delta_rule_and_flash_attn(emu, dtype):
    normal, q, k, v = _inputs(dtype, seed=1)
    # Unit-norm keys keep the delta rule's state bounded.
    k = (
        k.astype(np.float32) / np.linalg.norm(k.astype(np.float32), axis=-1, keepdims=True)
    ).astype(DTYPES[dtype])
    beta = np.abs(normal(B, T, H)).astype(np.float32) / 2
    o, s = ops.delta_rule(q, k, v, beta, output_final_state=True)
    ro, rs = ref.delta_rule(q, k, v, beta, output_final_state=True)
    assert _relative_error(s, rs) < 1e-4
    assert _relative_error(o, ro) < OUTPUT_TOLERANCE[dtype]
    o = ops.flash_attn(q, k, v, causal=True)
    assert _relative_error(o, ref.flash_attn(q, k, v, causal=True)) < OUTPUT_TOLERANCE[dtype]
