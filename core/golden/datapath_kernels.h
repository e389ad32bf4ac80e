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
//                    time that computes 4 / 2 pixels at once (each weight vector loaded once for
//                    them).
// datapath_kernels_test.cc checks MatmulRows against MatmulRowsPlain on every array size the
// configs use and on odd ones, at the int8 extremes, with and without accumulation (wrapping).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

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

}  // namespace aorta::golden::kernels
