// BlazeFace post-processing against hand-computed values.
#include "models/real/blazeface.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

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

TEST(BlazeFaceDecode, CompareDetectionsFindsTheSameFaceAndAnExtraOne) {
  // Two maps of one layer each: a 2 x 2 one (4 anchors) and a 1 x 1 one (1 anchor).
  AnchorOptions o{32, {16, 32}, 0.5, false};
  auto map = [](const std::vector<float>& logits, int64_t n) {
    std::vector<float> raw(static_cast<size_t>(n) * 16, 0.0f);
    for (int64_t i = 0; i < n; ++i) {
      raw[static_cast<size_t>(i) * 16 + 2] = 8;  // w = 8 px
      raw[static_cast<size_t>(i) * 16 + 3] = 8;  // h = 8 px
    }
    return std::pair{Tensor::FromVector<float>({1, n, 1}, logits),
                     Tensor::FromVector<float>({1, n, 16}, raw)};
  };
  const std::vector<std::string> outs = {"s_small", "b_big", "s_big", "b_small"};  // any order
  auto results = [&](const std::vector<float>& big, float small) {
    auto [sb, bb] = map(big, 4);
    auto [ss, bs] = map({small}, 1);
    return TensorMap{{"s_big", sb}, {"b_big", bb}, {"s_small", ss}, {"b_small", bs}};
  };
  const TensorMap ref = results({5, -5, -5, -5}, -5);  // one face, anchor 0
  Result<DetectionComparison> same = CompareDetections(ref, ref, outs, o);
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_DOUBLE_EQ(same->best_iou, 1.0);
  EXPECT_EQ(same->detections.size(), 1u);
  EXPECT_EQ(same->detections_ref.size(), 1u);
  EXPECT_DOUBLE_EQ(same->worst_match_iou, 1.0);
  // A second face on the 1 x 1 map (a box apart from the first): one detection too many.
  Result<DetectionComparison> extra = CompareDetections(results({5, -5, -5, -5}, 3), ref, outs, o);
  ASSERT_TRUE(extra.ok());
  EXPECT_EQ(extra->detections.size(), 2u);
  EXPECT_EQ(extra->detections_ref.size(), 1u);
  EXPECT_DOUBLE_EQ(extra->worst_match_iou, 1.0);  // the reference's face is still found
  // The face moved to anchor 1: the best boxes do not overlap, nothing matches.
  Result<DetectionComparison> moved = CompareDetections(results({-5, 5, -5, -5}, -5), ref, outs, o);
  ASSERT_TRUE(moved.ok());
  EXPECT_DOUBLE_EQ(moved->best_iou, 0.0);
  EXPECT_DOUBLE_EQ(moved->worst_match_iou, 0.0);
  EXPECT_FALSE(CompareDetections(ref, ref, {"s_big", "missing"}, o).ok());
}

}  // namespace
}  // namespace aorta::models
