//===- TuningDatabase.h - Persistent autotuning measurements ----*- C++ -*-===//
//
// One file per (tuning key, config): <root>/ab/<key>/<sha256(config)>.json
// holding the config and its measured time. A config is timed once per key
// and machine; adding a config to a space times only the new one. Each file
// is written to a private temporary name and renamed into place, so
// concurrent processes never see a partial record (the last writer of one
// config wins, and both measured it), and a process killed mid-write leaves
// only a temporary file that lookups never read.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_TUNINGDATABASE_H
#define RECUR_RUNTIME_TUNINGDATABASE_H

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace recur {

class TuningDatabase {
public:
  struct Measurement {
    /// Median seconds per run.
    double seconds = 0;
    int repeats = 0;
  };

  /// Records live under `directory` (created on first write).
  explicit TuningDatabase(std::string directory);

  /// The recorded measurement of `config` under `key`, if any; damaged or
  /// foreign records count as missing.
  std::optional<Measurement> lookup(const std::string &key,
                                    const std::string &config) const;

  /// Records `measurement` atomically. Throws recur::Error(Internal) when the
  /// directory cannot be written.
  void record(const std::string &key, const std::string &config,
              const Measurement &measurement) const;

  const std::string &getDirectory() const { return directory_; }

private:
  std::string recordPath(const std::string &key,
                         const std::string &config) const;

  std::string directory_;
};

} // namespace recur

#endif // RECUR_RUNTIME_TUNINGDATABASE_H
