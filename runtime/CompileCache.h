//===- CompileCache.h - Content-addressed on-disk compile cache -*- C++ -*-===//
//
// One directory per entry, named by a SHA-256 key, under a two-hex-digit
// fan-out directory: <root>/ab/abcdef.../{files..., complete}. Writers fill a
// private temporary directory and rename() it into place, which POSIX makes
// atomic, so readers see a whole entry or none; the `complete` marker, written
// last and listing each file with its SHA-256, guards against entries cut
// short or altered some other way. Concurrent writers of one key race
// harmlessly: the first rename wins and the others discard their copies (same
// key, same content).
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_COMPILECACHE_H
#define RECUR_RUNTIME_COMPILECACHE_H

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace recur {

/// Hex SHA-256 of `data`.
std::string sha256Hex(llvm::StringRef data);

/// A suffix no other writer uses (process id, counter, random number), for
/// temporary files renamed into place.
std::string uniqueFileSuffix();

class CompileCache {
public:
  using Files = llvm::StringMap<std::string>;

  explicit CompileCache(std::string directory);

  /// $RECUR_CACHE_DIR, else $XDG_CACHE_HOME/recur, else ~/.cache/recur.
  static std::string defaultDirectory();

  /// The entry's files (name -> bytes), or nothing when the key has no
  /// complete entry. Never throws for missing or damaged entries.
  std::optional<Files> lookup(llvm::StringRef key) const;

  /// Writes an entry atomically. Throws recur::Error(InvalidArgument) for a
  /// key that is not lowercase hex or a file name with a path separator, and
  /// recur::Error(Internal) when the directory cannot be written.
  void store(llvm::StringRef key, const Files &files) const;

  const std::string &getDirectory() const { return directory_; }

private:
  std::string entryPath(llvm::StringRef key) const;

  std::string directory_;
};

} // namespace recur

#endif // RECUR_RUNTIME_COMPILECACHE_H
