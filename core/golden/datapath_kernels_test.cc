// The matrix kernel's fast path against its plain loop and a naive int64 sum written here, on
// the array sizes the configs use (8, 16, 128), the other sizes the vector path takes and sizes
// it leaves to the plain loop.
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

}  // namespace
}  // namespace aorta::golden::kernels
