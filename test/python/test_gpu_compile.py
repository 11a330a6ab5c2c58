"""Compilation for GPU targets without a GPU: recur.compile(target=...).

The tutorial kernels that the GPU lowering covers so far (elementwise,
loads and stores, reductions, loops) compile for every target: PTX and a
cubin that ptxas accepts with no spills, AMDGCN assembly and an HSACO code
object. The figures come from `ptxas -v`.
"""

import os
import re
import shutil

import numpy as np
import pytest

import recur
import recur.language as rl
from recur import _C
from recur.compiler.compiler import GPU_TARGETS
from recur.runtime import cache, device
from test_tutorials import (
    add_hinted_kernel,
    add_kernel,
    atomic_accumulate_kernel,
    linear_recurrence_rows_kernel,
    layer_norm_fwd_kernel,
    matmul_kernel,
    softmax_kernel,
)
from test_emulation import assert_kernel, dot_kernel, print_kernel

ptxas = _C.runtime.find_ptxas()
needs_ptxas = pytest.mark.skipif(ptxas is None, reason="no CUDA toolkit (ptxas) on this machine")
needs_lld = pytest.mark.skipif(
    shutil.which("ld.lld") is None and not shutil.os.path.exists("/usr/lib/llvm-22/bin/ld.lld"),
    reason="no ld.lld on this machine",
)


def target_param(target):
    mark = needs_ptxas if target.startswith("cuda") else needs_lld
    return pytest.param(target, marks=mark)


TARGETS = [target_param(t) for t in GPU_TARGETS]

ADD_SIGNATURE = {"x_ptr": "*fp32", "y_ptr": "*fp32", "out_ptr": "*fp32", "n_elements": "i32"}
KERNELS = {
    "add": (add_kernel, ADD_SIGNATURE, {"BLOCK": 1024}),
    "add_hinted": (
        add_hinted_kernel,
        {k: v + ":16" if v.startswith("*") else v for k, v in ADD_SIGNATURE.items()},
        {"BLOCK": 1024},
    ),
    "matmul": (
        matmul_kernel,
        {
            n: ("*fp32" if n.endswith("_ptr") else "i32")
            for n in matmul_kernel.arg_names
            if n not in matmul_kernel.constexpr_names
        },
        {"BLOCK_M": 32, "BLOCK_N": 32, "BLOCK_K": 16},
    ),
    "linear_recurrence": (
        linear_recurrence_rows_kernel,
        {"a_ptr": "*fp32", "b_ptr": "*fp32", "h_ptr": "*fp32", "R": "i32", "T": "i32"},
        {"BR": 16, "BT": 128, "REVERSE": False},
    ),
    "atomics": (
        atomic_accumulate_kernel,
        {"x_ptr": "*fp32", "sum_ptr": "*fp32", "max_ptr": "*fp32", "n": "i32"},
        {"BLOCK": 256},
    ),
    "softmax": (
        softmax_kernel,
        {
            "output_ptr": "*fp32",
            "input_ptr": "*fp32",
            "input_row_stride": "i32",
            "output_row_stride": "i32",
            "n_cols": "i32",
        },
        {"BLOCK_SIZE": 256},
    ),
    "layer_norm": (
        layer_norm_fwd_kernel,
        {
            "X": "*fp32",
            "Y": "*fp32",
            "W": "*fp32",
            "B": "*fp32",
            "Mean": "*fp32",
            "Rstd": "*fp32",
            "stride": "i32",
            "N": "i32",
            "eps": "fp32",
        },
        {"BLOCK_SIZE": 512},
    ),
}


def compile_for(name, target, **options):
    fn, signature, constexprs = KERNELS[name]
    return recur.compile(fn, signature=signature, constexprs=constexprs, target=target, **options)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("name", sorted(KERNELS))
def test_tutorial_kernel_compiles(name, target):
    kernel = compile_for(name, target)
    meta = kernel.metadata
    assert meta["target"] == target
    assert meta["num_threads"] == 4 * (32 if target.startswith("cuda") else 64)
    if target.startswith("cuda"):
        chip = target.split(":")[1]
        assert f".target {chip}" in kernel.asm["ptx"]
        assert f".maxntid {meta['num_threads']}, 1, 1" in kernel.asm["ptx"]
        assert kernel.asm["cubin"][:4] == b"\x7fELF"
        assert 0 < meta["registers"] <= 255
        assert meta["spill_stores"] == 0 and meta["spill_loads"] == 0
    else:
        assert f"amdgcn-amd-amdhsa--{target.split(':')[1]}" in kernel.asm["amdgcn"]
        assert kernel.asm["hsaco"][:4] == b"\x7fELF"
        # From the code-object metadata: VGPRs (+ AGPRs), LDS, scratch.
        assert 0 < meta["registers"] <= 512
        assert meta["spill_stores"] == 0 and meta["stack"] == 0


@pytest.mark.parametrize("target", TARGETS)
def test_unit_stride_accesses_are_vectorised(target):
    kernel = compile_for("add", target)
    if target.startswith("cuda"):
        assert "ld.global.v4.b32" in kernel.asm["ptx"]
        assert "st.global.v4.b32" in kernel.asm["ptx"]
    else:
        assert "global_load_dwordx4" in kernel.asm["amdgcn"]


@needs_ptxas
def test_divisible_arguments_drop_the_alignment_test():
    # Without divisibility each 16-byte run tests its address (and.b64 with
    # 15) before the vector access; with pointers divisible by 16 the
    # analysis proves every run aligned.
    alignment_test = re.compile(r"and\.b64\s+%rd\d+, %rd\d+, 15;")
    plain = compile_for("add", "cuda:sm_80").asm["ptx"]
    hinted = compile_for("add_hinted", "cuda:sm_80").asm["ptx"]
    assert alignment_test.search(plain)
    assert not alignment_test.search(hinted)
    assert "ld.global.v4.b32" in hinted and "st.global.v4.b32" in hinted


@needs_ptxas
@pytest.mark.parametrize("dtype", ["fp16", "bf16"])
def test_sm80_dots_use_mma_sync(dtype):
    # bf16 goes to nvvm.mma.sync directly (nvgpu cannot lower it).
    signature = {"a_ptr": f"*{dtype}", "b_ptr": f"*{dtype}", "c_ptr": "*fp32"}
    constexprs = {"M": 64, "N": 64, "K": 64, "PRECISION": "ieee"}
    kernel = recur.compile(
        dot_kernel, signature=signature, constexprs=constexprs, target="cuda:sm_80"
    )
    ptype = dtype.replace("fp", "f")
    assert f"mma.sync.aligned.m16n8k16.row.col.f32.{ptype}.{ptype}.f32" in kernel.asm["ptx"]
    assert kernel.metadata["spill_stores"] == 0


@needs_ptxas
@pytest.mark.parametrize(
    "dtype,precision,ptype,k",
    [("fp16", "ieee", "f16", 16), ("bf16", "ieee", "bf16", 16), ("fp32", "tf32", "tf32", 8)],
)
@pytest.mark.parametrize(
    "M,N,K,num_warps,n", [(64, 64, 64, 4, 64), (128, 32, 32, 8, 32), (64, 128, 32, 8, 64)]
)
def test_sm90_dots_use_wgmma(dtype, precision, ptype, k, M, N, K, num_warps, n):
    # Whole warpgroups and 64-row tiles: wgmma from shared memory (sm_90a),
    # one m64nNk instruction per k step, N split so every warpgroup has a tile.
    signature = {"a_ptr": f"*{dtype}", "b_ptr": f"*{dtype}", "c_ptr": "*fp32"}
    constexprs = {"M": M, "N": N, "K": K, "PRECISION": precision}
    kernel = recur.compile(
        dot_kernel,
        signature=signature,
        constexprs=constexprs,
        target="cuda:sm_90",
        num_warps=num_warps,
    )
    ptx = kernel.asm["ptx"]
    assert ".target sm_90a" in ptx
    assert f"wgmma.mma_async.sync.aligned.m64n{n}k{k}.f32.{ptype}.{ptype}" in ptx
    assert "mma.sync.aligned" not in ptx
    for step in ("fence.proxy.async", "wgmma.fence.sync.aligned", "wgmma.commit_group.sync"):
        assert step in ptx
    assert re.search(r"wgmma\.wait_group\.sync\.aligned\s+0;", ptx)
    assert kernel.metadata["spill_stores"] == 0 and kernel.metadata["spill_loads"] == 0


@needs_ptxas
@pytest.mark.parametrize("M,num_warps", [(16, 4), (64, 2)])
def test_sm90_dots_that_do_not_fill_a_warpgroup_use_mma_sync(M, num_warps):
    signature = {"a_ptr": "*fp16", "b_ptr": "*fp16", "c_ptr": "*fp32"}
    constexprs = {"M": M, "N": 32, "K": 32, "PRECISION": "ieee"}
    kernel = recur.compile(
        dot_kernel,
        signature=signature,
        constexprs=constexprs,
        target="cuda:sm_90",
        num_warps=num_warps,
    )
    assert "wgmma.mma_async" not in kernel.asm["ptx"]
    assert "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32" in kernel.asm["ptx"]


# LLVM spells the gfx942 MFMAs with an underscore before the input type.
MFMA = {
    ("rocm:gfx90a", "fp16"): "v_mfma_f32_16x16x16f16",
    ("rocm:gfx90a", "bf16"): "v_mfma_f32_16x16x16bf16_1k",
    ("rocm:gfx90a", "fp32"): "v_mfma_f32_16x16x4f32",
    ("rocm:gfx942", "fp16"): "v_mfma_f32_16x16x16_f16",
    ("rocm:gfx942", "bf16"): "v_mfma_f32_16x16x16_bf16",
    ("rocm:gfx942", "fp32"): "v_mfma_f32_16x16x4_f32",
}


@needs_lld
@pytest.mark.parametrize("target,dtype", sorted(MFMA))
def test_amd_dots_use_matrix_cores(target, dtype):
    signature = {"a_ptr": f"*{dtype}", "b_ptr": f"*{dtype}", "c_ptr": "*fp32"}
    constexprs = {"M": 64, "N": 64, "K": 64, "PRECISION": "ieee"}
    kernel = recur.compile(dot_kernel, signature=signature, constexprs=constexprs, target=target)
    asm = kernel.asm["amdgcn"]
    assert MFMA[target, dtype] in asm
    # The code object's metadata: no spills, the staging within the 64 KiB LDS.
    figures = dict(re.findall(r"\.(vgpr_spill_count|group_segment_fixed_size):\s+(\d+)", asm))
    assert figures["vgpr_spill_count"] == "0"
    assert 0 < int(figures["group_segment_fixed_size"]) <= 64 * 1024


@needs_ptxas
def test_cross_warp_reduction_uses_shared_memory():
    kernel = compile_for("softmax", "cuda:sm_80")
    ptx = kernel.asm["ptx"]
    assert "shfl.sync.bfly.b32" in ptx and "bar.sync" in ptx
    # 256 columns over 4 warps: one f32 partial per warp.
    assert kernel.metadata["shared"] >= 16


@needs_ptxas
def test_num_warps_sets_the_block():
    kernel = compile_for("add", "cuda:sm_90", num_warps=8)
    assert kernel.metadata["num_threads"] == 256
    assert ".maxntid 256, 1, 1" in kernel.asm["ptx"]


@needs_ptxas
def test_gpu_compilation_is_cached():
    compile_for("add", "cuda:sm_80")
    cache.reset_cache_stats()
    again = compile_for("add", "cuda:sm_80")
    assert cache.cache_stats()["misses"] == 0
    assert ".target sm_80" in again.asm["ptx"]


def test_unknown_target_is_rejected():
    with pytest.raises(ValueError, match="not supported"):
        compile_for("add", "cuda:sm_70")


def compile_debug_kernels(target):
    """The printing and the asserting kernel, compiled for ``target``."""
    return [
        recur.compile(kernel, signature={"x_ptr": "*fp32"}, constexprs={"N": 64}, target=target)
        for kernel in (print_kernel, assert_kernel)
    ]


@needs_ptxas
@pytest.mark.parametrize("target", ["cuda:sm_80", "cuda:sm_90"])
def test_debug_ops_use_vprintf_and_assertfail(target):
    printing, asserting = compile_debug_kernels(target)
    assert "vprintf" in printing.asm["ptx"]
    assert "__assertfail" in asserting.asm["ptx"]
    for kernel in (printing, asserting):
        assert kernel.metadata["spill_stores"] == 0


def rocm_device_libraries():
    roots = (
        [os.environ["ROCM_PATH"]]
        if "ROCM_PATH" in os.environ
        else ["/opt/rocm", "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib"]
    )
    return any(os.path.exists(os.path.join(r, "amdgcn", "bitcode", "ocml.bc")) for r in roots)


needs_rocm_device_libraries = pytest.mark.skipif(
    not rocm_device_libraries(),
    reason="no ROCm device libraries (install ROCm or Debian's rocm-device-libs)",
)


@recur.jit
def exp_f64_kernel(x_ptr, N: rl.constexpr):
    offsets = rl.arange(0, N)
    rl.store(x_ptr + offsets, rl.exp(rl.load(x_ptr + offsets)))


@needs_lld
@needs_rocm_device_libraries
@pytest.mark.parametrize("target", ["rocm:gfx90a", "rocm:gfx942"])
def test_amd_kernels_link_the_device_libraries_they_call(target):
    printing, asserting = compile_debug_kernels(target)
    # tile.print: the HIP runtime's hostcall printf, from ockl.
    assert "hidden_hostcall_buffer" in printing.asm["amdgcn"]
    # tile.assert: the message, then a trap.
    assert "s_trap 2" in asserting.asm["amdgcn"]
    assert "hidden_hostcall_buffer" in asserting.asm["amdgcn"]
    # f64 exp: ocml's, linked (no call left to resolve).
    exp = recur.compile(
        exp_f64_kernel, signature={"x_ptr": "*fp64"}, constexprs={"N": 64}, target=target
    )
    assert "__ocml_exp_f64" not in exp.asm["amdgcn"]
    for kernel in (printing, asserting, exp):
        assert kernel.asm["hsaco"][:4] == b"\x7fELF"
        assert kernel.metadata["spill_stores"] == 0


@needs_lld
def test_amd_kernels_without_the_device_libraries_say_where_to_get_them(monkeypatch, tmp_path):
    monkeypatch.setenv("ROCM_PATH", str(tmp_path / "no-rocm"))
    monkeypatch.setenv("RECUR_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(
        Exception, match=r"ROCm device libraries \(__ocml_exp_f64.*rocm-device-libs"
    ):
        recur.compile(
            exp_f64_kernel, signature={"x_ptr": "*fp64"}, constexprs={"N": 64}, target="rocm:gfx942"
        )
    # f32 math takes polynomials: no library, and it builds without them.
    kernel = recur.compile(
        exp_f64_kernel, signature={"x_ptr": "*fp32"}, constexprs={"N": 64}, target="rocm:gfx942"
    )
    assert kernel.asm["hsaco"][:4] == b"\x7fELF"


def gpu_present():
    try:
        device.cuda()
        return True
    except ValueError:
        return False


@needs_ptxas
@pytest.mark.skipif(gpu_present(), reason="this machine has a GPU")
def test_launching_without_a_gpu_says_why():
    kernel = compile_for("add", "cuda:sm_80")
    with pytest.raises(ValueError, match="libcuda|cuInit|GPU"):
        kernel.launcher


def hip_present():
    try:
        device.rocm()
        return True
    except ValueError:
        return False


@pytest.mark.skipif(hip_present(), reason="this machine has an AMD GPU")
def test_launching_on_amd_without_hip_says_why():
    kernel = compile_for("add", "rocm:gfx942")
    with pytest.raises(ValueError, match="libamdhip64|hipInit|GPU"):
        kernel.launcher


def test_dlpack_arrays_are_read_in_place():
    # GPU arrays from DLPack producers go to kernels by address; the capsule
    # reader is checked here on numpy's CPU capsules.
    from recur.runtime.cuda import _dlpack_tensor

    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    address = a.__array_interface__["data"][0]
    assert _dlpack_tensor(a.__dlpack__()) == (address, np.dtype(np.float32), True, (3, 4))
    assert _dlpack_tensor(a[1:].__dlpack__())[0] == address + 16
    assert _dlpack_tensor(a[1:].__dlpack__())[3] == (2, 4)
    assert _dlpack_tensor(a[:, ::2].__dlpack__())[2] is False


@pytest.mark.skipif(hip_present(), reason="this machine has an AMD GPU")
def test_recur_device_rocm_without_hip_says_why(monkeypatch):
    monkeypatch.setenv("RECUR_DEVICE", "rocm")
    x = np.ones(8, np.float32)
    with pytest.raises(ValueError, match="the HIP runtime is not available: libamdhip64"):
        add_kernel[(1,)](x, x, x, 8, BLOCK=8)
