// Instruction semantics, run through the device with programs. Expectations are computed by
// hand (written out in the test) or by deliberately naive loops written here, independent of
// core/golden/datapath.cc.
#include "core/golden/datapath.h"

#include <gtest/gtest.h>

#include <array>
#include <climits>

#include "core/golden/golden_test_util.h"

namespace aorta {
namespace {

using golden_test::FillUb;
using golden_test::FillWb;
using golden_test::Halt;
using golden_test::Rig;
using isa::Mem;
using regs::Counter;

constexpr int kN = 8;

// Sets WB rows [wb, wb + 8) so that bank weights W[k][n] = f(k, n).
template <typename F>
void SetWeights(golden::ChipState& s, uint64_t wb, F f) {
  for (int k = 0; k < kN; ++k)
    for (int n = 0; n < kN; ++n) s.Wb(wb + k)[n] = static_cast<int8_t>(f(k, n));
}

std::array<int32_t, kN> AccRow(golden::ChipState& s, uint64_t row) {
  std::array<int32_t, kN> out;
  for (int i = 0; i < kN; ++i) out[i] = s.Acc(row)[i];
  return out;
}
std::array<int8_t, kN> UbRow(golden::ChipState& s, uint64_t row) {
  std::array<int8_t, kN> out;
  for (int i = 0; i < kN; ++i) out[i] = s.Ub(row)[i];
  return out;
}

// ---- LOADW / MATMUL -------------------------------------------------------------------------

TEST(GoldenMatmul, HandComputedSinglePixel) {
  Rig rig;
  // W = 2 * identity, plus W[0][7] = -1.
  SetWeights(rig.chip(), 8,
             [](int k, int n) { return (k == n ? 2 : 0) + (k == 0 && n == 7 ? -1 : 0); });
  for (int c = 0; c < kN; ++c) rig.chip().Ub(3)[c] = static_cast<int8_t>(c + 1);
  rig.RunOk({golden_test::Loadw(0, 8), golden_test::Matmul(3, 1, 1, 1, 1, 5), Halt()});
  EXPECT_EQ(AccRow(rig.chip(), 5), (std::array<int32_t, kN>{2, 4, 6, 8, 10, 12, 14, 15}));
  EXPECT_EQ(rig.Counter(Counter::kInsnLoadw), 1u);
  EXPECT_EQ(rig.Counter(Counter::kInsnMatmul), 1u);
  EXPECT_EQ(rig.Counter(Counter::kWbRdBytes), 64u);
  EXPECT_EQ(rig.Counter(Counter::kMacs), 64u);
  EXPECT_EQ(rig.Counter(Counter::kUbRdBytes), 8u);
  EXPECT_EQ(rig.Counter(Counter::kAccWrBytes), 32u);
  EXPECT_EQ(rig.Counter(Counter::kAccRdBytes), 0u);
}

TEST(GoldenMatmul, PaddingReadsPadValue) {
  Rig rig;
  SetWeights(rig.chip(), 0, [](int k, int n) { return k == n ? 1 : 0; });
  // 2x2 image at UB rows 10..13; output 2x2 shifted up-left by one (pad 1 at top / left).
  for (int p = 0; p < 4; ++p)
    for (int c = 0; c < kN; ++c) rig.chip().Ub(10 + p)[c] = static_cast<int8_t>(10 * p + c);
  isa::Matmul m = golden_test::Matmul(10, 2, 2, 2, 2, 0);
  m.bank = 1;
  m.y_off = -1;
  m.x_off = -1;
  m.pad_value = -3;
  rig.RunOk({golden_test::Loadw(1, 0), m, Halt()});
  const std::array<int32_t, kN> pad = {-3, -3, -3, -3, -3, -3, -3, -3};
  EXPECT_EQ(AccRow(rig.chip(), 0), pad);
  EXPECT_EQ(AccRow(rig.chip(), 1), pad);
  EXPECT_EQ(AccRow(rig.chip(), 2), pad);
  EXPECT_EQ(AccRow(rig.chip(), 3), (std::array<int32_t, kN>{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(rig.Counter(Counter::kUbRdBytes), 8u);  // only pixel (0,0) lies in the image
  EXPECT_EQ(rig.Counter(Counter::kMacs), 4u * 64u);
}

// Naive reference of one matrix pass (independent of the model).
std::vector<std::array<int64_t, kN>> NaiveMatmul(const int8_t ub[][kN], const int8_t w[kN][kN],
                                                 int in_h, int in_w, int out_h, int out_w, int sh,
                                                 int sw, int yo, int xo, int pad) {
  std::vector<std::array<int64_t, kN>> out;
  for (int oy = 0; oy < out_h; ++oy) {
    for (int ox = 0; ox < out_w; ++ox) {
      std::array<int64_t, kN> p{};
      int iy = oy * sh + yo, ix = ox * sw + xo;
      bool in = iy >= 0 && iy < in_h && ix >= 0 && ix < in_w;
      for (int n = 0; n < kN; ++n)
        for (int k = 0; k < kN; ++k) p[n] += int64_t{in ? ub[iy * in_w + ix][k] : pad} * w[k][n];
      out.push_back(p);
    }
  }
  return out;
}

TEST(GoldenMatmul, StridesNegativeOffsetsAndBankSelectMatchNaiveLoop) {
  Rig rig;
  FillUb(rig.chip(), 40, 25, 1);  // 5x5 image
  FillWb(rig.chip(), 0, 8, 2);    // bank 0: garbage that must not be used
  FillWb(rig.chip(), 8, 8, 3);    // bank 1
  int8_t ub[25][kN], w[kN][kN];
  for (int p = 0; p < 25; ++p)
    for (int c = 0; c < kN; ++c) ub[p][c] = rig.chip().Ub(40 + p)[c];
  for (int k = 0; k < kN; ++k)
    for (int n = 0; n < kN; ++n) w[k][n] = rig.chip().Wb(8 + k)[n];
  isa::Matmul m = golden_test::Matmul(40, 5, 5, 3, 3, 10);
  m.bank = 1;
  m.stride_h = 2;
  m.stride_w = 3;
  m.y_off = -1;
  m.x_off = -2;
  m.pad_value = 7;
  rig.RunOk({golden_test::Loadw(0, 0), golden_test::Loadw(1, 8), m, Halt()});
  auto expect = NaiveMatmul(ub, w, 5, 5, 3, 3, 2, 3, -1, -2, 7);
  for (int p = 0; p < 9; ++p)
    for (int n = 0; n < kN; ++n)
      EXPECT_EQ(rig.chip().Acc(10 + p)[n], expect[p][n]) << p << "," << n;
  // In-image pixels: iy in {-1, 1, 3} -> 2 rows valid; ix in {-2, 1, 4} -> 2 valid.
  EXPECT_EQ(rig.Counter(Counter::kUbRdBytes), 4u * 8u);
}

TEST(GoldenMatmul, AccumulateAddsAndWrapsOverwriteReplaces) {
  Rig rig;
  SetWeights(rig.chip(), 0, [](int k, int n) { return k == n ? 1 : 0; });
  for (int c = 0; c < kN; ++c) rig.chip().Ub(0)[c] = static_cast<int8_t>(c + 1);
  for (int c = 0; c < kN; ++c) rig.chip().Acc(1)[c] = INT32_MAX;
  for (int c = 0; c < kN; ++c) rig.chip().Acc(2)[c] = 1000;
  isa::Matmul m = golden_test::Matmul(0, 1, 1, 1, 1, 1);
  m.accumulate = true;
  isa::Matmul m2 = m;
  m2.acc_addr = 2;
  isa::Matmul m3 = m;
  m3.acc_addr = 3;
  m3.accumulate = false;
  for (int c = 0; c < kN; ++c) rig.chip().Acc(3)[c] = 12345;
  rig.RunOk({golden_test::Loadw(0, 0), m, m2, m3, Halt()});
  for (int c = 0; c < kN; ++c) {
    EXPECT_EQ(rig.chip().Acc(1)[c], INT32_MIN + c);  // INT32_MAX + (c + 1) wraps
    EXPECT_EQ(rig.chip().Acc(2)[c], 1001 + c);
    EXPECT_EQ(rig.chip().Acc(3)[c], 1 + c);
  }
  EXPECT_EQ(rig.Counter(Counter::kAccRdBytes), 2u * 32u);
  EXPECT_EQ(rig.Counter(Counter::kAccWrBytes), 3u * 32u);
}

// ---- POSTPROC -------------------------------------------------------------------------------

TEST(GoldenPostproc, RoundingShiftExtremesSaturationAndClamp) {
  Rig rig;
  auto& s = rig.chip();
  // PARAM rows 4 (bias), 5 (mult), 6 (shift), per lane.
  const int32_t bias[kN] = {0, 0, 0, 0, 10, 0, -1, 0};
  const int32_t mult[kN] = {1 << 30, 1 << 30, 1, INT32_MAX, INT32_MAX, 1 << 30, 1 << 30, 1 << 30};
  const int32_t shift[kN] = {0, 0, -30, 31, -30, 0, -1, 0};
  const int32_t acc0[kN] = {3, 5, 7, INT32_MAX, INT32_MAX, 200, 0, 1};
  const int32_t acc1[kN] = {-3, -5, -7, INT32_MIN, INT32_MIN, -212, 50, -1};
  for (int c = 0; c < kN; ++c) {
    s.Param(4)[c] = bias[c];
    s.Param(5)[c] = mult[c];
    s.Param(6)[c] = shift[c];
    s.Acc(20)[c] = acc0[c];
    s.Acc(21)[c] = acc1[c];
  }
  s.Param(4)[4] = 10;
  isa::Postproc p = golden_test::Postproc(20, 30, 2, 4);
  p.out_zp = 5;
  p.lo = -100;
  p.hi = 100;
  rig.RunOk({p, Halt()});
  // Hand-computed, out_zp 5, clamp [-100, 100]:
  //  lane 0: 3/2 = 1.5 -> 2; -1.5 -> -1 (half up)         lane 1: 2.5 -> 3; -2.5 -> -2
  //  lane 2: shift -30 = >>1: 3.5 -> 4; -3.5 -> -3
  //  lane 3: shift 31 = >>62: (2^31-1)^2 / 2^62 -> 1; -2^31 (2^31-1) / 2^62 -> -1
  //  lane 4: bias saturates to INT32_MAX / INT32_MIN, huge -> clamp 100 / -100
  //  lane 5: 100 + 5 -> clamp 100; -106 + 5 -> clamp -100
  //  lane 6: identity (2^30 >> 30): -1; 49       lane 7: 0.5 -> 1; -0.5 -> 0
  EXPECT_EQ(UbRow(s, 30), (std::array<int8_t, kN>{7, 8, 9, 6, 100, 100, 4, 6}));
  EXPECT_EQ(UbRow(s, 31), (std::array<int8_t, kN>{4, 3, 2, 4, -100, -100, 54, 5}));
  EXPECT_EQ(rig.Counter(Counter::kInsnVector), 1u);
  EXPECT_EQ(rig.Counter(Counter::kAccRdBytes), 64u);
  EXPECT_EQ(rig.Counter(Counter::kUbWrBytes), 16u);
}

TEST(GoldenPostproc, LeakyReluAndLut) {
  Rig rig;
  auto& s = rig.chip();
  const int32_t acc[kN] = {-12, -20, 20, 0, -4, 7, -1024, 300};
  for (int c = 0; c < kN; ++c) {
    s.Param(0)[c] = 0;
    s.Param(1)[c] = 1 << 30;  // with shift -1: identity
    s.Param(2)[c] = -1;
    s.Acc(0)[c] = acc[c];
  }
  for (int i = 0; i < 256; ++i) s.Lut(1)[i] = static_cast<int8_t>(127 - i);
  isa::Postproc p = golden_test::Postproc(0, 0, 1, 0);
  p.leaky = true;
  p.alpha_mult = 1;
  p.alpha_shift = 3;
  isa::Postproc with_lut = p;
  with_lut.ub_addr = 1;
  with_lut.lut_en = true;
  with_lut.lut_sel = 1;
  rig.RunOk({p, with_lut, Halt()});
  // Negative values times 1/8, half up: -12 -> -1.5 -> -1; -20 -> -2.5 -> -2; -4 -> -0.5 -> 0;
  // -1024 -> -128. 300 clamps to 127.
  EXPECT_EQ(UbRow(s, 0), (std::array<int8_t, kN>{-1, -2, 20, 0, 0, 7, -128, 127}));
  // LUT: out = lut[q + 128] = 127 - (q + 128) = -1 - q.
  EXPECT_EQ(UbRow(s, 1), (std::array<int8_t, kN>{0, 1, -21, -1, -1, -8, 127, -128}));
}

}  // namespace
}  // namespace aorta
