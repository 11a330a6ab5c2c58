// RUN: recur-opt %s -split-input-file -convert-tile-to-cpu | FileCheck %s

// A 1-D reduce starts from element 0 (no identity needed) and folds elements
// 1..n-1 in order with the inlined combine, accumulator first.
// CHECK-LABEL: func.func private @reduce_1d
// CHECK-SAME:    (%[[X:[a-z0-9_]+]]: tensor<8xf32>
// CHECK:         %[[C0:[a-z0-9_#]+]] = arith.constant 0 : index
// CHECK:         %[[FIRST:[a-z0-9_#]+]] = tensor.extract %[[X]][%[[C0]]]
// CHECK:         %[[C1:[a-z0-9_#]+]] = arith.constant 1 : index
// CHECK:         %[[C8:[a-z0-9_#]+]] = arith.constant 8 : index
// CHECK:         %[[R:[a-z0-9_#]+]] = scf.for %[[K:[a-z0-9_#]+]] = %[[C1]] to %[[C8]] step %[[C1]] iter_args(%[[ACC:[a-z0-9_#]+]] = %[[FIRST]]) -> (f32)
// CHECK:           %[[E:[a-z0-9_#]+]] = tensor.extract %[[X]][%[[K]]]
// CHECK:           %[[S:[a-z0-9_#]+]] = arith.subf %[[ACC]], %[[E]] : f32
// CHECK:           scf.yield %[[S]] : f32
// CHECK:         return %[[R]] : f32
tile.func private @reduce_1d(%x: tensor<8xf32>) -> f32 {
  %s = tile.reduce(%x) axis = 0 : (tensor<8xf32>) -> f32 {
  ^bb0(%a: f32, %b: f32):
    %r = arith.subf %a, %b : f32
    tile.yield %r : f32
  }
  tile.return %s : f32
}

// -----

// Along the leading axis with an elementwise combine, whole rows (slabs)
// combine: row 0 starts the accumulator, rows 1..3 fold into it as
// tensor<8xf32> arithmetic, which vectorises like other elementwise code.
// CHECK-LABEL: func.func private @reduce_axis0
// CHECK-SAME:    (%[[X:[a-z0-9_]+]]: tensor<4x8xf32>
// CHECK:         %[[ROW0:.*]] = tensor.extract_slice %[[X]][%{{.*}}, 0] [1, 8] [1, 1] : tensor<4x8xf32> to tensor<8xf32>
// CHECK:         %[[R:.*]] = scf.for %[[I:[a-z0-9_#]+]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %[[ROW0]]) -> (tensor<8xf32>)
// CHECK-NEXT:      %[[ROW:.*]] = tensor.extract_slice %[[X]][%[[I]], 0] [1, 8] [1, 1] : tensor<4x8xf32> to tensor<8xf32>
// CHECK-NEXT:      %[[SUM:.*]] = arith.addf %[[ACC]], %[[ROW]] : tensor<8xf32>
// CHECK-NEXT:      scf.yield %[[SUM]] : tensor<8xf32>
// CHECK:         return %[[R]] : tensor<8xf32>
tile.func private @reduce_axis0(%x: tensor<4x8xf32>) -> tensor<8xf32> {
  %s = tile.reduce(%x) axis = 0 : (tensor<4x8xf32>) -> tensor<8xf32> {
  ^bb0(%a: f32, %b: f32):
    %r = arith.addf %a, %b : f32
    tile.yield %r : f32
  }
  tile.return %s : tensor<8xf32>
}

// -----

// CHECK-LABEL: func.func private @reduce_axis1
// CHECK:         scf.for %[[I:[a-z0-9_#]+]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}}) -> (tensor<4xf32>)
// CHECK:           scf.for %[[J:[a-z0-9_#]+]] = %{{.*}} to %{{.*}} step
// CHECK:             tensor.extract %{{.*}}[%[[I]], %[[J]]] : tensor<4x8xf32>
tile.func private @reduce_axis1(%x: tensor<4x8xf32>) -> tensor<4xf32> {
  %s = tile.reduce(%x) axis = 1 : (tensor<4x8xf32>) -> tensor<4xf32> {
  ^bb0(%a: f32, %b: f32):
    %r = arith.maximumf %a, %b : f32
    tile.yield %r : f32
  }
  tile.return %s : tensor<4xf32>
}

// -----

// Two operands travel together (argmax).
// CHECK-LABEL: func.func private @reduce_pair
// CHECK:         scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (f32, i32)
// CHECK:           arith.cmpf ogt
// CHECK:           scf.yield %{{.*}}, %{{.*}} : f32, i32
tile.func private @reduce_pair(%v: tensor<8xf32>, %i: tensor<8xi32>) -> i32 {
  %m, %a = tile.reduce(%v, %i) axis = 0 : (tensor<8xf32>, tensor<8xi32>) -> (f32, i32) {
  ^bb0(%v1: f32, %i1: i32, %v2: f32, %i2: i32):
    %gt = arith.cmpf ogt, %v2, %v1 : f32
    %v3 = arith.select %gt, %v2, %v1 : f32
    %i3 = arith.select %gt, %i2, %i1 : i32
    tile.yield %v3, %i3 : f32, i32
  }
  tile.return %a : i32
}

// -----

// A size-1 axis needs no loop: the element itself is the result.
// CHECK-LABEL: func.func private @reduce_unit
// CHECK:         scf.for
// CHECK-NOT:       scf.for
// CHECK:           tensor.extract
// CHECK:           tensor.insert
tile.func private @reduce_unit(%x: tensor<4x1xf32>) -> tensor<4xf32> {
  %s = tile.reduce(%x) axis = 1 : (tensor<4x1xf32>) -> tensor<4xf32> {
  ^bb0(%a: f32, %b: f32):
    %r = arith.addf %a, %b : f32
    tile.yield %r : f32
  }
  tile.return %s : tensor<4xf32>
}

// -----

// A forward scan writes element 0, then carries the accumulator and the
// result through a loop over 1..n-1.
// CHECK-LABEL: func.func private @scan_forward
// CHECK:         %[[E0:[a-z0-9_#]+]] = tensor.extract %{{.*}}[%[[I0:[a-z0-9_#]+]]] : tensor<8xf32>
// CHECK:         %[[T0:[a-z0-9_#]+]] = tensor.insert %[[E0]] into %{{.*}}[%[[I0]]]
// CHECK:         scf.for %[[K:[a-z0-9_#]+]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:[a-z0-9_#]+]] = %[[E0]], %[[T:[a-z0-9_#]+]] = %[[T0]]) -> (f32, tensor<8xf32>)
// CHECK:           %[[E:[a-z0-9_#]+]] = tensor.extract %{{.*}}[%[[K]]]
// CHECK:           %[[N:[a-z0-9_#]+]] = arith.subf %[[ACC]], %[[E]]
// CHECK:           tensor.insert %[[N]] into %[[T]][%[[K]]]
tile.func private @scan_forward(%x: tensor<8xf32>) -> tensor<8xf32> {
  %s = tile.scan(%x) axis = 0 : (tensor<8xf32>) -> tensor<8xf32> {
  ^bb0(%a: f32, %b: f32):
    %r = arith.subf %a, %b : f32
    tile.yield %r : f32
  }
  tile.return %s : tensor<8xf32>
}

// -----

// A reverse scan visits index n-1-k at step k: it starts from element n-1
// and folds n-2 down to 0, writing each partial result where it read.
// CHECK-LABEL: func.func private @scan_reverse
// CHECK-SAME:    (%[[X:[a-z0-9_]+]]: tensor<8xf32>
// CHECK:         %[[LAST:[a-z0-9_#]+]] = arith.constant 7 : index
// CHECK-NEXT:    %[[ZERO:[a-z0-9_#]+]] = arith.constant 0 : index
// CHECK-NEXT:    %[[P0:[a-z0-9_#]+]] = arith.subi %[[LAST]], %[[ZERO]] : index
// CHECK-NEXT:    %[[E0:[a-z0-9_#]+]] = tensor.extract %[[X]][%[[P0]]] : tensor<8xf32>
// CHECK-NEXT:    %[[T0:[a-z0-9_#]+]] = tensor.insert %[[E0]] into %{{.*}}[%[[P0]]] : tensor<8xf32>
// CHECK-NEXT:    %[[ONE:[a-z0-9_#]+]] = arith.constant 1 : index
// CHECK-NEXT:    %[[N:[a-z0-9_#]+]] = arith.constant 8 : index
// CHECK-NEXT:    %[[R:[a-z0-9_#]+]]:2 = scf.for %[[K:[a-z0-9_#]+]] = %[[ONE]] to %[[N]] step %[[ONE]] iter_args(%[[ACC:[a-z0-9_#]+]] = %[[E0]], %[[T:[a-z0-9_#]+]] = %[[T0]]) -> (f32, tensor<8xf32>)
// CHECK-NEXT:      %[[P:[a-z0-9_#]+]] = arith.subi %[[LAST]], %[[K]] : index
// CHECK-NEXT:      %[[E:[a-z0-9_#]+]] = tensor.extract %[[X]][%[[P]]] : tensor<8xf32>
// CHECK-NEXT:      %[[S:[a-z0-9_#]+]] = arith.subf %[[ACC]], %[[E]] : f32
// CHECK-NEXT:      %[[T1:[a-z0-9_#]+]] = tensor.insert %[[S]] into %[[T]][%[[P]]] : tensor<8xf32>
// CHECK-NEXT:      scf.yield %[[S]], %[[T1]] : f32, tensor<8xf32>
// CHECK:         return %[[R]]#1 : tensor<8xf32>
tile.func private @scan_reverse(%x: tensor<8xf32>) -> tensor<8xf32> {
  %s = tile.scan(%x) axis = 0 reverse : (tensor<8xf32>) -> tensor<8xf32> {
  ^bb0(%a: f32, %b: f32):
    %r = arith.subf %a, %b : f32
    tile.yield %r : f32
  }
  tile.return %s : tensor<8xf32>
}

// -----

// Scanning axis 1 of a 2-D tile with two operands.
// CHECK-LABEL: func.func private @scan_2d_pair
// CHECK:         scf.for %[[I:[a-z0-9_#]+]] = {{.*}} -> (tensor<2x4xf32>, tensor<2x4xf32>)
// CHECK:           scf.for %[[K:[a-z0-9_#]+]] = {{.*}} -> (f32, f32, tensor<2x4xf32>, tensor<2x4xf32>)
// CHECK:             tensor.extract %{{.*}}[%[[I]], %[[K]]] : tensor<2x4xf32>
tile.func private @scan_2d_pair(%a: tensor<2x4xf32>, %b: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %ra, %rb = tile.scan(%a, %b) axis = 1 : (tensor<2x4xf32>, tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  ^bb0(%a1: f32, %b1: f32, %a2: f32, %b2: f32):
    %aa = arith.mulf %a1, %a2 : f32
    %t = arith.mulf %b1, %a2 : f32
    %bb = arith.addf %t, %b2 : f32
    tile.yield %aa, %bb : f32, f32
  }
  tile.return %rb : tensor<2x4xf32>
}

// -----

// Reverse along axis 0 of a 3x2 tile, slab by slab: rows 2, 1, 0; scalar
// constants of the combine become splats.
// CHECK-LABEL: func.func private @scan_reverse_axis0
// CHECK-SAME:    (%[[X:[a-z0-9_]+]]: tensor<3x2xi32>
// CHECK:         %[[LAST:[a-z0-9_#]+]] = arith.constant 2 : index
// CHECK:         %[[FIRST:.*]] = tensor.extract_slice %[[X]]
// CHECK:         tensor.insert_slice %[[FIRST]] into %{{.*}} : tensor<2xi32> into tensor<3x2xi32>
// CHECK:         scf.for %[[K:[a-z0-9_#]+]] = {{.*}} -> (tensor<2xi32>, tensor<3x2xi32>)
// CHECK-NEXT:      %[[P:[a-z0-9_#]+]] = arith.subi %[[LAST]], %[[K]] : index
// CHECK-NEXT:      %[[ROW:.*]] = tensor.extract_slice %[[X]][%[[P]], 0] [1, 2] [1, 1] : tensor<3x2xi32> to tensor<2xi32>
// CHECK-NEXT:      %[[ONE:.*]] = arith.constant dense<1> : tensor<2xi32>
// CHECK-NEXT:      %[[S:.*]] = arith.addi %{{.*}}, %[[ROW]] : tensor<2xi32>
// CHECK-NEXT:      %[[M:.*]] = arith.muli %[[S]], %[[ONE]] : tensor<2xi32>
// CHECK-NEXT:      tensor.insert_slice %[[M]] into %{{.*}}[%[[P]], 0] [1, 2] [1, 1] : tensor<2xi32> into tensor<3x2xi32>
tile.func private @scan_reverse_axis0(%x: tensor<3x2xi32>) -> tensor<3x2xi32> {
  %s = tile.scan(%x) axis = 0 reverse : (tensor<3x2xi32>) -> tensor<3x2xi32> {
  ^bb0(%a: i32, %b: i32):
    %c = arith.constant 1 : i32
    %t = arith.addi %a, %b : i32
    %r = arith.muli %t, %c : i32
    tile.yield %r : i32
  }
  tile.return %s : tensor<3x2xi32>
}

// -----

// A size-1 scan axis copies each element: no inner loop.
// CHECK-LABEL: func.func private @scan_unit
// CHECK-SAME:    (%[[X:[a-z0-9_]+]]: tensor<3x1xf32>
// CHECK:         scf.for %[[I:[a-z0-9_#]+]] = {{.*}} iter_args(%[[T:[a-z0-9_#]+]] = %{{.*}}) -> (tensor<3x1xf32>)
// CHECK-NOT:       scf.for
// CHECK:           %[[E:[a-z0-9_#]+]] = tensor.extract %[[X]][%[[I]], %[[C:[a-z0-9_#]+]]] : tensor<3x1xf32>
// CHECK-NEXT:      %[[U:[a-z0-9_#]+]] = tensor.insert %[[E]] into %[[T]][%[[I]], %[[C]]] : tensor<3x1xf32>
// CHECK-NEXT:      scf.yield %[[U]] : tensor<3x1xf32>
tile.func private @scan_unit(%x: tensor<3x1xf32>) -> tensor<3x1xf32> {
  %s = tile.scan(%x) axis = 1 : (tensor<3x1xf32>) -> tensor<3x1xf32> {
  ^bb0(%a: f32, %b: f32):
    %r = arith.subf %a, %b : f32
    tile.yield %r : f32
  }
  tile.return %s : tensor<3x1xf32>
}

// -----

// The middle axis of a 3-D tile: a 2-D nest over the other two dimensions,
// the line loop inside.
// CHECK-LABEL: func.func private @reduce_middle
// CHECK-SAME:    (%[[X:[a-z0-9_]+]]: tensor<2x3x4xf32>
// CHECK:         scf.for %[[I:[a-z0-9_#]+]] = {{.*}} -> (tensor<2x4xf32>)
// CHECK:           scf.for %[[J:[a-z0-9_#]+]] = {{.*}} -> (tensor<2x4xf32>)
// CHECK:             tensor.extract %[[X]][%[[I]], %{{.*}}, %[[J]]] : tensor<2x3x4xf32>
// CHECK:             %[[R:[a-z0-9_#]+]] = scf.for %[[K:[a-z0-9_#]+]] = {{.*}} -> (f32)
// CHECK-NEXT:          tensor.extract %[[X]][%[[I]], %[[K]], %[[J]]] : tensor<2x3x4xf32>
// CHECK:             tensor.insert %[[R]] into %{{.*}}[%[[I]], %[[J]]] : tensor<2x4xf32>
tile.func private @reduce_middle(%x: tensor<2x3x4xf32>) -> tensor<2x4xf32> {
  %s = tile.reduce(%x) axis = 1 : (tensor<2x3x4xf32>) -> tensor<2x4xf32> {
  ^bb0(%a: f32, %b: f32):
    %r = arith.addf %a, %b : f32
    tile.yield %r : f32
  }
  tile.return %s : tensor<2x4xf32>
}

// -----

// A combine that is not elementwise (here a call) keeps the per-line walk,
// even along the leading axis.
// CHECK-LABEL: func.func private @scan_axis0_call
// CHECK:         scf.for %[[J:[a-z0-9_#]+]] = {{.*}} -> (tensor<4x2xf32>)
// CHECK:           scf.for %[[K:[a-z0-9_#]+]] = {{.*}} -> (f32, tensor<4x2xf32>)
// CHECK:             tensor.extract %{{.*}}[%[[K]], %[[J]]] : tensor<4x2xf32>
// CHECK:             func.call @combine
func.func private @combine(f32, f32) -> f32
tile.func private @scan_axis0_call(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %s = tile.scan(%x) axis = 0 : (tensor<4x2xf32>) -> tensor<4x2xf32> {
  ^bb0(%a: f32, %b: f32):
    %r = func.call @combine(%a, %b) : (f32, f32) -> f32
    tile.yield %r : f32
  }
  tile.return %s : tensor<4x2xf32>
}
