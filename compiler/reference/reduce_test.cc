// Reductions against hand-computed values.
#include <gtest/gtest.h>

#include "compiler/reference/test_util.h"

namespace aorta::reference::testing {
namespace {

using Ints = std::vector<int64_t>;

TEST(ReduceTest, MeanOverTheLastAxisKeepsDims) {
  // [[0 1 2] [3 4 5]]: row means 1 and 4.
  ExpectTensor(RunOne("ReduceMean", {Iota({2, 3})}, {{"axes", Ints{-1}}}), {2, 1}, {1, 4});
}

TEST(ReduceTest, MaxOverEverythingWithoutKeepdims) {
  // No axes: every axis; keepdims 0: a scalar (the melspectrogram's top-dB reference).
  ExpectTensor(RunOne("ReduceMax", {F32({2, 2}, {3, -1, 7, 2})}, {{"keepdims", int64_t{0}}}), {},
               {7});
}

TEST(ReduceTest, MinSumAndProdOverSeveralAxes) {
  const Tensor x = Iota({2, 2, 2}, 1);  // 1..8
  ExpectTensor(RunOne("ReduceMin", {x}, {{"axes", Ints{0, 2}}}), {1, 2, 1}, {1, 3});
  ExpectTensor(RunOne("ReduceProd", {x}, {{"axes", Ints{1}}, {"keepdims", int64_t{0}}}), {2, 2},
               {3, 8, 35, 48});
  // ReduceSum takes its axes as input 1 from opset 13.
  ExpectTensor(RunOne("ReduceSum", {x, I64({1}, {0})}), {1, 2, 2}, {6, 8, 10, 12});
  // Before opset 13 it takes them as an attribute.
  ExpectTensor(RunOne("ReduceSum", {x}, {{"axes", Ints{0}}}, 11), {1, 2, 2}, {6, 8, 10, 12});
}

TEST(ReduceTest, EmptyAxesWithNoopKeepTheInput) {
  const Tensor x = Iota({2, 2});
  ExpectTensor(RunOne("ReduceSum", {x, I64({0}, {})}, {{"noop_with_empty_axes", int64_t{1}}}),
               {2, 2}, {0, 1, 2, 3});
  // Opset 18: all reductions take axes as an input.
  ExpectTensor(RunOne("ReduceMean", {x, I64({1}, {1})}, {}, 18), {2, 1}, {0.5f, 2.5f});
}

TEST(ReduceTest, BadAxesAreErrors) {
  auto r = RunOp("ReduceMean", {Iota({2, 2})}, {{"axes", Ints{2}}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("ReduceMean node 'node': axis 2 is out of range for rank 2"),
            std::string::npos)
      << r.status().message();
  r = RunOp("ReduceSum", {Iota({2}), F32({1}, {0})});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("axes (input 1) must be a 1-D int64 tensor"),
            std::string::npos)
      << r.status().message();
}

}  // namespace
}  // namespace aorta::reference::testing
