// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func @ids
// CHECK:         program_id x
// CHECK:         program_id y
// CHECK:         program_id z
// CHECK:         num_programs x
// CHECK:         num_programs y
// CHECK:         num_programs z
tile.func @ids(%out: !tile.ptr<i32>) {
  %x = tile.program_id x
  %y = tile.program_id y
  %z = tile.program_id z
  %nx = tile.num_programs x
  %ny = tile.num_programs y
  %nz = tile.num_programs z
  tile.return
}
