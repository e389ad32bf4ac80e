#include "compiler/ir.h"

#include <gtest/gtest.h>

namespace aorta::ir {
namespace {

Graph Chain() {
  Graph g;
  g.opset_imports[""] = 13;
  g.AddInput("x", DType::kF32, {Dim::Symbolic("N"), Dim::Static(3)});
  g.AddInitializer("w", Tensor::FromVector<float>({3}, {1, 2, 3}));
  // Stored out of order: "b" reads "a" which is produced by the second node.
  g.AddNode("Relu", {"a"}, {"b"}, {}, "relu");
  g.AddNode("Mul", {"x", "w"}, {"a"}, {}, "mul");
  g.AddNode("Add", {"b", "a"}, {"y"}, {}, "add");
  g.AddOutput("y");
  return g;
}

TEST(IrTest, TopologicalOrderPutsProducersFirst) {
  Graph g = Chain();
  auto order = g.TopologicalOrder();
  ASSERT_TRUE(order.ok()) << order.status().ToString();
  EXPECT_EQ(*order, (std::vector<size_t>{1, 0, 2}));
  EXPECT_TRUE(g.Validate().ok());
}

TEST(IrTest, Lookups) {
  Graph g = Chain();
  ASSERT_NE(g.Producer("a"), nullptr);
  EXPECT_EQ(g.Producer("a")->name, "mul");
  EXPECT_EQ(g.Producer("x"), nullptr);
  auto users = g.Consumers("a");
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0]->name, "relu");
  EXPECT_EQ(users[1]->name, "add");
  EXPECT_TRUE(g.IsInitializer("w"));
  EXPECT_TRUE(g.IsGraphInput("x"));
  EXPECT_EQ(g.FindNode("add")->op_type, "Add");
  EXPECT_EQ(g.FindNode("nope"), nullptr);
  EXPECT_EQ(g.opset(), 13);
  const ValueInfo* x = g.FindValue("x");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(DimsToString(*x->dims), "Nx3");
  EXPECT_FALSE(x->StaticShape().has_value());
  EXPECT_EQ(g.FindValue("w")->StaticShape(), (Shape{3}));
}

TEST(IrTest, CycleIsReported) {
  Graph g;
  g.AddNode("Relu", {"b"}, {"a"}, {}, "r1");
  g.AddNode("Relu", {"a"}, {"b"}, {}, "r2");
  auto order = g.TopologicalOrder();
  ASSERT_FALSE(order.ok());
  EXPECT_NE(order.status().message().find("cycle through Relu node 'r1'"), std::string::npos)
      << order.status().message();
}

TEST(IrTest, UndefinedInputAndDoubleProducerAreReported) {
  Graph g = Chain();
  g.AddNode("Relu", {"ghost"}, {"z"}, {}, "haunted");
  auto r = g.TopologicalOrder();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("Relu node 'haunted': input 'ghost'"), std::string::npos);

  Graph h = Chain();
  h.AddNode("Relu", {"x"}, {"a"}, {}, "again");
  auto d = h.TopologicalOrder();
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("output 'a' is also produced by Mul node 'mul'"),
            std::string::npos);

  Graph o = Chain();
  o.AddOutput("nowhere");
  EXPECT_NE(o.Validate().message().find("'nowhere'"), std::string::npos);
}

TEST(IrTest, AttributeGetters) {
  Node n{"c", "Conv", "", {}, {}, {}};
  n.attributes["group"] = int64_t{2};
  n.attributes["alpha"] = int64_t{1};
  n.attributes["pads"] = std::vector<int64_t>{1, 1};
  n.attributes["mode"] = std::string("nearest");
  EXPECT_EQ(*n.GetInt("group"), 2);
  EXPECT_EQ(*n.GetInt("missing", 7), 7);
  EXPECT_EQ(*n.GetFloat("alpha", 0.5f), 1.0f);  // an INT read as FLOAT
  EXPECT_EQ(*n.GetInts("pads"), (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(*n.GetString("mode", ""), "nearest");
  auto wrong = n.GetInt("pads");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().message(), "Conv node 'c': attribute 'pads' is ints, expected int");
  auto missing = n.GetInt("strides");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(n.GetTensor("pads").ok());
}

TEST(IrTest, AddNodeNamesAnonymousNodes) {
  Graph g;
  g.AddNode("Relu", {"x"}, {"y"});
  EXPECT_EQ(g.nodes[0].name, "Relu_0");
  EXPECT_FALSE(g.nodes[0].HasInput(1));
  EXPECT_TRUE(g.nodes[0].HasInput(0));
}

}  // namespace
}  // namespace aorta::ir
