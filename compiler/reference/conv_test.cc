// Conv and ConvTranspose against hand-computed values.
#include <gtest/gtest.h>

#include "compiler/reference/test_util.h"

namespace aorta::reference::testing {
namespace {

using Ints = std::vector<int64_t>;

Tensor Ones(Shape shape) {
  Tensor t(DType::kF32, std::move(shape));
  for (float& x : t.data<float>()) x = 1.0f;
  return t;
}

TEST(ConvTest, PlainWithBias) {
  // 3x3 input 0..8, 2x2 ones kernel: window sums + bias 1.
  Tensor y = RunOne("Conv", {Iota({1, 1, 3, 3}), Ones({1, 1, 2, 2}), F32({1}, {1})});
  ExpectTensor(y, {1, 1, 2, 2}, {9, 13, 21, 25});
}

TEST(ConvTest, AsymmetricPads) {
  // pads [top=1, left=0, bottom=0, right=1]; padded input rows: [0 0 0] [1 2 0] [3 4 0].
  Tensor y = RunOne("Conv", {F32({1, 1, 2, 2}, {1, 2, 3, 4}), Ones({1, 1, 2, 2}), std::nullopt},
                    {{"pads", Ints{1, 0, 0, 1}}});
  ExpectTensor(y, {1, 1, 2, 2}, {3, 2, 10, 6});
}

TEST(ConvTest, Strided) {
  Tensor y = RunOne("Conv", {Iota({1, 1, 4, 4}), Ones({1, 1, 2, 2})}, {{"strides", Ints{2, 2}}});
  ExpectTensor(y, {1, 1, 2, 2}, {10, 18, 42, 50});
}

TEST(ConvTest, Dilated) {
  // A 2x2 kernel dilated by 2 reads the four corners of the 3x3 input: 0 + 2 + 6 + 8.
  Tensor y = RunOne("Conv", {Iota({1, 1, 3, 3}), Ones({1, 1, 2, 2})}, {{"dilations", Ints{2, 2}}});
  ExpectTensor(y, {1, 1, 1, 1}, {16});
}

TEST(ConvTest, Grouped) {
  // Two groups of 2 input channels -> 1 output channel each.
  Tensor y =
      RunOne("Conv", {F32({1, 4, 1, 1}, {1, 2, 3, 4}), F32({2, 2, 1, 1}, {1, 10, 100, 1000})},
             {{"group", int64_t{2}}});
  ExpectTensor(y, {1, 2, 1, 1}, {1 + 20, 300 + 4000});
}

TEST(ConvTest, Depthwise) {
  Tensor x = F32({1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  Tensor w = F32({2, 1, 2, 2}, {1, 1, 1, 1, 1, 0, 0, -1});
  Tensor y = RunOne("Conv", {x, w, F32({2}, {0.5f, -0.5f})}, {{"group", int64_t{2}}});
  ExpectTensor(y, {1, 2, 1, 1}, {10.5f, 5 - 8 - 0.5f});
}

TEST(ConvTest, AutoPadSameUpperLowerAndValid) {
  Tensor x = F32({1, 1, 1, 4}, {1, 2, 3, 4});
  Tensor w = Ones({1, 1, 1, 2});
  // Total padding 1: SAME_UPPER puts it at the end, SAME_LOWER at the beginning.
  ExpectTensor(RunOne("Conv", {x, w}, {{"auto_pad", std::string("SAME_UPPER")}}), {1, 1, 1, 4},
               {3, 5, 7, 4});
  ExpectTensor(RunOne("Conv", {x, w}, {{"auto_pad", std::string("SAME_LOWER")}}), {1, 1, 1, 4},
               {1, 3, 5, 7});
  ExpectTensor(
      RunOne("Conv", {x, w}, {{"auto_pad", std::string("VALID")}, {"pads", Ints{0, 1, 0, 1}}}),
      {1, 1, 1, 3}, {3, 5, 7});
}

TEST(ConvTest, AutoPadSameWithStride) {
  // 5 wide, kernel 3, stride 2: 3 outputs, total padding 2 split 1 / 1: [0 1 2 3 4 5 0].
  Tensor y = RunOne("Conv", {F32({1, 1, 1, 5}, {1, 2, 3, 4, 5}), Ones({1, 1, 1, 3})},
                    {{"auto_pad", std::string("SAME_UPPER")}, {"strides", Ints{1, 2}}});
  ExpectTensor(y, {1, 1, 1, 3}, {3, 9, 9});
}

TEST(ConvTest, OneDimensionalAndMultiChannel) {
  Tensor y = RunOne("Conv", {F32({1, 1, 3}, {1, 2, 3}), F32({1, 1, 2}, {1, -1})});
  ExpectTensor(y, {1, 1, 2}, {-1, -1});
  // 2 input channels -> 3 output channels, 1x1 kernel: y[m] = sum_c w[m][c] x[c].
  Tensor z = RunOne("Conv", {F32({1, 2, 1, 1}, {1, 2}), F32({3, 2, 1, 1}, {1, 0, 0, 1, 1, 1})});
  ExpectTensor(z, {1, 3, 1, 1}, {1, 2, 3});
}

TEST(ConvTest, BadGroupIsAnError) {
  auto r = RunOp("Conv", {Iota({1, 3, 2, 2}), Ones({2, 1, 1, 1})}, {{"group", int64_t{2}}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("Conv node 'node': group 2"), std::string::npos)
      << r.status().message();
}

TEST(ConvTransposeTest, Plain) {
  // Each input pixel adds itself to a 2x2 block.
  Tensor y = RunOne("ConvTranspose", {F32({1, 1, 2, 2}, {1, 2, 3, 4}), Ones({1, 1, 2, 2})});
  ExpectTensor(y, {1, 1, 3, 3}, {1, 3, 2, 4, 10, 6, 3, 7, 4});
}

TEST(ConvTransposeTest, StridedWithOutputPaddingAndBias) {
  Tensor x = F32({1, 1, 2, 2}, {1, 2, 3, 4});
  ExpectTensor(RunOne("ConvTranspose", {x, Ones({1, 1, 2, 2})}, {{"strides", Ints{2, 2}}}),
               {1, 1, 4, 4}, {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4});
  // output_padding adds a last row and column that only the bias reaches.
  Tensor y = RunOne("ConvTranspose", {x, Ones({1, 1, 2, 2}), F32({1}, {0.5f})},
                    {{"strides", Ints{2, 2}}, {"output_padding", Ints{1, 1}}});
  ExpectTensor(y, {1, 1, 5, 5},
               {1.5f, 1.5f, 2.5f, 2.5f, 0.5f, 1.5f, 1.5f, 2.5f, 2.5f, 0.5f, 3.5f, 3.5f, 4.5f,
                4.5f, 0.5f, 3.5f, 3.5f, 4.5f, 4.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f});
}

TEST(ConvTransposeTest, PadsCrop) {
  Tensor y = RunOne("ConvTranspose", {F32({1, 1, 2, 2}, {1, 2, 3, 4}), Ones({1, 1, 2, 2})},
                    {{"pads", Ints{1, 1, 1, 1}}});
  ExpectTensor(y, {1, 1, 1, 1}, {10});
}

TEST(ConvTransposeTest, ChannelsAndGroups) {
  // W is [C_in, C_out/group, k...]: y[m] = sum_c x[c] * W[c][m].
  Tensor x = F32({1, 2, 1, 1}, {1, 2});
  ExpectTensor(RunOne("ConvTranspose", {x, F32({2, 3, 1, 1}, {1, 2, 3, 4, 5, 6})}), {1, 3, 1, 1},
               {9, 12, 15});
  // Two groups, two outputs each: x0 feeds outputs 0-1 (weights 1 2), x1 outputs 2-3 (3 4).
  ExpectTensor(
      RunOne("ConvTranspose", {x, F32({2, 2, 1, 1}, {1, 2, 3, 4})}, {{"group", int64_t{2}}}),
      {1, 4, 1, 1}, {1, 2, 6, 8});
}

TEST(ConvTransposeTest, AutoPadAndOutputShape) {
  // Full output [1 1 3 2 2] (stride 2, kernel 3) must be cut to 2 * 2 = 4 columns.
  Tensor x = F32({1, 1, 1, 2}, {1, 2});
  Tensor w = Ones({1, 1, 1, 3});
  const Ints strides = {1, 2};
  ExpectTensor(RunOne("ConvTranspose", {x, w},
                      {{"strides", strides}, {"auto_pad", std::string("SAME_UPPER")}}),
               {1, 1, 1, 4}, {1, 1, 3, 2});
  ExpectTensor(RunOne("ConvTranspose", {x, w},
                      {{"strides", strides}, {"auto_pad", std::string("SAME_LOWER")}}),
               {1, 1, 1, 4}, {1, 3, 2, 2});
  ExpectTensor(
      RunOne("ConvTranspose", {x, w}, {{"strides", strides}, {"output_shape", Ints{1, 4}}}),
      {1, 1, 1, 4}, {1, 3, 2, 2});
}

TEST(ConvTransposeTest, Dilated) {
  // Kernel taps 0 and 2: x0 lands on 0 and 2, x1 on 1 and 3.
  Tensor y = RunOne("ConvTranspose", {F32({1, 1, 1, 2}, {1, 2}), Ones({1, 1, 1, 2})},
                    {{"dilations", Ints{1, 2}}});
  ExpectTensor(y, {1, 1, 1, 4}, {1, 2, 1, 2});
}

}  // namespace
}  // namespace aorta::reference::testing
