// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// CHECK-LABEL: tile.func @program_id
// CHECK:         %[[X:.*]] = program_id x
// CHECK:         %[[Y:.*]] = program_id y
// CHECK:         %[[Z:.*]] = program_id z
// CHECK:         arith.addi %[[X]], %[[Y]] : i32
// CHECK:         arith.addi %{{.*}}, %[[Z]] : i32
tile.func @program_id(%out: !tile.ptr<i32>) {
  %x = tile.program_id x
  %y = tile.program_id y
  %z = tile.program_id z
  %xy = arith.addi %x, %y : i32
  %xyz = arith.addi %xy, %z : i32
  tile.store %out, %xyz : !tile.ptr<i32>
  tile.return
}

// -----

// CHECK-LABEL: tile.func @num_programs
// CHECK:         %[[X:.*]] = num_programs x
// CHECK:         %[[Y:.*]] = num_programs y
// CHECK:         %[[Z:.*]] = num_programs z
// CHECK:         arith.muli %[[X]], %[[Y]] : i32
// CHECK:         arith.muli %{{.*}}, %[[Z]] : i32
tile.func @num_programs(%out: !tile.ptr<i32>) {
  %x = tile.num_programs x
  %y = tile.num_programs y
  %z = tile.num_programs z
  %xy = arith.muli %x, %y : i32
  %xyz = arith.muli %xy, %z : i32
  tile.store %out, %xyz : !tile.ptr<i32>
  tile.return
}
