// RUN: recur-opt %s -split-input-file -vectorize-tile-linalg | FileCheck %s
// RUN: recur-opt %s -split-input-file -vectorize-tile-linalg=max-elements=64 | FileCheck %s --check-prefix=SMALL

// An elementwise op on a static tile becomes whole-tile vector code.
// CHECK-LABEL: func.func @elementwise
// CHECK:         %[[A:.*]] = vector.transfer_read %{{.*}} : tensor<128xf32>, vector<128xf32>
// CHECK:         %[[B:.*]] = vector.transfer_read %{{.*}} : tensor<128xf32>, vector<128xf32>
// CHECK:         %[[S:.*]] = arith.addf %[[A]], %[[B]] : vector<128xf32>
// CHECK:         vector.transfer_write %[[S]]
// CHECK-NOT:     linalg.generic
// Above max-elements the op stays for the loop lowering.
// SMALL-LABEL: func.func @elementwise
// SMALL:         linalg.generic
#id = affine_map<(d0) -> (d0)>
func.func @elementwise(%a: tensor<128xf32>, %b: tensor<128xf32>) -> tensor<128xf32> {
  %e = tensor.empty() : tensor<128xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%a, %b : tensor<128xf32>, tensor<128xf32>) outs(%e : tensor<128xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<128xf32>
  return %r : tensor<128xf32>
}

// -----

// i1 tiles stay loops: a vector<Nxi1> transfer would read packed bits from a
// buffer that holds one byte per element.
// CHECK-LABEL: func.func @masks
// CHECK:         linalg.generic
// CHECK-NOT:     vector.transfer_read
#id = affine_map<(d0) -> (d0)>
func.func @masks(%a: tensor<16xi1>, %b: tensor<16xi1>) -> tensor<16xi1> {
  %e = tensor.empty() : tensor<16xi1>
  %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%a, %b : tensor<16xi1>, tensor<16xi1>) outs(%e : tensor<16xi1>) {
  ^bb0(%x: i1, %y: i1, %o: i1):
    %s = arith.andi %x, %y : i1
    linalg.yield %s : i1
  } -> tensor<16xi1>
  return %r : tensor<16xi1>
}

// -----

// Contractions and transcendentals stay loops (see the pass description).
// CHECK-LABEL: func.func @matmul_and_exp
// CHECK:         linalg.matmul
// CHECK:         linalg.generic
// CHECK:           math.exp
// CHECK-NOT:     vector.contract
#id2 = affine_map<(d0, d1) -> (d0, d1)>
func.func @matmul_and_exp(%a: tensor<8x4xf32>, %b: tensor<4x8xf32>, %c: tensor<8x8xf32>)
    -> tensor<8x8xf32> {
  %m = linalg.matmul ins(%a, %b : tensor<8x4xf32>, tensor<4x8xf32>) outs(%c : tensor<8x8xf32>) -> tensor<8x8xf32>
  %e = tensor.empty() : tensor<8x8xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%m : tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = math.exp %x : f32
    linalg.yield %y : f32
  } -> tensor<8x8xf32>
  return %r : tensor<8x8xf32>
}

// -----

// Broadcasts (constant-0 indexing maps) stay loops.
// CHECK-LABEL: func.func @broadcast
// CHECK:         linalg.generic
#row = affine_map<(d0, d1) -> (0, d1)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
func.func @broadcast(%a: tensor<1x8xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [#row, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<1x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  } -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// A matmul with a fused producer (q * scale) is no longer a contraction, but
// it still reduces: it stays loops.
// CHECK-LABEL: func.func @fused_matmul
// CHECK-NOT:     vector.
// CHECK:         linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "reduction", "parallel"]
#qk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
func.func @fused_matmul(%a: tensor<8x4xf32>, %b: tensor<4x8xf32>, %c: tensor<8x8xf32>, %s: f32) -> tensor<8x8xf32> {
  %r = linalg.generic {indexing_maps = [#qk, #kn, #mn], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : tensor<8x4xf32>, tensor<4x8xf32>) outs(%c : tensor<8x8xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %xs = arith.mulf %x, %s : f32
    %p = arith.mulf %xs, %y : f32
    %sum = arith.addf %acc, %p : f32
    linalg.yield %sum : f32
  } -> tensor<8x8xf32>
  return %r : tensor<8x8xf32>
}
