// RUN: recur-opt --show-dialects | FileCheck %s --check-prefix=DIALECTS
// RUN: recur-opt --help | FileCheck %s --check-prefix=PASSES

// recur-opt registers Recur's dialects beside the upstream ones it lowers to.
// DIALECTS: Available Dialects:
// DIALECTS-SAME: linalg
// DIALECTS-SAME: seq
// DIALECTS-SAME: tile

// Recur's passes and its CPU pipeline are registered.
// PASSES-DAG: --convert-tile-to-cpu
// PASSES-DAG: --promote-loop-free-buffers-to-stack
// PASSES-DAG: --recur-cpu-pipeline
// PASSES-DAG: --tile-cpu-launch-grid
// PASSES-DAG: --vectorize-tile-linalg
