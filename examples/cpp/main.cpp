// Calls two ahead-of-time kernels from C++ and checks them against plain
// loops: axpy (a DSL kernel) and chunked GLA (the built-in operator) against
// its recurrence S_t = diag(exp g_t) S_{t-1} + k_t^T v_t, o_t = scale q_t S_t.

#include "axpy.h"
#include "recur_gla_fwd.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

namespace {

template <typename T> struct Aligned {
  explicit Aligned(size_t n)
      : data(static_cast<T *>(std::aligned_alloc(64, ((n * sizeof(T) + 63) / 64) * 64))),
        size(n) {}
  ~Aligned() { std::free(data); }
  T &operator[](size_t i) { return data[i]; }
  T *data;
  size_t size;
};

int fail(const char *what) {
  std::printf("FAILED: %s: %s\n", what, recur_last_error());
  return 1;
}

} // namespace

int main() {
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);

  // axpy over a length that is not a multiple of the block.
  const int n = 10000;
  Aligned<float> x(n), y(n), out(n);
  for (int i = 0; i < n; ++i) {
    x[i] = uniform(rng);
    y[i] = uniform(rng);
  }
  if (axpy(nullptr, 2.5f, x.data, y.data, out.data, n) != RECUR_SUCCESS)
    return fail("axpy");
  for (int i = 0; i < n; ++i)
    if (out[i] != 2.5f * x[i] + y[i]) {
      std::printf("FAILED: axpy differs at %d\n", i);
      return 1;
    }
  // A pointer that breaks the specialisation is an error status, not a crash.
  if (axpy(nullptr, 1.0f, x.data + 1, y.data, out.data, n - 1) !=
      RECUR_ERROR_INVALID_ARGUMENT)
    return fail("misaligned axpy was accepted");

  // GLA: B = 2, T = 100 (not a multiple of the chunk), H = 2, K = 32, V = 16.
  const int B = 2, T = 100, H = 2, K = 32, V = 16;
  std::vector<float> q(B * T * H * K), k(q.size()), g(q.size()),
      v(B * T * H * V), o(v.size()), s0(B * H * K * V), final(s0.size());
  for (auto *a : {&q, &k, &v, &s0})
    for (float &value : *a)
      value = uniform(rng);
  for (float &value : g)
    value = -0.5f * (uniform(rng) + 1.0f);
  if (recur_gla_fwd(nullptr, q.data(), k.data(), v.data(), g.data(),
                    s0.data(), o.data(), final.data(), B, T) != RECUR_SUCCESS)
    return fail("gla");
  const double scale = 1.0 / std::sqrt(double(K));
  double worst = 0;
  for (int b = 0; b < B; ++b)
    for (int h = 0; h < H; ++h) {
      std::vector<double> S(K * V);
      for (int i = 0; i < K * V; ++i)
        S[i] = s0[(b * H + h) * K * V + i];
      for (int t = 0; t < T; ++t) {
        int row = (b * T + t) * H + h;
        for (int a = 0; a < K; ++a)
          for (int c = 0; c < V; ++c)
            S[a * V + c] = std::exp(double(g[row * K + a])) * S[a * V + c] +
                           double(k[row * K + a]) * v[row * V + c];
        for (int c = 0; c < V; ++c) {
          double expected = 0;
          for (int a = 0; a < K; ++a)
            expected += scale * q[row * K + a] * S[a * V + c];
          worst = std::max(worst, std::abs(o[row * V + c] - expected));
        }
      }
    }
  // float32 chunked sums against a float64 recurrence.
  if (worst > 1e-4) {
    std::printf("FAILED: gla differs from the recurrence by %g\n", worst);
    return 1;
  }
  std::printf("OK: axpy and gla match their references (gla max error %.2g)\n",
              worst);
  return 0;
}
