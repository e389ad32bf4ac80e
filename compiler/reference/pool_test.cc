// MaxPool, AveragePool and the global pools against hand-computed values.
#include <gtest/gtest.h>

#include "compiler/reference/test_util.h"

namespace aorta::reference::testing {
namespace {

using Ints = std::vector<int64_t>;

TEST(MaxPoolTest, Strided) {
  ExpectTensor(RunOne("MaxPool", {Iota({1, 1, 4, 4})},
                      {{"kernel_shape", Ints{2, 2}}, {"strides", Ints{2, 2}}}),
               {1, 1, 2, 2}, {5, 7, 13, 15});
}

TEST(MaxPoolTest, PaddingNeverWins) {
  // All values but one negative: padded positions must not contribute zeros.
  Tensor y = RunOne("MaxPool", {F32({1, 1, 2, 2}, {1, -2, -3, -4})},
                    {{"kernel_shape", Ints{2, 2}}, {"pads", Ints{1, 1, 1, 1}}});
  ExpectTensor(y, {1, 1, 3, 3}, {1, 1, -2, 1, 1, -2, -3, -3, -4});
}

TEST(MaxPoolTest, CeilMode) {
  Tensor x = F32({1, 1, 1, 5}, {1, 2, 3, 4, 5});
  const std::map<std::string, ir::Attribute> attrs = {{"kernel_shape", Ints{1, 2}},
                                                      {"strides", Ints{1, 2}}};
  ExpectTensor(RunOne("MaxPool", {x}, attrs), {1, 1, 1, 2}, {2, 4});
  auto ceil = attrs;
  ceil["ceil_mode"] = int64_t{1};
  ExpectTensor(RunOne("MaxPool", {x}, ceil), {1, 1, 1, 3}, {2, 4, 5});
}

TEST(MaxPoolTest, Dilated) {
  // Windows {0, 2}, {1, 3}, {2, 4}.
  ExpectTensor(RunOne("MaxPool", {F32({1, 1, 1, 5}, {1, 5, 2, 4, 3})},
                      {{"kernel_shape", Ints{1, 2}}, {"dilations", Ints{1, 2}}}),
               {1, 1, 1, 3}, {2, 5, 3});
}

TEST(MaxPoolTest, AutoPadSameUpper) {
  // 3 wide, kernel 2: one padding column at the end.
  ExpectTensor(RunOne("MaxPool", {F32({1, 1, 1, 3}, {3, 1, 2})},
                      {{"kernel_shape", Ints{1, 2}}, {"auto_pad", std::string("SAME_UPPER")}}),
               {1, 1, 1, 3}, {3, 2, 2});
}

TEST(AveragePoolTest, CountIncludePadBothWays) {
  Tensor x = F32({1, 1, 2, 2}, {1, 2, 3, 4});
  std::map<std::string, ir::Attribute> attrs = {{"kernel_shape", Ints{2, 2}},
                                                {"pads", Ints{1, 1, 1, 1}}};
  // Excluding padding: mean of the real pixels under each window.
  ExpectTensor(RunOne("AveragePool", {x}, attrs), {1, 1, 3, 3},
               {1, 1.5f, 2, 2, 2.5f, 3, 3, 3.5f, 4});
  // Including padding: window sum / 4.
  attrs["count_include_pad"] = int64_t{1};
  ExpectTensor(RunOne("AveragePool", {x}, attrs), {1, 1, 3, 3},
               {0.25f, 0.75f, 0.5f, 1, 2.5f, 1.5f, 0.75f, 1.75f, 1});
}

TEST(AveragePoolTest, CeilModeWithPadding) {
  // Padded input [0 | 1 2 3 4 5], kernel 3, stride 2; ceil_mode adds a third window [4 5 | -].
  Tensor x = F32({1, 1, 1, 5}, {1, 2, 3, 4, 5});
  std::map<std::string, ir::Attribute> attrs = {
      {"kernel_shape", Ints{1, 3}}, {"strides", Ints{1, 2}}, {"pads", Ints{0, 1, 0, 0}}};
  attrs["count_include_pad"] = int64_t{1};
  ExpectTensor(RunOne("AveragePool", {x}, attrs), {1, 1, 1, 2}, {1, 3});
  attrs["ceil_mode"] = int64_t{1};
  // The explicit left pad counts; the ceil_mode overflow does not.
  ExpectTensor(RunOne("AveragePool", {x}, attrs), {1, 1, 1, 3}, {1, 3, 4.5f});
  attrs["count_include_pad"] = int64_t{0};
  ExpectTensor(RunOne("AveragePool", {x}, attrs), {1, 1, 1, 3}, {1.5f, 3, 4.5f});
}

TEST(GlobalPoolTest, AverageAndMax) {
  Tensor x = Iota({1, 2, 2, 2}, 1);
  ExpectTensor(RunOne("GlobalAveragePool", {x}), {1, 2, 1, 1}, {2.5f, 6.5f});
  ExpectTensor(RunOne("GlobalMaxPool", {x}), {1, 2, 1, 1}, {4, 8});
}

TEST(MaxPoolTest, IndicesOutputIsUnsupported) {
  auto r = RunOp("MaxPool", {Iota({1, 1, 2, 2})}, {{"kernel_shape", Ints{2, 2}}}, 13, 2);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(r.status().message().find("Indices"), std::string::npos);
}

}  // namespace
}  // namespace aorta::reference::testing
