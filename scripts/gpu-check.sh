#!/usr/bin/env bash
# Everything that needs an NVIDIA GPU, in one command (well under eight
# minutes): build (incremental), the GPU tests (test_cuda_device.py: JIT and
# ahead-of-time kernels, streams and events; the DSL tutorials with
# RECUR_DEVICE=cuda; the operator tests with RECUR_DEVICE=cuda), the GPU
# benchmark (bench/ops_gpu.py,
# which writes bench/results/ops-gpu.{json,md}) and a log of it all in
# bench/results/gpu-check.log. Without a GPU it says so and exits 0.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${RECUR_BUILD_DIR:-$ROOT/build}"
RESULTS="$ROOT/bench/results"
mkdir -p "$RESULTS"
LOG="$RESULTS/gpu-check.log"

if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "gpu-check: no NVIDIA GPU on this machine (nvidia-smi finds none); nothing to run"
  exit 0
fi

status=0
{
  echo "== GPU"
  nvidia-smi -L
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader

  echo "== build"
  if [[ -x /usr/lib/llvm-22/bin/mlir-tblgen ]]; then
    "$ROOT/scripts/build.sh" || status=1
  else
    echo "LLVM 22 is not installed here; using the build tree as carried"
  fi

  export PYTHONPATH="$BUILD/python${PYTHONPATH:+:$PYTHONPATH}"
  export RECUR_CACHE_DIR="${RECUR_CACHE_DIR:-$(mktemp -d)}"

  echo "== GPU tests"
  timeout 240 python3 -m pytest -q -rs -p no:cacheprovider \
    "$ROOT/test/python/test_cuda_device.py" || status=1

  echo "== DSL tutorials on the GPU"
  RECUR_DEVICE=cuda timeout 240 python3 -m pytest -q -p no:cacheprovider \
    "$ROOT/test/python/test_tutorials.py" || status=1

  echo "== operators on the GPU"
  # One pytest per operator file, four at a time: most of the time goes to
  # compiling each operator function (ptxas), which the GPU does not speed up.
  ls "$ROOT"/test/python/test_ops_*.py | RECUR_DEVICE=cuda timeout 300 \
    xargs -P 4 -I{} python3 -m pytest -q -p no:cacheprovider {} || status=1

  echo "== GPU benchmark"
  RECUR_DEVICE=cuda timeout 120 python3 "$ROOT/bench/ops_gpu.py" || status=1
  echo "gpu-check: exit status $status"
  exit "$status"
} 2>&1 | tee "$LOG"
exit "${PIPESTATUS[0]}"
