"""Every operator's GPU config compiles for sm_80 and sm_90 within budget.

Each operator of recur.ops is built at a representative shape (head
dimensions K = V = D = 64; SSD with P = N = 64; the selective scan with
N = 16; the Newton RNN with H = 256, D = 128), lowered at its GPU config
(``CONFIG_SPACES[name].gpu``: chunk or block size and warps, the config the
operators take on GPU targets and ``emu:*``) and compiled by ``ptxas -v``:
no spill stores or loads and at most 48 KiB of shared memory (the static
limit), as docs/gpu.md tabulates. The kernels are compiled once per target
(module fixture) and cached on disk.
"""

import warnings

import numpy as np
import pytest

from recur import _C, ops
from recur.ops import _kernels

pytestmark = pytest.mark.skipif(
    _C.runtime.find_ptxas() is None, reason="no CUDA toolkit (ptxas) on this machine"
)

TARGETS = ("cuda:sm_80", "cuda:sm_90")
STATIC_SHARED_LIMIT = 48 * 1024


def _run_linear_family_and_attention(rng, B, T, H, K):
    """Calls the linear family and flash attention once, K = V = D."""

    def normal(*shape):
        return rng.standard_normal(shape).astype(np.float32)

    q, k, v = normal(B, T, H, K), normal(B, T, H, K), normal(B, T, H, K)
    ops.linear_attn(q, k, v)
    ops.gla(q, k, v, -np.abs(normal(B, T, H, K)))
    ops.delta_rule(q, k, v, np.abs(normal(B, T, H)))
    ops.gated_delta_rule(q, k, v, -np.abs(normal(B, T, H)), np.abs(normal(B, T, H)))
    ops.flash_attn(q, k, v, causal=True)
    return normal, q


def _run_every_operator(rng):
    """Calls each operator once, at the shapes of the module docstring."""
    B, T, H = 1, 64, 2
    normal, q = _run_linear_family_and_attention(rng, B, T, H, 64)
    ops.ssd(
        q, np.abs(normal(B, T, H)), -np.abs(normal(H)), normal(B, T, 1, 64), normal(B, T, 1, 64)
    )
    d, n = 256, 16
    ops.selective_scan(
        normal(B, d, T),
        np.abs(normal(B, d, T)),
        -np.abs(normal(d, n)),
        normal(B, n, T),
        normal(B, n, T),
    )
    hidden, inputs = 256, 128
    for cell, gates in (("gru_diag", "zrc"), ("lstm_diag", "ifoc")):
        params = {f"W_{g}": normal(hidden, inputs) for g in gates}
        params.update({f"a_{g}": normal(hidden) for g in gates})
        params.update({f"b_{g}": normal(hidden) for g in gates})
        ops.newton_rnn(cell, normal(B, T, inputs), params)


def _capture(calls):
    """(operator, source, size) of the operator functions ``calls()``
    builds, with the sizes the operators choose on a GPU target."""
    captured = []

    def capture(name, source, chunk_size):
        captured.append((name, source, chunk_size))
        return lambda *args, **kwargs: None

    with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the skipped launches "do not converge"
        mp.setenv("RECUR_DEVICE", "emu:sm_80")
        mp.setattr(_kernels, "get_kernel", capture)
        calls()
    return captured


@pytest.fixture(scope="module")
def operator_functions():
    """(operator, cell, source, size) of every operator function the calls
    build, with the sizes the operators choose on a GPU target."""
    captured = _capture(lambda: _run_every_operator(np.random.default_rng(0)))
    cells = iter(("gru_diag", "lstm_diag"))
    return [
        (name, next(cells) if name == "newton_rnn" else "", source, size)
        for name, source, size in captured
    ]


@pytest.fixture(scope="module")
def compiled(operator_functions):
    """Per target, the ptxas figures of every operator's kernels."""
    return {
        target: [
            (name, cell, size, _kernels.compile_gpu(name, source, size, target))
            for name, cell, source, size in operator_functions
        ]
        for target in TARGETS
    }


def test_every_operator_is_covered(operator_functions):
    names = {name for name, *_ in operator_functions}
    assert names == set(_kernels.CONFIG_SPACES)
    for name, _, _, size in operator_functions:
        assert size == _kernels.CONFIG_SPACES[name].gpu[0]


@pytest.mark.parametrize("target", TARGETS)
def test_operator_kernels_fit_without_spills(compiled, target):
    failures = []
    for name, cell, size, kernels in compiled[target]:
        for kernel in kernels:
            label = f"{name}{'/' + cell if cell else ''} (size {size}): {kernel}"
            assert kernel["threads"] == 32 * _kernels.gpu_warps(name), label
            if kernel["spill_stores"] or kernel["spill_loads"]:
                failures.append(f"spills: {label}")
            if kernel["shared"] > STATIC_SHARED_LIMIT:
                failures.append(f"shared memory over 48 KiB: {label}")
            if not 0 < kernel["registers"] <= 255:
                failures.append(f"registers: {label}")
    assert not failures, "\n".join(failures)


# What a block may opt in to: above the static 48 KiB the scratch is dynamic
# shared memory.
SHARED_LIMITS = {"cuda:sm_80": 163 << 10, "cuda:sm_90": 227 << 10}


def _run_at_head_dimension_128():
    _run_linear_family_and_attention(np.random.default_rng(1), 1, 128, 1, 128)


@pytest.mark.parametrize("target", TARGETS)
def test_head_dimension_128_fits_with_dynamic_shared_memory(target):
    # At K = V = D = 128 the linear family's programs hold [128, 64] of the
    # state (V splits over two programs) and attention a [128, 128] block:
    # 44-80 KiB of shared memory, dynamic above the static 48 KiB, within
    # what a block may have, and no spills (each tile shape has its own
    # layout: none is held in copies).
    dynamic = set()
    for name, source, size in _capture(_run_at_head_dimension_128):
        (kernel,) = [
            k for k in _kernels.compile_gpu(name, source, size, target) if k["name"] == name
        ]
        label = f"{name} (size {size}): {kernel}"
        assert 0 < kernel["shared"] <= SHARED_LIMITS[target], label
        assert (kernel["dynamic_shared"] > 0) == (kernel["shared"] > STATIC_SHARED_LIMIT), label
        if kernel["dynamic_shared"]:
            dynamic.add(name)
        assert kernel["spill_stores"] == kernel["spill_loads"] == 0, label
    assert {"linear_attn", "flash_attn"} <= dynamic
