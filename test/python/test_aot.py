# recurc: DSL kernels compiled ahead of time into a header and an object,
# called from C. The results equal the JIT's bit for bit (same compiler, same
# specialisation); arguments that break the specialisation return
# RECUR_ERROR_INVALID_ARGUMENT with a message; the header compiles
# warning-free as C and C++ (gcc, and clang when present); bad recurc
# invocations fail with a clear message.

import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import numpy as np
import pytest

import recur

ROOT = Path(__file__).resolve().parents[2]
# recurc loads kernels by file: they live in a module of their own.
KERNELS = Path(__file__).resolve().parent / "aot_kernels.py"


def recurc_path():
    candidates = [
        Path(os.environ.get("RECUR_BUILD_DIR", ROOT / "build")) / "bin" / "recurc",
        Path(recur.__file__).resolve().parents[2] / "bin" / "recurc",
    ]
    for candidate in candidates:
        if candidate.exists():
            return candidate
    pytest.skip("recurc is not built (build the `recurc` target)")


def recurc(*args, check=True):
    done = subprocess.run(
        [str(recurc_path()), *map(str, args)], capture_output=True, text=True, timeout=600
    )
    if check:
        assert done.returncode == 0, done.stderr
    return done


def flags(option):
    return recurc(option).stdout.split()


def compile_c(tmp_path, source, objects, compiler="cc", suffix=".c", extra=()):
    path = tmp_path / f"main{suffix}"
    path.write_text(source)
    exe = tmp_path / f"main-{Path(compiler).name}"
    cmd = [compiler, "-Wall", "-Wextra", "-Werror", *flags("--cflags"), *extra, str(path)]
    cmd += [str(o) for o in objects] + flags("--libs") + ["-o", str(exe)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return exe


def run(exe, *args):
    done = subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture
def vector_add(tmp_path):
    recurc(
        f"{KERNELS}:add",
        "--signature",
        "*fp32:16, *fp32:16, *fp32:16, i32",
        "--constexpr",
        "BLOCK=128",
        "--grid",
        "cdiv(n, 128)",
        "-o",
        tmp_path,
    )
    return tmp_path


VECTOR_ADD_MAIN = textwrap.dedent(
    """
    #include "add.h"
    #include <stdio.h>
    #include <stdlib.h>

    int main(int argc, char **argv) {
      if (argc != 4) return 2;
      int n = atoi(argv[1]);
      float *x = aligned_alloc(64, 4 * (n + 64));
      float *y = aligned_alloc(64, 4 * (n + 64));
      float *out = aligned_alloc(64, 4 * (n + 64));
      FILE *in = fopen(argv[2], "rb");
      if (fread(x, 4, n, in) != (size_t)n || fread(y, 4, n, in) != (size_t)n) return 3;
      fclose(in);
      recur_status_t status = add(NULL, x, y, out, n);
      if (status != RECUR_SUCCESS) { printf("%s\\n", recur_last_error()); return 1; }
      FILE *result = fopen(argv[3], "wb");
      fwrite(out, 4, n, result);
      fclose(result);
      /* What breaks the specialisation: a misaligned or a null pointer. */
      status = add(NULL, x + 1, y, out, n);
      printf("%d %s\\n", status, recur_last_error());
      status = add(NULL, x, NULL, out, n);
      printf("%d %s\\n", status, recur_last_error());
      printf("%s\\n", recur_status_string(RECUR_ERROR_INVALID_ARGUMENT));
      return 0;
    }
    """
)


def test_vector_add_equals_the_jit(tmp_path, vector_add, rng):
    from aot_kernels import add

    n = 1000
    x, y = (rng.standard_normal(n).astype(np.float32) for _ in range(2))
    (tmp_path / "in.bin").write_bytes(x.tobytes() + y.tobytes())
    exe = compile_c(tmp_path, VECTOR_ADD_MAIN, [vector_add / "add.o"])
    printed = run(exe, n, tmp_path / "in.bin", tmp_path / "out.bin").splitlines()
    aot = np.frombuffer((tmp_path / "out.bin").read_bytes(), np.float32)
    jit = np.empty_like(x)
    add[(recur.cdiv(n, 128),)](x, y, jit, n, BLOCK=128)
    np.testing.assert_array_equal(aot, jit)
    assert printed == [
        "1 add: 'x_ptr' must be 16-byte aligned (the kernel was specialised for it)",
        "1 add: 'y_ptr' is a null pointer",
        "invalid argument",
    ]


def test_header_is_warning_free_in_c_and_cpp(tmp_path, vector_add):
    source = (
        '#include "add.h"\n#include <stddef.h>\n'
        "int main(void) { float x[16]; return (int)add(NULL, x, x, x, 0); }\n"
    )
    compilers = [("cc", ".c"), ("g++", ".cpp")]
    clang = shutil.which("clang++") or shutil.which("clang++-22")
    if clang:
        compilers.append((clang, ".cpp"))
    for compiler, suffix in compilers:
        if shutil.which(compiler) is None:
            pytest.skip(f"{compiler} is not installed")
        compile_c(tmp_path, source, [vector_add / "add.o"], compiler, suffix, ["-I", vector_add])


def test_matmul_with_integer_specialisations(tmp_path, rng):
    from aot_kernels import matmul

    recurc(
        f"{KERNELS}:matmul",
        "--signature",
        "*fp32, *fp32, *fp32, i32, i32, i32:16, i32:16, i32:1, i32",
        "--constexpr",
        "BLOCK_M=32",
        "--constexpr",
        "BLOCK_N=32",
        "--constexpr",
        "BLOCK_K=16",
        "--grid",
        "cdiv(M, 32), cdiv(N, 32)",
        "-o",
        tmp_path,
    )
    M, N, K = 45, 70, 32
    a = rng.standard_normal((M, K)).astype(np.float32)
    b = rng.standard_normal((K, N)).astype(np.float32)
    main = textwrap.dedent(
        f"""
        #include "matmul.h"
        #include <stdio.h>
        static float a[{M * K}], b[{K * N}], c[{M * N}];
        int main(int argc, char **argv) {{
          if (argc != 3) return 2;
          FILE *in = fopen(argv[1], "rb");
          if (fread(a, 4, {M * K}, in) != {M * K} || fread(b, 4, {K * N}, in) != {K * N})
            return 3;
          fclose(in);
          recur_status_t s = matmul(NULL, a, b, c, {M}, {N}, {K}, {K}, 1, {N});
          if (s) {{ printf("%s\\n", recur_last_error()); return 1; }}
          FILE *out = fopen(argv[2], "wb");
          fwrite(c, 4, {M * N}, out);
          fclose(out);
          s = matmul(NULL, a, b, c, {M}, {N}, 30, {K}, 1, {N});
          printf("%d %s\\n", s, recur_last_error());
          s = matmul(NULL, a, b, c, {M}, {N}, {K}, {K}, 2, {N});
          printf("%d %s\\n", s, recur_last_error());
          return 0;
        }}
        """
    )
    (tmp_path / "in.bin").write_bytes(a.tobytes() + b.tobytes())
    exe = compile_c(tmp_path, main, [tmp_path / "matmul.o"])
    printed = run(exe, tmp_path / "in.bin", tmp_path / "out.bin").splitlines()
    aot = np.frombuffer((tmp_path / "out.bin").read_bytes(), np.float32).reshape(M, N)
    jit = np.empty((M, N), np.float32)
    grid = (recur.cdiv(M, 32), recur.cdiv(N, 32))
    matmul[grid](a, b, jit, M, N, K, K, 1, N, BLOCK_M=32, BLOCK_N=32, BLOCK_K=16)
    np.testing.assert_array_equal(aot, jit)
    np.testing.assert_allclose(aot, a.astype(np.float64) @ b, rtol=0, atol=1e-4)
    assert printed == [
        "1 matmul: 'K' must be divisible by 16 (the kernel was specialised for it)",
        "1 matmul: 'stride_ak' must be 1 (the kernel was specialised for it)",
    ]


@pytest.mark.parametrize(
    "args,message",
    [
        (["--signature", "*fp32, *fp32, *fp32", "--grid", "1"], "has 4 runtime arguments"),
        (["--signature", "*fp33, *fp32, *fp32, i32", "--grid", "1"], "unknown type '*fp33'"),
        (["--signature", "*fp32:1, *fp32, *fp32, i32", "--grid", "1"], "':1'"),
        (["--signature", "*fp32, *fp32, *fp32, i32", "--grid", "cdiv(m, 128)"], "'m' is not"),
        (["--signature", "*fp32, *fp32, *fp32, i32", "--grid", "n +"], "grid expression"),
    ],
)
def test_recurc_errors(tmp_path, args, message):
    done = recurc(f"{KERNELS}:add", *args, "--constexpr", "BLOCK=128", "-o", tmp_path, check=False)
    assert done.returncode != 0 and message in done.stderr, done.stderr


def test_recurc_unknown_kernel_and_usage(tmp_path):
    done = recurc(
        f"{KERNELS}:nothing", "--signature", "i32", "--grid", "1", "-o", tmp_path, check=False
    )
    assert done.returncode == 1 and "no @recur.jit kernel named 'nothing'" in done.stderr
    done = recurc(f"{KERNELS}", "--signature", "i32", check=False)
    assert done.returncode == 2 and "FILE.py:KERNEL" in done.stderr
    done = recurc(
        f"{KERNELS}:add",
        "--signature",
        "i32",
        "--grid",
        "1",
        "--target",
        "cuda:sm_70",
        "-o",
        tmp_path,
        check=False,
    )
    assert done.returncode == 2 and "unknown target 'cuda:sm_70'" in done.stderr


def read_write_main(header, call, inputs, outputs):
    """A C program reading `inputs` (name, count) from argv[1], calling
    `call`, writing `outputs` (name, count) to argv[2]."""
    lines = [f'#include "{header}"', "#include <stdio.h>"]
    for name, count in inputs + outputs:
        lines.append(f"static float {name}[{count}];")
    lines.append("int main(int argc, char **argv) {")
    lines.append("  if (argc != 3) return 2;")
    lines.append('  FILE *in = fopen(argv[1], "rb");')
    for name, count in inputs:
        lines.append(f"  if (fread({name}, 4, {count}, in) != {count}) return 3;")
    lines.append("  fclose(in);")
    lines.append(f"  recur_status_t s = {call};")
    lines.append('  if (s) { printf("%s\\n", recur_last_error()); return 1; }')
    lines.append('  FILE *out = fopen(argv[2], "wb");')
    for name, count in outputs:
        lines.append(f"  fwrite({name}, 4, {count}, out);")
    lines.append("  fclose(out);\n  return 0;\n}")
    return "\n".join(lines) + "\n"


def run_operator(tmp_path, header, objects, call, inputs, outputs):
    (tmp_path / "in.bin").write_bytes(b"".join(a.tobytes() for _, a in inputs))
    source = read_write_main(
        header,
        call,
        [(n, a.size) for n, a in inputs],
        [(n, int(np.prod(shape))) for n, shape in outputs],
    )
    exe = compile_c(tmp_path, source, objects)
    run(exe, tmp_path / "in.bin", tmp_path / "out.bin")
    data = np.frombuffer((tmp_path / "out.bin").read_bytes(), np.float32)
    results, offset = [], 0
    for _, shape in outputs:
        count = int(np.prod(shape))
        results.append(data[offset : offset + count].reshape(shape))
        offset += count
    return results


def test_gla_operator_equals_the_jit(tmp_path, rng):
    from recur import ops

    B, T, H, K, V = 2, 77, 2, 16, 8
    recurc("op", "gla", "--heads", H, "--head-dim-k", K, "--head-dim-v", V, "--dtype", "f32",
           "--initial-state", "-o", tmp_path)  # fmt: skip
    q, k, v = (rng.standard_normal((B, T, H, d)).astype(np.float32) for d in (K, K, V))
    g = -rng.uniform(0, 1, (B, T, H, K)).astype(np.float32)
    s0 = rng.standard_normal((B, H, K, V)).astype(np.float32)
    o, final = run_operator(
        tmp_path,
        "recur_gla_fwd.h",
        [tmp_path / "recur_gla_fwd.o"],
        f"recur_gla_fwd(NULL, q, k, v, g, s0, o, fin, {B}, {T})",
        [("q", q), ("k", k), ("v", v), ("g", g), ("s0", s0)],
        [("o", (B, T, H, V)), ("fin", (B, H, K, V))],
    )
    jit_o, jit_final = ops.gla(q, k, v, g, initial_state=s0, output_final_state=True, chunk_size=64)
    np.testing.assert_array_equal(o, jit_o)
    np.testing.assert_array_equal(final, jit_final)


def test_flash_attention_operator_equals_the_jit(tmp_path, rng):
    from recur import ops

    B, Tq, Tk, H, Hk, D = 2, 70, 90, 4, 2, 32
    recurc("op", "flash_attn", "--heads", H, "--kv-heads", Hk, "--head-dim-k", D, "--causal",
           "-o", tmp_path)  # fmt: skip
    q = rng.standard_normal((B, Tq, H, D)).astype(np.float32)
    k, v = (rng.standard_normal((B, Tk, Hk, D)).astype(np.float32) for _ in range(2))
    (o,) = run_operator(
        tmp_path,
        "recur_flash_attn_fwd.h",
        [tmp_path / "recur_flash_attn_fwd.o"],
        f"recur_flash_attn_fwd(NULL, q, k, v, o, {B}, {Tq}, {Tk})",
        [("q", q), ("k", k), ("v", v)],
        [("o", (B, Tq, H, D))],
    )
    np.testing.assert_array_equal(o, ops.flash_attn(q, k, v, causal=True, block_size=128))


def test_recurc_op_errors(tmp_path):
    done = recurc("op", "rwkv", "-o", tmp_path, check=False)
    assert done.returncode == 2 and "recurc op compiles linear_attn" in done.stderr
    done = recurc("op", "flash_attn", "--heads", 3, "--kv-heads", 2, "-o", tmp_path, check=False)
    assert done.returncode == 1 and "3 heads do not split into 2" in done.stderr


def test_link_dispatches_to_the_most_specialised_fit(tmp_path):
    # Two variants that differ visibly: FACTOR 2 for aligned, divisible
    # arguments, FACTOR 3 for any.
    common = ["--constexpr", "BLOCK=64", "--grid", "cdiv(n, 64)", "-o", tmp_path]
    recurc(f"{KERNELS}:scale", "--signature", "*fp32:16, *fp32:16, i32:16",
           "--constexpr", "FACTOR=2", "--name", "scale_aligned", *common)  # fmt: skip
    recurc(f"{KERNELS}:scale", "--signature", "*fp32, *fp32, i32",
           "--constexpr", "FACTOR=3", "--name", "scale_any", *common)  # fmt: skip
    # The generic variant first: order given does not matter, specialisation does.
    recurc("link", tmp_path / "scale_any.json", tmp_path / "scale_aligned.json",
           "--name", "scale", "-o", tmp_path)  # fmt: skip
    recurc("link", tmp_path / "scale_aligned.json", "--name", "scale_strict", "-o", tmp_path)
    main = textwrap.dedent(
        """
        #include "scale.h"
        #include "scale_strict.h"
        #include <stdio.h>
        #include <stdlib.h>
        int main(void) {
          float *x = aligned_alloc(64, 4096), *out = aligned_alloc(64, 4096);
          for (int i = 0; i < 1000; ++i) x[i] = 1.0f;
          int s = scale(NULL, x, out, 992);
          printf("%d %g\\n", s, out[0]);
          s = scale(NULL, x + 1, out, 999);
          printf("%d %g\\n", s, out[0]);
          s = scale_strict(NULL, x + 1, out, 999);
          printf("%d %s\\n", s, recur_last_error());
          return 0;
        }
        """
    )
    objects = [tmp_path / f"{n}.o" for n in ("scale", "scale_strict", "scale_aligned", "scale_any")]
    exe = compile_c(tmp_path, main, objects)
    assert run(exe).splitlines() == [
        "0 2",
        "0 3",
        "1 scale_strict: no specialisation fits these arguments (variants: scale_aligned)",
    ]


def test_ssd_and_selective_scan_operators_equal_the_jit(tmp_path, rng):
    from recur import ops

    b, l, h, p, g, n = 2, 70, 4, 8, 2, 16
    recurc("op", "ssd", "--heads", h, "--head-dim-k", p, "--groups", g, "--state-dim", n,
           "--D", "head", "--z", "--bias", "--softplus", "--initial-state", "-o", tmp_path)  # fmt: skip
    x, z = (rng.standard_normal((b, l, h, p)).astype(np.float32) for _ in range(2))
    dt = rng.uniform(-1, 1, (b, l, h)).astype(np.float32)
    A = -rng.uniform(0.5, 2, h).astype(np.float32)
    Bm, Cm = (rng.standard_normal((b, l, g, n)).astype(np.float32) for _ in range(2))
    D, bias = (rng.standard_normal(h).astype(np.float32) for _ in range(2))
    s0 = rng.standard_normal((b, h, p, n)).astype(np.float32)
    y, final = run_operator(
        tmp_path,
        "recur_ssd_fwd.h",
        [tmp_path / "recur_ssd_fwd.o"],
        f"recur_ssd_fwd(NULL, x, dt, A, B, C, D, z, bias, s0, y, fin, {b}, {l})",
        [("x", x), ("dt", dt), ("A", A), ("B", Bm), ("C", Cm), ("D", D), ("z", z),
         ("bias", bias), ("s0", s0)],
        [("y", (b, l, h, p)), ("fin", (b, h, p, n))],
    )  # fmt: skip
    jit_y, jit_final = ops.ssd(x, dt, A, Bm, Cm, chunk_size=64, D=D, z=z, dt_bias=bias,
                               dt_softplus=True, initial_states=s0, return_final_states=True)  # fmt: skip
    np.testing.assert_array_equal(y, jit_y)
    np.testing.assert_array_equal(final, jit_final)

    d = 6
    recurc("op", "selective_scan", "--channels", d, "--state-dim", n, "--D", "yes", "--z",
           "--softplus", "-o", tmp_path)  # fmt: skip
    u, delta, zz = (rng.standard_normal((b, d, l)).astype(np.float32) for _ in range(3))
    A2 = -rng.uniform(0.5, 2, (d, n)).astype(np.float32)
    B2, C2 = (rng.standard_normal((b, n, l)).astype(np.float32) for _ in range(2))
    D2 = rng.standard_normal(d).astype(np.float32)
    y2, last = run_operator(
        tmp_path,
        "recur_selective_scan_fwd.h",
        [tmp_path / "recur_selective_scan_fwd.o"],
        f"recur_selective_scan_fwd(NULL, u, delta, A, B, C, D, z, y, last, {b}, {l})",
        [("u", u), ("delta", delta), ("A", A2), ("B", B2), ("C", C2), ("D", D2), ("z", zz)],
        [("y", (b, d, l)), ("last", (b, d, n))],
    )
    jit_y2, jit_last = ops.selective_scan(u, delta, A2, B2, C2, D=D2, z=zz, delta_softplus=True,
                                          return_last_state=True, chunk_size=32)  # fmt: skip
    np.testing.assert_array_equal(y2, jit_y2)
    np.testing.assert_array_equal(last, jit_last)


def test_newton_rnn_operator_equals_the_jit(tmp_path, rng):
    from recur import ops

    B, T, D, H = 2, 50, 3, 5
    recurc("op", "newton_rnn", "--cell", "gru_diag", "--input-dim", D, "--hidden", H, "--h0",
           "-o", tmp_path)  # fmt: skip
    x = rng.standard_normal((B, T, D)).astype(np.float32)
    params = {}
    for kind in "Wab":
        for gate in "zrc":
            shape = (H, D) if kind == "W" else (H,)
            params[f"{kind}_{gate}"] = (0.5 * rng.standard_normal(shape)).astype(np.float32)
    h0 = (0.5 * rng.standard_normal((B, H))).astype(np.float32)
    inputs = [("x", x)] + [(name, a) for name, a in params.items()] + [("h0", h0)]
    (tmp_path / "in.bin").write_bytes(b"".join(a.tobytes() for _, a in inputs))
    lines = ['#include "recur_newton_rnn_fwd.h"', "#include <stdio.h>"]
    lines += [f"static float {name}[{a.size}];" for name, a in inputs]
    lines += [f"static float h[{B * T * H}], work[{B * T * 5 * H}];"]
    lines += ["int main(int argc, char **argv) {", "  if (argc != 3) return 2;"]
    lines += ['  FILE *in = fopen(argv[1], "rb");']
    lines += [f"  if (fread({name}, 4, {a.size}, in) != {a.size}) return 3;" for name, a in inputs]
    names = ", ".join(name for name, _ in inputs)
    lines += [
        "  fclose(in);",
        "  int32_t iterations = -1;",
        "  float residual = -1;",
        f"  recur_status_t s = recur_newton_rnn_fwd(NULL, {names}, h, &iterations, &residual,"
        f" work, {B}, {T});",
        '  if (s) { printf("%s\\n", recur_last_error()); return 1; }',
        '  FILE *out = fopen(argv[2], "wb");',
        f"  fwrite(h, 4, {B * T * H}, out);",
        "  fclose(out);",
        '  printf("%d %.9g\\n", iterations, residual);',
        "  return 0;",
        "}",
    ]
    exe = compile_c(tmp_path, "\n".join(lines) + "\n", [tmp_path / "recur_newton_rnn_fwd.o"])
    iterations, residual = run(exe, tmp_path / "in.bin", tmp_path / "out.bin").split()
    h = np.frombuffer((tmp_path / "out.bin").read_bytes(), np.float32).reshape(B, T, H)
    jit_h, info = ops.newton_rnn("gru_diag", x, params, h0=h0, chunk_size=64)
    np.testing.assert_array_equal(h, jit_h)
    assert int(iterations) == info["iterations"] and float(residual) == np.float32(info["residual"])


# GPU targets: the object embeds the cubin or HSACO and launches it through
# the driver loaded at run time; without one the call says so.
GPU_TARGETS = ["cuda:sm_80", "cuda:sm_90", "rocm:gfx942"]
# ELF e_machine of the embedded binaries: EM_CUDA and EM_AMDGPU.
GPU_MACHINES = {"cuda": 190, "rocm": 224}
GPU_LIBRARIES = {
    "cuda": ["libcuda.so.1"],
    "rocm": ["libamdhip64.so", "/opt/rocm/lib/libamdhip64.so"],
}


def driver_present(platform):
    import ctypes

    for library in GPU_LIBRARIES[platform]:
        try:
            ctypes.CDLL(library)
            return True
        except OSError:
            pass
    return False


def recurc_gpu(tmp_path, target, *args):
    done = recurc(*args, "--target", target, "-o", tmp_path, check=False)
    if done.returncode != 0 and (
        "ptxas not found" in done.stderr or "ld.lld not found" in done.stderr
    ):
        pytest.skip(done.stderr.strip())
    assert done.returncode == 0, done.stderr
    return tmp_path


def recurc_gpu_add(tmp_path, target):
    return recurc_gpu(
        tmp_path,
        target,
        f"{KERNELS}:add",
        "--signature",
        "*fp32:16, *fp32:16, *fp32:16, i32",
        "--constexpr",
        "BLOCK=128",
        "--grid",
        "cdiv(n, 128)",
    )


def embedded_binary(obj: bytes) -> bytes:
    """The ELF image inside an object (the first after the object's own)."""
    start = obj.find(b"\x7fELF", 1)
    assert start > 0, "no embedded ELF image"
    return obj[start:]


@pytest.mark.parametrize("target", GPU_TARGETS)
def test_gpu_target_embeds_the_binary(tmp_path, target):
    platform = target.split(":")[0]
    out = recurc_gpu_add(tmp_path, target)
    symbol = "__recur_cubin_add" if platform == "cuda" else "__recur_hsaco_add"
    nm = subprocess.run(["nm", "-S", str(out / "add.o")], capture_output=True, text=True)
    symbols = {line.split()[-1]: line.split() for line in nm.stdout.splitlines()}
    assert symbols["add"][-2] == "T" and symbols["recur_gpu_launch"][-2] == "U"
    # Internal to the object: several GPU kernels link together.
    assert symbols[symbol][-2] == "r"
    image = embedded_binary((out / "add.o").read_bytes())
    assert int.from_bytes(image[18:20], "little") == GPU_MACHINES[platform]
    assert int(symbols[symbol][1], 16) > 64
    assert b"__recur_aot_add" in image
    header = (out / "add.h").read_text()
    assert f"compiled for {target} (4 warps per block)" in header
    assert ("CUstream" if platform == "cuda" else "hipStream_t") in header
    assert '"target": "' + target + '"' in (out / "add.json").read_text()


GPU_MAIN = textwrap.dedent(
    """
    #include "add.h"
    #include <stdio.h>

    int main(void) {
      /* Device addresses: never dereferenced on the host. */
      float *x = (float *)(uintptr_t)4096, *y = x + 1024, *out = y + 1024;
      recur_status_t status = add(NULL, x, y, out, 1000);
      printf("%d|%s|%s\\n", (int)status, recur_status_string(status), recur_last_error());
      status = add(NULL, x, NULL, out, 1000);
      printf("%d|%s\\n", (int)status, recur_last_error());
      status = add(NULL, x, y, out, 0);
      printf("%d\\n", (int)status);
      return 0;
    }
    """
)


@pytest.mark.parametrize("target", GPU_TARGETS)
def test_gpu_entry_without_a_driver_returns_a_status(tmp_path, target):
    platform = target.split(":")[0]
    if driver_present(platform):
        pytest.skip(f"the {platform} driver is installed here (test_cuda_device.py launches)")
    out = recurc_gpu_add(tmp_path, target)
    compilers = [("cc", ".c"), ("g++", ".cpp")]
    clang = shutil.which("clang++") or shutil.which("clang++-22")
    if clang:
        compilers.append((clang, ".cpp"))
    library = GPU_LIBRARIES[platform][0]
    missing = "the CUDA driver" if platform == "cuda" else "the HIP runtime"
    for compiler, suffix in compilers:
        exe = compile_c(tmp_path, GPU_MAIN, [out / "add.o"], compiler, suffix, [f"-I{out}"])
        printed = run(exe).splitlines()
        status, text, message = printed[0].split("|")
        assert (status, text) == ("7", "GPU driver not found"), printed
        assert message.startswith(f"add: {missing} is not available: {library} cannot be loaded")
        assert printed[1] == "1|add: 'y_ptr' is a null pointer"
        # An empty grid launches nothing, but still needs the driver.
        assert printed[2] == "7"


def test_gpu_variants_link_and_do_not_mix_with_cpu(tmp_path):
    common = ["--constexpr", "BLOCK=64", "--grid", "cdiv(n, 64)"]
    recurc_gpu(tmp_path, "cuda:sm_80", f"{KERNELS}:scale", "--signature", "*fp32:16, *fp32:16, i32:16",
               "--constexpr", "FACTOR=2", "--name", "scale_aligned", *common)  # fmt: skip
    recurc_gpu(tmp_path, "cuda:sm_80", f"{KERNELS}:scale", "--signature", "*fp32, *fp32, i32",
               "--constexpr", "FACTOR=2", "--name", "scale_any", *common)  # fmt: skip
    recurc("link", tmp_path / "scale_any.json", tmp_path / "scale_aligned.json",
           "--name", "scale", "-o", tmp_path)  # fmt: skip
    assert "CUstream" in (tmp_path / "scale.h").read_text()
    main = '#include "scale.h"\n#include <stddef.h>\nint main(void) { return scale(NULL, NULL, NULL, 0); }\n'
    objects = [tmp_path / f"{n}.o" for n in ("scale", "scale_aligned", "scale_any")]
    exe = compile_c(tmp_path, main, objects, extra=[f"-I{tmp_path}"])
    assert subprocess.run([str(exe)]).returncode == 1  # a null pointer: the variant's check
    recurc(f"{KERNELS}:scale", "--signature", "*fp32, *fp32, i32", "--constexpr", "FACTOR=3",
           "--name", "scale_cpu", *common, "-o", tmp_path)  # fmt: skip
    done = recurc("link", tmp_path / "scale_any.json", tmp_path / "scale_cpu.json",
                  "--name", "mixed", "-o", tmp_path, check=False)  # fmt: skip
    assert done.returncode == 1 and "share one target" in done.stderr, done.stderr


def test_cmake_package_builds_one_function_per_target(tmp_path):
    build = recurc_path().parents[1]
    if not (shutil.which("cmake") and shutil.which("ninja")):
        pytest.skip("cmake and ninja are needed")
    if not (build / "cmake_install.cmake").exists():
        pytest.skip("recurc is not in a build tree to install from")
    prefix = tmp_path / "install"
    done = subprocess.run(
        ["cmake", "--install", str(build), "--prefix", str(prefix)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    project = tmp_path / "project"
    project.mkdir()
    (project / "CMakeLists.txt").write_text(textwrap.dedent(f"""
        cmake_minimum_required(VERSION 3.20)
        project(GpuKernels C CXX)
        find_package(Recur REQUIRED)
        recur_add_kernels(TARGET kernels SOURCES {KERNELS}:add
          SIGNATURE "*fp32:16, *fp32:16, *fp32:16, i32" CONSTEXPR BLOCK=128
          GRID "cdiv(n, 128)" TARGETS cpu cuda:sm_90 rocm:gfx942)
        add_executable(app main.cpp)
        target_compile_options(app PRIVATE -Wall -Wextra -Werror)
        target_link_libraries(app PRIVATE kernels)
        """))  # fmt: skip
    (project / "main.cpp").write_text(textwrap.dedent("""
        #include "add_cpu.h"
        #include "add_cuda_sm_90.h"
        #include "add_rocm_gfx942.h"
        #include <cstdio>
        int main() {
          alignas(64) float x[4] = {1, 2, 3, 4}, out[4] = {};
          int cpu = add_cpu(nullptr, x, x, out, 4);
          std::printf("%d %g\\n", cpu, out[3]);
          return cpu;
        }
        """))  # fmt: skip
    for command in (
        ["cmake", "-G", "Ninja", "-S", project, "-B", tmp_path / "b",
         f"-DRecur_DIR={prefix}/lib/cmake/Recur"],
        ["ninja", "-C", tmp_path / "b"],
    ):  # fmt: skip
        done = subprocess.run(list(map(str, command)), capture_output=True, text=True)
        if done.returncode and (
            "ptxas not found" in done.stdout or "ld.lld not found" in done.stdout
        ):
            pytest.skip("no ptxas or ld.lld to build the GPU targets")
        assert done.returncode == 0, done.stdout + done.stderr
    assert run(tmp_path / "b" / "app") == "0 8\n"


@pytest.mark.parametrize("target", ["cuda:sm_80", "rocm:gfx942"])
def test_gpu_operators_embed_their_binary(tmp_path, target):
    platform = target.split(":")[0]
    recurc_gpu(tmp_path, target, "op", "linear_attn", "--heads", 2, "--head-dim-k", 16)
    names = ["recur_linear_attn_fwd"]
    newton = recurc("op", "newton_rnn", "--input-dim", 4, "--hidden", 8, "--target", target,
                    "-o", tmp_path, check=False)  # fmt: skip
    if newton.returncode == 0:
        names.append("recur_newton_rnn_fwd")
        # Its accumulators are zeroed in device memory, on the stream.
        nm = subprocess.run(
            ["nm", str(tmp_path / "recur_newton_rnn_fwd.o")], capture_output=True, text=True
        ).stdout
        assert "U recur_gpu_memset" in nm
    else:
        # Its cells call math functions of the ROCm device libraries, which
        # this machine may lack; recurc says so.
        assert platform == "rocm" and "amdgcn/bitcode" in newton.stderr, newton.stderr
    for name in names:
        image = embedded_binary((tmp_path / f"{name}.o").read_bytes())
        assert int.from_bytes(image[18:20], "little") == GPU_MACHINES[platform]
        assert f"compiled for {target}" in (tmp_path / f"{name}.h").read_text()


def test_gpu_operators_split_large_states_over_v(tmp_path):
    # The JIT's GPU kernels: a [128, 96] state is two programs of 64 columns
    # on a GPU target, one program on the CPU (recur._C.ops.value_block).
    shape = ["--heads", 3, "--head-dim-k", 128, "--head-dim-v", 96]
    recurc_gpu(tmp_path / "gpu", "cuda:sm_80", "op", "delta_rule", *shape)
    recurc("op", "delta_rule", *shape, "-o", tmp_path / "cpu")
    header = "recur_delta_rule_fwd.h"
    assert "Grid: (3, batch, 2)." in (tmp_path / "gpu" / header).read_text()
    assert "Grid: (3, batch)." in (tmp_path / "cpu" / header).read_text()


FAKE_MAIN = textwrap.dedent(
    """
    #include "add.h"
    #include <stdio.h>
    #include <stdlib.h>

    int main(void) {
      /* The stand-in driver's device memory is host memory. */
      int n = 1000;
      float *x = aligned_alloc(64, 4096), *y = aligned_alloc(64, 4096);
      float *out = aligned_alloc(64, 4096);
      for (int i = 0; i < n; ++i) { x[i] = 0.5f * i; y[i] = 2.0f - i; out[i] = -1.0f; }
      recur_status_t status = add(NULL, x, y, out, n);
      if (status != RECUR_SUCCESS) { printf("%s\\n", recur_last_error()); return 1; }
      for (int i = 0; i < n; ++i)
        if (out[i] != x[i] + y[i]) { printf("wrong at %d\\n", i); return 1; }
      printf("ok\\n");
      return 0;
    }
    """
)


@pytest.mark.parametrize("target", ["cuda:sm_80", "rocm:gfx942"])
def test_gpu_entry_launches_through_a_stand_in_driver(tmp_path, monkeypatch, target):
    # The stand-ins of test/runtime/fake run "add" kernels on the host: the
    # wrapper's arguments, grid and block reach the launch intact.
    cuda = target.startswith("cuda")
    fake = recurc_path().parents[1] / "lib" / f"libRecurFake{'Cuda' if cuda else 'Hip'}.so"
    if not fake.exists():
        pytest.skip(f"build {fake.name}")
    out = recurc_gpu_add(tmp_path, target)
    exe = compile_c(tmp_path, FAKE_MAIN, [out / "add.o"], extra=[f"-I{out}"])
    monkeypatch.setenv("RECUR_CUDA_DRIVER" if cuda else "RECUR_HIP_LIBRARY", str(fake))
    assert run(exe) == "ok\n"


DYNAMIC_SHARED_MAIN = textwrap.dedent(
    """
    #include "transpose_tile.h"
    #include <dlfcn.h>
    #include <stdio.h>
    #include <stdlib.h>

    int main(void) {
      float *x = aligned_alloc(64, 65536), *y = aligned_alloc(64, 65536);
      recur_status_t status = transpose_tile(NULL, x, y);
      if (status != RECUR_SUCCESS) { printf("%s\\n", recur_last_error()); return 1; }
      void *fake = dlopen(getenv("RECUR_CUDA_DRIVER"), RTLD_NOW);
      void (*last)(unsigned *, int *) =
          (void (*)(unsigned *, int *))dlsym(fake, "fakeCudaLastShared");
      unsigned shared = 0;
      int allowed = 0;
      last(&shared, &allowed);
      printf("%u %d\\n", shared, allowed);
      return 0;
    }
    """
)


def test_gpu_entry_requests_dynamic_shared_memory(tmp_path, monkeypatch):
    # 64 KiB of shared memory is beyond NVIDIA's static 48 KiB: the object
    # records it as dynamic, and its launch raises the kernel's limit and
    # requests it (the stand-in refuses a request beyond the limit).
    fake = recurc_path().parents[1] / "lib" / "libRecurFakeCuda.so"
    if not fake.exists():
        pytest.skip(f"build {fake.name}")
    out = recurc_gpu(
        tmp_path,
        "cuda:sm_80",
        f"{KERNELS}:transpose_tile",
        "--signature",
        "*fp32:16, *fp32:16",
        "--constexpr",
        "N=128",
        "--grid",
        "1",
    )
    exe = compile_c(tmp_path, DYNAMIC_SHARED_MAIN, [out / "transpose_tile.o"], extra=[f"-I{out}"])
    monkeypatch.setenv("RECUR_CUDA_DRIVER", str(fake))
    shared, allowed = map(int, run(exe).split())
    assert shared == allowed >= 64 * 1024
