#include "core/golden/datapath_kernels.h"

#include <cstring>

#include "core/intmath.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define AORTA_KERNELS_AVX2 1
#else
#define AORTA_KERNELS_AVX2 0
#endif

namespace aorta::golden::kernels {
namespace {
// The largest N the vector path takes (its per-pixel buffers are on the stack).
constexpr uint32_t kMaxN = 1024;
}  // namespace

void BankWeights::Set(const int8_t* w, uint32_t n) {
  n_ = n;
  raw_.assign(w, w + size_t{n} * n);
  const uint32_t pairs = (n + 1) / 2;
  pairs_.resize(size_t{pairs} * n * 2);
  // Pair j interleaves rows 2j and 2j + 1 (a zero row past an odd N's last).
  for (uint32_t j = 0; j < pairs; ++j) {
    const int8_t* even = w + size_t{2 * j} * n;
    const int8_t* odd = 2 * j + 1 < n ? even + n : nullptr;
    int16_t* out = pairs_.data() + size_t{j} * n * 2;
    for (uint32_t c = 0; c < n; ++c) {
      out[2 * c] = even[c];
      out[2 * c + 1] = odd != nullptr ? odd[c] : int16_t{0};
    }
  }
}

void MatmulRowsPlain(const BankWeights& w, const int8_t* const* a, size_t count, int32_t* out,
                     bool accumulate) {
  const uint32_t n = w.n();
  const int8_t* wk = w.raw();
  for (size_t p = 0; p < count; ++p) {
    int32_t* o = out + p * n;
    for (uint32_t c = 0; c < n; ++c) {
      int64_t sum = 0;
      for (uint32_t k = 0; k < n; ++k) sum += int64_t{a[p][k]} * wk[size_t{k} * n + c];
      o[c] = accumulate ? intmath::Wrap32(int64_t{o[c]} + sum) : static_cast<int32_t>(sum);
    }
  }
}

#if AORTA_KERNELS_AVX2
namespace {

// G blocks of 8 output channels from block cb on: acc[g] = sum_j madd(pair j of a, pairs j of W).
template <int G>
__attribute__((target("avx2"))) inline void Blocks(const int16_t* a16, uint32_t pairs,
                                                   const int16_t* wp, uint32_t n, uint32_t cb,
                                                   int32_t* o, bool accumulate) {
  __m256i acc[G];
  for (int g = 0; g < G; ++g) acc[g] = _mm256_setzero_si256();
  const int16_t* w = wp + size_t{cb} * 16;
  const size_t step = size_t{n} * 2;
  for (uint32_t j = 0; j < pairs; ++j, w += step) {
    int32_t pair;  // channels 2j and 2j + 1 as one 32-bit lane
    std::memcpy(&pair, a16 + 2 * j, sizeof(pair));
    const __m256i b = _mm256_set1_epi32(pair);
    for (int g = 0; g < G; ++g) {
      const __m256i wv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + g * 16));
      acc[g] = _mm256_add_epi32(acc[g], _mm256_madd_epi16(b, wv));
    }
  }
  for (int g = 0; g < G; ++g) {
    auto* dst = reinterpret_cast<__m256i*>(o + (cb + g) * 8);
    __m256i v = acc[g];
    if (accumulate) v = _mm256_add_epi32(_mm256_loadu_si256(dst), v);  // wraps mod 2^32
    _mm256_storeu_si256(dst, v);
  }
}

// A pixel's N channels (N a multiple of 8) widened to int16.
__attribute__((target("avx2"))) inline void Widen(const int8_t* a, uint32_t n, int16_t* a16) {
  for (uint32_t k = 0; k < n; k += 8) {
    const __m128i v = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(a + k));
    _mm_store_si128(reinterpret_cast<__m128i*>(a16 + k), _mm_cvtepi8_epi16(v));
  }
}

// The small arrays (N = kN, 8 or 16), kP pixels at a time: the loops unrolled at compile time and
// each weight vector loaded once for the kP pixels (the same sums as Blocks, in the same order).
template <uint32_t kN, uint32_t kP>
__attribute__((target("avx2"))) void MatmulRowsSmallAvx2(const BankWeights& w,
                                                         const int8_t* const* a, size_t count,
                                                         int32_t* out, bool accumulate) {
  constexpr uint32_t kPairs = kN / 2, kBlocks = kN / 8;
  const int16_t* wp = w.pairs();
  alignas(32) int16_t a16[kP][kN];
  size_t p = 0;
  for (; p + kP <= count; p += kP) {
    for (uint32_t q = 0; q < kP; ++q) Widen(a[p + q], kN, a16[q]);
    __m256i acc[kP][kBlocks];
    for (uint32_t q = 0; q < kP; ++q)
      for (uint32_t g = 0; g < kBlocks; ++g) acc[q][g] = _mm256_setzero_si256();
#pragma GCC unroll 16
    for (uint32_t j = 0; j < kPairs; ++j) {
      __m256i wv[kBlocks];
      for (uint32_t g = 0; g < kBlocks; ++g)
        wv[g] = _mm256_loadu_si256(
            reinterpret_cast<const __m256i*>(wp + (size_t{j} * kN + size_t{g} * 8) * 2));
      for (uint32_t q = 0; q < kP; ++q) {
        int32_t pair;  // channels 2j and 2j + 1 of pixel q as one 32-bit lane
        std::memcpy(&pair, a16[q] + 2 * j, sizeof(pair));
        const __m256i b = _mm256_set1_epi32(pair);
        for (uint32_t g = 0; g < kBlocks; ++g)
          acc[q][g] = _mm256_add_epi32(acc[q][g], _mm256_madd_epi16(b, wv[g]));
      }
    }
    for (uint32_t q = 0; q < kP; ++q) {
      for (uint32_t g = 0; g < kBlocks; ++g) {
        auto* dst = reinterpret_cast<__m256i*>(out + (p + q) * kN + g * 8);
        __m256i v = acc[q][g];
        if (accumulate) v = _mm256_add_epi32(_mm256_loadu_si256(dst), v);  // wraps mod 2^32
        _mm256_storeu_si256(dst, v);
      }
    }
  }
  for (; p < count; ++p) {
    Widen(a[p], kN, a16[0]);
    Blocks<kBlocks>(a16[0], kPairs, wp, kN, 0, out + p * kN, accumulate);
  }
}

__attribute__((target("avx2"))) void MatmulRowsAvx2(const BankWeights& w, const int8_t* const* a,
                                                    size_t count, int32_t* out, bool accumulate) {
  const uint32_t n = w.n();
  const uint32_t pairs = n / 2, blocks = n / 8;
  const int16_t* wp = w.pairs();
  if (n == 16) return MatmulRowsSmallAvx2<16, 2>(w, a, count, out, accumulate);
  if (n == 8) return MatmulRowsSmallAvx2<8, 4>(w, a, count, out, accumulate);
  alignas(32) int16_t a16[kMaxN];  // the pixel's channels widened to int16
  for (size_t p = 0; p < count; ++p) {
    Widen(a[p], n, a16);
    int32_t* o = out + p * n;
    uint32_t cb = 0;
    for (; cb + 4 <= blocks; cb += 4) Blocks<4>(a16, pairs, wp, n, cb, o, accumulate);
    for (; cb + 2 <= blocks; cb += 2) Blocks<2>(a16, pairs, wp, n, cb, o, accumulate);
    for (; cb < blocks; ++cb) Blocks<1>(a16, pairs, wp, n, cb, o, accumulate);
  }
}

bool HasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}

}  // namespace
#endif

bool MatmulRowsVectorized(uint32_t n) {
#if AORTA_KERNELS_AVX2
  return n % 8 == 0 && n <= kMaxN && HasAvx2();
#else
  (void)n;
  return false;
#endif
}

void MatmulRows(const BankWeights& w, const int8_t* const* a, size_t count, int32_t* out,
                bool accumulate) {
#if AORTA_KERNELS_AVX2
  if (MatmulRowsVectorized(w.n())) return MatmulRowsAvx2(w, a, count, out, accumulate);
#endif
  MatmulRowsPlain(w, a, count, out, accumulate);
}

}  // namespace aorta::golden::kernels
