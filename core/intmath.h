// Integer semantics of the aorta datapath, in one place.
//
// The golden model, the TLM model and the C++ reference models of the RTL test benches all
// compute with these functions, so that "bit-exact" has one definition. docs/isa.md
// ("Arithmetic") states the same rules in prose; each function cites its rule.
//
// One rounding rule everywhere: round half up (towards +infinity), i.e. add half of the divisor
// and take the floor. Saturation clamps to the destination type's range.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

namespace aorta::intmath {

inline constexpr int8_t SatI8(int64_t v) {
  return static_cast<int8_t>(std::clamp<int64_t>(v, INT8_MIN, INT8_MAX));
}
inline constexpr int32_t SatI32(int64_t v) {
  return static_cast<int32_t>(std::clamp<int64_t>(v, INT32_MIN, INT32_MAX));
}
// Two's-complement wrap to 32 bits (accumulator arithmetic).
inline constexpr int32_t Wrap32(int64_t v) {
  return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(v)));
}

// Rule R1: x / 2^n rounded half up, for 0 <= n <= 62 and |x| < 2^62.
// n == 0 returns x. Arithmetic right shift is a floor.
inline constexpr int64_t RoundShift(int64_t x, unsigned n) {
  if (n == 0) return x;
  return (x + (int64_t{1} << (n - 1))) >> n;
}

// Floor division (towards -infinity) for d > 0.
inline constexpr int64_t FloorDiv(int64_t a, int64_t d) {
  int64_t q = a / d;
  return (a % d != 0 && a < 0) ? q - 1 : q;
}

// Rule R2: t / (n * 2^s) rounded half up, for n >= 1, 0 <= s <= 40, |t| < 2^56:
// floor((2t + n*2^s) / (2*n*2^s)).
inline constexpr int64_t RoundDivPow(int64_t t, int64_t n, unsigned s) {
  int64_t d = n << s;
  return FloorDiv(2 * t + d, 2 * d);
}

// Legal range of a PARAM shift s (the requantization right shift is 31 + s): R3.
inline constexpr int32_t kMinShift = -30;  // 31 + s >= 1
inline constexpr int32_t kMaxShift = 31;   // 31 + s <= 62
inline constexpr bool ShiftInRange(int32_t s) { return s >= kMinShift && s <= kMaxShift; }

// Rule R3: requantize an int32 value with a Q31 multiplier and a shift:
// zp + round_half_up(v * m / 2^(31 + s)), not yet clamped.
inline constexpr int64_t Requantize(int32_t v, int32_t m, int32_t s, int32_t zp) {
  return zp + RoundShift(int64_t{v} * m, static_cast<unsigned>(31 + s));
}

// POSTPROC options that are per instruction rather than per channel.
struct PostprocOptions {
  int32_t out_zp = 0;
  int32_t lo = -128;
  int32_t hi = 127;
  bool leaky = false;
  int32_t alpha_mult = 0;
  uint32_t alpha_shift = 0;
  const int8_t* lut = nullptr;  // 256 entries indexed by q + 128, or nullptr
};

// Rule R4 (POSTPROC, one lane). The caller checks ShiftInRange(shift) first.
//   v = sat32(acc + bias)
//   if leaky and v < 0: v = sat32(round_half_up(v * alpha_mult / 2^alpha_shift))
//   q = min(max(Requantize(v, mult, shift, out_zp), lo), hi)      (lo, hi are int8)
//   if lut: q = lut[q + 128]
inline constexpr int8_t Postproc(int32_t acc, int32_t bias, int32_t mult, int32_t shift,
                                 const PostprocOptions& o) {
  int32_t v = SatI32(int64_t{acc} + bias);
  if (o.leaky && v < 0) v = SatI32(RoundShift(int64_t{v} * o.alpha_mult, o.alpha_shift));
  int64_t q = Requantize(v, mult, shift, o.out_zp);
  q = std::min<int64_t>(std::max<int64_t>(q, o.lo), o.hi);
  int8_t r = static_cast<int8_t>(q);
  if (o.lut != nullptr) r = o.lut[r + 128];
  return r;
}

// VEC_ELTWISE op record (PARAM lanes 0..7).
struct EltwiseParams {
  int32_t ma = 0, mb = 0;
  int32_t shift = 0;  // total right shift S, 0..62
  int32_t za = 0, zb = 0, zo = 0;
  int32_t lo = -128, hi = 127;
};
inline constexpr bool EltwiseShiftInRange(int32_t s) { return s >= 0 && s <= 62; }
// Zero points are int8 values; with them in range no product below can overflow 64 bits
// (|a - z| <= 255, so |t| < 2^48 for ADD / MAX / MIN / MUL with 32-bit multipliers).
inline constexpr bool ZeroPointInRange(int32_t z) { return z >= INT8_MIN && z <= INT8_MAX; }
// A record the device accepts (otherwise BAD_PARAM).
inline constexpr bool EltwiseParamsValid(const EltwiseParams& p) {
  return EltwiseShiftInRange(p.shift) && ZeroPointInRange(p.za) && ZeroPointInRange(p.zb) &&
         ZeroPointInRange(p.zo);
}

enum class EltKind { kAdd, kMul, kMax, kMin };

// Rule R5 (VEC_ELTWISE, one lane): t per op, then
//   out = min(max(zo + round_half_up(t / 2^S), lo), hi)
inline constexpr int8_t Eltwise(EltKind op, int8_t a, int8_t b, const EltwiseParams& p) {
  int64_t da = int64_t{a} - p.za, db = int64_t{b} - p.zb;
  int64_t t = 0;
  switch (op) {
    case EltKind::kAdd:
      t = da * p.ma + db * p.mb;
      break;
    case EltKind::kMul:
      t = da * db * p.ma;
      break;
    case EltKind::kMax:
      t = std::max(da * p.ma, db * p.mb);
      break;
    case EltKind::kMin:
      t = std::min(da * p.ma, db * p.mb);
      break;
  }
  int64_t q = p.zo + RoundShift(t, static_cast<unsigned>(p.shift));
  return static_cast<int8_t>(
      std::min<int64_t>(std::max<int64_t>(q, std::max(p.lo, -128)), std::min(p.hi, 127)));
}

// POOL AVG / AVG_PAD op record (PARAM lanes 0..5).
struct AvgPoolParams {
  int32_t m = 0;
  int32_t shift = 0;  // 0..40
  int32_t zi = 0, zo = 0;
  int32_t lo = -128, hi = 127;
};
inline constexpr bool AvgShiftInRange(int32_t s) { return s >= 0 && s <= 40; }
// A record the device accepts (otherwise BAD_PARAM): with |x - zi| <= 255 and at most 255 x 255
// taps, |sum * m| < 2^55 and RoundDivPow's 2t + n*2^s stays below 2^57.
inline constexpr bool AvgPoolParamsValid(const AvgPoolParams& p) {
  return AvgShiftInRange(p.shift) && ZeroPointInRange(p.zi) && ZeroPointInRange(p.zo);
}

// Rule R6 (average pooling, one lane): sum = sum over the in-image taps of (x - zi) (padding
// taps add 0), n = tap count (in-image taps for AVG, k_h*k_w for AVG_PAD);
//   out = min(max(zo + RoundDivPow(sum * m, n, shift), lo), hi)
inline constexpr int8_t AvgPool(int64_t sum, int64_t n, const AvgPoolParams& p) {
  int64_t q = p.zo + RoundDivPow(sum * p.m, n, static_cast<unsigned>(p.shift));
  return static_cast<int8_t>(
      std::min<int64_t>(std::max<int64_t>(q, std::max(p.lo, -128)), std::min(p.hi, 127)));
}

}  // namespace aorta::intmath
