// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// The default chunk size (64) is not printed.
// CHECK-LABEL: func.func @plain
// CHECK:         seq.ssd %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} :
func.func @plain(%x: tensor<2x100x4x8xf32>, %dt: tensor<2x100x4xf32>,
                 %A: tensor<4xf32>, %B: tensor<2x100x1x16xf32>,
                 %C: tensor<2x100x1x16xf32>) -> tensor<2x100x4x8xf32> {
  %y, %s = seq.ssd %x, %dt, %A, %B, %C
      : (tensor<2x100x4x8xf32>, tensor<2x100x4xf32>, tensor<4xf32>,
         tensor<2x100x1x16xf32>, tensor<2x100x1x16xf32>)
      -> (tensor<2x100x4x8xf32>, tensor<2x4x8x16xf32>)
  return %y : tensor<2x100x4x8xf32>
}

// -----

// CHECK-LABEL: func.func @full
// CHECK:         seq.ssd {{.*}} D(%{{.*}}) z(%{{.*}}) dt_bias(%{{.*}}) initial_states(%{{.*}}) {chunk_size = 32 : i64, dt_softplus}
func.func @full(%x: tensor<1x77x4x8xf16>, %dt: tensor<1x77x4xf16>,
                %A: tensor<4xf32>, %B: tensor<1x77x2x16xf16>,
                %C: tensor<1x77x2x16xf16>, %D: tensor<4x8xf32>,
                %z: tensor<1x77x4x8xf16>, %bias: tensor<4xf32>,
                %s0: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  %y, %s = seq.ssd %x, %dt, %A, %B, %C D(%D) z(%z) dt_bias(%bias) initial_states(%s0)
      {chunk_size = 32 : i64, dt_softplus}
      : (tensor<1x77x4x8xf16>, tensor<1x77x4xf16>, tensor<4xf32>,
         tensor<1x77x2x16xf16>, tensor<1x77x2x16xf16>, tensor<4x8xf32>,
         tensor<1x77x4x8xf16>, tensor<4xf32>, tensor<1x4x8x16xf32>)
      -> (tensor<1x77x4x8xf16>, tensor<1x4x8x16xf32>)
  return %s : tensor<1x4x8x16xf32>
}

// -----

// D per head only.
// CHECK-LABEL: func.func @d_per_head
// CHECK:         seq.ssd {{.*}} D(%{{.*}})
func.func @d_per_head(%x: tensor<1x9x2x4xf32>, %dt: tensor<1x9x2xf32>,
                      %A: tensor<2xf32>, %B: tensor<1x9x1x8xf32>,
                      %C: tensor<1x9x1x8xf32>, %D: tensor<2xf32>)
    -> tensor<1x9x2x4xf32> {
  %y, %s = seq.ssd %x, %dt, %A, %B, %C D(%D)
      : (tensor<1x9x2x4xf32>, tensor<1x9x2xf32>, tensor<2xf32>,
         tensor<1x9x1x8xf32>, tensor<1x9x1x8xf32>, tensor<2xf32>)
      -> (tensor<1x9x2x4xf32>, tensor<1x2x4x8xf32>)
  return %y : tensor<1x9x2x4xf32>
}

// -----

// Dynamic batch and length, bf16 inputs.
// CHECK-LABEL: func.func @dynamic
// CHECK:         seq.ssd {{.*}} {chunk_size = 128 : i64}
// CHECK-SAME:      -> (tensor<?x?x8x16xbf16>, tensor<?x8x16x32xf32>)
func.func @dynamic(%x: tensor<?x?x8x16xbf16>, %dt: tensor<?x?x8xbf16>,
                   %A: tensor<8xf32>, %B: tensor<?x?x2x32xbf16>,
                   %C: tensor<?x?x2x32xbf16>) -> tensor<?x?x8x16xbf16> {
  %y, %s = seq.ssd %x, %dt, %A, %B, %C {chunk_size = 128 : i64}
      : (tensor<?x?x8x16xbf16>, tensor<?x?x8xbf16>, tensor<8xf32>,
         tensor<?x?x2x32xbf16>, tensor<?x?x2x32xbf16>)
      -> (tensor<?x?x8x16xbf16>, tensor<?x8x16x32xf32>)
  return %y : tensor<?x?x8x16xbf16>
}
