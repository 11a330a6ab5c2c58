// RUN: recur-opt %s -split-input-file -convert-tile-to-cpu | FileCheck %s

// A matmul whose rows do not divide into register blocks: a linalg.generic
// whose loops run (m, k, n), the innermost walking rows of b and of the
// accumulator, which the loop vectoriser turns into broadcast-FMAs.
// CHECK-DAG:   #[[MAP_A:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG:   #[[MAP_B:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG:   #[[MAP_C:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func private @dot_f32
// CHECK-SAME:    (%[[A:[a-z0-9_]+]]: tensor<6x8xf32>, %[[B:[a-z0-9_]+]]: tensor<8x32xf32>, %[[C:[a-z0-9_]+]]: tensor<6x32xf32>
// Each product-accumulate is one fused multiply-add.
// CHECK:         %[[D:.*]] = linalg.generic {indexing_maps = [#[[MAP_A]], #[[MAP_B]], #[[MAP_C]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[A]], %[[B]] : tensor<6x8xf32>, tensor<8x32xf32>) outs(%[[C]] : tensor<6x32xf32>)
// CHECK:           ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT:        %[[S:.*]] = math.fma %[[X]], %[[Y]], %[[ACC]] : f32
// CHECK-NEXT:        linalg.yield %[[S]]
// CHECK:         return %[[D]]
tile.func private @dot_f32(%a: tensor<6x8xf32>, %b: tensor<8x32xf32>, %c: tensor<6x32xf32>)
    -> tensor<6x32xf32> {
  %d = tile.dot %a, %b, %c : tensor<6x8xf32> * tensor<8x32xf32> -> tensor<6x32xf32>
  tile.return %d : tensor<6x32xf32>
}

// -----

// Float tiles whose rows divide by 4 and columns by a 64-byte vector run as
// register blocks: 4 rows x 2 vectors of the accumulator stay in registers
// through the k loop, each row of b loaded once per block feeds 4 FMAs.
// CHECK-LABEL: func.func private @dot_blocked
// CHECK-SAME:    (%[[A:[a-z0-9_]+]]: tensor<8x4xf32>, %[[B:[a-z0-9_]+]]: tensor<4x64xf32>, %[[C:[a-z0-9_]+]]: tensor<8x64xf32>
// CHECK:         scf.for %[[M:[a-z0-9_]+]] = %{{.*}} to %{{.*}} step %c4 iter_args(%{{.*}} = %[[C]]) -> (tensor<8x64xf32>)
// CHECK:           scf.for %[[N:[a-z0-9_]+]] = %{{.*}} to %{{.*}} step %c32 iter_args(%[[ACC:.*]] = %{{.*}}) -> (tensor<8x64xf32>)
// CHECK-COUNT-8:     vector.transfer_read %[[ACC]]
// CHECK:             %[[K:.*]]:8 = scf.for %[[KK:[a-z0-9_]+]] = {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK-COUNT-2:       vector.transfer_read %[[B]][%[[KK]], %{{.*}}]
// CHECK:               tensor.extract %[[A]][%{{.*}}, %[[KK]]] : tensor<8x4xf32>
// CHECK:               vector.broadcast %{{.*}} : f32 to vector<16xf32>
// CHECK-COUNT-2:       vector.fma
// CHECK-COUNT-8:     vector.transfer_write %[[K]]#
tile.func private @dot_blocked(%a: tensor<8x4xf32>, %b: tensor<4x64xf32>, %c: tensor<8x64xf32>)
    -> tensor<8x64xf32> {
  %d = tile.dot %a, %b, %c : tensor<8x4xf32> * tensor<4x64xf32> -> tensor<8x64xf32>
  tile.return %d : tensor<8x64xf32>
}

// -----

// f16 operands are extended to the f32 accumulator first; sizes below 16.
// CHECK-LABEL: func.func private @dot_f16
// CHECK-SAME:    (%[[X:[a-z0-9_]+]]: tensor<3x5xf16>, %[[Y:[a-z0-9_]+]]: tensor<5x7xf16>, %[[C:[a-z0-9_]+]]: tensor<3x7xf32>
// CHECK-NEXT:    %[[A:.*]] = arith.extf %[[X]] : tensor<3x5xf16> to tensor<3x5xf32>
// CHECK-NEXT:    %[[B:.*]] = arith.extf %[[Y]] : tensor<5x7xf16> to tensor<5x7xf32>
// CHECK-NEXT:    linalg.generic {{.*}} ins(%[[A]], %[[B]] : tensor<3x5xf32>, tensor<5x7xf32>) outs(%[[C]] : tensor<3x7xf32>)
tile.func private @dot_f16(%a: tensor<3x5xf16>, %b: tensor<5x7xf16>, %c: tensor<3x7xf32>)
    -> tensor<3x7xf32> {
  %d = tile.dot %a, %b, %c : tensor<3x5xf16> * tensor<5x7xf16> -> tensor<3x7xf32>
  tile.return %d : tensor<3x7xf32>
}

// -----

// Integers are sign-extended to the i32 accumulator; a 1x1x1 product.
// CHECK-LABEL: func.func private @dot_i8
// CHECK-SAME:    (%[[A:[a-z0-9_]+]]: tensor<1x1xi8>, %[[B:[a-z0-9_]+]]: tensor<1x1xi8>, %[[C:[a-z0-9_]+]]: tensor<1x1xi32>
// CHECK-NEXT:    %[[A32:.*]] = arith.extsi %[[A]] : tensor<1x1xi8> to tensor<1x1xi32>
// CHECK-NEXT:    %[[B32:.*]] = arith.extsi %[[B]] : tensor<1x1xi8> to tensor<1x1xi32>
// CHECK-NEXT:    %[[D:.*]] = linalg.generic {{.*}} ins(%[[A32]], %[[B32]] : tensor<1x1xi32>, tensor<1x1xi32>) outs(%[[C]] : tensor<1x1xi32>)
// CHECK:           arith.muli
// CHECK:           arith.addi
// CHECK:         return %[[D]]
tile.func private @dot_i8(%a: tensor<1x1xi8>, %b: tensor<1x1xi8>, %c: tensor<1x1xi32>) -> tensor<1x1xi32> {
  %d = tile.dot %a, %b, %c : tensor<1x1xi8> * tensor<1x1xi8> -> tensor<1x1xi32>
  tile.return %d : tensor<1x1xi32>
}

// -----

// The tf32 hint does not change CPU code: products stay IEEE f32.
// CHECK-LABEL: func.func private @dot_tf32
// CHECK-NOT:     arith.truncf
// CHECK:         linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<4x4xf32>, tensor<4x4xf32>)
tile.func private @dot_tf32(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %d = tile.dot %x, %x, %x {inputPrecision = #tile.precision<tf32>} : tensor<4x4xf32> * tensor<4x4xf32> -> tensor<4x4xf32>
  tile.return %d : tensor<4x4xf32>
}

// -----

// bf16 operands extend to f32 like f16; f32 operands to an f64 accumulator.
// CHECK-LABEL: func.func private @dot_bf16_f64
// CHECK:         arith.extf %{{.*}} : tensor<2x4xbf16> to tensor<2x4xf32>
// CHECK:         arith.extf %{{.*}} : tensor<4x2xbf16> to tensor<4x2xf32>
// CHECK:         linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<2x4xf32>, tensor<4x2xf32>) outs(%{{.*}} : tensor<2x2xf32>)
// CHECK:         arith.extf %{{.*}} : tensor<2x4xf32> to tensor<2x4xf64>
// CHECK:         arith.extf %{{.*}} : tensor<4x2xf32> to tensor<4x2xf64>
// CHECK:         linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<2x4xf64>, tensor<4x2xf64>) outs(%{{.*}} : tensor<2x2xf64>)
tile.func private @dot_bf16_f64(%a: tensor<2x4xbf16>, %b: tensor<4x2xbf16>, %c: tensor<2x2xf32>,
                                %x: tensor<2x4xf32>, %y: tensor<4x2xf32>, %z: tensor<2x2xf64>)
    -> (tensor<2x2xf32>, tensor<2x2xf64>) {
  %d = tile.dot %a, %b, %c : tensor<2x4xbf16> * tensor<4x2xbf16> -> tensor<2x2xf32>
  %e = tile.dot %x, %y, %z : tensor<2x4xf32> * tensor<4x2xf32> -> tensor<2x2xf64>
  tile.return %d, %e : tensor<2x2xf32>, tensor<2x2xf64>
}
