#include "core/golden/datapath_kernels.h"

#include <algorithm>
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
// The largest N the vector path takes (bounds its buffer of widened pixels, 32 * N int16).
constexpr uint32_t kMaxN = 1024;

// Pairs rows 2j and 2j + 1 of the n x n bank w into pairs (the layout of BankWeights::pairs) for
// channels [c0, n), a zero row past an odd N's last.
void PairChannels(const int8_t* w, uint32_t n, uint32_t c0, int16_t* pairs) {
  for (uint32_t j = 0; j < (n + 1) / 2; ++j) {
    const int8_t* even = w + size_t{2 * j} * n;
    const int8_t* odd = 2 * j + 1 < n ? even + n : nullptr;
    int16_t* out = pairs + size_t{j} * n * 2;
    for (uint32_t c = c0; c < n; ++c) {
      out[2 * c] = even[c];
      out[2 * c + 1] = odd != nullptr ? odd[c] : int16_t{0};
    }
  }
}

}  // namespace

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

void DepthwiseTapsPlain(uint32_t n, const int8_t* const* a, const int8_t* const* w, size_t taps,
                        int32_t* out, bool accumulate) {
  for (uint32_t c = 0; c < n; ++c) {
    int32_t sum = 0;
    for (size_t t = 0; t < taps; ++t) sum += int32_t{a[t][c]} * w[t][c];
    out[c] = accumulate ? intmath::Wrap32(int64_t{out[c]} + sum) : sum;
  }
}

void DepthwiseWeights::Set(const int8_t* const* w, size_t taps, uint32_t n) {
  n_ = n;
  taps_ = taps;
  raw_.resize(taps * n);
  for (size_t t = 0; t < taps; ++t) std::memcpy(raw_.data() + t * n, w[t], n);
  pairs_.assign((taps + 1) / 2 * n * 2, 0);
  for (size_t t = 0; t < taps; ++t)
    for (uint32_t c = 0; c < n; ++c) pairs_[((t / 2) * n + c) * 2 + t % 2] = w[t][c];
}

void DepthwisePixelsPlain(const DepthwiseWeights& w, const int8_t* const* a, size_t pixels,
                          int32_t* out, bool accumulate) {
  const uint32_t n = w.n();
  const size_t taps = w.taps();
  std::vector<const int8_t*> rows(taps);
  for (size_t t = 0; t < taps; ++t) rows[t] = w.row(t);
  for (size_t p = 0; p < pixels; ++p)
    DepthwiseTapsPlain(n, a + p * taps, rows.data(), taps, out + p * n, accumulate);
}

void PoolTapsPlain(uint32_t n, const int8_t* const* a, size_t taps, int32_t zi, int8_t* max_out,
                   int32_t* sum_out) {
  for (uint32_t c = 0; c < n; ++c) {
    int8_t m = -128;
    int32_t sum = 0;
    for (size_t t = 0; t < taps; ++t) {
      m = std::max(m, a[t][c]);
      sum += int32_t{a[t][c]} - zi;
    }
    max_out[c] = m;
    if (sum_out != nullptr) sum_out[c] = sum;
  }
}

void PostprocRowsPlain(const int32_t* acc, size_t rows, uint32_t n, const int32_t* bias,
                       const int32_t* mult, const int32_t* shift, const intmath::PostprocOptions& o,
                       int8_t* out) {
  for (size_t r = 0; r < rows; ++r)
    for (uint32_t c = 0; c < n; ++c)
      out[r * n + c] = intmath::Postproc(acc[r * n + c], bias[c], mult[c], shift[c], o);
}

void EltwiseRowsPlain(intmath::EltKind kind, const int8_t* a, const int8_t* b, size_t b_stride,
                      size_t rows, uint32_t n, const intmath::EltwiseParams& p, int8_t* out) {
  std::vector<int8_t> row(n);  // a row is read whole before it is written (out may be a or b)
  for (size_t r = 0; r < rows; ++r) {
    for (uint32_t c = 0; c < n; ++c)
      row[c] = intmath::Eltwise(kind, a[r * n + c], b[r * b_stride + c], p);
    std::memcpy(out + r * n, row.data(), n);
  }
}

#if AORTA_KERNELS_AVX2
namespace {

// kP pixels (their channels widened to int16, pixel q's at a16 + q * n) times G blocks of 8 output
// channels from block cb on: acc[q][g] = sum_j madd(pair j of pixel q, pairs j of W), each
// weight vector loaded once for the kP pixels, each pixel's pair broadcast from memory.
template <uint32_t kP, uint32_t G>
__attribute__((target("avx2"))) inline void Tile(const int16_t* a16, uint32_t n, const int16_t* wp,
                                                 uint32_t cb, int32_t* o, bool accumulate) {
  __m256i acc[kP][G];
#pragma GCC unroll 8
  for (uint32_t q = 0; q < kP; ++q)
#pragma GCC unroll 8
    for (uint32_t g = 0; g < G; ++g) acc[q][g] = _mm256_setzero_si256();
  const int16_t* w = wp + size_t{cb} * 16;
  const size_t step = size_t{n} * 2;
  for (uint32_t j = 0; j < n / 2; ++j, w += step) {
    __m256i wv[G];
#pragma GCC unroll 8
    for (uint32_t g = 0; g < G; ++g)
      wv[g] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + g * 16));
#pragma GCC unroll 8
    for (uint32_t q = 0; q < kP; ++q) {
      int32_t pair;  // channels 2j and 2j + 1 of pixel q as one 32-bit lane
      std::memcpy(&pair, a16 + size_t{q} * n + 2 * j, sizeof(pair));
      const __m256i b = _mm256_set1_epi32(pair);
#pragma GCC unroll 8
      for (uint32_t g = 0; g < G; ++g)
        acc[q][g] = _mm256_add_epi32(acc[q][g], _mm256_madd_epi16(b, wv[g]));
    }
  }
#pragma GCC unroll 8
  for (uint32_t q = 0; q < kP; ++q) {
#pragma GCC unroll 8
    for (uint32_t g = 0; g < G; ++g) {
      auto* dst = reinterpret_cast<__m256i*>(o + size_t{q} * n + (cb + g) * 8);
      __m256i v = acc[q][g];
      if (accumulate) v = _mm256_add_epi32(_mm256_loadu_si256(dst), v);  // wraps mod 2^32
      _mm256_storeu_si256(dst, v);
    }
  }
}

// `count` widened pixels (pixel q's channels at a16 + q * n) times G blocks from block cb on:
// 4 pixels at a time, then 2, then 1.
template <uint32_t G>
__attribute__((target("avx2"))) inline void TilePixels(const int16_t* a16, size_t count, uint32_t n,
                                                       const int16_t* wp, uint32_t cb, int32_t* o,
                                                       bool accumulate) {
  size_t q = 0;
  for (; q + 4 <= count; q += 4) Tile<4, G>(a16 + q * n, n, wp, cb, o + q * n, accumulate);
  if (q + 2 <= count) {
    Tile<2, G>(a16 + q * n, n, wp, cb, o + q * n, accumulate);
    q += 2;
  }
  if (q < count) Tile<1, G>(a16 + q * n, n, wp, cb, o + q * n, accumulate);
}

// A pixel's N channels (N a multiple of 8) widened to int16.
__attribute__((target("avx2"))) inline void Widen(const int8_t* a, uint32_t n, int16_t* a16) {
  for (uint32_t k = 0; k < n; k += 8) {
    const __m128i v = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(a + k));
    _mm_store_si128(reinterpret_cast<__m128i*>(a16 + k), _mm_cvtepi8_epi16(v));
  }
}

// The small arrays (N = kN, 8 or 16): kP pixels at once, the loops unrolled at compile time. Per
// pair j of input channels, the kN / 8 weight vectors are loaded once for the kP pixels and each
// pixel's pair is broadcast from memory (its channels widened to int16 and stored first: a
// vpbroadcastd from memory takes a load port only, where one from a register takes two shuffles,
// the bottleneck of the pass). kP * kN / 8 accumulators + kN / 8 weight vectors + a broadcast
// stay in the 16 ymm registers. The same sums as Blocks, in the same order.
template <uint32_t kN, uint32_t kP>
__attribute__((target("avx2"))) inline void SmallPixels(const int16_t* wp, const int8_t* const* a,
                                                        int32_t* out, bool accumulate) {
  constexpr uint32_t kPairs = kN / 2, kBlocks = kN / 8;
  alignas(32)
      int32_t pairs[kP][kPairs];  // pixel q's channels 2j and 2j + 1 as int16 in pairs[q][j]
#pragma GCC unroll 16
  for (uint32_t q = 0; q < kP; ++q) {
    if constexpr (kN == 16) {
      _mm256_store_si256(
          reinterpret_cast<__m256i*>(pairs[q]),
          _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a[q]))));
    } else {
      _mm_store_si128(reinterpret_cast<__m128i*>(pairs[q]),
                      _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(a[q]))));
    }
  }
  // The compiler would otherwise keep the widened rows in registers and broadcast from there.
  asm volatile("" : "+m"(pairs));
  __m256i acc[kP][kBlocks];
#pragma GCC unroll 16
  for (uint32_t q = 0; q < kP; ++q)
#pragma GCC unroll 16
    for (uint32_t g = 0; g < kBlocks; ++g) acc[q][g] = _mm256_setzero_si256();
#pragma GCC unroll 16
  for (uint32_t j = 0; j < kPairs; ++j) {
    __m256i wv[kBlocks];
#pragma GCC unroll 16
    for (uint32_t g = 0; g < kBlocks; ++g)
      wv[g] = _mm256_loadu_si256(
          reinterpret_cast<const __m256i*>(wp + (size_t{j} * kN + size_t{g} * 8) * 2));
#pragma GCC unroll 16
    for (uint32_t q = 0; q < kP; ++q) {
      const __m256i b = _mm256_set1_epi32(pairs[q][j]);
#pragma GCC unroll 16
      for (uint32_t g = 0; g < kBlocks; ++g) {
        acc[q][g] = _mm256_add_epi32(acc[q][g], _mm256_madd_epi16(b, wv[g]));
        // Keeps the sum a chain in a register: reassociated into a tree of all the products,
        // it would need more registers than there are.
        asm("" : "+x"(acc[q][g]));
      }
    }
  }
#pragma GCC unroll 16
  for (uint32_t q = 0; q < kP; ++q) {
#pragma GCC unroll 16
    for (uint32_t g = 0; g < kBlocks; ++g) {
      auto* dst = reinterpret_cast<__m256i*>(out + q * kN + g * 8);
      __m256i v = acc[q][g];
      if (accumulate) v = _mm256_add_epi32(_mm256_loadu_si256(dst), v);  // wraps mod 2^32
      _mm256_storeu_si256(dst, v);
    }
  }
}

template <uint32_t kN, uint32_t kP>
__attribute__((target("avx2"))) void MatmulRowsSmallAvx2(const BankWeights& w,
                                                         const int8_t* const* a, size_t count,
                                                         int32_t* out, bool accumulate) {
  const int16_t* wp = w.pairs();
  size_t p = 0;
  for (; p + kP <= count; p += kP) SmallPixels<kN, kP>(wp, a + p, out + p * kN, accumulate);
  if constexpr (kP > 2) {
    if (p + kP / 2 <= count) {
      SmallPixels<kN, kP / 2>(wp, a + p, out + p * kN, accumulate);
      p += kP / 2;
    }
  }
  for (; p < count; ++p) SmallPixels<kN, 1>(wp, a + p, out + p * kN, accumulate);
}

__attribute__((target("avx2"))) void MatmulRowsAvx2(const BankWeights& w, const int8_t* const* a,
                                                    size_t count, int32_t* out, bool accumulate) {
  const uint32_t n = w.n();
  const uint32_t blocks = n / 8;
  const int16_t* wp = w.pairs();
  if (n == 16) return MatmulRowsSmallAvx2<16, 4>(w, a, count, out, accumulate);
  if (n == 8) return MatmulRowsSmallAvx2<8, 8>(w, a, count, out, accumulate);
  // Chunks of kChunk pixels widened to int16 (kChunk * N * 2 bytes, in L1 with the weights of
  // two blocks, 2 * N * 16 * 2 bytes), then per pair of output blocks, the chunk 4 pixels at a
  // time: each weight vector is loaded once per 4 pixels instead of once per pixel, from L1.
  constexpr size_t kChunk = 32;
  thread_local std::vector<int16_t> a16;
  if (a16.size() < kChunk * n) a16.resize(kChunk * n);
  for (size_t p0 = 0; p0 < count; p0 += kChunk) {
    const size_t m = std::min(kChunk, count - p0);
    for (size_t q = 0; q < m; ++q) Widen(a[p0 + q], n, a16.data() + q * n);
    int32_t* o = out + p0 * n;
    uint32_t cb = 0;
    for (; cb + 2 <= blocks; cb += 2) TilePixels<2>(a16.data(), m, n, wp, cb, o, accumulate);
    if (cb < blocks) TilePixels<1>(a16.data(), m, n, wp, cb, o, accumulate);
  }
}

// Taps e and o (16 channels each) times their weight pairs at wc (two vectors), added to lo (the
// first 8 channels) and hi.
__attribute__((target("avx2"))) inline void AddTapPair(__m128i e, __m128i o, const int16_t* wc,
                                                       __m256i& lo, __m256i& hi) {
  const __m256i w_lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wc));
  const __m256i w_hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wc + 16));
  lo = _mm256_add_epi32(lo, _mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm_unpacklo_epi8(e, o)), w_lo));
  hi = _mm256_add_epi32(hi, _mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm_unpackhi_epi8(e, o)), w_hi));
}

// Pixel by pixel, 16 (then 8) channels at a time: taps 2u and 2u + 1 of the pixel interleaved
// byte by byte and widened to int16 pairs, one vpmaddwd with the weights' pairs (an odd count's
// last tap paired with zeros).
__attribute__((target("avx2"))) void DepthwisePixelsAvx2(const DepthwiseWeights& w,
                                                         const int8_t* const* a, size_t pixels,
                                                         int32_t* out, bool accumulate) {
  const uint32_t n = w.n();
  const size_t taps = w.taps(), pairs = taps / 2;
  const int16_t* wp = w.pairs();
  const size_t step = size_t{n} * 2;  // int16 per pair of taps
  for (size_t p = 0; p < pixels; ++p, a += taps, out += n) {
    uint32_t c = 0;
    for (; c + 16 <= n; c += 16) {
      __m256i lo = _mm256_setzero_si256(), hi = _mm256_setzero_si256();
      const int16_t* wc = wp + size_t{c} * 2;
      size_t u = 0;
      for (; u < pairs; ++u, wc += step)
        AddTapPair(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a[2 * u] + c)),
                   _mm_loadu_si128(reinterpret_cast<const __m128i*>(a[2 * u + 1] + c)), wc, lo, hi);
      if (u * 2 < taps)  // the last tap, paired with zeros
        AddTapPair(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a[2 * u] + c)),
                   _mm_setzero_si128(), wc, lo, hi);
      auto* dst = reinterpret_cast<__m256i*>(out + c);
      if (accumulate) {
        lo = _mm256_add_epi32(_mm256_loadu_si256(dst), lo);  // wraps mod 2^32
        hi = _mm256_add_epi32(_mm256_loadu_si256(dst + 1), hi);
      }
      _mm256_storeu_si256(dst, lo);
      _mm256_storeu_si256(dst + 1, hi);
    }
    for (; c + 8 <= n; c += 8) {  // 8 channels
      __m256i sum = _mm256_setzero_si256();
      const int16_t* wc = wp + size_t{c} * 2;
      for (size_t t = 0; t < taps; t += 2, wc += step) {
        const __m128i e = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(a[t] + c));
        const __m128i o = t + 1 < taps
                              ? _mm_loadl_epi64(reinterpret_cast<const __m128i*>(a[t + 1] + c))
                              : _mm_setzero_si128();
        sum = _mm256_add_epi32(
            sum, _mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm_unpacklo_epi8(e, o)),
                                   _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wc))));
      }
      auto* dst = reinterpret_cast<__m256i*>(out + c);
      if (accumulate) sum = _mm256_add_epi32(_mm256_loadu_si256(dst), sum);
      _mm256_storeu_si256(dst, sum);
    }
  }
}

__attribute__((target("avx2"))) void PoolTapsAvx2(uint32_t n, const int8_t* const* a, size_t taps,
                                                  int32_t zi, int8_t* max_out, int32_t* sum_out) {
  const __m256i z = _mm256_set1_epi32(zi);
  uint32_t c = 0;
  for (; c + 16 <= n; c += 16) {  // 16 channels: the max in bytes, the sums in two int32 halves
    __m128i m = _mm_set1_epi8(-128);
    for (size_t t = 0; t < taps; ++t)
      m = _mm_max_epi8(m, _mm_loadu_si128(reinterpret_cast<const __m128i*>(a[t] + c)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(max_out + c), m);
    if (sum_out == nullptr) continue;
    __m256i lo = _mm256_setzero_si256(), hi = _mm256_setzero_si256();
    for (size_t t = 0; t < taps; ++t) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a[t] + c));
      lo = _mm256_add_epi32(lo, _mm256_sub_epi32(_mm256_cvtepi8_epi32(v), z));
      hi = _mm256_add_epi32(hi, _mm256_sub_epi32(_mm256_cvtepi8_epi32(_mm_srli_si128(v, 8)), z));
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(sum_out + c), lo);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(sum_out + c + 8), hi);
  }
  for (; c + 8 <= n; c += 8) {  // 8 channels
    __m128i m = _mm_set1_epi8(-128);
    __m256i sum = _mm256_setzero_si256();
    for (size_t t = 0; t < taps; ++t) {
      const __m128i v = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(a[t] + c));
      m = _mm_max_epi8(m, v);
      sum = _mm256_add_epi32(sum, _mm256_sub_epi32(_mm256_cvtepi8_epi32(v), z));
    }
    _mm_storel_epi64(reinterpret_cast<__m128i*>(max_out + c), m);
    if (sum_out != nullptr) _mm256_storeu_si256(reinterpret_cast<__m256i*>(sum_out + c), sum);
  }
}

// x / 2^n rounded half up (intmath::RoundShift) plus an addend, per 64-bit lane, 1 <= n <= 62:
// floor((x + half) / 2^n) as a logical shift of x + half made non-negative by 2^62, which 2^n
// divides: ((x + half + 2^62) >> n) - 2^(62 - n). Exact when x + half + 2^62 lies in [0, 2^64),
// which holds for the callers' values (products of two int32: -2^62 < x <= 2^62; VEC_ELTWISE's
// terms: |x| < 2^49; half <= 2^61). RoundingFor computes the constants once per shift.
struct Rounding {
  __m256i biased_half;  // 2^(n - 1) + 2^62
  __m256i plus;         // the addend - 2^(62 - n)
};
__attribute__((target("avx2"))) inline Rounding RoundingFor(__m256i n, __m256i addend) {
  const __m256i one = _mm256_set1_epi64x(1), bias = _mm256_set1_epi64x(int64_t{1} << 62);
  return {_mm256_add_epi64(_mm256_sllv_epi64(one, _mm256_sub_epi64(n, one)), bias),
          _mm256_sub_epi64(addend, _mm256_srlv_epi64(bias, n))};
}
__attribute__((target("avx2"))) inline __m256i RoundShiftPlus(__m256i x, __m256i n,
                                                              const Rounding& r) {
  return _mm256_add_epi64(_mm256_srlv_epi64(_mm256_add_epi64(x, r.biased_half), n), r.plus);
}

// min(max(q, lo), hi) per 64-bit lane.
__attribute__((target("avx2"))) inline __m256i Clamp64(__m256i q, __m256i lo, __m256i hi) {
  q = _mm256_blendv_epi8(q, lo, _mm256_cmpgt_epi64(lo, q));
  return _mm256_blendv_epi8(q, hi, _mm256_cmpgt_epi64(q, hi));
}

// The leaky slope of 64-bit products p: round_half_up(p / 2^shift) saturated to int32.
__attribute__((target("avx2"))) inline __m256i Slope(__m256i p, uint32_t shift, __m256i n,
                                                     const Rounding& r, __m256i min32,
                                                     __m256i max32) {
  return Clamp64(shift > 0 ? RoundShiftPlus(p, n, r) : p, min32, max32);
}

// The low bytes of q's eight 32-bit lanes (static_cast<int8_t> of each), stored at dst[0..7].
__attribute__((target("avx2"))) inline void StoreLowBytes(int8_t* dst, __m256i q) {
  const __m256i pick =
      _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 4, 8, 12, -1,
                       -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
  const __m256i t = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(q, pick),
                                                _mm256_setr_epi32(0, 4, 1, 1, 1, 1, 1, 1));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(dst), _mm256_castsi256_si128(t));
}

__attribute__((target("avx2"))) void PostprocRowsAvx2(const int32_t* acc, size_t rows, uint32_t n,
                                                      const int32_t* bias, const int32_t* mult,
                                                      const int32_t* shift,
                                                      const intmath::PostprocOptions& o,
                                                      int8_t* out) {
  const __m256i one = _mm256_set1_epi64x(1);
  const __m256i zp = _mm256_set1_epi64x(o.out_zp);
  const __m256i lo = _mm256_set1_epi64x(o.lo), hi = _mm256_set1_epi64x(o.hi);
  const __m256i max32 = _mm256_set1_epi32(INT32_MAX);
  // The leaky slope: round_half_up(v * alpha_mult / 2^alpha_shift), saturated to int32.
  const __m256i alpha = _mm256_set1_epi64x(o.alpha_mult);
  const __m256i alpha_n = _mm256_set1_epi64x(o.alpha_shift);
  const Rounding alpha_round =
      RoundingFor(o.alpha_shift > 0 ? alpha_n : one, _mm256_setzero_si256());
  const __m256i min32_64 = _mm256_set1_epi64x(INT32_MIN), max32_64 = _mm256_set1_epi64x(INT32_MAX);
  alignas(32) int32_t q[8];
  for (uint32_t c = 0; c < n; c += 8) {
    // Per lane of this block of 8 channels: bias, multiplier, shift 31 + s and its rounding
    // constants, the even lanes (0, 2, 4, 6) in the low halves of 64-bit lanes, the odd ones apart.
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bias + c));
    const __m256i m = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(mult + c));
    const __m256i sh = _mm256_add_epi32(
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(shift + c)), _mm256_set1_epi32(31));
    const __m256i low32 = _mm256_set1_epi64x(0xffffffff);
    const __m256i n_even = _mm256_and_si256(sh, low32), n_odd = _mm256_srli_epi64(sh, 32);
    const Rounding round_even = RoundingFor(n_even, zp), round_odd = RoundingFor(n_odd, zp);
    const __m256i m_odd = _mm256_srli_epi64(m, 32);
    for (size_t r = 0; r < rows; ++r) {
      const int32_t* a = acc + r * n + c;
      const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a));
      // v = sat32(acc + bias): the sum overflows where both operands' signs differ from its.
      const __m256i sum = _mm256_add_epi32(x, b);
      const __m256i ovf = _mm256_srai_epi32(
          _mm256_and_si256(_mm256_xor_si256(x, sum), _mm256_xor_si256(b, sum)), 31);
      const __m256i sat = _mm256_xor_si256(_mm256_srai_epi32(x, 31), max32);
      __m256i v = _mm256_blendv_epi8(sum, sat, ovf);
      if (o.leaky) {
        const __m256i l_even = Slope(_mm256_mul_epi32(v, alpha), o.alpha_shift, alpha_n,
                                     alpha_round, min32_64, max32_64);
        const __m256i l_odd = Slope(_mm256_mul_epi32(_mm256_srli_epi64(v, 32), alpha),
                                    o.alpha_shift, alpha_n, alpha_round, min32_64, max32_64);
        const __m256i l = _mm256_blend_epi32(l_even, _mm256_slli_epi64(l_odd, 32), 0xaa);
        v = _mm256_blendv_epi8(v, l, _mm256_srai_epi32(v, 31));  // where v < 0
      }
      // Requantize: zp + round_half_up(v * m / 2^(31 + s)), clamped to [lo, hi].
      const __m256i p_even = _mm256_mul_epi32(v, m);
      const __m256i p_odd = _mm256_mul_epi32(_mm256_srli_epi64(v, 32), m_odd);
      const __m256i q_even = Clamp64(RoundShiftPlus(p_even, n_even, round_even), lo, hi);
      const __m256i q_odd = Clamp64(RoundShiftPlus(p_odd, n_odd, round_odd), lo, hi);
      const __m256i qv = _mm256_blend_epi32(q_even, _mm256_slli_epi64(q_odd, 32), 0xaa);
      int8_t* dst = out + r * n + c;
      if (o.lut == nullptr) {
        StoreLowBytes(dst, qv);
        continue;
      }
      _mm256_store_si256(reinterpret_cast<__m256i*>(q), qv);
      for (int k = 0; k < 8; ++k) dst[k] = o.lut[static_cast<int8_t>(q[k]) + 128];
    }
  }
}

// One of VEC_ELTWISE's terms in 64-bit lanes: the even 32-bit lanes of da, db (int32 differences)
// times ma, mb, combined by `kind`.
__attribute__((target("avx2"))) inline __m256i EltTerm(intmath::EltKind kind, __m256i da,
                                                       __m256i db, __m256i ma, __m256i mb) {
  switch (kind) {
    case intmath::EltKind::kAdd:
      return _mm256_add_epi64(_mm256_mul_epi32(da, ma), _mm256_mul_epi32(db, mb));
    case intmath::EltKind::kMul:  // |da * db| <= 255^2: exact in 32 bits
      return _mm256_mul_epi32(_mm256_mullo_epi32(da, db), ma);
    case intmath::EltKind::kMax: {
      const __m256i x = _mm256_mul_epi32(da, ma), y = _mm256_mul_epi32(db, mb);
      return _mm256_blendv_epi8(x, y, _mm256_cmpgt_epi64(y, x));
    }
    case intmath::EltKind::kMin: {
      const __m256i x = _mm256_mul_epi32(da, ma), y = _mm256_mul_epi32(db, mb);
      return _mm256_blendv_epi8(x, y, _mm256_cmpgt_epi64(x, y));
    }
  }
  return _mm256_setzero_si256();
}

__attribute__((target("avx2"))) void EltwiseRowsAvx2(intmath::EltKind kind, const int8_t* a,
                                                     const int8_t* b, size_t b_stride, size_t rows,
                                                     uint32_t n, const intmath::EltwiseParams& p,
                                                     int8_t* out) {
  const __m256i za = _mm256_set1_epi32(p.za), zb = _mm256_set1_epi32(p.zb);
  const __m256i ma = _mm256_set1_epi64x(p.ma), mb = _mm256_set1_epi64x(p.mb);
  const __m256i zo = _mm256_set1_epi64x(p.zo);
  const __m256i shift = _mm256_set1_epi64x(p.shift);
  const Rounding round = RoundingFor(p.shift > 0 ? shift : _mm256_set1_epi64x(1), zo);
  const __m256i lo = _mm256_set1_epi64x(std::max(p.lo, -128));
  const __m256i hi = _mm256_set1_epi64x(std::min(p.hi, 127));
  for (size_t r = 0; r < rows; ++r) {
    const int8_t* ar = a + r * n;
    const int8_t* br = b + r * b_stride;
    int8_t* dst = out + r * n;
    for (uint32_t c = 0; c < n; c += 8) {  // lanes c .. c + 7 are read before they are written
      const __m256i da = _mm256_sub_epi32(
          _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(ar + c))), za);
      const __m256i db = _mm256_sub_epi32(
          _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(br + c))), zb);
      __m256i t_even = EltTerm(kind, da, db, ma, mb);
      __m256i t_odd = EltTerm(kind, _mm256_srli_epi64(da, 32), _mm256_srli_epi64(db, 32), ma, mb);
      if (p.shift > 0) {
        t_even = RoundShiftPlus(t_even, shift, round);
        t_odd = RoundShiftPlus(t_odd, shift, round);
      } else {
        t_even = _mm256_add_epi64(zo, t_even);
        t_odd = _mm256_add_epi64(zo, t_odd);
      }
      const __m256i q_even = Clamp64(t_even, lo, hi);
      const __m256i q_odd = Clamp64(t_odd, lo, hi);
      StoreLowBytes(dst + c, _mm256_blend_epi32(q_even, _mm256_slli_epi64(q_odd, 32), 0xaa));
    }
  }
}

// The pair layout of an even N's bank, 16 (then 8) output channels at a time: rows 2j and 2j + 1
// interleaved byte by byte, then widened to int16. Returns the first channel left to pair.
__attribute__((target("avx2"))) uint32_t PairChannelsAvx2(const int8_t* w, uint32_t n,
                                                          int16_t* pairs) {
  uint32_t c = 0;
  for (uint32_t j = 0; j < n / 2; ++j) {
    const int8_t* even = w + size_t{2 * j} * n;
    const int8_t* odd = even + n;
    auto* out = reinterpret_cast<__m256i*>(pairs + size_t{j} * n * 2);
    for (c = 0; c + 16 <= n; c += 16, out += 2) {
      const __m128i e = _mm_loadu_si128(reinterpret_cast<const __m128i*>(even + c));
      const __m128i o = _mm_loadu_si128(reinterpret_cast<const __m128i*>(odd + c));
      _mm256_storeu_si256(out, _mm256_cvtepi8_epi16(_mm_unpacklo_epi8(e, o)));
      _mm256_storeu_si256(out + 1, _mm256_cvtepi8_epi16(_mm_unpackhi_epi8(e, o)));
    }
    if (c + 8 <= n) {
      const __m128i e = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(even + c));
      const __m128i o = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(odd + c));
      _mm256_storeu_si256(out, _mm256_cvtepi8_epi16(_mm_unpacklo_epi8(e, o)));
      c += 8;
    }
  }
  return c;
}

bool HasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}

}  // namespace
#endif

void BankWeights::Set(const int8_t* w, uint32_t n) {
  n_ = n;
  raw_.assign(w, w + size_t{n} * n);
  pairs_.resize(size_t{(n + 1) / 2} * n * 2);
  uint32_t c0 = 0;  // channels [0, c0) paired by the vector path
#if AORTA_KERNELS_AVX2
  if (n % 2 == 0 && HasAvx2()) c0 = PairChannelsAvx2(w, n, pairs_.data());
#endif
  if (c0 < n) PairChannels(w, n, c0, pairs_.data());
}

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

void EltwiseRows(intmath::EltKind kind, const int8_t* a, const int8_t* b, size_t b_stride,
                 size_t rows, uint32_t n, const intmath::EltwiseParams& p, int8_t* out) {
#if AORTA_KERNELS_AVX2
  if (n % 8 == 0 && HasAvx2()) return EltwiseRowsAvx2(kind, a, b, b_stride, rows, n, p, out);
#endif
  EltwiseRowsPlain(kind, a, b, b_stride, rows, n, p, out);
}

void PostprocRows(const int32_t* acc, size_t rows, uint32_t n, const int32_t* bias,
                  const int32_t* mult, const int32_t* shift, const intmath::PostprocOptions& o,
                  int8_t* out) {
#if AORTA_KERNELS_AVX2
  if (n % 8 == 0 && (!o.leaky || o.alpha_shift <= 62) && HasAvx2())
    return PostprocRowsAvx2(acc, rows, n, bias, mult, shift, o, out);
#endif
  PostprocRowsPlain(acc, rows, n, bias, mult, shift, o, out);
}

void PoolTaps(uint32_t n, const int8_t* const* a, size_t taps, int32_t zi, int8_t* max_out,
              int32_t* sum_out) {
#if AORTA_KERNELS_AVX2
  if (n % 8 == 0 && HasAvx2()) return PoolTapsAvx2(n, a, taps, zi, max_out, sum_out);
#endif
  PoolTapsPlain(n, a, taps, zi, max_out, sum_out);
}

void DepthwisePixels(const DepthwiseWeights& w, const int8_t* const* a, size_t pixels, int32_t* out,
                     bool accumulate) {
#if AORTA_KERNELS_AVX2
  if (w.n() % 8 == 0 && HasAvx2()) return DepthwisePixelsAvx2(w, a, pixels, out, accumulate);
#endif
  DepthwisePixelsPlain(w, a, pixels, out, accumulate);
}

}  // namespace aorta::golden::kernels
