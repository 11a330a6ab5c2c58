// RUN: recur-opt %s -split-input-file -recur-approximate-math | FileCheck %s

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
