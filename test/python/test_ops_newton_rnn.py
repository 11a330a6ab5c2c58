# recur.ops.newton_rnn (seq.newton_rnn -> convert-seq-to-tile -> CPU): the
# Newton solve against the step-by-step reference for both built-in cells and
# for user cells, at awkward shapes (T not a multiple of the chunk, T < chunk,
# T = 1, H = 1, H across channel blocks, D across dot blocks, B > 1), with and
# without h0, plus the iteration report, non-convergence and bad input.
#
# Tolerances, and why. In float64 Newton stops at a residual of 1e-12; the
# error of h is the residual amplified along the sequence by products of
# cell Jacobians (|J| < 1 for these cells, a few-fold at most), so 1e-9
# absolute. float32: residual 1e-5 (the default, ten times the rounding floor
# of a cell evaluation) amplified likewise, and float32 rounding of the
# projections: 1e-4 absolute, on states of magnitude <= ~5. bfloat16 inputs
# are compared with the reference on the same rounded inputs; the output is
# rounded to bfloat16 (8 bits): 1e-2 absolute.

import numpy as np
import pytest

import recur
import recur.language as rl
from recur import ops
from recur.ops import reference as ref

GATES = {"gru_diag": "zrc", "lstm_diag": "ifoc"}


def cell_params(rng, cell, hidden, inputs, dtype=np.float64, scale=1.0):
    params = {}
    for gate in GATES[cell]:
        params[f"W_{gate}"] = (
            scale * rng.standard_normal((hidden, inputs)) / np.sqrt(inputs)
        ).astype(dtype)
    for gate in GATES[cell]:
        params[f"a_{gate}"] = rng.uniform(-scale, scale, hidden).astype(dtype)
    for gate in GATES[cell]:
        params[f"b_{gate}"] = (0.1 * rng.standard_normal(hidden)).astype(dtype)
    return params


def initial_state(rng, cell, batch, hidden, dtype=np.float64):
    h0 = (0.5 * rng.standard_normal((batch, hidden))).astype(dtype)
    if cell == "lstm_diag":
        return ((0.5 * rng.standard_normal((batch, hidden))).astype(dtype), h0)
    return h0


@pytest.mark.parametrize("cell", ["gru_diag", "lstm_diag"])
@pytest.mark.parametrize(
    "batch,length,inputs,hidden,chunk,with_h0",
    [
        (2, 100, 3, 5, 64, True),  # T not a multiple of the chunk
        (1, 7, 4, 1, 64, False),  # T < chunk, H = 1
        (3, 130, 70, 20, 32, True),  # D over two dot blocks, H over two channel blocks
        (1, 1, 2, 3, 16, True),  # T = 1
    ],
)
def test_matches_sequential_run_float64(rng, cell, batch, length, inputs, hidden, chunk, with_h0):
    x = rng.standard_normal((batch, length, inputs))
    params = cell_params(rng, cell, hidden, inputs)
    h0 = initial_state(rng, cell, batch, hidden) if with_h0 else None
    h, info = ops.newton_rnn(cell, x, params, h0=h0, chunk_size=chunk)
    expected = ref.newton_rnn(cell, x, params, h0=h0)
    assert h.shape == (batch, length, hidden) and h.dtype == np.float64
    np.testing.assert_allclose(h, expected, rtol=0, atol=1e-9)
    assert info["converged"] and info["residual"] <= 1e-12
    # Newton fixes at least one more step per iteration, and converges
    # quadratically: a handful of iterations, never more than T + 1.
    assert 1 <= info["iterations"] <= min(length + 1, 12)


@pytest.mark.parametrize("cell", ["gru_diag", "lstm_diag"])
def test_float32_long_sequence_with_strong_nonlinearity(rng, cell):
    batch, length, inputs, hidden = 2, 4096, 16, 24
    x = rng.standard_normal((batch, length, inputs)).astype(np.float32)
    params = cell_params(rng, cell, hidden, inputs, np.float32, scale=3.0)
    h0 = initial_state(rng, cell, batch, hidden, np.float32)
    h, info = ops.newton_rnn(cell, x, params, h0=h0)
    expected = ref.newton_rnn(cell, x, params, h0=h0)
    assert h.dtype == np.float32 and np.isfinite(h).all()
    np.testing.assert_allclose(h, expected, rtol=0, atol=1e-4)
    assert info["converged"] and info["residual"] <= 1e-5
    assert info["iterations"] < 40


def test_bfloat16_inputs_compute_in_float32(rng):
    ml_dtypes = pytest.importorskip("ml_dtypes")
    bf16 = ml_dtypes.bfloat16
    x = rng.standard_normal((2, 50, 8)).astype(bf16)
    params = {k: v.astype(bf16) for k, v in cell_params(rng, "gru_diag", 12, 8).items()}
    h, info = ops.newton_rnn("gru_diag", x, params)
    expected = ref.newton_rnn("gru_diag", x.astype(np.float64), params)
    assert h.dtype == bf16 and info["converged"]
    np.testing.assert_allclose(h.astype(np.float64), expected, rtol=0, atol=1e-2)


def test_params_as_a_sequence_in_order(rng):
    x = rng.standard_normal((1, 20, 3))
    params = cell_params(rng, "lstm_diag", 4, 3)
    by_name, _ = ops.newton_rnn("lstm_diag", x, params)
    in_order, _ = ops.newton_rnn("lstm_diag", x, list(params.values()))
    np.testing.assert_array_equal(by_name, in_order)


def test_max_iters_caps_the_solve_and_says_so(rng):
    x = rng.standard_normal((2, 300, 4))
    params = cell_params(rng, "gru_diag", 6, 4, scale=2.0)
    with pytest.warns(RuntimeWarning, match=r"did not converge.*after 2 iterations"):
        h, info = ops.newton_rnn("gru_diag", x, params, max_iters=2)
    assert not info["converged"] and info["iterations"] == 2
    assert info["residual"] > 1e-12
    # A looser tolerance is met earlier than the default one.
    _, loose = ops.newton_rnn("gru_diag", x, params, tol=1e-3)
    _, tight = ops.newton_rnn("gru_diag", x, params)
    assert loose["converged"] and loose["residual"] <= 1e-3
    assert loose["iterations"] < tight["iterations"]


def test_non_finite_input_is_reported_not_hidden(rng):
    x = rng.standard_normal((1, 40, 3))
    x[0, 17, 1] = np.nan
    params = cell_params(rng, "gru_diag", 4, 3)
    with pytest.warns(RuntimeWarning, match="did not converge"):
        _, info = ops.newton_rnn("gru_diag", x, params, max_iters=3)
    assert not info["converged"] and info["residual"] == np.inf


# A user cell: the diagonal GRU written in the DSL, with its Jacobian.
@recur.jit
def gru_step(h, uz, ur, uc, az, ar, ac, bz, br, bc):
    z = rl.sigmoid(uz + az * h + bz)
    r = rl.sigmoid(ur + ar * h + br)
    c = rl.tanh(uc + ac * (r * h) + bc)
    return (1 - z) * h + z * c


@recur.jit
def gru_jacobian(h, uz, ur, uc, az, ar, ac, bz, br, bc):
    z = rl.sigmoid(uz + az * h + bz)
    r = rl.sigmoid(ur + ar * h + br)
    c = rl.tanh(uc + ac * (r * h) + bc)
    dr = r * (1 - r) * ar
    dc = (1 - c * c) * ac * (r + h * dr)
    return (1 - z) + z * (1 - z) * az * (c - h) + z * dc


@recur.jit
def elman_step(h, u, a, b):
    return rl.tanh(u + a * h + b)


@recur.jit
def elman_jacobian(h, u, a, b):
    y = rl.tanh(u + a * h + b)
    return (1 - y * y) * a


def test_user_cell_equals_the_builtin_gru(rng):
    x = rng.standard_normal((2, 90, 5))
    params = cell_params(rng, "gru_diag", 18, 5)
    h0 = initial_state(rng, "gru_diag", 2, 18)
    cell = ops.Cell(gru_step, gru_jacobian, gates=3)
    custom, info = ops.newton_rnn(cell, x, list(params.values()), h0=h0, chunk_size=32)
    builtin, _ = ops.newton_rnn("gru_diag", x, params, h0=h0, chunk_size=32)
    np.testing.assert_allclose(custom, builtin, rtol=0, atol=1e-12)
    np.testing.assert_allclose(custom, ref.newton_rnn("gru_diag", x, params, h0=h0), atol=1e-9)
    assert info["converged"]


@pytest.mark.parametrize("dtype,atol", [(np.float64, 1e-9), (np.float32, 1e-4)])
def test_user_cell_matches_its_sequential_run(rng, dtype, atol):
    batch, length, inputs, hidden = 3, 77, 4, 20
    x = rng.standard_normal((batch, length, inputs))
    W = rng.standard_normal((hidden, inputs)) / 2
    a, b = rng.uniform(-0.9, 0.9, hidden), 0.1 * rng.standard_normal(hidden)
    h0 = 0.5 * rng.standard_normal((batch, hidden))
    cell = ops.Cell(elman_step, elman_jacobian, gates=1)
    h, info = ops.newton_rnn(
        cell, x.astype(dtype), [p.astype(dtype) for p in (W, a, b)], h0=h0.astype(dtype)
    )
    expected, state = np.empty((batch, length, hidden)), h0
    for t in range(length):
        state = np.tanh(x[:, t] @ W.T + a * state + b)
        expected[:, t] = state
    assert h.dtype == dtype and info["converged"]
    np.testing.assert_allclose(h, expected, rtol=0, atol=atol)


def test_user_cell_errors(rng):
    x = rng.standard_normal((1, 10, 3))
    W, p = rng.standard_normal((4, 3)), rng.standard_normal(4)
    cell = ops.Cell(elman_step, elman_jacobian, gates=1)
    with pytest.raises(ValueError, match="elman_step takes 4 arguments; it must take 3"):
        ops.newton_rnn(cell, x, [W, p])
    with pytest.raises(ValueError, match="as a sequence"):
        ops.newton_rnn(cell, x, {"W": W})
    with pytest.raises(TypeError, match="step must be a @recur.jit function"):
        ops.Cell(np.tanh, elman_jacobian, gates=1)

    @recur.jit
    def reduces(h, u, a, b):
        return rl.sum(h, axis=0)

    with pytest.raises(ValueError, match="reduces must return one tensor<16x4xf64>"):
        ops.newton_rnn(ops.Cell(reduces, elman_jacobian, gates=1), x, [W, p, p], chunk_size=16)


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda x, p: ops.newton_rnn("rnn_tanh", x, p), "unknown cell 'rnn_tanh'"),
        (lambda x, p: ops.newton_rnn("gru_diag", x[0], p), r"x must be \[B, T, D\]"),
        (
            lambda x, p: ops.newton_rnn("gru_diag", x, {**p, "W_r": p["W_r"][:, :2]}),
            r"W_r must be \[4, 3\] \(H = 4, D = 3\), got \[4, 2\]",
        ),
        (
            lambda x, p: ops.newton_rnn("gru_diag", x, {k: v for k, v in p.items() if k != "b_c"}),
            r"missing \['b_c'\]",
        ),
        (
            lambda x, p: ops.newton_rnn("gru_diag", x, p, h0=np.zeros((2, 4))),
            r"h0 must be \[B, H\] = \[1, 4\], got \[2, 4\]",
        ),
        (
            lambda x, p: ops.newton_rnn("lstm_diag", x, list(p.values())),
            "'lstm_diag' takes 12 parameters",
        ),
        (lambda x, p: ops.newton_rnn("lstm_diag", x, p), r"missing \['W_i'"),
        (lambda x, p: ops.newton_rnn("gru_diag", x, p, max_iters=0), "max_iters must be"),
        (lambda x, p: ops.newton_rnn("gru_diag", x, p, tol=0.0), "tol must be positive"),
        (lambda x, p: ops.newton_rnn("gru_diag", x, p, chunk_size=48), "power of two"),
        (
            lambda x, p: ops.newton_rnn("gru_diag", x.astype(np.int32), p),
            "dtype int32 is not supported",
        ),
    ],
)
def test_bad_input_raises_naming_the_argument(rng, call, message):
    x = rng.standard_normal((1, 10, 3))
    params = cell_params(rng, "gru_diag", 4, 3)
    with pytest.raises(ValueError, match=message):
        call(x, params)


def test_lstm_initial_state_must_be_a_pair(rng):
    x = rng.standard_normal((1, 10, 3))
    params = cell_params(rng, "lstm_diag", 4, 3)
    with pytest.raises(ValueError, match=r"\(c0, h0\) pair"):
        ops.newton_rnn("lstm_diag", x, params, h0=np.zeros((1, 4)))


def test_empty_sequence(rng):
    params = cell_params(rng, "gru_diag", 4, 3)
    h, info = ops.newton_rnn("gru_diag", np.zeros((2, 0, 3)), params)
    assert h.shape == (2, 0, 4) and info == {"iterations": 0, "converged": True, "residual": 0.0}
