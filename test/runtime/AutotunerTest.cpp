//===- AutotunerTest.cpp - Tuning database and autotuner ------------------===//

#include "runtime/Autotuner.h"
#include "runtime/Error.h"
#include "runtime/TuningDatabase.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace recur;
namespace fs = std::filesystem;

namespace {

class AutotunerTest : public ::testing::Test {
protected:
  void SetUp() override {
    directory =
        fs::temp_directory_path() /
        ("recur-tuning-test-" + std::to_string(::getpid()) + "-" +
         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(directory);
  }
  void TearDown() override { fs::remove_all(directory); }

  fs::path directory;
};

void sleepMicroseconds(int us) {
  std::this_thread::sleep_for(std::chrono::microseconds(us));
}

TEST_F(AutotunerTest, PicksTheFastestAndRemembersAcrossInstances) {
  std::map<std::string, int> runs;
  auto run = [&](const std::string &config) {
    ++runs[config];
    sleepMicroseconds(config == "fast" ? 200 : 3000);
  };
  {
    TuningDatabase database(directory.string());
    Autotuner::Result result =
        Autotuner(database).tune("kernel-a", {"slow", "fast"}, run, {1, 3});
    EXPECT_EQ(result.best, "fast");
    EXPECT_EQ(result.timed, (std::vector<std::string>{"slow", "fast"}));
    EXPECT_LT(result.timings[1], result.timings[0]);
    EXPECT_EQ(runs["fast"], 4); // one warm-up, three timed
  }
  runs.clear();
  TuningDatabase again(directory.string());
  Autotuner::Result cached =
      Autotuner(again).tune("kernel-a", {"slow", "fast"}, run, {1, 3});
  EXPECT_EQ(cached.best, "fast");
  EXPECT_TRUE(cached.timed.empty());
  EXPECT_TRUE(runs.empty());
}

TEST_F(AutotunerTest, AddingAConfigTimesOnlyTheNewOne) {
  TuningDatabase database(directory.string());
  Autotuner tuner(database);
  auto run = [](const std::string &config) {
    sleepMicroseconds(config == "b" ? 100 : 2000);
  };
  tuner.tune("k", {"a", "c"}, run, {0, 1});
  Autotuner::Result result = tuner.tune("k", {"a", "b", "c"}, run, {0, 1});
  EXPECT_EQ(result.timed, std::vector<std::string>{"b"});
  EXPECT_EQ(result.best, "b");
  // Another key is another measurement.
  EXPECT_EQ(tuner.tune("other", {"a"}, run, {0, 1}).timed.size(), 1u);
}

TEST_F(AutotunerTest, DamagedRecordsAndLeftoverTemporariesAreMisses) {
  TuningDatabase database(directory.string());
  database.record("k", "cfg", {0.5, 3});
  ASSERT_TRUE(database.lookup("k", "cfg"));
  EXPECT_DOUBLE_EQ(database.lookup("k", "cfg")->seconds, 0.5);
  // Truncate the record, as a crash of a non-atomic writer would.
  fs::path record;
  for (const auto &entry : fs::recursive_directory_iterator(directory))
    if (entry.path().extension() == ".json")
      record = entry.path();
  ASSERT_FALSE(record.empty());
  std::ofstream(record) << "{\"key\": \"k\", \"conf";
  EXPECT_FALSE(database.lookup("k", "cfg"));
  // A temporary left by a killed writer is never read.
  std::ofstream(record.parent_path() / "tmp-12345-0-1.json") << "{}";
  EXPECT_FALSE(database.lookup("k", "cfg"));
  database.record("k", "cfg", {0.25, 3});
  EXPECT_DOUBLE_EQ(database.lookup("k", "cfg")->seconds, 0.25);
}

TEST_F(AutotunerTest, ConcurrentProcessesNeverSeePartialRecords) {
  const int processes = 4, configs = 20;
  std::vector<pid_t> children;
  for (int p = 0; p < processes; ++p) {
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      TuningDatabase database(directory.string());
      // Every process writes every config, and reads as it goes.
      for (int round = 0; round < 5; ++round)
        for (int c = 0; c < configs; ++c) {
          std::string config = "config-" + std::to_string(c);
          database.record("shared", config, {1.0 + p, 1});
          auto found = database.lookup("shared", config);
          if (!found || found->seconds < 1.0 || found->seconds > processes)
            ::_exit(1);
        }
      ::_exit(0);
    }
    children.push_back(child);
  }
  for (pid_t child : children) {
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  TuningDatabase database(directory.string());
  for (int c = 0; c < configs; ++c)
    EXPECT_TRUE(database.lookup("shared", "config-" + std::to_string(c)));
}

TEST_F(AutotunerTest, BadCallsAndFailingRunsRecordNothing) {
  TuningDatabase database(directory.string());
  Autotuner tuner(database);
  auto nothing = [](const std::string &) {};
  EXPECT_THROW(tuner.tune("k", {}, nothing, {}), Error);
  EXPECT_THROW(tuner.tune("k", {"a", "a"}, nothing, {}), Error);
  auto failing = [](const std::string &) {
    throw Error(Status::InvalidArgument, "bad config");
  };
  EXPECT_THROW(tuner.tune("k", {"a"}, failing, {}), Error);
  EXPECT_FALSE(database.lookup("k", "a"));
}

} // namespace
