// The matrix pass's inner loop, the data path's hot spot: out[p][c] (+)= sum_k a_p[k] * W[k][c]
// for each output pixel p of a pass (the array's column sums, exact in int32: |sum| <= 2^14 * N).
//
// Two implementations of one definition:
//   MatmulRowsPlain  the definition, a plain triple loop over the bank as stored (int8 W[k][c]);
//   MatmulRows       the same result from the weights laid out once per LOADW (BankWeights):
//                    int16 pairs of input channels, (W[2j][c], W[2j+1][c]), so that one AVX2
//                    multiply-add (vpmaddwd) takes two input channels of eight output channels;
//                    chosen at run time on x86-64 CPUs with AVX2 and N a multiple of 8, else the
//                    plain loop. N = 8 and 16 (tiny, sim16) take a variant unrolled at compile
//                    time that computes 8 / 4 pixels at once (each weight vector loaded once for
//                    them, each pixel's channel pair broadcast from its widened row in memory,
//                    the sums kept in registers), then the remainder by halves; other N widen
//                    32 pixels at a time and compute 4 pixels by 16 output channels per weight
//                    load (the weights of two blocks and the widened pixels stay in L1).
// datapath_kernels_test.cc checks MatmulRows against MatmulRowsPlain on every array size the
// configs use and on odd ones, at the int8 extremes, with and without accumulation (wrapping).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/intmath.h"

namespace aorta::golden::kernels {

// One weight bank (N x N int8, element [k * N + c] = W[k][c]) and its kernel layout.
class BankWeights {
 public:
  // Takes the bank's weights (n * n int8, row k = input channel k).
  void Set(const int8_t* w, uint32_t n);
  uint32_t n() const { return n_; }
  const int8_t* raw() const { return raw_.data(); }
  // pairs[(j * N + c) * 2 + e] = W[2j + e][c] (N even; a zero row pads an odd N).
  const int16_t* pairs() const { return pairs_.data(); }

 private:
  uint32_t n_ = 0;
  std::vector<int8_t> raw_;
  std::vector<int16_t> pairs_;
};

// For p < count: out[p * N + c] = sum_k a[p][k] * W[k][c] (accumulate: added to out, wrapping
// modulo 2^32). a[p] points at N int8 values (a UB row, or the pass's padding row).
void MatmulRows(const BankWeights& w, const int8_t* const* a, size_t count, int32_t* out,
                bool accumulate);
void MatmulRowsPlain(const BankWeights& w, const int8_t* const* a, size_t count, int32_t* out,
                     bool accumulate);

// Whether MatmulRows takes the vector path on this CPU for N = n (for tests and reports).
bool MatmulRowsVectorized(uint32_t n);

// A depthwise pixel (DWCONV's inner loops): for c < n, out[c] = sum_t a[t][c] * w[t][c] over the
// `taps` taps (accumulate: added to out, wrapping modulo 2^32). The sum is exact in int32 for
// the tap counts DWCONV takes (|a * w| <= 2^14, at most 15 x 15 taps). DepthwiseTapsPlain is the
// definition.
void DepthwiseTapsPlain(uint32_t n, const int8_t* const* a, const int8_t* const* w, size_t taps,
                        int32_t* out, bool accumulate);

// A DWCONV's taps' weights (taps x n int8, row t = tap t) and their kernel layout, set once per
// instruction: int16 pairs of taps, (w[2u][c], w[2u + 1][c]), so that one vpmaddwd takes two taps
// of eight channels.
class DepthwiseWeights {
 public:
  // Takes the taps' weight rows (w[t] points at n int8 values).
  void Set(const int8_t* const* w, size_t taps, uint32_t n);
  uint32_t n() const { return n_; }
  size_t taps() const { return taps_; }
  // The weight row of tap t.
  const int8_t* row(size_t t) const { return raw_.data() + t * n_; }
  // pairs[(u * n + c) * 2 + e] = w[2u + e][c] (a zero tap past an odd count).
  const int16_t* pairs() const { return pairs_.data(); }

 private:
  uint32_t n_ = 0;
  size_t taps_ = 0;
  std::vector<int8_t> raw_;
  std::vector<int16_t> pairs_;
};

// For p < pixels: DepthwiseTapsPlain of pixel p's taps a[p * taps .. p * taps + taps - 1] with
// the weights, into out[p * n ..] (the pixels' ACC rows, consecutive). DepthwisePixelsPlain calls
// the definition per pixel; DepthwisePixels takes AVX2 (two taps of 16 or 8 channels per
// vpmaddwd, the pixel's rows interleaved byte by byte and widened) when n is a multiple of 8,
// else the plain loop.
void DepthwisePixels(const DepthwiseWeights& w, const int8_t* const* a, size_t pixels, int32_t* out,
                     bool accumulate);
void DepthwisePixelsPlain(const DepthwiseWeights& w, const int8_t* const* a, size_t pixels,
                          int32_t* out, bool accumulate);

// POOL's taps of one output pixel: for c < n, max_out[c] = the largest a[t][c] over the `taps`
// taps (-128 with none) and, unless sum_out is nullptr, sum_out[c] = sum_t (a[t][c] - zi) (exact
// in int32 for POOL's at most 255 x 255 taps of |a - zi| <= 255). PoolTapsPlain is the
// definition; PoolTaps takes AVX2 (16 or 8 channels per step) when n is a multiple of 8, else the
// plain loop.
void PoolTaps(uint32_t n, const int8_t* const* a, size_t taps, int32_t zi, int8_t* max_out,
              int32_t* sum_out);
void PoolTapsPlain(uint32_t n, const int8_t* const* a, size_t taps, int32_t zi, int8_t* max_out,
                   int32_t* sum_out);

// POSTPROC's rows (rule R4, intmath::Postproc): for r < rows and c < n,
// out[r * n + c] = intmath::Postproc(acc[r * n + c], bias[c], mult[c], shift[c], o). The caller
// checks every shift (intmath::ShiftInRange). PostprocRowsPlain is the definition (one
// intmath::Postproc per value); PostprocRows takes AVX2 when n is a multiple of 8 and a leaky
// slope's shift is at most 62 (the saturating add, the slope, the 64-bit products and the
// rounding shifts per lane, clamped, then the LUT per value), else the plain loop.
void PostprocRows(const int32_t* acc, size_t rows, uint32_t n, const int32_t* bias,
                  const int32_t* mult, const int32_t* shift, const intmath::PostprocOptions& o,
                  int8_t* out);
// VEC_ELTWISE's rows (intmath::Eltwise): for r < rows and c < n,
// out[r * n + c] = intmath::Eltwise(kind, a[r * n + c], b[r * b_stride + c], p) (b_stride 0: one
// row of b for all), row after row (out may be a or b: each row is read before it is written).
// The caller checks p (intmath::EltwiseParamsValid). EltwiseRowsPlain is the definition;
// EltwiseRows takes AVX2 (8 lanes at a time, the products and the rounding shift in 64 bits)
// when n is a multiple of 8, else the plain loop.
void EltwiseRows(intmath::EltKind kind, const int8_t* a, const int8_t* b, size_t b_stride,
                 size_t rows, uint32_t n, const intmath::EltwiseParams& p, int8_t* out);
void EltwiseRowsPlain(intmath::EltKind kind, const int8_t* a, const int8_t* b, size_t b_stride,
                      size_t rows, uint32_t n, const intmath::EltwiseParams& p, int8_t* out);

void PostprocRowsPlain(const int32_t* acc, size_t rows, uint32_t n, const int32_t* bias,
                       const int32_t* mult, const int32_t* shift, const intmath::PostprocOptions& o,
                       int8_t* out);

}  // namespace aorta::golden::kernels
