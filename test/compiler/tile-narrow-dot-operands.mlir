// RUN: recur-opt %s -split-input-file -tile-narrow-dot-operands | FileCheck %s

// Both operands extend bf16 values, b through a transpose: the dot takes
// the bf16 values (b transposed in bf16) and keeps its f32 accumulator;
// the wide extensions and transpose, now unused, are gone.
// CHECK-LABEL: tile.func private @scores
// CHECK-SAME:    (%[[Q:.+]]: tensor<64x32xbf16>, %[[K:.+]]: tensor<64x32xbf16>
// CHECK-NOT:     extf
// CHECK:         %[[KT:.+]] = trans %[[K]] order = [1, 0] : tensor<64x32xbf16> -> tensor<32x64xbf16>
// CHECK:         dot %[[Q]], %[[KT]], %{{.+}} : tensor<64x32xbf16> * tensor<32x64xbf16> -> tensor<64x64xf32>
tile.func private @scores(%q: tensor<64x32xbf16>, %k: tensor<64x32xbf16>,
                          %acc: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %qf = arith.extf %q : tensor<64x32xbf16> to tensor<64x32xf32>
  %kf = arith.extf %k : tensor<64x32xbf16> to tensor<64x32xf32>
  %kt = tile.trans %kf order = [1, 0] : tensor<64x32xf32> -> tensor<32x64xf32>
  %s = tile.dot %qf, %kt, %acc : tensor<64x32xf32> * tensor<32x64xf32> -> tensor<64x64xf32>
  tile.return %s : tensor<64x64xf32>
}

// -----

// f16 without transposes; the extensions stay for their other users.
// CHECK-LABEL: tile.func private @f16
// CHECK-SAME:    (%[[A:.+]]: tensor<16x16xf16>, %[[B:.+]]: tensor<16x8xf16>
// CHECK:         %[[AF:.+]] = arith.extf %[[A]]
// CHECK-NOT:     arith.extf %[[B]]
// CHECK:         %[[D:.+]] = dot %[[A]], %[[B]], %{{.+}} : tensor<16x16xf16> * tensor<16x8xf16> -> tensor<16x8xf32>
// CHECK:         return %[[D]], %[[AF]]
tile.func private @f16(%a: tensor<16x16xf16>, %b: tensor<16x8xf16>,
                       %acc: tensor<16x8xf32>) -> (tensor<16x8xf32>, tensor<16x16xf32>) {
  %af = arith.extf %a : tensor<16x16xf16> to tensor<16x16xf32>
  %bf = arith.extf %b : tensor<16x8xf16> to tensor<16x8xf32>
  %d = tile.dot %af, %bf, %acc : tensor<16x16xf32> * tensor<16x8xf32> -> tensor<16x8xf32>
  tile.return %d, %af : tensor<16x8xf32>, tensor<16x16xf32>
}

// -----

// Left alone: one operand computed in f32 (its rounding would change), f16
// against bf16, and an f64 accumulator fed from f32.
// CHECK-LABEL: tile.func private @unchanged
// CHECK:         dot %{{.+}}, %{{.+}}, %{{.+}} : tensor<16x16xf32> * tensor<16x16xf32> -> tensor<16x16xf32>
// CHECK:         dot %{{.+}}, %{{.+}}, %{{.+}} : tensor<16x16xf32> * tensor<16x16xf32> -> tensor<16x16xf32>
// CHECK:         dot %{{.+}}, %{{.+}}, %{{.+}} : tensor<16x16xf64> * tensor<16x16xf64> -> tensor<16x16xf64>
// CHECK-NOT:     dot
tile.func private @unchanged(%x: tensor<16x16xbf16>, %y: tensor<16x16xf16>,
                             %acc: tensor<16x16xf32>, %acc64: tensor<16x16xf64>) {
  %xf = arith.extf %x : tensor<16x16xbf16> to tensor<16x16xf32>
  %yf = arith.extf %y : tensor<16x16xf16> to tensor<16x16xf32>
  %scaled = arith.mulf %xf, %xf : tensor<16x16xf32>
  %0 = tile.dot %scaled, %xf, %acc : tensor<16x16xf32> * tensor<16x16xf32> -> tensor<16x16xf32>
  %1 = tile.dot %xf, %yf, %acc : tensor<16x16xf32> * tensor<16x16xf32> -> tensor<16x16xf32>
  %x64 = arith.extf %x : tensor<16x16xbf16> to tensor<16x16xf64>
  %2 = tile.dot %x64, %x64, %acc64 : tensor<16x16xf64> * tensor<16x16xf64> -> tensor<16x16xf64>
  tile.return
}
