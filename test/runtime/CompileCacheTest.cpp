//===- CompileCacheTest.cpp - The on-disk compile cache -------------------===//
//
// Entries round-trip; partial writes (a writer killed midway, an entry
// without its completion marker) are never returned; concurrent writers of
// one key leave one complete entry; and an object stored in the cache loads
// and runs exactly like a freshly compiled one.
//
//===----------------------------------------------------------------------===//

#include "runtime/CompileCache.h"
#include "runtime/CpuCompiler.h"
#include "runtime/CpuDevice.h"
#include "runtime/Error.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace recur;
namespace fs = std::filesystem;

namespace {

class CompileCacheTest : public ::testing::Test {
protected:
  void SetUp() override {
    directory =
        fs::temp_directory_path() /
        ("recur-cache-test-" + std::to_string(::getpid()) + "-" +
         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(directory);
  }
  void TearDown() override { fs::remove_all(directory); }

  fs::path directory;
};

const std::string kKey = sha256Hex("some kernel");

TEST_F(CompileCacheTest, RoundTrip) {
  CompileCache cache(directory.string());
  EXPECT_FALSE(cache.lookup(kKey));
  CompileCache::Files files;
  files["obj"] = std::string("\0\x7f"
                             "ELF binary",
                             12);
  files["tile"] = "tile.func @k() {}";
  cache.store(kKey, files);
  auto found = cache.lookup(kKey);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)["obj"], files["obj"]);
  EXPECT_EQ((*found)["tile"], files["tile"]);
  // Entries fan out under the key's first two hex digits.
  EXPECT_TRUE(fs::is_directory(directory / kKey.substr(0, 2) / kKey));
}

TEST_F(CompileCacheTest, RejectsBadKeysAndNames) {
  CompileCache cache(directory.string());
  EXPECT_THROW(cache.store("../../etc", {}), Error);
  CompileCache::Files files;
  files["../escape"] = "x";
  EXPECT_THROW(cache.store(kKey, files), Error);
  EXPECT_FALSE(cache.lookup("not-hex"));
}

TEST_F(CompileCacheTest, IgnoresPartialEntries) {
  CompileCache cache(directory.string());
  // A writer killed before its rename leaves a temporary directory.
  fs::path parent = directory / kKey.substr(0, 2);
  fs::create_directories(parent / ("tmp-" + kKey + "-123-0-0"));
  std::ofstream(parent / ("tmp-" + kKey + "-123-0-0") / "obj") << "garbage";
  EXPECT_FALSE(cache.lookup(kKey));
  // An entry without its completion marker is not an entry, and a store
  // replaces it.
  fs::create_directories(parent / kKey);
  std::ofstream(parent / kKey / "obj") << "truncated";
  EXPECT_FALSE(cache.lookup(kKey));
  CompileCache::Files files;
  files["obj"] = "whole";
  cache.store(kKey, files);
  auto found = cache.lookup(kKey);
  ASSERT_TRUE(found);
  EXPECT_EQ((*found)["obj"], "whole");
}

TEST_F(CompileCacheTest, DamagedMarkerCannotEscapeTheEntry) {
  CompileCache cache(directory.string());
  CompileCache::Files files;
  files["obj"] = "bytes";
  cache.store(kKey, files);
  std::ofstream(directory / kKey.substr(0, 2) / kKey / "complete")
      << "/etc/passwd " << std::string(64, '0') << "\n";
  EXPECT_FALSE(cache.lookup(kKey));
}

TEST_F(CompileCacheTest, TruncatedFileIsReplacedByTheNextStore) {
  CompileCache cache(directory.string());
  CompileCache::Files files;
  files["obj"] = std::string(4096, 'o');
  cache.store(kKey, files);
  fs::resize_file(directory / kKey.substr(0, 2) / kKey / "obj", 100);
  EXPECT_FALSE(cache.lookup(kKey));
  cache.store(kKey, files);
  auto found = cache.lookup(kKey);
  ASSERT_TRUE(found);
  EXPECT_EQ((*found)["obj"], files["obj"]);
}

TEST_F(CompileCacheTest, MissingFileMakesTheEntryInvalid) {
  CompileCache cache(directory.string());
  CompileCache::Files files;
  files["obj"] = "bytes";
  files["llir"] = "text";
  cache.store(kKey, files);
  fs::remove(directory / kKey.substr(0, 2) / kKey / "llir");
  EXPECT_FALSE(cache.lookup(kKey));
}

TEST_F(CompileCacheTest, ConcurrentWritersLeaveOneCompleteEntry) {
  CompileCache cache(directory.string());
  std::string payload(1 << 20, 'x');
  // Processes fork before any thread starts (a fork beside running threads
  // may inherit a held lock), then race with the threads.
  std::vector<pid_t> children;
  for (int p = 0; p < 3; ++p) {
    pid_t pid = ::fork();
    if (pid == 0) {
      CompileCache::Files files;
      files["obj"] = payload;
      CompileCache(directory.string()).store(kKey, files);
      ::_exit(0);
    }
    children.push_back(pid);
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      CompileCache::Files files;
      files["obj"] = payload;
      cache.store(kKey, files);
    });
  for (std::thread &thread : threads)
    thread.join();
  for (pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  auto found = cache.lookup(kKey);
  ASSERT_TRUE(found);
  EXPECT_EQ((*found)["obj"], payload);
  // No temporary directories are left behind.
  for (const auto &entry :
       fs::directory_iterator(directory / kKey.substr(0, 2)))
    EXPECT_EQ(entry.path().filename(), kKey);
}

std::string readExample(const std::string &name) {
  std::ifstream file(std::string(RECUR_EXAMPLES_DIR) + "/tile/" + name);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

TEST_F(CompileCacheTest, CachedObjectLoadsAndRuns) {
  CpuArtifact artifact = compileForCpu(readExample("vector_add.mlir"));
  ASSERT_EQ(artifact.kernels.size(), 1u);
  EXPECT_NE(artifact.llvmIR.find("define"), std::string::npos);

  CompileCache cache(directory.string());
  CompileCache::Files files;
  files["obj"] = artifact.object;
  cache.store(kKey, files);
  auto found = cache.lookup(kKey);
  ASSERT_TRUE(found);

  static CpuDevice *device = new CpuDevice(2); // outlives the test, see
                                               // CpuDevice's documentation
  std::shared_ptr<CpuModule> module =
      CpuModule::load((*found)["obj"], artifact.kernels);
  const int n = 1000;
  std::vector<float> x(n), y(n), out(n, -1.0f);
  for (int i = 0; i < n; ++i) {
    x[i] = 0.5f * i;
    y[i] = 3.0f - i;
  }
  device->launch(*module, artifact.kernels[0].name,
                 {KernelArg::pointer(x.data()), KernelArg::pointer(y.data()),
                  KernelArg::pointer(out.data()), KernelArg::i32(n)},
                 Grid{(n + 127) / 128, 1, 1});
  for (int i = 0; i < n; ++i)
    ASSERT_EQ(out[i], x[i] + y[i]) << "at " << i;
  // Never destroyed for the same reason as the device.
  new std::shared_ptr<CpuModule>(std::move(module));
}

} // namespace
