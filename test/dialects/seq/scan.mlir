// RUN: recur-opt %s -split-input-file | recur-opt -split-input-file | FileCheck %s
// RUN: recur-opt %s -split-input-file -mlir-print-op-generic | recur-opt -split-input-file | FileCheck %s

// Linear attention written as the chunked scan: the state is updated by the
// chunk's kᵀv and each chunk's output is (for brevity) its v.
// CHECK-LABEL: func.func @linear_state
// CHECK:         %{{.*}}:2 = seq.scan chunk_size = 64 ins(%{{.*}}, %{{.*}} : tensor<2x100x4x16xf32>, tensor<2x100x4x32xf32>) init(%{{.*}} : tensor<2x4x16x32xf32>) -> tensor<2x100x4x32xf32>, tensor<2x4x16x32xf32> {
// CHECK:         ^bb0(%{{.*}}: tensor<2x4x16x32xf32>, %{{.*}}: tensor<2x64x4x16xf32>, %{{.*}}: tensor<2x64x4x32xf32>):
// CHECK:           seq.yield %{{.*}}, %{{.*}} : tensor<2x4x16x32xf32>, tensor<2x64x4x32xf32>
func.func @linear_state(%k: tensor<2x100x4x16xf32>, %v: tensor<2x100x4x32xf32>,
                        %s0: tensor<2x4x16x32xf32>) -> tensor<2x4x16x32xf32> {
  %o, %s = seq.scan chunk_size = 64
      ins(%k, %v : tensor<2x100x4x16xf32>, tensor<2x100x4x32xf32>)
      init(%s0 : tensor<2x4x16x32xf32>)
      -> tensor<2x100x4x32xf32>, tensor<2x4x16x32xf32> {
  ^bb0(%state: tensor<2x4x16x32xf32>, %kc: tensor<2x64x4x16xf32>, %vc: tensor<2x64x4x32xf32>):
    seq.yield %state, %vc : tensor<2x4x16x32xf32>, tensor<2x64x4x32xf32>
  }
  return %s : tensor<2x4x16x32xf32>
}

// -----

// Two carried states, varlen offsets, dynamic time.
// CHECK-LABEL: func.func @varlen_two_states
// CHECK:         seq.scan chunk_size = 16 ins({{.*}}) init({{.*}}) offsets(%{{.*}} : tensor<4xi32>)
func.func @varlen_two_states(%x: tensor<1x?x8xf32>, %a: tensor<3x8xf32>,
                             %b: tensor<3x8xf32>, %cu: tensor<4xi32>)
    -> tensor<1x?x8xf32> {
  %y, %sa, %sb = seq.scan chunk_size = 16 ins(%x : tensor<1x?x8xf32>)
      init(%a, %b : tensor<3x8xf32>, tensor<3x8xf32>) offsets(%cu : tensor<4xi32>)
      -> tensor<1x?x8xf32>, tensor<3x8xf32>, tensor<3x8xf32> {
  ^bb0(%s1: tensor<3x8xf32>, %s2: tensor<3x8xf32>, %xc: tensor<1x16x8xf32>):
    seq.yield %s2, %s1, %xc : tensor<3x8xf32>, tensor<3x8xf32>, tensor<1x16x8xf32>
  }
  return %y : tensor<1x?x8xf32>
}

// -----

// A scan with no per-chunk output: only the final state.
// CHECK-LABEL: func.func @state_only
// CHECK:         seq.scan chunk_size = 1
func.func @state_only(%x: tensor<3x5xf32>, %s0: tensor<3xf32>) -> tensor<3xf32> {
  %s = seq.scan chunk_size = 1 ins(%x : tensor<3x5xf32>) init(%s0 : tensor<3xf32>)
      -> tensor<3xf32> {
  ^bb0(%s: tensor<3xf32>, %xc: tensor<3x1xf32>):
    seq.yield %s : tensor<3xf32>
  }
  return %s : tensor<3xf32>
}

// -----

// Softmax attention's online state (m, l, acc) as a scan over key/value
// chunks: bf16 inputs with dynamic batch, three f32 states, one output.
// CHECK-LABEL: func.func @online_softmax
// CHECK:         %{{.*}}:4 = seq.scan chunk_size = 128 ins(%{{.*}}, %{{.*}} : tensor<?x512x4x64xbf16>, tensor<?x512x4x64xbf16>) init(%{{.*}}, %{{.*}}, %{{.*}} : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4x64xf32>) -> tensor<?x512x4x1xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4x64xf32>
// CHECK:           seq.yield
func.func @online_softmax(%k: tensor<?x512x4x64xbf16>, %v: tensor<?x512x4x64xbf16>,
                          %m0: tensor<?x4xf32>, %l0: tensor<?x4xf32>,
                          %acc0: tensor<?x4x64xf32>, %lse: tensor<?x128x4x1xf32>)
    -> tensor<?x4x64xf32> {
  %o, %m, %l, %acc = seq.scan chunk_size = 128
      ins(%k, %v : tensor<?x512x4x64xbf16>, tensor<?x512x4x64xbf16>)
      init(%m0, %l0, %acc0 : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4x64xf32>)
      -> tensor<?x512x4x1xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4x64xf32> {
  ^bb0(%mi: tensor<?x4xf32>, %li: tensor<?x4xf32>, %ai: tensor<?x4x64xf32>,
       %kc: tensor<?x128x4x64xbf16>, %vc: tensor<?x128x4x64xbf16>):
    seq.yield %mi, %li, %ai, %lse
        : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4x64xf32>, tensor<?x128x4x1xf32>
  }
  return %acc : tensor<?x4x64xf32>
}
