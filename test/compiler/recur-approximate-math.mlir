// RUN: recur-opt %s -split-input-file -recur-approximate-math | FileCheck %s
// RUN: recur-opt %s -split-input-file -recur-approximate-math="arith-floor=true" | FileCheck %s --check-prefix=FLOOR

// f32 exp becomes range reduction plus a polynomial: plain arithmetic that
// stays in vector registers.
// CHECK-LABEL: func.func @exp_vector
// CHECK-NOT:     math.exp
// CHECK:         math.fma {{.*}} : vector<16xf32>
// CHECK-NOT:     math.exp
// CHECK:         return
func.func @exp_vector(%x: vector<16xf32>) -> vector<16xf32> {
  %y = math.exp %x : vector<16xf32>
  return %y : vector<16xf32>
}

// -----

// CHECK-LABEL: func.func @tanh_scalar
// CHECK-NOT:     math.tanh
// CHECK:         return
func.func @tanh_scalar(%x: f32) -> f32 {
  %y = math.tanh %x : f32
  return %y : f32
}

// -----

// f64 keeps libm's functions.
// CHECK-LABEL: func.func @exp_f64
// CHECK:         math.exp %{{.*}} : f64
func.func @exp_f64(%x: f64) -> f64 {
  %y = math.exp %x : f64
  return %y : f64
}

// -----

// Functions outside the list are left alone.
// CHECK-LABEL: func.func @sin_f32
// CHECK:         math.sin %{{.*}} : f32
func.func @sin_f32(%x: f32) -> f32 {
  %y = math.sin %x : f32
  return %y : f32
}

// -----

// arith-floor: f32 floor (the polynomials' range reduction uses it) becomes
// exact arithmetic through i32, for AMD, whose lowering would call the ROCm
// device libraries; large values and NaN pass through; f64 stays.
// FLOOR-LABEL: func.func @floor
// FLOOR-DAG:     %[[TWO23:.*]] = arith.constant dense<0x4B000000> : vector<4xf32>
// FLOOR-DAG:     %[[ABS:.*]] = math.absf %[[X:.*]] : vector<4xf32>
// FLOOR:         %[[LARGE:.*]] = arith.cmpf uge, %[[ABS]], %[[TWO23]]
// FLOOR:         %[[SAFE:.*]] = arith.select %[[LARGE]], %{{.*}}, %[[X]]
// FLOOR:         %[[I:.*]] = arith.fptosi %[[SAFE]] : vector<4xf32> to vector<4xi32>
// FLOOR:         %[[T:.*]] = arith.sitofp %[[I]]
// FLOOR:         arith.cmpf olt, %[[SAFE]], %[[T]]
// FLOOR:         arith.subf %[[T]]
// FLOOR:         arith.cmpf oeq, %[[SAFE]], %[[T]]
// FLOOR:         arith.ori {{.*}}, %[[LARGE]]
// FLOOR-NOT:     math.floor {{.*}} : vector<4xf32>
// FLOOR:         math.floor %{{.*}} : f64
func.func @floor(%v: vector<4xf32>, %d: f64) -> (vector<4xf32>, f64) {
  %a = math.floor %v : vector<4xf32>
  %f = math.floor %d : f64
  return %a, %f : vector<4xf32>, f64
}
