//===- OperatorFunctionsTest.cpp - The C++ builders of ops/ ---------------===//
//
// Every builder's function verifies and lowers through convert-seq-to-tile
// and the CPU compiler; linear attention built here runs and matches the
// plain recurrence; bad specs raise recur::Error naming the problem.
//
//===----------------------------------------------------------------------===//

#include "ops/OperatorFunctions.h"

#include "compiler/Passes.h"
#include "dialects/InitAllDialects.h"
#include "runtime/CpuCompiler.h"
#include "runtime/CpuDevice.h"
#include "runtime/Error.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>

using namespace mlir;
using namespace recur;
using namespace recur::ops;

namespace {

class OperatorFunctionsTest : public ::testing::Test {
protected:
  OperatorFunctionsTest() {
    DialectRegistry registry;
    recur::registerAllDialects(registry);
    registry.insert<func::FuncDialect>();
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  /// Builds one operator function into a fresh module and verifies it.
  OwningOpRef<ModuleOp> build(std::function<void(OpBuilder &)> builder) {
    OwningOpRef<ModuleOp> module = ModuleOp::create(UnknownLoc::get(&context));
    OpBuilder b(&context);
    b.setInsertionPointToEnd(module->getBody());
    builder(b);
    EXPECT_TRUE(succeeded(verify(*module)));
    return module;
  }

  /// The module lowered to a tile kernel and compiled for this CPU.
  CpuArtifact compile(ModuleOp module, int64_t chunk) {
    PassManager pm(&context);
    ConvertSeqToTileOptions options;
    options.chunkSize = chunk;
    pm.addPass(createConvertSeqToTile(options));
    EXPECT_TRUE(succeeded(pm.run(module)));
    std::string text;
    llvm::raw_string_ostream os(text);
    module.print(os);
    return compileForCpu(text);
  }

  Builder b{&context};
  MLIRContext context{MLIRContext::Threading::DISABLED};
};

TEST_F(OperatorFunctionsTest, EveryOperatorLowersAndCompiles) {
  Type f32 = b.getF32Type(), bf16 = b.getBF16Type();
  std::vector<std::pair<std::string, std::function<void(OpBuilder &)>>> cases =
      {{"gla",
        [&](OpBuilder &ob) {
          buildLinearFamily(ob, {"gla",
                                 2,
                                 16,
                                 8,
                                 {bf16, {{"g", f32}}},
                                 true,
                                 b.getI32Type(),
                                 std::nullopt,
                                 false});
        }},
       {"gated_delta_rule",
        [&](OpBuilder &ob) {
          buildLinearFamily(ob, {"gated_delta_rule", 1, 8, 8, {f32, {}}});
        }},
       {"flash_attn",
        [&](OpBuilder &ob) {
          buildAttention(
              ob, {4, 2, 16, 8, {f32, {}}, true, 0.5, 3, -1, b.getI64Type()});
        }},
       {"ssd",
        [&](OpBuilder &ob) {
          buildSSD(ob, {4, 8, 2, 16, 32, {f32, {}}, 2, true, true, true, true});
        }},
       {"selective_scan",
        [&](OpBuilder &ob) {
          buildSelectiveScan(ob, {8, 4, 2, {f32, {}}, true, true, true, true});
        }},
       {"newton_rnn", [&](OpBuilder &ob) {
          buildNewtonRNN(ob,
                         {"lstm_diag", 3, 5, 0, 0, {f32, {}}, true, 8, 1e-4});
        }}};
  for (auto &[name, builder] : cases) {
    SCOPED_TRACE(name);
    OwningOpRef<ModuleOp> module = build(builder);
    CpuArtifact artifact = compile(*module, 16);
    ASSERT_EQ(artifact.kernels.size(), 1u);
    EXPECT_EQ(artifact.kernels[0].name, name);
  }
}

/// Linear attention from C++ against S_t = S_{t-1} + k_tᵀ v_t,
/// o_t = scale q_t S_t, accumulated in double: T = 37 is not a multiple of
/// the chunk, K != V, B = 2, with an initial state. Tolerance 1e-5: float32
/// sums of at most 37 products of magnitude <= 1.
TEST_F(OperatorFunctionsTest, LinearAttentionRunsAndMatchesTheRecurrence) {
  const int B = 2, T = 37, H = 2, K = 8, V = 4;
  const double scale = 0.3;
  OwningOpRef<ModuleOp> module = build([&](OpBuilder &ob) {
    buildLinearFamily(ob, {"linear_attn",
                           H,
                           K,
                           V,
                           {b.getF32Type(), {}},
                           true,
                           Type(),
                           scale,
                           false});
  });
  CpuArtifact artifact = compile(*module, 16);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  auto random = [&](size_t n) {
    std::vector<float> x(n);
    for (float &value : x)
      value = uniform(rng);
    return x;
  };
  std::vector<float> q = random(B * T * H * K), k = random(B * T * H * K),
                     v = random(B * T * H * V), s0 = random(B * H * K * V);
  std::vector<float> o(B * T * H * V), final(B * H * K * V);

  static CpuDevice *device = new CpuDevice(2); // outlives the test
  std::shared_ptr<CpuModule> loaded =
      CpuModule::load(artifact.object, artifact.kernels);
  device->launch(*loaded, "linear_attn",
                 {KernelArg::pointer(q.data()), KernelArg::pointer(k.data()),
                  KernelArg::pointer(v.data()), KernelArg::pointer(s0.data()),
                  KernelArg::pointer(o.data()),
                  KernelArg::pointer(final.data()), KernelArg::i32(T)},
                 Grid{H, B, 1});

  for (int n = 0; n < B; ++n)
    for (int h = 0; h < H; ++h) {
      std::vector<double> S(K * V);
      for (int i = 0; i < K * V; ++i)
        S[i] = s0[(n * H + h) * K * V + i];
      for (int t = 0; t < T; ++t) {
        int row = (n * T + t) * H + h;
        for (int a = 0; a < K; ++a)
          for (int c = 0; c < V; ++c)
            S[a * V + c] += double(k[row * K + a]) * v[row * V + c];
        for (int c = 0; c < V; ++c) {
          double expected = 0;
          for (int a = 0; a < K; ++a)
            expected += scale * q[row * K + a] * S[a * V + c];
          ASSERT_NEAR(o[row * V + c], expected, 1e-5)
              << "n " << n << " h " << h << " t " << t << " v " << c;
        }
      }
      for (int i = 0; i < K * V; ++i)
        ASSERT_NEAR(final[(n * H + h) * K * V + i], S[i], 1e-5);
    }
  new std::shared_ptr<CpuModule>(std::move(loaded)); // see CpuDevice's docs
}

/// Flash attention with its log-sum-exp from C++: causal with Tq > Tk
/// (bottom-right aligned, so the first Tq - Tk queries see no key: lse
/// -inf, output 0), GQA, T not a multiple of the block. Reference in double;
/// tolerance 1e-5 on outputs and log-sum-exps of magnitude ~1-5.
TEST_F(OperatorFunctionsTest, AttentionReturnsItsLogSumExp) {
  const int B = 2, Tq = 21, Tk = 13, H = 4, Hk = 2, D = 8;
  const double scale = 0.4;
  OwningOpRef<ModuleOp> module = build([&](OpBuilder &ob) {
    AttentionSpec spec{H, Hk, D, D, {b.getF32Type(), {}}, true, scale};
    spec.lse = true;
    buildAttention(ob, spec);
  });
  CpuArtifact artifact = compile(*module, 16);
  std::mt19937 rng(11);
  std::normal_distribution<float> normal;
  auto random = [&](size_t n) {
    std::vector<float> x(n);
    for (float &value : x)
      value = normal(rng);
    return x;
  };
  std::vector<float> q = random(B * Tq * H * D), k = random(B * Tk * Hk * D),
                     v = random(B * Tk * Hk * D);
  std::vector<float> o(B * Tq * H * D), lse(B * H * Tq);

  static CpuDevice *device = new CpuDevice(2); // outlives the test
  std::shared_ptr<CpuModule> loaded =
      CpuModule::load(artifact.object, artifact.kernels);
  device->launch(*loaded, "flash_attn",
                 {KernelArg::pointer(q.data()), KernelArg::pointer(k.data()),
                  KernelArg::pointer(v.data()), KernelArg::pointer(o.data()),
                  KernelArg::pointer(lse.data()), KernelArg::i32(Tq),
                  KernelArg::i32(Tk)},
                 Grid{(Tq + 15) / 16, H, B});

  for (int n = 0; n < B; ++n)
    for (int h = 0; h < H; ++h)
      for (int i = 0; i < Tq; ++i) {
        int seen = i + Tk - Tq + 1; // keys 0 .. i + Tk - Tq
        const float *qi = &q[((n * Tq + i) * H + h) * D];
        std::vector<double> scores;
        double m = -INFINITY;
        for (int j = 0; j < seen; ++j) {
          const float *kj = &k[((n * Tk + j) * Hk + h / (H / Hk)) * D];
          double s = 0;
          for (int d = 0; d < D; ++d)
            s += scale * double(qi[d]) * kj[d];
          scores.push_back(s);
          m = std::max(m, s);
        }
        double l = 0;
        for (double s : scores)
          l += std::exp(s - m);
        float got = lse[(n * H + h) * Tq + i];
        if (seen <= 0) {
          EXPECT_TRUE(std::isinf(got) && got < 0) << "row " << i;
          EXPECT_EQ(o[((n * Tq + i) * H + h) * D], 0.0f);
          continue;
        }
        ASSERT_NEAR(got, m + std::log(l), 1e-5) << "n " << n << " h " << h;
        for (int d = 0; d < D; ++d) {
          double expected = 0;
          for (int j = 0; j < seen; ++j)
            expected += std::exp(scores[j] - m) / l *
                        v[((n * Tk + j) * Hk + h / (H / Hk)) * D + d];
          ASSERT_NEAR(o[((n * Tq + i) * H + h) * D + d], expected, 1e-5);
        }
      }
  new std::shared_ptr<CpuModule>(std::move(loaded)); // see CpuDevice's docs
}

TEST_F(OperatorFunctionsTest, BadSpecsRaiseClearErrors) {
  OpBuilder ob(&context);
  OwningOpRef<ModuleOp> module = ModuleOp::create(UnknownLoc::get(&context));
  ob.setInsertionPointToEnd(module->getBody());
  Type f32 = b.getF32Type();
  auto message = [&](std::function<void()> build) -> std::string {
    try {
      build();
    } catch (const Error &error) {
      EXPECT_EQ(error.status(), Status::InvalidArgument);
      return error.what();
    }
    return "no error";
  };
  EXPECT_EQ(message([&] {
              buildLinearFamily(ob, {"rwkv", 1, 8, 8, {f32, {}}});
            }),
            "rwkv: not an operator of the linear family (linear_attn, gla, "
            "delta_rule, gated_delta_rule)");
  EXPECT_EQ(message([&] {
              buildLinearFamily(ob, {"gla", 0, 8, 8, {f32, {}}});
            }),
            "gla: heads must be positive, got 0");
  EXPECT_EQ(message([&] {
              buildLinearFamily(ob, {"gla", 1, 8, 8, {b.getI32Type(), {}}});
            }),
            "gla: the element type of q must be f16, bf16, f32 or f64");
  EXPECT_EQ(message([&] {
              buildAttention(ob, {6, 4, 8, 8, {f32, {}}});
            }),
            "flash_attn: 6 heads do not split into 4 key/value heads");
  EXPECT_EQ(message([&] {
              AttentionSpec spec{4, 4, 8, 8, {f32, {}}};
              spec.offsets = b.getI32Type();
              spec.diagonal = true;
              buildAttention(ob, spec);
            }),
            "flash_attn: a diagonal does not go with packed sequences");
  EXPECT_EQ(message([&] {
              buildNewtonRNN(ob, {"rnn_tanh", 3, 5, 0, 0, {f32, {}}});
            }),
            "newton_rnn: unknown cell 'rnn_tanh'; cells are gru_diag, "
            "lstm_diag and custom");
}

} // namespace
