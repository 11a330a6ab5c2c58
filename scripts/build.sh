#!/usr/bin/env bash
# Configures (once) and builds Recur incrementally in build/ with Ninja,
# ccache and the shared libMLIR.so/libLLVM.so.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${RECUR_BUILD_DIR:-$ROOT/build}"
export PATH="/usr/lib/llvm-22/bin:$PATH"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"

if [[ ! -f "$BUILD/build.ninja" ]]; then
  cmake -G Ninja -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir
fi
ninja -C "$BUILD" "$@"
