// The matrix and depthwise kernels' fast paths against their plain loops and naive int64 sums
// written here, on the array sizes the configs use (8, 16, 128), the other sizes the vector paths
// take and sizes they leave to the plain loops.
#include "core/golden/datapath_kernels.h"

#include <gtest/gtest.h>

#include <climits>
#include <functional>
#include <random>
#include <vector>

namespace aorta::golden::kernels {
namespace {

struct Case {
  uint32_t n;
  size_t pixels;
};

// Naive reference: int64 sums, accumulate modulo 2^32.
std::vector<int32_t> Naive(const std::vector<int8_t>& w, const std::vector<const int8_t*>& a,
                           uint32_t n, std::vector<int32_t> out, bool accumulate) {
  for (size_t p = 0; p < a.size(); ++p) {
    for (uint32_t c = 0; c < n; ++c) {
      int64_t sum = 0;
      for (uint32_t k = 0; k < n; ++k) sum += int64_t{a[p][k]} * w[size_t{k} * n + c];
      const int64_t v = accumulate ? int64_t{out[p * n + c]} + sum : sum;
      out[p * n + c] = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(v)));
    }
  }
  return out;
}

// Runs both kernels and the naive loop on weights / activations from `fill` and `out` as the
// initial ACC rows.
void Check(uint32_t n, size_t pixels, const std::function<int8_t(std::mt19937&)>& fill,
           bool accumulate, int32_t acc_init) {
  std::mt19937 g(n * 131 + static_cast<uint32_t>(pixels));
  std::vector<int8_t> w(size_t{n} * n);
  for (int8_t& x : w) x = fill(g);
  std::vector<std::vector<int8_t>> rows(pixels, std::vector<int8_t>(n));
  for (auto& r : rows)
    for (int8_t& x : r) x = fill(g);
  std::vector<const int8_t*> a;
  for (size_t p = 0; p < pixels; ++p) a.push_back(rows[p].data());
  if (pixels > 2) a[1] = a[0];  // a row read twice (the padding row is)
  BankWeights bank;
  bank.Set(w.data(), n);
  std::vector<int32_t> init(pixels * n);
  for (size_t i = 0; i < init.size(); ++i) init[i] = acc_init - static_cast<int32_t>(i % 7);
  std::vector<int32_t> fast = init, plain = init;
  MatmulRows(bank, a.data(), a.size(), fast.data(), accumulate);
  MatmulRowsPlain(bank, a.data(), a.size(), plain.data(), accumulate);
  const std::vector<int32_t> expect = Naive(w, a, n, init, accumulate);
  EXPECT_EQ(plain, expect) << "n " << n << " accumulate " << accumulate;
  EXPECT_EQ(fast, expect) << "n " << n << " accumulate " << accumulate << " vectorized "
                          << MatmulRowsVectorized(n);
}

TEST(MatmulKernel, FastPathEqualsPlainLoopOnRandomData) {
  auto uniform = [](std::mt19937& g) {
    return static_cast<int8_t>(std::uniform_int_distribution<int>(-128, 127)(g));
  };
  for (uint32_t n : {8u, 16u, 24u, 32u, 64u, 128u, 256u, 5u, 12u, 1u})
    for (bool acc : {false, true}) Check(n, 9, uniform, acc, 1000);
}

// Every pixel count from 0 to 2 * 8 + 7 and a long pass: the vector path's steps of several
// pixels and each of its remainders (for N = 8 and 16: steps of 8 / 4 pixels, then halves, then
// single pixels), with each pixel's row anywhere in memory.
TEST(MatmulKernel, EveryPixelCountEqualsPlainLoop) {
  auto uniform = [](std::mt19937& g) {
    return static_cast<int8_t>(std::uniform_int_distribution<int>(-128, 127)(g));
  };
  for (uint32_t n : {8u, 16u, 32u, 48u, 128u}) {
    for (size_t pixels = 0; pixels <= 23; ++pixels)
      for (bool acc : {false, true}) Check(n, pixels, uniform, acc, -77);
    Check(n, 113, uniform, true, 5);
  }
}

TEST(MatmulKernel, ExtremesAndWrappingAccumulation) {
  auto min = [](std::mt19937&) { return int8_t{-128}; };
  auto max = [](std::mt19937&) { return int8_t{127}; };
  auto sign = [](std::mt19937& g) { return g() % 2 ? int8_t{-128} : int8_t{127}; };
  for (uint32_t n : {8u, 16u, 128u, 256u, 7u}) {
    // -128 * -128 summed over n: the largest column sum (2^14 n); with ACC near INT32_MAX the
    // accumulation wraps.
    Check(n, 3, min, false, 0);
    Check(n, 3, min, true, INT32_MAX);
    Check(n, 3, max, true, INT32_MIN);
    Check(n, 5, sign, true, INT32_MAX - 5);
  }
}

TEST(MatmulKernel, VectorPathOnlyForMultiplesOfEight) {
  for (uint32_t n : {1u, 5u, 7u, 12u, 20u}) EXPECT_FALSE(MatmulRowsVectorized(n)) << n;
#if defined(__x86_64__) && defined(__GNUC__)
  EXPECT_EQ(MatmulRowsVectorized(16), static_cast<bool>(__builtin_cpu_supports("avx2")));
#endif
  // The layout: pairs of input channels per output channel, a zero row after an odd N.
  const int8_t w[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};  // W[k][c] = w[3k + c]
  BankWeights b;
  b.Set(w, 3);
  const int16_t expect[12] = {1, 4, 2, 5, 3, 6, 7, 0, 8, 0, 9, 0};
  for (int i = 0; i < 12; ++i) EXPECT_EQ(b.pairs()[i], expect[i]) << i;
}

// The pair layout on random banks of every size the vector paths and the plain loop take, set
// over an earlier bank of another size: pairs[(j * N + c) * 2 + e] = W[2j + e][c], 0 past an odd
// N's last row.
TEST(MatmulKernel, PairLayoutOfRandomBanks) {
  std::mt19937 g(4242);
  BankWeights b;
  for (uint32_t n : {16u, 8u, 128u, 16u, 1u, 3u, 24u, 7u, 256u, 40u}) {
    std::vector<int8_t> w(size_t{n} * n);
    for (int8_t& x : w) x = static_cast<int8_t>(g());
    b.Set(w.data(), n);
    ASSERT_EQ(b.n(), n);
    EXPECT_EQ(std::vector<int8_t>(b.raw(), b.raw() + w.size()), w) << n;
    const uint32_t pairs = (n + 1) / 2;
    int mismatches = 0;
    for (uint32_t j = 0; j < pairs; ++j)
      for (uint32_t c = 0; c < n; ++c)
        for (uint32_t e = 0; e < 2; ++e) {
          const uint32_t k = 2 * j + e;
          const int16_t expect = k < n ? w[size_t{k} * n + c] : int16_t{0};
          mismatches += b.pairs()[(size_t{j} * n + c) * 2 + e] != expect;
        }
    EXPECT_EQ(mismatches, 0) << "n " << n;
  }
}

// The depthwise kernel against its plain loop and an int64 sum written here: `pixels` pixels of
// `taps` taps of n channels from `fill` (pixel 0's tap 2 reads its tap 0's row, as the padding
// row is read several times), ACC rows from acc_init.
void CheckDepthwise(uint32_t n, size_t taps, size_t pixels,
                    const std::function<int8_t(std::mt19937&)>& fill, bool accumulate,
                    int32_t acc_init) {
  std::mt19937 g(n * 977 + static_cast<uint32_t>(taps * 31 + pixels));
  std::vector<std::vector<int8_t>> arows(taps * pixels, std::vector<int8_t>(n)),
      wrows(taps, std::vector<int8_t>(n));
  for (auto* rows : {&arows, &wrows})
    for (auto& r : *rows)
      for (int8_t& x : r) x = fill(g);
  std::vector<const int8_t*> a, w;
  for (auto& r : arows) a.push_back(r.data());
  for (auto& r : wrows) w.push_back(r.data());
  if (taps > 2 && pixels > 0) a[2] = a[0];
  DepthwiseWeights weights;
  weights.Set(w.data(), taps, n);
  std::vector<int32_t> init(pixels * n);
  for (size_t k = 0; k < init.size(); ++k) init[k] = acc_init - static_cast<int32_t>(k % 5);
  std::vector<int32_t> expect = init;
  for (size_t p = 0; p < pixels; ++p)
    for (uint32_t c = 0; c < n; ++c) {
      int64_t sum = 0;
      for (size_t t = 0; t < taps; ++t) sum += int64_t{a[p * taps + t][c]} * w[t][c];
      const int64_t v = accumulate ? int64_t{init[p * n + c]} + sum : sum;
      expect[p * n + c] = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(v)));
    }
  std::vector<int32_t> fast = init, plain = init;
  DepthwisePixels(weights, a.data(), pixels, fast.data(), accumulate);
  DepthwisePixelsPlain(weights, a.data(), pixels, plain.data(), accumulate);
  EXPECT_EQ(plain, expect) << "n " << n << " taps " << taps << " accumulate " << accumulate;
  EXPECT_EQ(fast, expect) << "n " << n << " taps " << taps << " accumulate " << accumulate;
}

TEST(DepthwiseKernel, FastPathEqualsPlainLoopOnRandomAndExtremeData) {
  auto uniform = [](std::mt19937& g) {
    return static_cast<int8_t>(std::uniform_int_distribution<int>(-128, 127)(g));
  };
  auto min = [](std::mt19937&) { return int8_t{-128}; };
  auto sign = [](std::mt19937& g) { return g() % 2 ? int8_t{-128} : int8_t{127}; };
  // 8, 16, 128: the configs' arrays; 24, 40: a 16-channel step then an 8-channel one; 5, 12:
  // the plain loop. Taps: 1 (a 1x1 window), 2, 9 (3x3, odd: the last tap paired with zeros),
  // 225 (15x15, the most).
  for (uint32_t n : {8u, 16u, 24u, 40u, 128u, 5u, 12u, 1u}) {
    for (size_t taps : {size_t{1}, size_t{2}, size_t{9}, size_t{225}}) {
      for (bool acc : {false, true}) CheckDepthwise(n, taps, 3, uniform, acc, 1000);
      CheckDepthwise(n, taps, 2, min, false, 0);              // the largest sums: 2^14 per tap
      CheckDepthwise(n, taps, 2, min, true, INT32_MAX);       // accumulation wraps
      CheckDepthwise(n, taps, 1, sign, true, INT32_MIN + 3);  // and the other way
    }
  }
  CheckDepthwise(16, 9, 0, uniform, true, 7);  // no pixels
}

// The pair layout: pairs[(u * n + c) * 2 + e] = w[2u + e][c], 0 past an odd count's last tap.
TEST(DepthwiseKernel, PairLayoutOfTheTaps) {
  std::mt19937 g(99);
  DepthwiseWeights weights;
  for (uint32_t n : {16u, 8u, 5u}) {
    for (size_t taps : {size_t{1}, size_t{4}, size_t{25}}) {
      std::vector<std::vector<int8_t>> rows(taps, std::vector<int8_t>(n));
      std::vector<const int8_t*> w;
      for (auto& r : rows) {
        for (int8_t& x : r) x = static_cast<int8_t>(g());
        w.push_back(r.data());
      }
      weights.Set(w.data(), taps, n);
      ASSERT_EQ(weights.taps(), taps);
      int mismatches = 0;
      for (size_t u = 0; u < (taps + 1) / 2; ++u)
        for (uint32_t c = 0; c < n; ++c)
          for (size_t e = 0; e < 2; ++e) {
            const size_t t = 2 * u + e;
            const int16_t expect = t < taps ? rows[t][c] : int16_t{0};
            mismatches += weights.pairs()[(u * n + c) * 2 + e] != expect;
          }
      EXPECT_EQ(mismatches, 0) << "n " << n << " taps " << taps;
      for (size_t t = 0; t < taps; ++t)
        EXPECT_EQ(std::vector<int8_t>(weights.row(t), weights.row(t) + n), rows[t]);
    }
  }
}

// POOL's taps: the fast path and the plain loop against the max and the sum written out here, on
// random and extreme rows (one row read twice, as overlapping windows do), with and without sums,
// with no taps at all (a window wholly in the padding).
TEST(PoolKernel, FastPathEqualsPlainLoopAndTheRule) {
  std::mt19937 g(515);
  for (uint32_t n : {8u, 16u, 24u, 40u, 128u, 5u, 12u, 1u}) {
    for (size_t taps : {size_t{0}, size_t{1}, size_t{4}, size_t{9}, size_t{49}}) {
      for (int variant = 0; variant < 3; ++variant) {
        std::vector<std::vector<int8_t>> rows(taps, std::vector<int8_t>(n));
        for (auto& r : rows)
          for (int8_t& x : r)
            x = variant == 1   ? int8_t{-128}
                : variant == 2 ? (g() % 2 ? int8_t{127} : int8_t{-128})
                               : static_cast<int8_t>(g());
        std::vector<const int8_t*> a;
        for (auto& r : rows) a.push_back(r.data());
        if (taps > 2) a[2] = a[0];
        const int32_t zi = variant == 1 ? 127 : static_cast<int8_t>(g());
        std::vector<int8_t> expect_max(n, -128);
        std::vector<int32_t> expect_sum(n, 0);
        for (uint32_t c = 0; c < n; ++c)
          for (size_t t = 0; t < taps; ++t) {
            expect_max[c] = std::max(expect_max[c], a[t][c]);
            expect_sum[c] += a[t][c] - zi;
          }
        for (bool sums : {false, true}) {
          std::vector<int8_t> fast_max(n, 1), plain_max(n, 2);
          std::vector<int32_t> fast_sum(n, 3), plain_sum(n, 4);
          PoolTaps(n, a.data(), taps, zi, fast_max.data(), sums ? fast_sum.data() : nullptr);
          PoolTapsPlain(n, a.data(), taps, zi, plain_max.data(), sums ? plain_sum.data() : nullptr);
          EXPECT_EQ(fast_max, expect_max) << "n " << n << " taps " << taps << " v " << variant;
          EXPECT_EQ(plain_max, expect_max) << "n " << n << " taps " << taps << " v " << variant;
          if (sums) {
            EXPECT_EQ(fast_sum, expect_sum) << "n " << n << " taps " << taps << " v " << variant;
            EXPECT_EQ(plain_sum, expect_sum) << "n " << n << " taps " << taps << " v " << variant;
          } else {
            EXPECT_EQ(fast_sum, std::vector<int32_t>(n, 3)) << "sums written without a buffer";
          }
        }
      }
    }
  }
}

// POSTPROC's rows: the fast path against the definition (intmath::Postproc per value) on random
// and extreme accumulators, biases (the saturating add), multipliers and every legal shift, with
// and without a LUT and a leaky slope (shift 0 and random).
TEST(PostprocKernel, FastPathEqualsThePerValueRule) {
  std::mt19937 g(2026);
  auto any32 = [&] { return static_cast<int32_t>(g()); };
  const int32_t extremes[] = {INT32_MIN, INT32_MIN + 1, -1, 0, 1, INT32_MAX - 1, INT32_MAX};
  std::vector<int8_t> lut(256);
  for (int8_t& x : lut) x = static_cast<int8_t>(g());
  for (uint32_t n : {8u, 16u, 128u, 12u}) {
    for (int variant = 0; variant < 6; ++variant) {
      const size_t rows = 7;
      std::vector<int32_t> acc(rows * n), bias(n), mult(n), shift(n);
      for (size_t k = 0; k < acc.size(); ++k)
        acc[k] = k % 3 == 0 ? extremes[g() % 7] : any32() >> (g() % 31);
      for (uint32_t c = 0; c < n; ++c) {
        bias[c] = c % 4 == 0 ? extremes[g() % 7] : any32() >> (g() % 31);
        mult[c] = c % 5 == 0 ? extremes[g() % 7] : any32();
        shift[c] = intmath::kMinShift + static_cast<int32_t>((c + 7 * variant) % 62);
      }
      intmath::PostprocOptions o;
      o.out_zp = static_cast<int8_t>(g());
      o.lo = -128 + static_cast<int32_t>(g() % 100);
      o.hi = 127 - static_cast<int32_t>(g() % 100);
      o.lut = variant % 2 == 1 ? lut.data() : nullptr;
      o.leaky = variant >= 4;
      o.alpha_mult = any32();
      o.alpha_shift = variant == 4 ? 0 : g() % 63;
      std::vector<int8_t> fast(acc.size()), expect(acc.size());
      PostprocRows(acc.data(), rows, n, bias.data(), mult.data(), shift.data(), o, fast.data());
      for (size_t r = 0; r < rows; ++r)
        for (uint32_t c = 0; c < n; ++c)
          expect[r * n + c] = intmath::Postproc(acc[r * n + c], bias[c], mult[c], shift[c], o);
      EXPECT_EQ(fast, expect) << "n " << n << " variant " << variant;
      std::vector<int8_t> plain(acc.size());
      PostprocRowsPlain(acc.data(), rows, n, bias.data(), mult.data(), shift.data(), o,
                        plain.data());
      EXPECT_EQ(plain, expect) << "n " << n << " variant " << variant;
    }
  }
}

// VEC_ELTWISE's rows: the fast path against the definition (intmath::Eltwise per value, row after
// row) for every op, b per row and one b for all, random and extreme multipliers, zero points and
// shifts, and the output written over a (a residual add in place).
TEST(EltwiseKernel, FastPathEqualsThePerValueRule) {
  std::mt19937 g(77);
  const int32_t extremes[] = {INT32_MIN, -1, 0, 1, INT32_MAX};
  for (uint32_t n : {8u, 16u, 128u, 12u}) {
    for (auto kind : {intmath::EltKind::kAdd, intmath::EltKind::kMul, intmath::EltKind::kMax,
                      intmath::EltKind::kMin}) {
      for (int variant = 0; variant < 8; ++variant) {
        const size_t rows = 5;
        std::vector<int8_t> a(rows * n), b(rows * n);
        for (int8_t& x : a) x = static_cast<int8_t>(g());
        for (int8_t& x : b) x = static_cast<int8_t>(g());
        intmath::EltwiseParams p;
        p.ma = variant % 4 == 0 ? extremes[g() % 5] : static_cast<int32_t>(g());
        p.mb = variant % 4 == 1 ? extremes[g() % 5] : static_cast<int32_t>(g());
        p.shift = variant == 2 ? 0 : static_cast<int32_t>(g() % 63);
        p.za = static_cast<int8_t>(g());
        p.zb = static_cast<int8_t>(g());
        p.zo = static_cast<int8_t>(g());
        p.lo = -128 + static_cast<int32_t>(g() % 60);
        p.hi = 127 - static_cast<int32_t>(g() % 60);
        ASSERT_TRUE(intmath::EltwiseParamsValid(p));
        const size_t b_stride = variant % 2 == 0 ? n : 0;
        const bool in_place = variant >= 6;
        std::vector<int8_t> expect = a;
        for (size_t r = 0; r < rows; ++r)
          for (uint32_t c = 0; c < n; ++c)
            expect[r * n + c] = intmath::Eltwise(kind, a[r * n + c], b[r * b_stride + c], p);
        std::vector<int8_t> fast_a = a, fast(rows * n);
        int8_t* fast_out = in_place ? fast_a.data() : fast.data();
        EltwiseRows(kind, fast_a.data(), b.data(), b_stride, rows, n, p, fast_out);
        EXPECT_EQ(std::vector<int8_t>(fast_out, fast_out + rows * n), expect)
            << "n " << n << " op " << static_cast<int>(kind) << " variant " << variant;
        std::vector<int8_t> plain_a = a, plain(rows * n);
        int8_t* plain_out = in_place ? plain_a.data() : plain.data();
        EltwiseRowsPlain(kind, plain_a.data(), b.data(), b_stride, rows, n, p, plain_out);
        EXPECT_EQ(std::vector<int8_t>(plain_out, plain_out + rows * n), expect)
            << "n " << n << " op " << static_cast<int>(kind) << " variant " << variant;
      }
    }
  }
}

}  // namespace
}  // namespace aorta::golden::kernels
