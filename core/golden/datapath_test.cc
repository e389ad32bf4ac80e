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

// ---- DWCONV ---------------------------------------------------------------------------------

TEST(GoldenDwconv, HandComputedOneTapAccumulates) {
  Rig rig;
  auto& s = rig.chip();
  for (int c = 0; c < kN; ++c) {
    s.Wb(2)[c] = static_cast<int8_t>(c - 4);
    s.Ub(0)[c] = static_cast<int8_t>(10 + c);
    s.Acc(7)[c] = 100;
  }
  isa::Dwconv d;
  d.accumulate = true;
  d.act_addr = 0;
  d.wb_addr = 2;
  d.acc_addr = 7;
  rig.RunOk({d, Halt()});
  // 100 + (10 + c) * (c - 4)
  EXPECT_EQ(AccRow(s, 7), (std::array<int32_t, kN>{60, 67, 76, 87, 100, 115, 132, 151}));
  EXPECT_EQ(rig.Counter(Counter::kVecMacs), 8u);
  EXPECT_EQ(rig.Counter(Counter::kInsnVector), 1u);
  EXPECT_EQ(rig.Counter(Counter::kWbRdBytes), 8u);
  EXPECT_EQ(rig.Counter(Counter::kAccRdBytes), 32u);
}

TEST(GoldenDwconv, StrideDilationPaddingMatchNaiveLoop) {
  Rig rig;
  auto& s = rig.chip();
  const int in_h = 5, in_w = 6, kh = 3, kw = 3, dh = 2, dw = 1, sh = 2, sw = 1, yo = -2, xo = -1;
  const int out_h = 2, out_w = 4, pad = 4;
  FillUb(s, 0, in_h * in_w, 5);
  FillWb(s, 10, kh * kw, 6);
  for (int c = 0; c < kN; ++c) s.Acc(30)[c] = 999;  // overwritten
  isa::Dwconv d;
  d.act_addr = 0;
  d.in_h = in_h;
  d.in_w = in_w;
  d.out_h = out_h;
  d.out_w = out_w;
  d.stride_h = sh;
  d.stride_w = sw;
  d.dil_h = dh;
  d.dil_w = dw;
  d.k_h = kh;
  d.k_w = kw;
  d.y_off = yo;
  d.x_off = xo;
  d.pad_value = pad;
  d.wb_addr = 10;
  d.acc_addr = 30;
  rig.RunOk({d, Halt()});
  int in_taps = 0;
  for (int oy = 0; oy < out_h; ++oy) {
    for (int ox = 0; ox < out_w; ++ox) {
      for (int c = 0; c < kN; ++c) {
        int64_t sum = 0;
        for (int ky = 0; ky < kh; ++ky) {
          for (int kx = 0; kx < kw; ++kx) {
            int iy = oy * sh + yo + ky * dh, ix = ox * sw + xo + kx * dw;
            bool in = iy >= 0 && iy < in_h && ix >= 0 && ix < in_w;
            if (in && c == 0) ++in_taps;
            int a = in ? s.Ub(iy * in_w + ix)[c] : pad;
            sum += a * s.Wb(10 + ky * kw + kx)[c];
          }
        }
        EXPECT_EQ(s.Acc(30 + oy * out_w + ox)[c], sum) << oy << "," << ox << "," << c;
      }
    }
  }
  EXPECT_EQ(rig.Counter(Counter::kVecMacs), uint64_t{out_h * out_w * kh * kw * kN});
  EXPECT_EQ(rig.Counter(Counter::kUbRdBytes), uint64_t(in_taps) * kN);
  EXPECT_EQ(rig.Counter(Counter::kAccRdBytes), 0u);
}

// ---- VEC_ELTWISE ----------------------------------------------------------------------------

// Op record at PARAM row 3: ma 3, mb -2, shift 1, za 1, zb -1, zo 2, clamp [-100, 100];
// a (UB 0) = {5, 2, 0, 127, 0...}, b (UB 2) = {3, -1, -1, -128, 0...}.
void SetUpEltwise(golden::ChipState& s) {
  const int32_t rec[8] = {3, -2, 1, 1, -1, 2, -100, 100};
  for (int i = 0; i < 8; ++i) s.Param(3)[i] = rec[i];
  const int8_t a[kN] = {5, 2, 0, 127, 0, 0, 0, 0};
  const int8_t b[kN] = {3, -1, -1, -128, 0, 0, 0, 0};
  for (int c = 0; c < kN; ++c) {
    s.Ub(0)[c] = a[c];
    s.Ub(1)[c] = a[c];
    s.Ub(2)[c] = b[c];
    s.Ub(3)[c] = 1;
    s.Param(5)[c] = b[c];
  }
}

isa::VecEltwise Eltwise(isa::EltOp op, isa::BSrc b_src, uint32_t b_addr, uint32_t out_addr,
                        uint32_t rows) {
  isa::VecEltwise e;
  e.op = op;
  e.b_src = b_src;
  e.a_addr = 0;
  e.b_addr = b_addr;
  e.out_addr = out_addr;
  e.rows = rows;
  e.param_addr = 3;
  return e;
}

TEST(GoldenEltwise, AllOpsHandComputed) {
  Rig rig;
  auto& s = rig.chip();
  SetUpEltwise(s);
  using isa::BSrc;
  using isa::EltOp;
  rig.RunOk({Eltwise(EltOp::kAdd, BSrc::kUbRows, 2, 10, 1),
             Eltwise(EltOp::kMul, BSrc::kUbRows, 2, 11, 1),
             Eltwise(EltOp::kMax, BSrc::kUbRows, 2, 12, 1),
             Eltwise(EltOp::kMin, BSrc::kUbRows, 2, 13, 1), Halt()});
  // Lane 0: da 4, db 4. ADD 12-8=4 -> 2; MUL 48 -> 24; MAX 12 -> 6; MIN -8 -> -4 (+ zo 2).
  // Lane 1: da 1, db 0. ADD 3 -> 1.5 -> 2; MUL 0; MAX 3 -> 2; MIN 0.
  // Lane 2: da -1, db 0. ADD -3 -> -1.5 -> -1; MUL 0; MAX 0; MIN -3 -> -1.
  // Lane 3: da 126, db -127: ADD 632, MAX 378, MIN 254 clamp to 100; MUL -48006 to -100.
  // Lanes 4..7: da -1, db 1: ADD -5 -> -2; MUL -3 -> -1; MAX -2 -> -1; MIN -3 -> -1.
  EXPECT_EQ(UbRow(s, 10), (std::array<int8_t, kN>{4, 4, 1, 100, 0, 0, 0, 0}));
  EXPECT_EQ(UbRow(s, 11), (std::array<int8_t, kN>{26, 2, 2, -100, 1, 1, 1, 1}));
  EXPECT_EQ(UbRow(s, 12), (std::array<int8_t, kN>{8, 4, 2, 100, 1, 1, 1, 1}));
  EXPECT_EQ(UbRow(s, 13), (std::array<int8_t, kN>{-2, 2, 1, 100, 1, 1, 1, 1}));
  EXPECT_EQ(rig.Counter(Counter::kInsnVector), 4u);
  EXPECT_EQ(rig.Counter(Counter::kUbRdBytes), 4u * 16u);
  EXPECT_EQ(rig.Counter(Counter::kUbWrBytes), 4u * 8u);
}

TEST(GoldenEltwise, OperandSourcesAndInPlace) {
  Rig rig;
  auto& s = rig.chip();
  SetUpEltwise(s);
  using isa::BSrc;
  using isa::EltOp;
  // a rows 0,1 are equal; UB_ROWS pairs them with b rows 2 and 3 (all ones: db = 2, ADD
  // t = 3 da - 4); UB_BCAST and PARAM use b row 2 / PARAM row 5 for both rows.
  isa::VecEltwise in_place = Eltwise(EltOp::kAdd, BSrc::kUbRows, 2, 0, 2);
  rig.RunOk({Eltwise(EltOp::kAdd, BSrc::kUbRows, 2, 20, 2),
             Eltwise(EltOp::kAdd, BSrc::kUbBcast, 2, 22, 2),
             Eltwise(EltOp::kAdd, BSrc::kParam, 5, 24, 2), in_place, Halt()});
  const std::array<int8_t, kN> add_b = {4, 4, 1, 100, 0, 0, 0, 0};
  // b = 1: lane 0 da 4: 12-4=8 -> 4 -> 6; lane 1 da 1: -1 -> -0.5 -> 0 -> 2; lane 2 da -1:
  // -7 -> -3.5 -> -3 -> -1; lane 3 da 126: 374 -> 100; lanes 4.. da -1: -7 -> -1.
  const std::array<int8_t, kN> add_one = {6, 2, -1, 100, -1, -1, -1, -1};
  EXPECT_EQ(UbRow(s, 20), add_b);
  EXPECT_EQ(UbRow(s, 21), add_one);
  EXPECT_EQ(UbRow(s, 22), add_b);
  EXPECT_EQ(UbRow(s, 23), add_b);
  EXPECT_EQ(UbRow(s, 24), add_b);
  EXPECT_EQ(UbRow(s, 25), add_b);
  EXPECT_EQ(UbRow(s, 0), add_b);  // in place, row by row
  EXPECT_EQ(UbRow(s, 1), add_one);
  // UB reads: 2 rows a + 2 rows b for the three UB sources, a only for PARAM.
  EXPECT_EQ(rig.Counter(Counter::kUbRdBytes), 3u * 32u + 16u);
}

// ---- POOL -----------------------------------------------------------------------------------

// 3x3 image at UB 0..8: lane c of pixel (y, x) = 3y + x + 1 + 10c.
void SetUpPool(golden::ChipState& s) {
  for (int p = 0; p < 9; ++p)
    for (int c = 0; c < kN; ++c) s.Ub(p)[c] = static_cast<int8_t>(p + 1 + 10 * c);
}

isa::Pool PoolOf(isa::PoolOp op, uint32_t out_addr) {
  isa::Pool p;
  p.op = op;
  p.in_addr = 0;
  p.out_addr = out_addr;
  p.in_h = 3;
  p.in_w = 3;
  p.out_h = 2;
  p.out_w = 2;
  p.k_h = 2;
  p.k_w = 2;
  p.stride_h = 2;
  p.stride_w = 2;
  p.pad_t = 1;
  p.pad_l = 1;
  p.param_addr = 1;
  return p;
}

void SetPoolRecord(golden::ChipState& s, uint64_t row, std::array<int32_t, 6> rec) {
  for (int i = 0; i < 6; ++i) s.Param(row)[i] = rec[i];
}

TEST(GoldenPool, MaxAvgAvgPadWithBorderPadding) {
  Rig rig;
  auto& s = rig.chip();
  SetUpPool(s);
  SetPoolRecord(s, 1, {1, 0, 0, 0, -128, 127});
  rig.RunOk({PoolOf(isa::PoolOp::kMax, 20), PoolOf(isa::PoolOp::kAvg, 30),
             PoolOf(isa::PoolOp::kAvgPad, 40), Halt()});
  // Windows (pad 1 top / left, 2x2, stride 2): (0,0) {1}; (0,1) {2,3}; (1,0) {4,7};
  // (1,1) {5,6,8,9}.
  const int max0[4] = {1, 3, 7, 9};
  const int avg0[4] = {1, 3, 6, 7};      // 1, 2.5 -> 3, 5.5 -> 6, 7
  const int avgpad0[4] = {0, 1, 3, 7};   // /4: 0.25, 1.25, 2.75, 7
  const int avgpad1[4] = {3, 6, 8, 17};  // lane 1 (+10): 11/4, 25/4, 31/4, 68/4
  for (int p = 0; p < 4; ++p) {
    EXPECT_EQ(s.Ub(20 + p)[0], max0[p]) << p;
    EXPECT_EQ(s.Ub(20 + p)[5], max0[p] + 50) << p;
    EXPECT_EQ(s.Ub(30 + p)[0], avg0[p]) << p;
    EXPECT_EQ(s.Ub(30 + p)[3], avg0[p] + 30) << p;
    EXPECT_EQ(s.Ub(40 + p)[0], avgpad0[p]) << p;
    EXPECT_EQ(s.Ub(40 + p)[1], avgpad1[p]) << p;
  }
  // 3 in-image taps per axis -> 9 (pixel, tap) reads per pool.
  EXPECT_EQ(rig.Counter(Counter::kUbRdBytes), 3u * 9u * 8u);
  EXPECT_EQ(rig.Counter(Counter::kUbWrBytes), 3u * 4u * 8u);
}

TEST(GoldenPool, ZeroPointsMultiplierNegativeRoundingAndEmptyWindows) {
  Rig rig;
  auto& s = rig.chip();
  SetUpPool(s);
  // m 3, shift 1 (x 3/2), zi 1, zo -5.
  SetPoolRecord(s, 1, {3, 1, 1, -5, -128, 127});
  // Empty windows: pad 3 above a 1-tap kernel never reaches the image.
  isa::Pool empty = PoolOf(isa::PoolOp::kAvg, 50);
  empty.out_h = empty.out_w = 1;
  empty.k_h = empty.k_w = 1;
  empty.pad_t = 3;
  isa::Pool empty_max = empty;
  empty_max.op = isa::PoolOp::kMax;
  empty_max.out_addr = 51;
  // Negative average: pixels {-1, -2} -> -1.5 -> -1 (half up), record m 1 shift 0.
  for (int c = 0; c < kN; ++c) {
    s.Ub(60)[c] = -1;
    s.Ub(61)[c] = -2;
  }
  SetPoolRecord(s, 2, {1, 0, 0, 0, -128, 127});
  isa::Pool neg = PoolOf(isa::PoolOp::kAvg, 62);
  neg.in_addr = 60;
  neg.in_h = 1;
  neg.in_w = 2;
  neg.out_h = neg.out_w = 1;
  neg.k_h = 1;
  neg.pad_t = neg.pad_l = 0;
  neg.param_addr = 2;
  rig.RunOk({PoolOf(isa::PoolOp::kAvg, 30), empty, empty_max, neg, Halt()});
  // (1,1): sum (5-1)+(6-1)+(8-1)+(9-1) = 24; 24*3/(4*2) = 9 -> 4.
  // (0,1): sum 1 + 2 = 3; 9/4 = 2.25 -> 2 -> -3.  (0,0): 0 -> -5.  (1,0): 3+6=9; 27/4 -> 7 -> 2.
  EXPECT_EQ(s.Ub(30)[0], -5);
  EXPECT_EQ(s.Ub(31)[0], -3);
  EXPECT_EQ(s.Ub(32)[0], 2);
  EXPECT_EQ(s.Ub(33)[0], 4);
  EXPECT_EQ(s.Ub(50)[0], -5);    // no tap: zo
  EXPECT_EQ(s.Ub(51)[0], -128);  // no tap: MAX gives -128
  EXPECT_EQ(s.Ub(62)[0], -1);
}

// ---- RESIZE ---------------------------------------------------------------------------------

TEST(GoldenResize, NearestNeighbourByIntegerFactors) {
  Rig rig;
  auto& s = rig.chip();
  for (int p = 0; p < 4; ++p)
    for (int c = 0; c < kN; ++c) s.Ub(p)[c] = static_cast<int8_t>(10 * p + c);
  isa::Resize r;
  r.in_addr = 0;
  r.out_addr = 100;
  r.in_h = 2;
  r.in_w = 2;
  r.scale_h = 2;
  r.scale_w = 3;
  rig.RunOk({r, Halt()});
  const int expect[4][6] = {{0, 0, 0, 10, 10, 10},
                            {0, 0, 0, 10, 10, 10},
                            {20, 20, 20, 30, 30, 30},
                            {20, 20, 20, 30, 30, 30}};
  for (int oy = 0; oy < 4; ++oy) {
    for (int ox = 0; ox < 6; ++ox) {
      EXPECT_EQ(s.Ub(100 + oy * 6 + ox)[0], expect[oy][ox]) << oy << "," << ox;
      EXPECT_EQ(s.Ub(100 + oy * 6 + ox)[7], expect[oy][ox] + 7) << oy << "," << ox;
    }
  }
  EXPECT_EQ(rig.Counter(Counter::kUbWrBytes), 24u * 8u);
}

}  // namespace
}  // namespace aorta
