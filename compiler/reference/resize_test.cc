// Resize / Upsample (nearest, integer scales) against hand-computed values.
#include <gtest/gtest.h>

#include "compiler/reference/test_util.h"

namespace aorta::reference::testing {
namespace {

const Tensor kX = F32({1, 1, 2, 2}, {1, 2, 3, 4});
const std::vector<float> kX2 = {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4};

TEST(ResizeTest, ScalesInputOpset13) {
  ExpectTensor(RunOne("Resize", {kX, std::nullopt, F32({4}, {1, 1, 2, 2})},
                      {{"mode", std::string("nearest")}}),
               {1, 1, 4, 4}, kX2);
}

TEST(ResizeTest, SizesInputAndAsymmetricFloor) {
  ExpectTensor(RunOne("Resize", {kX, F32({0}, {}), F32({0}, {}), I64({4}, {1, 1, 4, 6})},
                      {{"mode", std::string("nearest")},
                       {"coordinate_transformation_mode", std::string("asymmetric")},
                       {"nearest_mode", std::string("floor")}},
                      11),
               {1, 1, 4, 6},
               {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4});
}

TEST(ResizeTest, UpsampleOpset9And7) {
  ExpectTensor(RunOne("Upsample", {kX, F32({4}, {1, 1, 2, 2})}, {}, 9), {1, 1, 4, 4}, kX2);
  ExpectTensor(RunOne("Upsample", {kX}, {{"scales", std::vector<float>{1, 1, 1, 2}}}, 7),
               {1, 1, 2, 4}, {1, 1, 2, 2, 3, 3, 4, 4});
}

TEST(ResizeTest, OpsetTenScalesInput) {
  ExpectTensor(RunOne("Resize", {kX, F32({4}, {1, 1, 2, 1})}, {}, 10), {1, 1, 4, 2},
               {1, 2, 1, 2, 3, 4, 3, 4});
}

TEST(ResizeTest, UnsupportedCases) {
  auto frac = RunOp("Resize", {kX, std::nullopt, F32({4}, {1, 1, 1.5f, 1.5f})});
  ASSERT_FALSE(frac.ok());
  EXPECT_EQ(frac.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(frac.status().message().find("only integer upscaling"), std::string::npos);
  auto linear = RunOp("Resize", {kX, std::nullopt, F32({4}, {1, 1, 2, 2})},
                      {{"mode", std::string("linear")}});
  EXPECT_EQ(linear.status().code(), StatusCode::kUnsupported);
  // asymmetric + round_prefer_ceil maps output 2 of scale 3 to round(2/3) = 1, not floor = 0.
  auto modes = RunOp("Resize", {kX, std::nullopt, F32({4}, {1, 1, 3, 3})},
                     {{"coordinate_transformation_mode", std::string("asymmetric")},
                      {"nearest_mode", std::string("round_prefer_ceil")}});
  ASSERT_FALSE(modes.ok());
  EXPECT_NE(modes.status().message().find("round_prefer_ceil"), std::string::npos);
}

}  // namespace
}  // namespace aorta::reference::testing
