//===- CompileCache.cpp - Content-addressed on-disk compile cache ---------===//

#include "runtime/CompileCache.h"
#include "runtime/Error.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SHA256.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <unistd.h>

using namespace recur;
namespace fs = std::filesystem;

static constexpr const char *kCompleteMarker = "complete";

std::string recur::sha256Hex(llvm::StringRef data) {
  llvm::SHA256 hasher;
  hasher.update(data);
  return llvm::toHex(hasher.final(), /*LowerCase=*/true);
}

CompileCache::CompileCache(std::string directory)
    : directory_(std::move(directory)) {}

std::string CompileCache::defaultDirectory() {
  if (const char *dir = std::getenv("RECUR_CACHE_DIR"); dir && *dir)
    return dir;
  if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return (fs::path(xdg) / "recur").string();
  if (const char *home = std::getenv("HOME"); home && *home)
    return (fs::path(home) / ".cache" / "recur").string();
  return (fs::temp_directory_path() / "recur-cache").string();
}

static bool isValidKey(llvm::StringRef key) {
  return key.size() >= 8 && llvm::all_of(key, [](char c) {
           return llvm::isDigit(c) || (c >= 'a' && c <= 'f');
         });
}

/// File names stay inside their entry: no separators, no dot files, not the
/// marker itself.
static bool isValidFileName(llvm::StringRef name) {
  return !name.empty() && !name.contains('/') && !name.contains('\n') &&
         !name.contains(' ') && !name.starts_with(".") &&
         name != kCompleteMarker;
}

std::string CompileCache::entryPath(llvm::StringRef key) const {
  return (fs::path(directory_) / key.substr(0, 2).str() / key.str()).string();
}

static std::optional<std::string> readFile(const fs::path &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::nullopt;
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad())
    return std::nullopt;
  return std::move(contents).str();
}

std::optional<CompileCache::Files>
CompileCache::lookup(llvm::StringRef key) const {
  if (!isValidKey(key))
    return std::nullopt;
  fs::path entry = entryPath(key);
  std::optional<std::string> marker = readFile(entry / kCompleteMarker);
  if (!marker)
    return std::nullopt;
  // Each marker line is "<name> <sha256>": a file cut short or altered after
  // the entry was written no longer matches, and the entry is not returned.
  Files files;
  llvm::SmallVector<llvm::StringRef> lines;
  llvm::StringRef(*marker).split(lines, '\n', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef line : lines) {
    auto [name, digest] = line.split(' ');
    // A damaged marker must not read outside the entry.
    if (!isValidFileName(name) || digest.size() != 64)
      return std::nullopt;
    std::optional<std::string> contents = readFile(entry / name.str());
    if (!contents || sha256Hex(*contents) != digest)
      return std::nullopt;
    files[name] = std::move(*contents);
  }
  return files;
}

static void writeFile(const fs::path &path, llvm::StringRef contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), contents.size());
  out.close();
  if (!out)
    throw Error(Status::Internal,
                "cannot write the compile cache file " + path.string());
}

std::string recur::uniqueFileSuffix() {
  static std::atomic<unsigned> counter{0};
  std::random_device random;
  return std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
         std::to_string(random());
}

void CompileCache::store(llvm::StringRef key, const Files &files) const {
  if (!isValidKey(key))
    throw Error(Status::InvalidArgument,
                "compile cache keys are lowercase hex, got '" + key.str() +
                    "'");
  for (const auto &file : files)
    if (!isValidFileName(file.getKey()))
      throw Error(Status::InvalidArgument, "invalid compile cache file name '" +
                                               file.getKey().str() + "'");

  fs::path entry = entryPath(key);
  fs::path parent = entry.parent_path();
  std::error_code error;
  fs::create_directories(parent, error);
  if (error)
    throw Error(Status::Internal, "cannot create the compile cache directory " +
                                      parent.string() + ": " + error.message());

  // Temporary names start with "tmp-" and never look like keys, so lookups
  // never see them; a writer killed midway leaves only such a directory.
  fs::path temporary = parent / ("tmp-" + key.str() + "-" + uniqueFileSuffix());
  fs::create_directory(temporary, error);
  if (error)
    throw Error(Status::Internal,
                "cannot create " + temporary.string() + ": " + error.message());
  std::string marker;
  try {
    for (const auto &file : files) {
      writeFile(temporary / file.getKey().str(), file.getValue());
      marker += file.getKey().str() + " " + sha256Hex(file.getValue()) + "\n";
    }
    writeFile(temporary / kCompleteMarker, marker);
  } catch (...) {
    fs::remove_all(temporary, error);
    throw;
  }

  if (std::rename(temporary.c_str(), entry.c_str()) == 0)
    return;
  // The key exists. A complete entry is the same content: keep it. A damaged
  // one (no marker, a file missing or altered) is moved aside and replaced.
  if (!lookup(key)) {
    fs::path damaged = parent / ("tmp-damaged-" + uniqueFileSuffix());
    if (std::rename(entry.c_str(), damaged.c_str()) == 0)
      fs::remove_all(damaged, error);
    if (std::rename(temporary.c_str(), entry.c_str()) == 0)
      return;
  }
  fs::remove_all(temporary, error);
}
