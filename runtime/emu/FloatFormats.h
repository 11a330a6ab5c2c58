//===- FloatFormats.h - f16, bf16 and tf32 bit conversions ------*- C++ -*-===//
//
// The tensor-core intrinsics take fragments as raw bits; these turn them into
// exact doubles and round results back. Written on the bits so that the
// emulator needs no _Float16 support from the host compiler.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_EMU_FLOATFORMATS_H
#define RECUR_RUNTIME_EMU_FLOATFORMATS_H

#include <cmath>
#include <cstdint>
#include <cstring>

namespace recur::emu {

inline float bitsToFloat(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

inline uint32_t floatToBits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

/// IEEE binary16 to double (exact).
inline double halfToDouble(uint16_t bits) {
  int exponent = (bits >> 10) & 0x1F;
  int mantissa = bits & 0x3FF;
  double sign = (bits & 0x8000) ? -1.0 : 1.0;
  if (exponent == 0x1F)
    return mantissa ? std::nan("") : sign * INFINITY;
  if (exponent == 0) // subnormal: mantissa * 2^-24
    return sign * std::ldexp(mantissa, -24);
  return sign * std::ldexp(1024 + mantissa, exponent - 25);
}

/// double to IEEE binary16, rounding to nearest even.
inline uint16_t doubleToHalf(double value) {
  uint16_t sign = std::signbit(value) ? 0x8000 : 0;
  double a = std::fabs(value);
  if (std::isnan(value))
    return 0x7E00;
  if (a >= 65520.0) // halfway between the largest half and 2^16
    return sign | 0x7C00;
  if (a < std::ldexp(1.0, -14)) // subnormal; 1024 units is the least normal
    return sign | static_cast<uint16_t>(std::nearbyint(std::ldexp(a, 24)));
  int exponent;
  double fraction = std::frexp(a, &exponent); // a = fraction * 2^exponent
  long units = std::lrint(std::ldexp(fraction, 11)); // in [1024, 2048]
  if (units == 2048) {
    units = 1024;
    ++exponent;
  }
  return sign | static_cast<uint16_t>(((exponent + 14) << 10) | (units - 1024));
}

/// bfloat16 to double (exact).
inline double bf16ToDouble(uint16_t bits) {
  return bitsToFloat(uint32_t(bits) << 16);
}

/// The tf32 value a tensor core reads from a 32-bit register: the low 13
/// mantissa bits are ignored.
inline double tf32ToDouble(float value) {
  return bitsToFloat(floatToBits(value) & 0xFFFFE000u);
}

/// cvt.rna.tf32.f32: to the nearest tf32, ties away from zero (adding half a
/// unit of the last kept place carries into the exponent when it must).
inline float roundToTf32(float value) {
  if (std::isnan(value))
    return value;
  return bitsToFloat((floatToBits(value) + 0x1000u) & 0xFFFFE000u);
}

} // namespace recur::emu

#endif // RECUR_RUNTIME_EMU_FLOATFORMATS_H
