//===- CApiTest.cpp - The C API ahead-of-time kernels call ----------------===//

#include "runtime/CApi.h"
#include "runtime/CpuCompiler.h"
#include "runtime/CpuModule.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

using namespace recur;

namespace {

std::string readExample(const std::string &name) {
  std::ifstream file(std::string(RECUR_EXAMPLES_DIR) + "/tile/" + name);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

/// vector_add's packed entry, as an AOT object would provide it.
CpuModule::Kernel vectorAdd() {
  static std::shared_ptr<CpuModule> *module = [] {
    CpuArtifact artifact = compileForCpu(readExample("vector_add.mlir"));
    // Never destroyed: see CpuDevice's documentation.
    return new std::shared_ptr<CpuModule>(
        CpuModule::load(artifact.object, artifact.kernels));
  }();
  return (*module)->getKernel("add");
}

TEST(CApi, LaunchesAPackedEntryOnTheDefaultPool) {
  CpuModule::Kernel kernel = vectorAdd();
  const int32_t n = 1000;
  std::vector<float> x(n), y(n), out(n, -1.0f);
  for (int i = 0; i < n; ++i) {
    x[i] = 0.25f * i;
    y[i] = 7.0f - i;
  }
  float *px = x.data(), *py = y.data(), *pout = out.data();
  recur_arg_kind_t kinds[] = {RECUR_ARG_PTR, RECUR_ARG_PTR, RECUR_ARG_PTR,
                              RECUR_ARG_I32};
  void *values[] = {&px, &py, &pout, const_cast<int32_t *>(&n)};
  ASSERT_EQ(recur_cpu_launch(nullptr, "vector_add", kernel.entry, kinds, values,
                             4, (n + 127) / 128, 1, 1),
            RECUR_SUCCESS)
      << recur_last_error();
  for (int i = 0; i < n; ++i)
    ASSERT_EQ(out[i], x[i] + y[i]) << "at " << i;
}

TEST(CApi, FailuresReturnAStatusAndAMessage) {
  CpuModule::Kernel kernel = vectorAdd();
  int32_t n = 4;
  recur_arg_kind_t kinds[] = {RECUR_ARG_I32};
  void *values[] = {&n};
  auto stream = reinterpret_cast<recur_stream_t>(0x1);
  EXPECT_EQ(
      recur_cpu_launch(stream, "k", kernel.entry, kinds, values, 1, 1, 1, 1),
      RECUR_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(recur_last_error(),
               "kernel 'k': only the default (NULL) stream exists on the CPU");
  EXPECT_EQ(recur_cpu_launch(nullptr, "k", nullptr, kinds, values, 1, 1, 1, 1),
            RECUR_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(
      recur_cpu_launch(nullptr, "k", kernel.entry, kinds, values, 1, -1, 1, 1),
      RECUR_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(recur_last_error(), "grid (-1, 1, 1) of kernel 'k' must have "
                                   "dimensions in [0, 2^31)");
  auto bad = static_cast<recur_arg_kind_t>(42);
  EXPECT_EQ(
      recur_cpu_launch(nullptr, "k", kernel.entry, &bad, values, 1, 1, 1, 1),
      RECUR_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(recur_status_string(RECUR_SUCCESS), "ok");
  EXPECT_STREQ(recur_status_string(RECUR_ERROR_INVALID_ARGUMENT),
               "invalid argument");
  EXPECT_STREQ(recur_status_string(static_cast<recur_status_t>(99)),
               "unknown status");
}

} // namespace
