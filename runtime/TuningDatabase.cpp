//===- TuningDatabase.cpp - Persistent autotuning measurements ------------===//

#include "runtime/TuningDatabase.h"
#include "runtime/CompileCache.h"
#include "runtime/Error.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace recur;
namespace fs = std::filesystem;

TuningDatabase::TuningDatabase(std::string directory)
    : directory_(std::move(directory)) {}

std::string TuningDatabase::recordPath(const std::string &key,
                                       const std::string &config) const {
  // Keys are hashed too: callers may use any text, the file system sees hex.
  std::string keyHash = sha256Hex(key);
  return (fs::path(directory_) / keyHash.substr(0, 2) / keyHash /
          (sha256Hex(config) + ".json"))
      .string();
}

std::optional<TuningDatabase::Measurement>
TuningDatabase::lookup(const std::string &key,
                       const std::string &config) const {
  std::ifstream file(recordPath(key, config));
  if (!file)
    return std::nullopt;
  nlohmann::json record = nlohmann::json::parse(file, nullptr,
                                                /*allow_exceptions=*/false);
  // The record names its key and config: a hash collision or a damaged file
  // is a miss, never a wrong answer.
  if (!record.is_object() || record.value("key", "") != key ||
      record.value("config", "") != config || !record.contains("seconds") ||
      !record["seconds"].is_number() || !(record["seconds"].get<double>() > 0))
    return std::nullopt;
  return Measurement{record["seconds"].get<double>(),
                     record.value("repeats", 0)};
}

void TuningDatabase::record(const std::string &key, const std::string &config,
                            const Measurement &measurement) const {
  fs::path path = recordPath(key, config);
  std::error_code error;
  fs::create_directories(path.parent_path(), error);
  if (error)
    throw Error(Status::Internal, "cannot create " +
                                      path.parent_path().string() + ": " +
                                      error.message());
  nlohmann::json record = {{"key", key},
                           {"config", config},
                           {"seconds", measurement.seconds},
                           {"repeats", measurement.repeats}};
  fs::path temporary =
      path.parent_path() / ("tmp-" + uniqueFileSuffix() + ".json");
  {
    std::ofstream file(temporary);
    file << record.dump();
    if (!file.flush())
      throw Error(Status::Internal, "cannot write " + temporary.string());
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    fs::remove(temporary, error);
    throw Error(Status::Internal,
                "cannot rename " + temporary.string() + " to " + path.string());
  }
}
