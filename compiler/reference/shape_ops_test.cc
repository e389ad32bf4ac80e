// Layout and shape ops, and Concat, against hand-computed values.
#include <gtest/gtest.h>

#include "compiler/onnx_tensor.h"
#include "compiler/reference/test_util.h"

namespace aorta::reference::testing {
namespace {

using Ints = std::vector<int64_t>;

TEST(ShapeOpsTest, ReshapeWithZeroAndMinusOne) {
  Tensor y = RunOne("Reshape", {Iota({2, 3, 4}), I64({3}, {0, -1, 2})});
  ExpectTensor(y, {2, 6, 2}, Iota({2, 6, 2}).ToVector<float>());
  // allowzero=1 takes 0 literally.
  Tensor empty = RunOne("Reshape", {Tensor(DType::kF32, {0, 3}), I64({2}, {3, 0})},
                        {{"allowzero", int64_t{1}}}, 14);
  EXPECT_EQ(empty.shape(), (Shape{3, 0}));
  auto bad = RunOp("Reshape", {Iota({2, 3}), I64({2}, {4, -1})});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("cannot infer -1"), std::string::npos);
}

TEST(ShapeOpsTest, ConstantOfShapeFillsWithItsValue) {
  // Default: f32 zeros.
  ExpectTensor(RunOne("ConstantOfShape", {I64({2}, {2, 3})}), {2, 3}, {0, 0, 0, 0, 0, 0});
  // An i64 value keeps its type.
  Tensor seven = RunOne("ConstantOfShape", {I64({1}, {3})},
                        {{"value", Tensor::FromVector<int64_t>({1}, {7})}});
  EXPECT_EQ(seven.dtype(), DType::kI64);
  EXPECT_EQ(seven.ToInt64s(), (Ints{7, 7, 7}));
  auto bad = RunOp("ConstantOfShape", {I64({2}, {2, -1})});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("negative dim -1"), std::string::npos);
}

TEST(ShapeOpsTest, Flatten) {
  EXPECT_EQ(RunOne("Flatten", {Iota({2, 3, 4})}).shape(), (Shape{2, 12}));
  EXPECT_EQ(RunOne("Flatten", {Iota({2, 3, 4})}, {{"axis", int64_t{0}}}).shape(), (Shape{1, 24}));
  EXPECT_EQ(RunOne("Flatten", {Iota({2, 3, 4})}, {{"axis", int64_t{-1}}}).shape(), (Shape{6, 4}));
  EXPECT_EQ(RunOne("Flatten", {Iota({2, 3, 4})}, {{"axis", int64_t{3}}}).shape(), (Shape{24, 1}));
}

TEST(ShapeOpsTest, Transpose) {
  // [[0 1 2] [3 4 5]]^T.
  ExpectTensor(RunOne("Transpose", {Iota({2, 3})}), {3, 2}, {0, 3, 1, 4, 2, 5});
  // NCHW [1,2,1,2] -> NHWC [1,1,2,2]: channels become innermost.
  ExpectTensor(RunOne("Transpose", {Iota({1, 2, 1, 2})}, {{"perm", Ints{0, 2, 3, 1}}}),
               {1, 1, 2, 2}, {0, 2, 1, 3});
}

TEST(ShapeOpsTest, SqueezeAndUnsqueezeBothOpsets) {
  EXPECT_EQ(RunOne("Squeeze", {Iota({1, 3, 1})}).shape(), (Shape{3}));
  EXPECT_EQ(RunOne("Squeeze", {Iota({1, 3, 1}), I64({1}, {-1})}).shape(), (Shape{1, 3}));
  EXPECT_EQ(RunOne("Squeeze", {Iota({1, 3, 1})}, {{"axes", Ints{0}}}, 11).shape(), (Shape{3, 1}));
  EXPECT_EQ(RunOne("Unsqueeze", {Iota({3}), I64({2}, {0, 2})}).shape(), (Shape{1, 3, 1}));
  EXPECT_EQ(RunOne("Unsqueeze", {Iota({3})}, {{"axes", Ints{-1}}}, 11).shape(), (Shape{3, 1}));
  auto bad = RunOp("Squeeze", {Iota({2, 3}), I64({1}, {0})});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("cannot squeeze dim 0 of size 2"), std::string::npos);
}

TEST(ShapeOpsTest, PadConstantInputsAndAttributes) {
  // 1x2 padded by one column on the left, two on the right, value 9.
  ExpectTensor(RunOne("Pad", {F32({1, 2}, {1, 2}), I64({4}, {0, 1, 0, 2}), F32({}, {9})}), {1, 5},
               {9, 1, 2, 9, 9});
  // Opset 2: attributes; a negative pad crops.
  ExpectTensor(RunOne("Pad", {F32({2, 2}, {1, 2, 3, 4})}, {{"pads", Ints{1, 0, 0, -1}}}, 2), {3, 1},
               {0, 1, 3});
  auto reflect =
      RunOp("Pad", {F32({2}, {1, 2}), I64({2}, {1, 1})}, {{"mode", std::string("reflect")}});
  EXPECT_EQ(reflect.status().code(), StatusCode::kUnsupported);
}

TEST(ShapeOpsTest, ShapeAndGather) {
  Tensor s = RunOne("Shape", {Iota({2, 3, 4})});
  EXPECT_EQ(s.dtype(), DType::kI64);
  EXPECT_EQ(s.ToVector<int64_t>(), (Ints{2, 3, 4}));
  EXPECT_EQ(RunOne("Shape", {Iota({2, 3, 4})}, {{"start", int64_t{-2}}}, 15).ToVector<int64_t>(),
            (Ints{3, 4}));
  // Gather a scalar index -> rank drops (the usual Shape -> Gather(0) pattern).
  Tensor g = RunOne("Gather", {s, I64({}, {0})});
  EXPECT_EQ(g.shape(), Shape{});
  EXPECT_EQ(g.at<int64_t>(0), 2);
  // Gather rows 2 and -3 (= 0) of a 3x2 along axis 0, and columns along axis 1.
  ExpectTensor(RunOne("Gather", {Iota({3, 2}), I64({2}, {2, -3})}), {2, 2}, {4, 5, 0, 1});
  ExpectTensor(RunOne("Gather", {Iota({2, 3}), I64({1, 2}, {2, 1})}, {{"axis", int64_t{1}}}),
               {2, 1, 2}, {2, 1, 5, 4});
  auto oob = RunOp("Gather", {Iota({3}), I64({1}, {3})});
  ASSERT_FALSE(oob.ok());
  EXPECT_NE(oob.status().message().find("index 3 out of range"), std::string::npos);
}

TEST(ShapeOpsTest, CastConstantIdentity) {
  Tensor c = RunOne("Cast", {F32({2}, {2.7f, -1.5f})}, {{"to", int64_t{onnx::TensorProto::INT64}}});
  EXPECT_EQ(c.ToVector<int64_t>(), (Ints{2, -1}));
  EXPECT_EQ(RunOne("Constant", {}, {{"value", I64({2}, {5, 6})}}).ToVector<int64_t>(),
            (Ints{5, 6}));
  EXPECT_EQ(RunOne("Constant", {}, {{"value_float", 1.5f}}).at<float>(0), 1.5f);
  EXPECT_EQ(RunOne("Constant", {}, {{"value_ints", Ints{1, 2}}}).ToVector<int64_t>(), (Ints{1, 2}));
  ExpectTensor(RunOne("Identity", {F32({2}, {1, 2})}), {2}, {1, 2});
  // Inference Dropout passes its input through; the mask output is refused.
  ExpectTensor(RunOne("Dropout", {F32({2}, {3, 4})}), {2}, {3, 4});
  EXPECT_EQ(RunOp("Dropout", {F32({2}, {3, 4})}, {}, 13, 2).status().code(),
            StatusCode::kUnsupported);
}

TEST(ShapeOpsTest, SliceForwardBackwardAndClamped) {
  const Tensor x = Iota({2, 5});
  // Columns 1..3 of both rows.
  ExpectTensor(RunOne("Slice", {x, I64({1}, {1}), I64({1}, {4}), I64({1}, {1})}), {2, 3},
               {1, 2, 3, 6, 7, 8});
  // Reverse with step -2 from the end; INT64_MAX / negative ends are clamped.
  ExpectTensor(
      RunOne("Slice", {x, I64({1}, {-1}), I64({1}, {INT64_MIN}), I64({1}, {1}), I64({1}, {-2})}),
      {2, 3}, {4, 2, 0, 9, 7, 5});
  ExpectTensor(RunOne("Slice", {x, I64({2}, {1, 3}), I64({2}, {INT64_MAX, 100})}), {1, 2}, {8, 9});
  // Opset 9 attributes.
  ExpectTensor(RunOne("Slice", {x}, {{"starts", Ints{0}}, {"ends", Ints{1}}, {"axes", Ints{0}}}, 9),
               {1, 5}, {0, 1, 2, 3, 4});
  // Empty result.
  EXPECT_EQ(RunOne("Slice", {x, I64({1}, {3}), I64({1}, {1}), I64({1}, {1})}).shape(),
            (Shape{2, 0}));
}

TEST(ConcatTest, FloatAndIntegerAlongAnyAxis) {
  ExpectTensor(RunOne("Concat", {Iota({1, 2}), F32({2, 2}, {9, 8, 7, 6})}, {{"axis", int64_t{0}}}),
               {3, 2}, {0, 1, 9, 8, 7, 6});
  ExpectTensor(RunOne("Concat", {Iota({2, 1}), F32({2, 2}, {9, 8, 7, 6})}, {{"axis", int64_t{-1}}}),
               {2, 3}, {0, 9, 8, 1, 7, 6});
  Tensor shape =
      RunOne("Concat", {I64({1}, {1}), I64({0}, {}), I64({2}, {-1, 4})}, {{"axis", int64_t{0}}});
  EXPECT_EQ(shape.ToVector<int64_t>(), (Ints{1, -1, 4}));
  auto bad = RunOp("Concat", {Iota({1, 2}), Iota({1, 3})}, {{"axis", int64_t{0}}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("does not match input 0"), std::string::npos);
}

}  // namespace
}  // namespace aorta::reference::testing
