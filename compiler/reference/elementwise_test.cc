// Activations and broadcasting arithmetic against hand-computed values.
#include <gtest/gtest.h>

#include <cmath>

#include "compiler/reference/test_util.h"

namespace aorta::reference::testing {
namespace {

TEST(ActivationTest, ReluAndLeakyRelu) {
  ExpectTensor(RunOne("Relu", {F32({3}, {-1, 0, 2})}), {3}, {0, 0, 2});
  ExpectTensor(RunOne("LeakyRelu", {F32({2}, {-2, 3})}, {{"alpha", 0.1f}}), {2}, {-0.2f, 3});
  ExpectTensor(RunOne("LeakyRelu", {F32({1}, {-100})}), {1}, {-1});  // default alpha 0.01
}

TEST(ActivationTest, SigmoidAndTanh) {
  const float ln3 = std::log(3.0f), ln2 = std::log(2.0f);
  // sigmoid(ln 3) = 1 / (1 + 1/3) = 0.75; tanh(ln 2) = (2 - 1/2) / (2 + 1/2) = 0.6.
  ExpectTensor(RunOne("Sigmoid", {F32({3}, {0, ln3, -ln3})}), {3}, {0.5f, 0.75f, 0.25f});
  ExpectTensor(RunOne("Tanh", {F32({2}, {0, ln2})}), {2}, {0, 0.6f});
}

TEST(ActivationTest, HardSigmoidAndHardSwish) {
  ExpectTensor(RunOne("HardSigmoid", {F32({4}, {-5, 0, 1, 5})}), {4}, {0, 0.5f, 0.7f, 1});
  ExpectTensor(RunOne("HardSigmoid", {F32({2}, {1, 4})}, {{"alpha", 0.5f}, {"beta", 0.0f}}), {2},
               {0.5f, 1});
  // x * clamp(x / 6 + 1/2, 0, 1).
  ExpectTensor(RunOne("HardSwish", {F32({5}, {-4, -1, 0, 3, 4})}, {}, 14), {5},
               {0, -1.0f / 3, 0, 3, 4});
}

TEST(ActivationTest, ClipWithInputsAndAttributes) {
  const Tensor x = F32({3}, {-1, 3, 7});
  ExpectTensor(RunOne("Clip", {x, F32({}, {0}), F32({}, {6})}), {3}, {0, 3, 6});
  ExpectTensor(RunOne("Clip", {x, std::nullopt, F32({}, {2})}), {3}, {-1, 2, 2});
  ExpectTensor(RunOne("Clip", {x}), {3}, {-1, 3, 7});
  // Opset 6: bounds are attributes.
  ExpectTensor(RunOne("Clip", {F32({3}, {-2, 0.5f, 2})}, {{"min", -1.0f}, {"max", 1.0f}}, 6), {3},
               {-1, 0.5f, 1});
}

TEST(ActivationTest, IntegerInputIsUnsupported) {
  auto r = RunOp("Relu", {I64({1}, {1})});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(r.status().message().find("Relu node 'node': input 0 ('in0') is i64"),
            std::string::npos)
      << r.status().message();
}

TEST(BinaryTest, BothOperandsBroadcast) {
  // [2,1] + [3] -> [2,3].
  ExpectTensor(RunOne("Add", {F32({2, 1}, {1, 2}), F32({3}, {10, 20, 30})}), {2, 3},
               {11, 21, 31, 12, 22, 32});
}

TEST(BinaryTest, NonCommutativeWithBroadcastFirstOperand) {
  ExpectTensor(RunOne("Sub", {F32({1}, {1}), Iota({2, 2})}), {2, 2}, {1, 0, -1, -2});
  ExpectTensor(RunOne("Div", {Iota({2, 2}), F32({2}, {1, 2})}), {2, 2}, {0, 0.5f, 2, 1.5f});
  ExpectTensor(RunOne("Div", {F32({2}, {1, 2}), F32({2, 1}, {2, 4})}), {2, 2},
               {0.5f, 1, 0.25f, 0.5f});
}

TEST(BinaryTest, MulByScalarAndVariadicMaxMin) {
  ExpectTensor(RunOne("Mul", {Iota({2, 3}), F32({}, {2})}), {2, 3}, {0, 2, 4, 6, 8, 10});
  ExpectTensor(RunOne("Max", {F32({2}, {1, 5}), F32({2}, {3, 2}), F32({2}, {0, 7})}), {2}, {3, 7});
  ExpectTensor(RunOne("Min", {F32({2}, {1, 5}), F32({1}, {3})}), {2}, {1, 3});
  ExpectTensor(RunOne("Sum", {F32({2}, {1, 5}), F32({1}, {3}), F32({2}, {-1, -2})}), {2}, {3, 6});
}

TEST(BinaryTest, IntegerArithmeticForShapes) {
  Tensor y = RunOne("Mul", {I64({2}, {3, 224}), I64({}, {2})});
  EXPECT_EQ(y.dtype(), DType::kI64);
  EXPECT_EQ(y.ToVector<int64_t>(), (std::vector<int64_t>{6, 448}));
  EXPECT_EQ(RunOne("Div", {I64({2}, {7, -7}), I64({1}, {2})}).ToVector<int64_t>(),
            (std::vector<int64_t>{3, -3}));
  auto zero = RunOp("Div", {I64({1}, {1}), I64({1}, {0})});
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.status().message().find("division by zero"), std::string::npos);
}

TEST(BinaryTest, Errors) {
  auto mixed = RunOp("Add", {F32({1}, {1}), I64({1}, {1})});
  ASSERT_FALSE(mixed.ok());
  EXPECT_NE(mixed.status().message().find("input types differ: f32 and i64"), std::string::npos);
  auto shapes = RunOp("Add", {Iota({2, 3}), Iota({2})});
  ASSERT_FALSE(shapes.ok());
  EXPECT_NE(shapes.status().message().find("shapes 2x3 and 2 do not broadcast"), std::string::npos);
}

TEST(UnaryMathTest, SqrtLogExp) {
  ExpectTensor(RunOne("Sqrt", {F32({3}, {0, 4, 2.25f})}), {3}, {0, 2, 1.5f});
  const float e = std::exp(1.0f);
  ExpectTensor(RunOne("Log", {F32({3}, {1, e, e * e})}), {3}, {0, 1, 2});
  ExpectTensor(RunOne("Exp", {F32({2}, {0, 1})}), {2}, {1, e});
}

TEST(PowTest, ScalarAndBroadcastExponents) {
  // A one-element exponent (LayerNorm's variance: x^2), also as f32 scalar of rank 0.
  ExpectTensor(RunOne("Pow", {F32({3}, {-3, 0.5f, 2}), F32({}, {2})}), {3}, {9, 0.25f, 4});
  ExpectTensor(RunOne("Pow", {F32({2}, {4, 9}), F32({1}, {0.5f})}), {2}, {2, 3});
  // An exponent per column, broadcast over rows; an integer exponent.
  ExpectTensor(RunOne("Pow", {F32({2, 2}, {2, 2, 3, 3}), F32({2}, {1, 3})}), {2, 2}, {2, 8, 3, 27});
  ExpectTensor(RunOne("Pow", {F32({2}, {2, 3}), I64({1}, {3})}), {2}, {8, 27});
  // The exponent broadcasts the result up.
  ExpectTensor(RunOne("Pow", {F32({}, {2}), F32({1, 2}, {1, 2})}), {1, 2}, {2, 4});
}

TEST(CompareTest, FloatAndIntegerComparisonsGiveBool) {
  const Tensor a = F32({4}, {1, 2, 3, 0.5f});
  const Tensor b = F32({1}, {2});
  auto bools = [](const Tensor& t) {
    EXPECT_EQ(t.dtype(), DType::kBool);
    return t.ToInt64s();
  };
  using V = std::vector<int64_t>;
  EXPECT_EQ(bools(RunOne("GreaterOrEqual", {a, b})), (V{0, 1, 1, 0}));
  EXPECT_EQ(bools(RunOne("Greater", {a, b})), (V{0, 0, 1, 0}));
  EXPECT_EQ(bools(RunOne("Less", {a, b})), (V{1, 0, 0, 1}));
  EXPECT_EQ(bools(RunOne("LessOrEqual", {a, b})), (V{1, 1, 0, 1}));
  EXPECT_EQ(bools(RunOne("Equal", {a, b})), (V{0, 1, 0, 0}));
  EXPECT_EQ(bools(RunOne("Equal", {I64({3}, {1, 2, 3}), I64({}, {2})})), (V{0, 1, 0}));
  EXPECT_EQ(bools(RunOne("Greater", {I64({2, 1}, {1, 3}), I64({2}, {2, 0})})), (V{0, 1, 1, 1}));
  auto mixed = RunOp("Less", {F32({1}, {1}), I64({1}, {1})});
  ASSERT_FALSE(mixed.ok());
  EXPECT_NE(mixed.status().message().find("input types differ: f32 and i64"), std::string::npos);
}

}  // namespace
}  // namespace aorta::reference::testing
