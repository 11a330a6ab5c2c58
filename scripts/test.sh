#!/usr/bin/env bash
# Runs every Recur test: set-up if needed, build, then lit (compiler tests),
# GoogleTest (runtime), pytest (the Python package, from the build tree) and
# the AOT example project (examples/cpp) against an installed Recur.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${RECUR_BUILD_DIR:-$ROOT/build}"
"$ROOT/scripts/setup.sh"
"$ROOT/scripts/build.sh"

status=0
echo "== lit: compiler tests"
/usr/lib/llvm-22/bin/lit -sv "$BUILD/test" || status=1

echo "== GoogleTest: runtime tests"
(cd "$BUILD" && ctest --output-on-failure -j2) || status=1

echo "== pytest: Python package (from the build tree)"
PYTHONPATH="$BUILD/python${PYTHONPATH:+:$PYTHONPATH}" \
  python3 -m pytest -q "$ROOT/test/python" || status=1

echo "== AOT: examples/cpp built against an installed Recur"
rm -rf "$BUILD/install" "$BUILD/example-cpp"
{ cmake --install "$BUILD" --prefix "$BUILD/install" >/dev/null &&
  cmake -G Ninja -S "$ROOT/examples/cpp" -B "$BUILD/example-cpp" \
    -DRecur_DIR="$BUILD/install/lib/cmake/Recur" >/dev/null &&
  ninja -C "$BUILD/example-cpp" &&
  "$BUILD/example-cpp/recur_example"; } || status=1
exit $status
