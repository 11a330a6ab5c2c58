#!/usr/bin/env bash
# Installs everything Recur needs on a fresh Debian 12 machine (as root).
# Idempotent: packages already present are not fetched again.
set -euo pipefail

APT_PACKAGES=(
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 lld-22
  cmake ninja-build ccache g++ python3 python3-pip
  libfmt-dev libgtest-dev pybind11-dev nlohmann-json3-dev libopenblas-dev
  libopenmpi-dev openmpi-bin
  rocm-device-libs
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c "import numpy, pytest, mpi4py" 2>/dev/null; then
  echo "setup: installing Python packages from requirements.txt"
  "$PYTHON" -m pip install -q -r "$ROOT/requirements.txt"
fi
