// RUN: recur-opt %s -split-input-file -promote-loop-free-buffers-to-stack | FileCheck %s
// RUN: recur-opt %s -split-input-file -promote-loop-free-buffers-to-stack=max-bytes=16 | FileCheck %s --check-prefix=SMALL

// CHECK-LABEL: func.func @outside_loop
// CHECK-NOT:     memref.alloc(
// CHECK:         memref.alloca() {alignment = 64 : i64} : memref<32x16xf32>
// SMALL-LABEL: func.func @outside_loop
// SMALL:         memref.alloc() {alignment = 64 : i64} : memref<32x16xf32>
func.func @outside_loop(%v: f32) {
  %c0 = arith.constant 0 : index
  %m = memref.alloc() {alignment = 64 : i64} : memref<32x16xf32>
  memref.store %v, %m[%c0, %c0] : memref<32x16xf32>
  memref.dealloc %m : memref<32x16xf32>
  return
}

// -----

// Inside a loop each iteration would grow the stack: the buffer stays on the heap.
// CHECK-LABEL: func.func @inside_loop
// CHECK:         scf.for
// CHECK-NEXT:      memref.alloc() : memref<16xf32>
// CHECK-NOT:     memref.alloca
func.func @inside_loop(%n: index, %v: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    %m = memref.alloc() : memref<16xf32>
    memref.store %v, %m[%c0] : memref<16xf32>
    memref.dealloc %m : memref<16xf32>
  }
  return
}

// -----

// A function returning a buffer keeps every buffer on the heap.
// CHECK-LABEL: func.func @returns_buffer
// CHECK:         memref.alloc() : memref<4xf32>
// CHECK-NOT:     memref.alloca
func.func @returns_buffer() -> memref<4xf32> {
  %m = memref.alloc() : memref<4xf32>
  return %m : memref<4xf32>
}

// -----

// Dynamic shapes are left alone.
// CHECK-LABEL: func.func @dynamic
// CHECK:         memref.alloc(%{{.*}}) : memref<?xf32>
func.func @dynamic(%n: index) {
  %m = memref.alloc(%n) : memref<?xf32>
  memref.dealloc %m : memref<?xf32>
  return
}

// -----

// Larger than max-bytes (65536 by default): 128x256xf32 is 128 KiB.
// CHECK-LABEL: func.func @too_large
// CHECK:         memref.alloc() : memref<128x256xf32>
func.func @too_large() {
  %m = memref.alloc() : memref<128x256xf32>
  memref.dealloc %m : memref<128x256xf32>
  return
}
