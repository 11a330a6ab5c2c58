#!/usr/bin/env bash
# The main job: set-up if needed, build, JIT-compile tile kernels on the CPU,
# verify them against plain C++ and print their throughput beside the
# machine's reference (a C++ -O3 loop for memory-bound kernels, OpenBLAS
# sgemm for matmul).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${RECUR_BUILD_DIR:-$ROOT/build}"
"$ROOT/scripts/setup.sh"
"$ROOT/scripts/build.sh" recur-bench-tile
# OpenBLAS is held to AVX2 by the machine environment; the benchmark lifts
# that for itself alone so the reference is the real sgemm ceiling.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
  "$BUILD/bin/recur-bench-tile" --json "$BUILD/bench-tile-cpu.json" "$@"
