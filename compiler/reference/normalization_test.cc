// BatchNormalization and Softmax against hand-computed values.
#include <gtest/gtest.h>

#include <cmath>

#include "compiler/reference/test_util.h"

namespace aorta::reference::testing {
namespace {

TEST(BatchNormTest, PerChannelAffine) {
  // y = scale * (x - mean) / sqrt(var + eps) + bias; eps = 0 keeps the numbers round.
  Tensor x = F32({1, 2, 1, 2}, {1, 3, 10, 20});
  Tensor y = RunOne("BatchNormalization",
                    {x, F32({2}, {2, 1}), F32({2}, {1, -1}), F32({2}, {1, 10}), F32({2}, {4, 25})},
                    {{"epsilon", 0.0f}});
  // ch0: 2 * (x - 1) / 2 + 1 -> 1, 3; ch1: (x - 10) / 5 - 1 -> -1, 1.
  ExpectTensor(y, {1, 2, 1, 2}, {1, 3, -1, 1});
}

TEST(BatchNormTest, TwoDimensionalInputAndEpsilon) {
  Tensor y =
      RunOne("BatchNormalization",
             {F32({2, 1}, {3, 5}), F32({1}, {1}), F32({1}, {0}), F32({1}, {1}), F32({1}, {3})},
             {{"epsilon", 1.0f}});
  ExpectTensor(y, {2, 1}, {1, 2});  // (x - 1) / sqrt(3 + 1)
}

TEST(BatchNormTest, TrainingModeIsUnsupported) {
  auto r = RunOp("BatchNormalization",
                 {Iota({1, 1, 1, 1}), F32({1}, {1}), F32({1}, {0}), F32({1}, {0}), F32({1}, {1})},
                 {{"training_mode", int64_t{1}}}, 15);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
}

TEST(SoftmaxTest, LastAxisOpset13) {
  const float ln3 = std::log(3.0f);
  // softmax([0, ln 3]) = [1/4, 3/4]; equal logits give 1/2 each.
  ExpectTensor(RunOne("Softmax", {F32({2, 2}, {0, ln3, 5, 5})}), {2, 2},
               {0.25f, 0.75f, 0.5f, 0.5f});
}

TEST(SoftmaxTest, ExplicitAxisOpset13) {
  const float ln3 = std::log(3.0f);
  // Over axis 0 (the columns of a 2x2).
  ExpectTensor(RunOne("Softmax", {F32({2, 2}, {0, 1, ln3, 1})}, {{"axis", int64_t{0}}}), {2, 2},
               {0.25f, 0.5f, 0.75f, 0.5f});
}

TEST(SoftmaxTest, LegacyAxisFlattensTheTail) {
  // Opset 11, axis 1 on [1, 2, 2]: one softmax over all 4 values.
  const float ln3 = std::log(3.0f);
  Tensor x = F32({1, 2, 2}, {0, 0, 0, ln3});
  ExpectTensor(RunOne("Softmax", {x}, {}, 11), {1, 2, 2}, {1.0f / 6, 1.0f / 6, 1.0f / 6, 3.0f / 6});
  // Opset 13 default axis -1: two softmaxes over pairs.
  ExpectTensor(RunOne("Softmax", {x}, {}, 13), {1, 2, 2}, {0.5f, 0.5f, 0.25f, 0.75f});
}

}  // namespace
}  // namespace aorta::reference::testing
