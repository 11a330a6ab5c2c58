// RUN: recur-opt %s -split-input-file -verify-diagnostics -convert-tile-to-gpu | FileCheck %s
// RUN: recur-opt %s -split-input-file -verify-diagnostics -convert-tile-to-gpu=trap-asserts=true | FileCheck %s --check-prefix=AMD

#blocked = #tile.blocked<{sizePerThread = [2], threadsPerWarp = [32], warpsPerCTA = [2], order = [0]}>

// An assert checks the AND of the thread's elements; the message carries
// the source line, and a '%' in it stays as written.
// CHECK-LABEL: gpu.func @assert
// CHECK:         %[[CMP:.+]] = arith.cmpi slt, %{{.+}}, %{{.+}} : vector<2xi32>
// CHECK:         %[[E0:.+]] = vector.extract %[[CMP]][0] : i1 from vector<2xi1>
// CHECK:         %[[E1:.+]] = vector.extract %[[CMP]][1] : i1 from vector<2xi1>
// CHECK:         %[[OK:.+]] = arith.andi %[[E0]], %[[E1]] : i1
// CHECK:         cf.assert %[[OK]], "100% in range at {{.*}}convert-tile-to-gpu-debug.mlir:{{[0-9]+}}"
// With trap-asserts (AMD), a thread whose elements fail prints the message
// and traps.
// AMD-LABEL:     gpu.func @assert
// AMD:           %[[OK:.+]] = arith.andi %{{.+}}, %{{.+}} : i1
// AMD:           %[[FAILED:.+]] = arith.xori %[[OK]], %true : i1
// AMD:           scf.if %[[FAILED]] {
// AMD-NEXT:        gpu.printf "Assertion failed: 100%% in range at {{.*}}convert-tile-to-gpu-debug.mlir:{{[0-9]+}}\0A"
// AMD-NEXT:        llvm.intr.trap
// AMD-NEXT:      }
// AMD-NOT:       cf.assert
tile.func @assert() attributes {tile.num_threads = 64 : i32} {
  %r = tile.make_range 0, 128 : tensor<128xi32, #blocked>
  %c = arith.constant dense<100> : tensor<128xi32, #blocked>
  %ok = arith.cmpi slt, %r, %c : tensor<128xi32, #blocked>
  tile.assert %ok, "100% in range" : tensor<128xi1, #blocked>
  tile.return
}

// -----

#blocked = #tile.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [2], order = [0]}>

// Scalars print from thread 0 with the block id as the program id, floats
// as f64; a 32-element tile over 64 threads has two copies, and only the
// canonical holder (warp bit clear) prints its element, with its index.
// CHECK-LABEL: gpu.func @print
// CHECK:         %[[PX:.+]] = arith.index_castui %block_id_x
// CHECK:         %[[FIRST:.+]] = arith.cmpi eq, %{{.+}}, %c0_i32
// CHECK:         scf.if %[[FIRST]] {
// CHECK:           %[[WIDE:.+]] = arith.extf %arg0 : f32 to f64
// CHECK:           gpu.printf "pid (%d, %d, %d) x = %.9g\0A", %[[PX]], %{{.+}}, %{{.+}}, %[[WIDE]] : i32, i32, i32, f64
// CHECK:         %[[WARPBIT:.+]] = arith.andi %{{.+}}, %c32_i32
// CHECK:         %[[HOLDER:.+]] = arith.cmpi eq, %[[WARPBIT]], %c0_i32
// CHECK:         scf.if %[[HOLDER]] {
// CHECK:           %[[INDEX:.+]] = arith.extui %{{.+}} : i32 to i64
// CHECK:           %[[VALUE:.+]] = arith.extsi %{{.+}} : i32 to i64
// CHECK:           gpu.printf "pid (%d, %d, %d) idx (%lld) 50%% r = 0x%llx\0A", %{{.+}}, %{{.+}}, %{{.+}}, %[[INDEX]], %[[VALUE]] : i32, i32, i32, i64, i64
// CHECK:         scf.if
// CHECK:           gpu.printf "pid (%d, %d, %d) only a prefix\0A"
// AMD-LABEL:     gpu.func @print
// AMD-COUNT-3:     gpu.printf
tile.func @print(%x: f32) attributes {tile.num_threads = 64 : i32} {
  %r = tile.make_range 0, 32 : tensor<32xi32, #blocked>
  tile.print "x = " %x : f32
  tile.print "50% r = " hex %r : tensor<32xi32, #blocked>
  tile.print "only a prefix"
  tile.return
}
