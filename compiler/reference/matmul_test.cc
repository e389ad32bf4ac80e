// Gemm and MatMul against hand-computed values.
#include <gtest/gtest.h>

#include "compiler/reference/test_util.h"

namespace aorta::reference::testing {
namespace {

// A = [[1 2 3] [4 5 6]], B = [[1 0] [0 1] [1 1]]: A.B = [[4 5] [10 11]].
const Tensor kA = F32({2, 3}, {1, 2, 3, 4, 5, 6});
const Tensor kB = F32({3, 2}, {1, 0, 0, 1, 1, 1});

TEST(GemmTest, Plain) { ExpectTensor(RunOne("Gemm", {kA, kB}), {2, 2}, {4, 5, 10, 11}); }

TEST(GemmTest, Transposes) {
  const Tensor a_t = F32({3, 2}, {1, 4, 2, 5, 3, 6});
  const Tensor b_t = F32({2, 3}, {1, 0, 1, 0, 1, 1});
  ExpectTensor(RunOne("Gemm", {a_t, kB}, {{"transA", int64_t{1}}}), {2, 2}, {4, 5, 10, 11});
  ExpectTensor(RunOne("Gemm", {kA, b_t}, {{"transB", int64_t{1}}}), {2, 2}, {4, 5, 10, 11});
  ExpectTensor(RunOne("Gemm", {a_t, b_t}, {{"transA", int64_t{1}}, {"transB", int64_t{1}}}), {2, 2},
               {4, 5, 10, 11});
}

TEST(GemmTest, AlphaBetaAndBroadcastC) {
  // 2 * A.B + 0.5 * [10 20] (row vector broadcast over rows).
  ExpectTensor(RunOne("Gemm", {kA, kB, F32({2}, {10, 20})}, {{"alpha", 2.0f}, {"beta", 0.5f}}),
               {2, 2}, {13, 20, 25, 32});
  // Column vector C broadcast over columns.
  ExpectTensor(RunOne("Gemm", {kA, kB, F32({2, 1}, {100, 200})}), {2, 2}, {104, 105, 210, 211});
  // Scalar C.
  ExpectTensor(RunOne("Gemm", {kA, kB, F32({}, {1})}), {2, 2}, {5, 6, 11, 12});
}

TEST(GemmTest, ShapeMismatchIsAnError) {
  auto r = RunOp("Gemm", {kA, kA});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("do not multiply"), std::string::npos);
}

TEST(MatMulTest, TwoD) { ExpectTensor(RunOne("MatMul", {kA, kB}), {2, 2}, {4, 5, 10, 11}); }

TEST(MatMulTest, Batched) {
  // [1 2].[1 1]^T = 3, [3 4].[2 0]^T = 6.
  ExpectTensor(RunOne("MatMul", {F32({2, 1, 2}, {1, 2, 3, 4}), F32({2, 2, 1}, {1, 1, 2, 0})}),
               {2, 1, 1}, {3, 6});
}

TEST(MatMulTest, BroadcastsB) {
  // B swaps the two columns of every batch of A.
  ExpectTensor(RunOne("MatMul", {Iota({2, 2, 2}), F32({2, 2}, {0, 1, 1, 0})}), {2, 2, 2},
               {1, 0, 3, 2, 5, 4, 7, 6});
}

TEST(MatMulTest, BroadcastsBothBatchDims) {
  // A rows [1 2] and [3 4] against B columns [1 0], [0 1], [1 1].
  Tensor a = F32({2, 1, 1, 2}, {1, 2, 3, 4});
  Tensor b = F32({1, 3, 2, 1}, {1, 0, 0, 1, 1, 1});
  ExpectTensor(RunOne("MatMul", {a, b}), {2, 3, 1, 1}, {1, 2, 3, 3, 4, 7});
}

TEST(MatMulTest, VectorOperands) {
  ExpectTensor(RunOne("MatMul", {F32({3}, {1, 2, 3}), kB}), {2}, {4, 5});
  ExpectTensor(RunOne("MatMul", {kA, F32({3}, {1, 1, 1})}), {2}, {6, 15});
}

}  // namespace
}  // namespace aorta::reference::testing
