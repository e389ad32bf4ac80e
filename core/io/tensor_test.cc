#include "core/io/tensor.h"

#include <gtest/gtest.h>

namespace aorta {
namespace {

TEST(TensorTest, ZeroFilledWithShapeAndSize) {
  Tensor t(DType::kI32, {2, 3, 4});
  EXPECT_EQ(t.element_count(), 24);
  EXPECT_EQ(t.byte_size(), 96u);
  EXPECT_EQ(t.rank(), 3);
  EXPECT_EQ(t.dim(-1), 4);
  for (int32_t v : t.data<int32_t>()) EXPECT_EQ(v, 0);
}

TEST(TensorTest, ScalarHasOneElement) {
  Tensor s = Tensor::Scalar<int64_t>(-7);
  EXPECT_EQ(s.rank(), 0);
  EXPECT_EQ(s.element_count(), 1);
  EXPECT_EQ(s.at<int64_t>(0), -7);
  EXPECT_EQ(ShapeToString(s.shape()), "scalar");
  EXPECT_EQ(ShapeToString({1, 3, 224, 224}), "1x3x224x224");
}

TEST(TensorTest, ReshapeKeepsBytesAndChecksCount) {
  Tensor t = Tensor::FromVector<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  auto r = t.Reshaped({3, 2});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->shape(), (Shape{3, 2}));
  EXPECT_EQ(r->ToVector<float>(), t.ToVector<float>());
  auto bad = t.Reshaped({4, 2});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("2x3 (6 elements) to 4x2 (8 elements)"), std::string::npos);
}

TEST(TensorTest, CastTruncatesTowardZeroAndKeepsLargeIntegers) {
  Tensor f = Tensor::FromVector<float>({4}, {-1.7f, 2.9f, 0.0f, 3.0f});
  EXPECT_EQ(f.CastTo(DType::kI64).ToVector<int64_t>(), (std::vector<int64_t>{-1, 2, 0, 3}));
  EXPECT_EQ(f.CastTo(DType::kBool).ToVector<uint8_t>(), (std::vector<uint8_t>{1, 1, 0, 1}));
  Tensor big = Tensor::FromVector<int64_t>({1}, {(int64_t{1} << 53) + 1});
  EXPECT_EQ(big.CastTo(DType::kI64).at<int64_t>(0), (int64_t{1} << 53) + 1);
  EXPECT_EQ(Tensor::FromVector<int32_t>({1}, {-5}).CastTo(DType::kI64).at<int64_t>(0), -5);
  EXPECT_EQ(Tensor::FromVector<uint8_t>({1}, {200}).CastTo(DType::kF32).at<float>(0), 200.0f);
}

TEST(TensorTest, ToDoublesReadsAnyDtype) {
  EXPECT_EQ(Tensor::FromVector<int8_t>({2}, {-3, 4}).ToDoubles(), (std::vector<double>{-3, 4}));
  EXPECT_EQ(Tensor::FromVector<int64_t>({2}, {5, 6}).ToInt64s(), (std::vector<int64_t>{5, 6}));
}

}  // namespace
}  // namespace aorta
