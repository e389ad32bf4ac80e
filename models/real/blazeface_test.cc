// BlazeFace post-processing against hand-computed values.
#include "models/real/blazeface.h"

#include <gtest/gtest.h>

namespace aorta::models {
namespace {

TEST(BlazeFaceAnchors, FrontAndBackHave896InMediaPipesOrder) {
  for (const AnchorOptions& o : {FrontAnchors(), BackAnchors()}) {
    const std::vector<Anchor> a = GenerateAnchors(o);
    ASSERT_EQ(a.size(), 896u);  // 16 x 16 x 2 + 8 x 8 x 6
    // First map: 16 x 16 cells, 2 anchors per cell, row-major.
    EXPECT_DOUBLE_EQ(a[0].x, 0.5 / 16);
    EXPECT_DOUBLE_EQ(a[1].x, 0.5 / 16);
    EXPECT_DOUBLE_EQ(a[2].x, 1.5 / 16);
    EXPECT_DOUBLE_EQ(a[32].y, 1.5 / 16);
    // Second map: 8 x 8 cells, 6 anchors per cell (three layers of stride 16 / 32, 2 each).
    EXPECT_DOUBLE_EQ(a[512].x, 0.5 / 8);
    EXPECT_DOUBLE_EQ(a[517].x, 0.5 / 8);
    EXPECT_DOUBLE_EQ(a[518].x, 1.5 / 8);
    EXPECT_DOUBLE_EQ(a[895].y, 7.5 / 8);
  }
  AnchorOptions single{64, {8}, 0.5, false};
  EXPECT_EQ(GenerateAnchors(single).size(), 64u);
}

TEST(BlazeFaceDecode, BoxesRelativeToTheirAnchors) {
  AnchorOptions o{32, {16}, 0.5, false};  // 2 x 2 cells, 1 anchor each
  Tensor scores = Tensor::FromVector<float>({1, 4, 1}, {0.0f, 2.0f, -100.0f, 200.0f});
  std::vector<float> raw(4 * 16, 0.0f);
  raw[16 + 0] = 8;   // anchor 1: x + 8 px
  raw[16 + 2] = 16;  // w = 16 px
  raw[16 + 3] = 8;   // h = 8 px
  Tensor boxes = Tensor::FromVector<float>({1, 4, 16}, raw);
  Result<std::vector<Box>> b = DecodeBoxes({&scores}, {&boxes}, o);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_EQ(b->size(), 4u);
  EXPECT_DOUBLE_EQ((*b)[0].score, 0.5);
  EXPECT_NEAR((*b)[3].score, 1.0, 1e-12);  // logits clipped to +-100
  // Anchor 1 is at (0.75, 0.25); centre moves by 8 / 32 in x; w = 0.5, h = 0.25.
  EXPECT_DOUBLE_EQ((*b)[1].xmin, 0.75);
  EXPECT_DOUBLE_EQ((*b)[1].xmax, 1.25);
  EXPECT_DOUBLE_EQ((*b)[1].ymin, 0.125);
  EXPECT_DOUBLE_EQ((*b)[1].ymax, 0.375);
  EXPECT_FALSE(DecodeBoxes({&scores}, {&scores}, o).ok());  // 4 scores, 4 box values
}

TEST(BlazeFaceDecode, IoUAndNonMaximumSuppression) {
  const Box a{0, 0, 1, 1, 0.9}, b{0, 0.5, 1, 1.5, 0.8}, c{2, 2, 3, 3, 0.7}, d{0, 0, 1, 1, 0.4};
  EXPECT_DOUBLE_EQ(IoU(a, a), 1.0);
  EXPECT_DOUBLE_EQ(IoU(a, b), 0.5 / 1.5);
  EXPECT_DOUBLE_EQ(IoU(a, c), 0.0);
  const std::vector<Box> kept = Detections({d, c, b, a}, 0.5, 0.3);
  ASSERT_EQ(kept.size(), 2u);  // b overlaps a by 1/3 > 0.3; d scores below 0.5
  EXPECT_DOUBLE_EQ(kept[0].score, 0.9);
  EXPECT_DOUBLE_EQ(kept[1].score, 0.7);
  EXPECT_DOUBLE_EQ(BestBox({c, a, b}).score, 0.9);
}

}  // namespace
}  // namespace aorta::models
