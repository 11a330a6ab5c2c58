// RUN: recur-opt %s -split-input-file -convert-tile-to-cpu | FileCheck %s

// addptr scales element offsets by the pointee size: ptr + sext(off) * size.
// CHECK-LABEL: func.func private @addptr_scalar
// CHECK-SAME:    (%[[P:[a-z0-9_]+]]: i64, %[[O:[a-z0-9_]+]]: i32,
// CHECK:         %[[O64:.*]] = arith.extsi %[[O]] : i32 to i64
// CHECK:         %[[FOUR:.*]] = arith.constant 4 : i64
// CHECK:         %[[BYTES:.*]] = arith.muli %[[O64]], %[[FOUR]] : i64
// CHECK:         arith.addi %[[P]], %[[BYTES]] : i64
tile.func private @addptr_scalar(%p: !tile.ptr<f32>, %o: i32) -> !tile.ptr<f32> {
  %a = tile.addptr %p, %o : !tile.ptr<f32>, i32
  tile.return %a : !tile.ptr<f32>
}

// -----

// Tensor offsets: one sign extension, a splat of the pointee size, a
// multiply and an add per addptr. f16 is 2 bytes, i8 1, f64 8, and a
// pointer to a pointer steps over 8-byte addresses.
// CHECK-LABEL: func.func private @addptr_sizes
// CHECK-SAME:    (%[[H:[a-z0-9_]+]]: tensor<8xi64>, %[[B:[a-z0-9_]+]]: tensor<8xi64>, %[[D:[a-z0-9_]+]]: tensor<8xi64>, %[[PP:[a-z0-9_]+]]: tensor<8xi64>, %[[O:[a-z0-9_]+]]: tensor<8xi32>,
// CHECK-NEXT:    %[[O1:.*]] = arith.extsi %[[O]] : tensor<8xi32> to tensor<8xi64>
// CHECK-NEXT:    %[[S1:.*]] = arith.constant dense<2> : tensor<8xi64>
// CHECK-NEXT:    %[[M1:.*]] = arith.muli %[[O1]], %[[S1]] : tensor<8xi64>
// CHECK-NEXT:    %[[A1:.*]] = arith.addi %[[H]], %[[M1]] : tensor<8xi64>
// CHECK-NEXT:    %[[O2:.*]] = arith.extsi %[[O]] : tensor<8xi32> to tensor<8xi64>
// CHECK-NEXT:    %[[S2:.*]] = arith.constant dense<1> : tensor<8xi64>
// CHECK-NEXT:    %[[M2:.*]] = arith.muli %[[O2]], %[[S2]] : tensor<8xi64>
// CHECK-NEXT:    %[[A2:.*]] = arith.addi %[[B]], %[[M2]] : tensor<8xi64>
// CHECK-NEXT:    %[[O3:.*]] = arith.extsi %[[O]] : tensor<8xi32> to tensor<8xi64>
// CHECK-NEXT:    %[[S3:.*]] = arith.constant dense<8> : tensor<8xi64>
// CHECK-NEXT:    %[[M3:.*]] = arith.muli %[[O3]], %[[S3]] : tensor<8xi64>
// CHECK-NEXT:    %[[A3:.*]] = arith.addi %[[D]], %[[M3]] : tensor<8xi64>
// CHECK-NEXT:    %[[O4:.*]] = arith.extsi %[[O]] : tensor<8xi32> to tensor<8xi64>
// CHECK-NEXT:    %[[S4:.*]] = arith.constant dense<8> : tensor<8xi64>
// CHECK-NEXT:    %[[M4:.*]] = arith.muli %[[O4]], %[[S4]] : tensor<8xi64>
// CHECK-NEXT:    %[[A4:.*]] = arith.addi %[[PP]], %[[M4]] : tensor<8xi64>
// CHECK-NEXT:    return %[[A1]], %[[A2]], %[[A3]], %[[A4]]
tile.func private @addptr_sizes(%h: tensor<8x!tile.ptr<f16>>, %b: tensor<8x!tile.ptr<i8>>,
                                %d: tensor<8x!tile.ptr<f64>>,
                                %pp: tensor<8x!tile.ptr<!tile.ptr<f32>>>, %o: tensor<8xi32>)
    -> (tensor<8x!tile.ptr<f16>>, tensor<8x!tile.ptr<i8>>, tensor<8x!tile.ptr<f64>>,
        tensor<8x!tile.ptr<!tile.ptr<f32>>>) {
  %a1 = tile.addptr %h, %o : tensor<8x!tile.ptr<f16>>, tensor<8xi32>
  %a2 = tile.addptr %b, %o : tensor<8x!tile.ptr<i8>>, tensor<8xi32>
  %a3 = tile.addptr %d, %o : tensor<8x!tile.ptr<f64>>, tensor<8xi32>
  %a4 = tile.addptr %pp, %o : tensor<8x!tile.ptr<!tile.ptr<f32>>>, tensor<8xi32>
  tile.return %a1, %a2, %a3, %a4 : tensor<8x!tile.ptr<f16>>, tensor<8x!tile.ptr<i8>>,
      tensor<8x!tile.ptr<f64>>, tensor<8x!tile.ptr<!tile.ptr<f32>>>
}

// -----

// i64 offsets need no extension.
// CHECK-LABEL: func.func private @addptr_i64
// CHECK-SAME:    (%[[P:[a-z0-9_]+]]: i64, %[[O:[a-z0-9_]+]]: i64,
// CHECK-NEXT:    %[[FOUR:.*]] = arith.constant 4 : i64
// CHECK-NEXT:    %[[BYTES:.*]] = arith.muli %[[O]], %[[FOUR]] : i64
// CHECK-NEXT:    %[[R:.*]] = arith.addi %[[P]], %[[BYTES]] : i64
// CHECK-NEXT:    return %[[R]] : i64
tile.func private @addptr_i64(%p: !tile.ptr<f32>, %o: i64) -> !tile.ptr<f32> {
  %a = tile.addptr %p, %o : !tile.ptr<f32>, i64
  tile.return %a : !tile.ptr<f32>
}

// -----

// f32 tiles step 4 bytes per element; i64 tensor offsets are used as they
// are; bf16 steps 2 bytes.
// CHECK-LABEL: func.func private @addptr_tensor_f32
// CHECK-SAME:    (%[[P:[a-z0-9_]+]]: tensor<16xi64>, %[[O:[a-z0-9_]+]]: tensor<16xi32>, %[[Q:[a-z0-9_]+]]: tensor<4xi64>, %[[W:[a-z0-9_]+]]: tensor<4xi64>,
// CHECK-NEXT:    %[[O64:.*]] = arith.extsi %[[O]] : tensor<16xi32> to tensor<16xi64>
// CHECK-NEXT:    %[[FOUR:.*]] = arith.constant dense<4> : tensor<16xi64>
// CHECK-NEXT:    %[[BYTES:.*]] = arith.muli %[[O64]], %[[FOUR]] : tensor<16xi64>
// CHECK-NEXT:    %[[A:.*]] = arith.addi %[[P]], %[[BYTES]] : tensor<16xi64>
// CHECK-NEXT:    %[[TWO:.*]] = arith.constant dense<2> : tensor<4xi64>
// CHECK-NEXT:    %[[WB:.*]] = arith.muli %[[W]], %[[TWO]] : tensor<4xi64>
// CHECK-NEXT:    %[[B:.*]] = arith.addi %[[Q]], %[[WB]] : tensor<4xi64>
// CHECK-NEXT:    return %[[A]], %[[B]]
tile.func private @addptr_tensor_f32(%p: tensor<16x!tile.ptr<f32>>, %o: tensor<16xi32>,
                                     %q: tensor<4x!tile.ptr<bf16>>, %w: tensor<4xi64>)
    -> (tensor<16x!tile.ptr<f32>>, tensor<4x!tile.ptr<bf16>>) {
  %a = tile.addptr %p, %o : tensor<16x!tile.ptr<f32>>, tensor<16xi32>
  %b = tile.addptr %q, %w : tensor<4x!tile.ptr<bf16>>, tensor<4xi64>
  tile.return %a, %b : tensor<16x!tile.ptr<f32>>, tensor<4x!tile.ptr<bf16>>
}

// -----

// An i1 offset counts 0 or 1 elements: zero-extended, not sign-extended.
// CHECK-LABEL: func.func private @addptr_i1
// CHECK-SAME:    (%[[P:[a-z0-9_]+]]: i64, %[[O:[a-z0-9_]+]]: i1,
// CHECK-NEXT:    %[[O64:.*]] = arith.extui %[[O]] : i1 to i64
// CHECK-NEXT:    %[[FOUR:.*]] = arith.constant 4 : i64
// CHECK-NEXT:    %[[BYTES:.*]] = arith.muli %[[O64]], %[[FOUR]] : i64
// CHECK-NEXT:    arith.addi %[[P]], %[[BYTES]] : i64
tile.func private @addptr_i1(%p: !tile.ptr<f32>, %o: i1) -> !tile.ptr<f32> {
  %a = tile.addptr %p, %o : !tile.ptr<f32>, i1
  tile.return %a : !tile.ptr<f32>
}

// -----

// A masked tile load is a masked gather, 16 lanes at a time; the i1 mask is
// read as bytes, and masked-off lanes take `other`.
// CHECK-LABEL: func.func private @load_masked
// CHECK-SAME:    (%[[P:[a-z0-9_]+]]: tensor<32xi64>, %[[M:[a-z0-9_]+]]: tensor<32xi1>, %[[O:[a-z0-9_]+]]: tensor<32xf16>,
// CHECK:         %[[MB:.*]] = arith.extui %[[M]] : tensor<32xi1> to tensor<32xi8>
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (tensor<32xf16>)
// CHECK:           %[[A:.*]] = vector.transfer_read %[[P]][%[[I]]]{{.*}} : tensor<32xi64>, vector<16xi64>
// CHECK:           %[[PTRS:.*]] = llvm.inttoptr %[[A]] : vector<16xi64> to vector<16x!llvm.ptr>
// CHECK:           %[[B:.*]] = vector.transfer_read %[[MB]][%[[I]]]{{.*}} : tensor<32xi8>, vector<16xi8>
// CHECK:           %[[LANES:.*]] = arith.cmpi ne, %[[B]], %{{.*}} : vector<16xi8>
// CHECK:           %[[PASS:.*]] = vector.transfer_read %[[O]][%[[I]]]{{.*}} : tensor<32xf16>, vector<16xf16>
// CHECK:           %[[V:.*]] = llvm.intr.masked.gather %[[PTRS]], %[[LANES]], %[[PASS]] {alignment = 2 : i32}
// CHECK:           vector.transfer_write %[[V]], %[[ACC]][%[[I]]]
tile.func private @load_masked(%p: tensor<32x!tile.ptr<f16>>, %m: tensor<32xi1>,
                               %o: tensor<32xf16>) -> tensor<32xf16> {
  %v = tile.load %p, %m, %o : tensor<32x!tile.ptr<f16>>
  tile.return %v : tensor<32xf16>
}

// -----

// Without a mask every lane loads; without `other` masked lanes read zero.
// 2-D tiles are walked flat; 24 lanes go 8 at a time.
// CHECK-LABEL: func.func private @load_unmasked_2d
// CHECK:         tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<3x8xi64> into tensor<24xi64>
// CHECK:         arith.constant dense<true> : vector<8xi1>
// CHECK:         arith.constant dense<0.000000e+00> : vector<8xf32>
// CHECK:         llvm.intr.masked.gather
// CHECK:         tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [3, 8] : tensor<24xf32> into tensor<3x8xf32>
tile.func private @load_unmasked_2d(%p: tensor<3x8x!tile.ptr<f32>>) -> tensor<3x8xf32> {
  %v = tile.load %p : tensor<3x8x!tile.ptr<f32>>
  tile.return %v : tensor<3x8xf32>
}

// -----

// Scalar and volatile loads go lane by lane; a masked scalar load yields
// zero when the mask is off.
// CHECK-LABEL: func.func private @load_scalar
// CHECK:         %[[PTR:.*]] = llvm.inttoptr %{{.*}} : i64 to !llvm.ptr
// CHECK:         llvm.load %[[PTR]] : !llvm.ptr -> f64
// CHECK:         scf.if %{{.*}} -> (f64) {
// CHECK:           llvm.load
// CHECK:         } else {
// CHECK:           arith.constant 0.000000e+00 : f64
tile.func private @load_scalar(%p: !tile.ptr<f64>, %m: i1) -> (f64, f64) {
  %a = tile.load %p : !tile.ptr<f64>
  %b = tile.load %p, %m : !tile.ptr<f64>
  tile.return %a, %b : f64, f64
}

// -----

// CHECK-LABEL: func.func private @load_volatile
// CHECK-NOT:     masked.gather
// CHECK:         scf.for
// CHECK:           llvm.load volatile %{{.*}} : !llvm.ptr -> i32
// CHECK:           tensor.insert
tile.func private @load_volatile(%p: tensor<4x!tile.ptr<i32>>) -> tensor<4xi32> {
  %v = tile.load %p {isVolatile} : tensor<4x!tile.ptr<i32>>
  tile.return %v : tensor<4xi32>
}

// -----

// A pointer tile of unknown layout is stored with a masked scatter.
// CHECK-LABEL: func.func private @store_masked
// CHECK:         scf.for
// CHECK:           llvm.inttoptr %{{.*}} : vector<16xi64> to vector<16x!llvm.ptr>
// CHECK:           arith.cmpi ne
// CHECK:           %[[V:.*]] = vector.transfer_read %{{.*}} : tensor<64xf32>, vector<16xf32>
// CHECK:           llvm.intr.masked.scatter %[[V]], %{{.*}}, %{{.*}} {alignment = 4 : i32}
tile.func private @store_masked(%pp: tensor<64x!tile.ptr<f32>>, %x: f32, %n: i32) {
  %r = tile.make_range 0, 64 : tensor<64xi32>
  %ns = tile.splat %n : tensor<64xi32>
  %m = arith.cmpi slt, %r, %ns : tensor<64xi32>
  %v = tile.splat %x : tensor<64xf32>
  tile.store %pp, %v, %m : tensor<64x!tile.ptr<f32>>
  tile.return
}

// -----

// i1 tiles are one byte per element in memory, so they are stored lane by
// lane; so is a scalar store.
// CHECK-LABEL: func.func @store_bools
// CHECK:         scf.for
// CHECK:           llvm.store %{{.*}}, %{{.*}} : i1, !llvm.ptr
// CHECK:         llvm.store %{{.*}}, %{{.*}} : i32, !llvm.ptr
tile.func @store_bools(%p: !tile.ptr<i1>, %q: !tile.ptr<i32>, %c: i32) {
  %ps = tile.splat %p : tensor<8x!tile.ptr<i1>>
  %t = arith.constant dense<true> : tensor<8xi1>
  tile.store %ps, %t : tensor<8x!tile.ptr<i1>>
  tile.store %q, %c : !tile.ptr<i32>
  tile.return
}

// -----

// Atomics go lane by lane; masked-off lanes do not touch memory and return
// zero. Every scope is the whole process on the CPU; relaxed is monotonic.
// CHECK-LABEL: func.func private @atomics
// CHECK-SAME:    (%[[P:[a-z0-9_]+]]: tensor<4xi64>, %[[V:[a-z0-9_]+]]: tensor<4xf32>, %[[M:[a-z0-9_]+]]: tensor<4xi1>, %[[Q:[a-z0-9_]+]]: i64, %[[I:[a-z0-9_]+]]: i32,
// CHECK:         %[[T:.*]] = scf.for %[[K:[a-z0-9_]+]] = {{.*}} iter_args(%[[ACC:[a-z0-9_]+]] = %{{.*}}) -> (tensor<4xf32>)
// CHECK-NEXT:      %[[LANE:.*]] = tensor.extract %[[M]][%[[K]]] : tensor<4xi1>
// CHECK-NEXT:      %[[OLD:.*]] = scf.if %[[LANE]] -> (f32) {
// CHECK-NEXT:        %[[A:.*]] = tensor.extract %[[P]][%[[K]]] : tensor<4xi64>
// CHECK-NEXT:        %[[X:.*]] = tensor.extract %[[V]][%[[K]]] : tensor<4xf32>
// CHECK-NEXT:        %[[PTR:.*]] = llvm.inttoptr %[[A]] : i64 to !llvm.ptr
// CHECK-NEXT:        %[[R:.*]] = llvm.atomicrmw fadd %[[PTR]], %[[X]] acq_rel : !llvm.ptr, f32
// CHECK-NEXT:        scf.yield %[[R]] : f32
// CHECK-NEXT:      } else {
// CHECK-NEXT:        %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:        scf.yield %[[Z]] : f32
// CHECK-NEXT:      }
// CHECK-NEXT:      %[[INS:.*]] = tensor.insert %[[OLD]] into %[[ACC]][%[[K]]] : tensor<4xf32>
// CHECK-NEXT:      scf.yield %[[INS]] : tensor<4xf32>
// CHECK:         %[[QP:.*]] = llvm.inttoptr %[[Q]] : i64 to !llvm.ptr
// CHECK-NEXT:    %[[B:.*]] = llvm.atomicrmw add %[[QP]], %[[I]] monotonic : !llvm.ptr, i32
// CHECK:         %[[C:.*]] = llvm.atomicrmw _and %{{.*}}, %[[I]] acquire : !llvm.ptr, i32
// CHECK:         return %[[T]], %[[B]], %[[C]]
tile.func private @atomics(%p: tensor<4x!tile.ptr<f32>>, %v: tensor<4xf32>, %m: tensor<4xi1>,
                           %q: !tile.ptr<i32>, %i: i32) -> (tensor<4xf32>, i32, i32) {
  %a = tile.atomic_rmw fadd, acq_rel, gpu, %p, %v, %m : tensor<4x!tile.ptr<f32>>
  %b = tile.atomic_rmw add, relaxed, gpu, %q, %i : !tile.ptr<i32>
  %c = tile.atomic_rmw and, acquire, sys, %q, %i : !tile.ptr<i32>
  tile.return %a, %b, %c : tensor<4xf32>, i32, i32
}

// -----

// A masked scalar atomic runs under scf.if and yields zero otherwise.
// CHECK-LABEL: func.func private @atomic_scalar_masked
// CHECK-SAME:    (%[[P:[a-z0-9_]+]]: i64, %[[V:[a-z0-9_]+]]: i32, %[[M:[a-z0-9_]+]]: i1,
// CHECK-NEXT:    %[[R:.*]] = scf.if %[[M]] -> (i32) {
// CHECK-NEXT:      %[[PTR:.*]] = llvm.inttoptr %[[P]] : i64 to !llvm.ptr
// CHECK-NEXT:      %[[OLD:.*]] = llvm.atomicrmw max %[[PTR]], %[[V]] release : !llvm.ptr, i32
// CHECK-NEXT:      scf.yield %[[OLD]] : i32
// CHECK-NEXT:    } else {
// CHECK-NEXT:      %[[Z:.*]] = arith.constant 0 : i32
// CHECK-NEXT:      scf.yield %[[Z]] : i32
// CHECK-NEXT:    }
// CHECK-NEXT:    return %[[R]] : i32
tile.func private @atomic_scalar_masked(%p: !tile.ptr<i32>, %v: i32, %m: i1) -> i32 {
  %a = tile.atomic_rmw max, release, gpu, %p, %v, %m : !tile.ptr<i32>
  tile.return %a : i32
}

// -----

// A masked tile load without `other` passes zeros through masked-off lanes;
// f64 lanes are 8-byte aligned.
// CHECK-LABEL: func.func private @load_masked_zero
// CHECK-SAME:    (%[[P:[a-z0-9_]+]]: tensor<8xi64>, %[[M:[a-z0-9_]+]]: tensor<8xi1>,
// CHECK:         %[[MB:.*]] = arith.extui %[[M]] : tensor<8xi1> to tensor<8xi8>
// CHECK:         scf.for %[[I:[a-z0-9_]+]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:[a-z0-9_]+]] = %{{.*}}) -> (tensor<8xf64>)
// CHECK:           %[[A:.*]] = vector.transfer_read %[[P]][%[[I]]]{{.*}} : tensor<8xi64>, vector<8xi64>
// CHECK-NEXT:      %[[PTRS:.*]] = llvm.inttoptr %[[A]] : vector<8xi64> to vector<8x!llvm.ptr>
// CHECK:           %[[B:.*]] = vector.transfer_read %[[MB]][%[[I]]]{{.*}} : tensor<8xi8>, vector<8xi8>
// CHECK:           %[[LANES:.*]] = arith.cmpi ne, %[[B]], %{{.*}} : vector<8xi8>
// CHECK-NEXT:      %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<8xf64>
// CHECK-NEXT:      %[[V:.*]] = llvm.intr.masked.gather %[[PTRS]], %[[LANES]], %[[ZERO]] {alignment = 8 : i32} : (vector<8x!llvm.ptr>, vector<8xi1>, vector<8xf64>) -> vector<8xf64>
// CHECK-NEXT:      vector.transfer_write %[[V]], %[[ACC]][%[[I]]]
tile.func private @load_masked_zero(%p: tensor<8x!tile.ptr<f64>>, %m: tensor<8xi1>) -> tensor<8xf64> {
  %v = tile.load %p, %m : tensor<8x!tile.ptr<f64>>
  tile.return %v : tensor<8xf64>
}

// -----

// Loading a tile of pointers gathers 8-byte addresses.
// CHECK-LABEL: func.func private @load_pointers
// CHECK-SAME:    -> tensor<4xi64>
// CHECK:         llvm.intr.masked.gather %{{.*}}, %{{.*}}, %{{.*}} {alignment = 8 : i32} : (vector<4x!llvm.ptr>, vector<4xi1>, vector<4xi64>) -> vector<4xi64>
tile.func private @load_pointers(%p: tensor<4x!tile.ptr<!tile.ptr<f32>>>) -> tensor<4x!tile.ptr<f32>> {
  %v = tile.load %p : tensor<4x!tile.ptr<!tile.ptr<f32>>>
  tile.return %v : tensor<4x!tile.ptr<f32>>
}

// -----

// i1 tiles load lane by lane too, with false in masked-off lanes.
// CHECK-LABEL: func.func private @load_bools
// CHECK-SAME:    (%[[P:[a-z0-9_]+]]: tensor<4xi64>, %[[M:[a-z0-9_]+]]: tensor<4xi1>,
// CHECK-NOT:     masked.gather
// CHECK:         scf.for %[[I:[a-z0-9_]+]] = {{.*}} -> (tensor<4xi1>)
// CHECK-NEXT:      %[[LANE:.*]] = tensor.extract %[[M]][%[[I]]] : tensor<4xi1>
// CHECK-NEXT:      scf.if %[[LANE]] -> (i1) {
// CHECK-NEXT:        %[[A:.*]] = tensor.extract %[[P]][%[[I]]] : tensor<4xi64>
// CHECK-NEXT:        %[[PTR:.*]] = llvm.inttoptr %[[A]] : i64 to !llvm.ptr
// CHECK-NEXT:        %[[V:.*]] = llvm.load %[[PTR]] : !llvm.ptr -> i1
// CHECK-NEXT:        scf.yield %[[V]] : i1
// CHECK-NEXT:      } else {
// CHECK-NEXT:        %[[F:.*]] = arith.constant false
// CHECK-NEXT:        scf.yield %[[F]] : i1
tile.func private @load_bools(%p: tensor<4x!tile.ptr<i1>>, %m: tensor<4xi1>) -> tensor<4xi1> {
  %v = tile.load %p, %m : tensor<4x!tile.ptr<i1>>
  tile.return %v : tensor<4xi1>
}

// -----

// An unmasked store of a pointer tile of unknown layout scatters with an
// all-true mask; 2-D tiles are walked flat.
// CHECK-LABEL: func.func private @store_unmasked
// CHECK-SAME:    (%[[P:[a-z0-9_]+]]: tensor<2x4xi64>, %[[V:[a-z0-9_]+]]: tensor<2x4xi16>,
// CHECK:         %[[FP:.*]] = tensor.collapse_shape %[[P]] {{\[\[}}0, 1]] : tensor<2x4xi64> into tensor<8xi64>
// CHECK:         %[[FV:.*]] = tensor.collapse_shape %[[V]] {{\[\[}}0, 1]] : tensor<2x4xi16> into tensor<8xi16>
// CHECK:         scf.for %[[I:[a-z0-9_]+]] =
// CHECK:           %[[A:.*]] = vector.transfer_read %[[FP]][%[[I]]]{{.*}} : tensor<8xi64>, vector<8xi64>
// CHECK-NEXT:      %[[PTRS:.*]] = llvm.inttoptr %[[A]] : vector<8xi64> to vector<8x!llvm.ptr>
// CHECK-NEXT:      %[[ALL:.*]] = arith.constant dense<true> : vector<8xi1>
// CHECK:           %[[X:.*]] = vector.transfer_read %[[FV]][%[[I]]]{{.*}} : tensor<8xi16>, vector<8xi16>
// CHECK-NEXT:      llvm.intr.masked.scatter %[[X]], %[[PTRS]], %[[ALL]] {alignment = 2 : i32} : vector<8xi16>, vector<8xi1> into vector<8x!llvm.ptr>
tile.func private @store_unmasked(%p: tensor<2x4x!tile.ptr<i16>>, %v: tensor<2x4xi16>) {
  tile.store %p, %v : tensor<2x4x!tile.ptr<i16>>
  tile.return
}

// -----

// A masked scalar store is a store under scf.if.
// CHECK-LABEL: func.func private @store_scalar_masked
// CHECK-SAME:    (%[[P:[a-z0-9_]+]]: i64, %[[V:[a-z0-9_]+]]: f16, %[[M:[a-z0-9_]+]]: i1,
// CHECK:         scf.if %[[M]] {
// CHECK-NEXT:      %[[PTR:.*]] = llvm.inttoptr %[[P]] : i64 to !llvm.ptr
// CHECK-NEXT:      llvm.store %[[V]], %[[PTR]] : f16, !llvm.ptr
// CHECK-NEXT:    }
tile.func private @store_scalar_masked(%p: !tile.ptr<f16>, %v: f16, %m: i1) {
  tile.store %p, %v, %m : !tile.ptr<f16>
  tile.return
}

// -----

// splat(base) + make_range is unit-stride: each 16-lane vector is one masked
// vector load (store) at its first lane's address.
// CHECK-LABEL: func.func @contiguous_1d
// CHECK:         scf.for %[[I:[a-z0-9_]+]] =
// CHECK:           %[[A:[a-z0-9_]+]] = tensor.extract %{{.*}}[%[[I]]] : tensor<128xi64>
// CHECK:           %[[PTR:[a-z0-9_]+]] = llvm.inttoptr %[[A]] : i64 to !llvm.ptr
// CHECK:           llvm.intr.masked.load %[[PTR]], %{{.*}}, %{{.*}} {alignment = 4 : i32} : (!llvm.ptr, vector<16xi1>, vector<16xf32>) -> vector<16xf32>
// CHECK:         scf.for
// CHECK:           llvm.intr.masked.store %{{.*}}, %{{.*}}, %{{.*}} {alignment = 4 : i32} : vector<16xf32>, vector<16xi1> into !llvm.ptr
tile.func @contiguous_1d(%x: !tile.ptr<f32>, %n: i32) {
  %pid = tile.program_id x
  %c128 = arith.constant 128 : i32
  %start = arith.muli %pid, %c128 : i32
  %r = tile.make_range 0, 128 : tensor<128xi32>
  %s = tile.splat %start : tensor<128xi32>
  %offs = arith.addi %s, %r : tensor<128xi32>
  %ns = tile.splat %n : tensor<128xi32>
  %mask = arith.cmpi slt, %offs, %ns : tensor<128xi32>
  %xs = tile.splat %x : tensor<128x!tile.ptr<f32>>
  %xp = tile.addptr %xs, %offs : tensor<128x!tile.ptr<f32>>, tensor<128xi32>
  %v = tile.load %xp, %mask : tensor<128x!tile.ptr<f32>>
  tile.store %xp, %v, %mask : tensor<128x!tile.ptr<f32>>
  tile.return
}

// -----

// Rows of a row-major matrix: row * ld broadcast along columns plus the
// column range is unit-stride within each row of 8, so vectors are 8 wide.
// CHECK-LABEL: func.func @contiguous_rows
// CHECK:         llvm.intr.masked.load {{.*}} -> vector<8xf16>
// CHECK-NOT:     masked.gather
tile.func @contiguous_rows(%a: !tile.ptr<f16>, %ld: i32) {
  %rows = tile.make_range 0, 4 : tensor<4xi32>
  %cols = tile.make_range 0, 8 : tensor<8xi32>
  %r2 = tile.expand_dims %rows axis = 1 : tensor<4xi32> -> tensor<4x1xi32>
  %lds = tile.splat %ld : tensor<4x1xi32>
  %rowoff = arith.muli %r2, %lds : tensor<4x1xi32>
  %rowb = tile.broadcast %rowoff : tensor<4x1xi32> -> tensor<4x8xi32>
  %c2 = tile.expand_dims %cols axis = 0 : tensor<8xi32> -> tensor<1x8xi32>
  %colb = tile.broadcast %c2 : tensor<1x8xi32> -> tensor<4x8xi32>
  %off = arith.addi %rowb, %colb : tensor<4x8xi32>
  %base = tile.splat %a : tensor<4x8x!tile.ptr<f16>>
  %p = tile.addptr %base, %off : tensor<4x8x!tile.ptr<f16>>, tensor<4x8xi32>
  %v = tile.load %p : tensor<4x8x!tile.ptr<f16>>
  tile.store %p, %v : tensor<4x8x!tile.ptr<f16>>
  tile.return
}

// -----

// A stride of 2 (offsets * 2) is not unit-stride: gathers.
// CHECK-LABEL: func.func @strided
// CHECK:         llvm.intr.masked.gather
// CHECK-NOT:     llvm.intr.masked.load
tile.func @strided(%x: !tile.ptr<f32>) {
  %r = tile.make_range 0, 16 : tensor<16xi32>
  %two = arith.constant dense<2> : tensor<16xi32>
  %offs = arith.muli %r, %two : tensor<16xi32>
  %xs = tile.splat %x : tensor<16x!tile.ptr<f32>>
  %xp = tile.addptr %xs, %offs : tensor<16x!tile.ptr<f32>>, tensor<16xi32>
  %v = tile.load %xp : tensor<16x!tile.ptr<f32>>
  %o = tile.splat %x : tensor<16x!tile.ptr<f32>>
  %op = tile.addptr %o, %r : tensor<16x!tile.ptr<f32>>, tensor<16xi32>
  tile.store %op, %v : tensor<16x!tile.ptr<f32>>
  tile.return
}
