"""The DSL kernel examples/cpp compiles ahead of time: out = a * x + y."""

import recur
import recur.language as rl


@recur.jit
def axpy(a, x_ptr, y_ptr, out_ptr, n, BLOCK: rl.constexpr):
    offs = rl.program_id(0) * BLOCK + rl.arange(0, BLOCK)
    mask = offs < n
    x = rl.load(x_ptr + offs, mask=mask)
    rl.store(out_ptr + offs, a * x + rl.load(y_ptr + offs, mask=mask), mask=mask)
