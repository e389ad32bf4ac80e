// If: both branches, outer-scope values (graph inputs, initializers, values computed before the
// If), renamed implicit inputs, nesting, the ONNX round trip, and the errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "compiler/onnx_export.h"
#include "compiler/onnx_import.h"
#include "compiler/reference/executor.h"
#include "compiler/reference/test_util.h"

namespace aorta::reference::testing {
namespace {

ir::Subgraph Body(ir::Graph g) {
  return ir::Subgraph{std::make_shared<const ir::Graph>(std::move(g))};
}

// then: y = x * w (x a graph input, w an initializer, both of the outer graph);
// else: y = Identity(p) (p computed in the outer graph before the If).
ir::Graph ThenBranch() {
  ir::Graph g;
  g.AddNode("Mul", {"x", "w"}, {"y_then"});
  g.AddOutput("y_then", DType::kF32);
  return g;
}

ir::Graph ElseBranch() {
  ir::Graph g;
  g.AddNode("Identity", {"p"}, {"y_else"});
  g.AddOutput("y_else", DType::kF32);
  return g;
}

// The hey_jarvis pattern: p = Sigmoid(x); cond = Cast(max(p) >= 0.5);
// y = If(cond) { x * w } else { p }.
ir::Graph Guarded() {
  ir::Graph g;
  g.opset_imports[""] = 13;
  g.AddInput("x", DType::kF32, ir::StaticDims({1, 2}));
  g.AddInitializer("w", F32({2}, {10, 100}));
  g.AddInitializer("half", F32({}, {0.5f}));
  g.AddNode("Sigmoid", {"x"}, {"p"});
  g.AddNode("ReduceMax", {"p"}, {"pmax"}, {{"keepdims", int64_t{0}}});
  g.AddNode("GreaterOrEqual", {"pmax", "half"}, {"ge"});
  g.AddNode("Cast", {"ge"}, {"cond"}, {{"to", int64_t{9}}});
  ir::Node& n = g.AddNode(
      "If", {"cond"}, {"y"},
      {{"then_branch", Body(ThenBranch())}, {"else_branch", Body(ElseBranch())}}, "guard");
  for (const std::string& v : ir::ImplicitInputs(n)) n.inputs.push_back(v);
  g.AddOutput("y");
  return g;
}

TEST(IfTest, ImplicitInputsAreWhatTheBranchesRead) {
  const ir::Graph g = Guarded();
  EXPECT_EQ(ir::OuterScopeValues(ThenBranch()), (std::vector<std::string>{"x", "w"}));
  // else_branch first (attribute key order), each value once.
  EXPECT_EQ(ir::ImplicitInputs(*g.FindNode("guard")), (std::vector<std::string>{"p", "x", "w"}));
  EXPECT_EQ(g.FindNode("guard")->inputs, (std::vector<std::string>{"cond", "p", "x", "w"}));
  EXPECT_TRUE(g.Validate().ok());
}

TEST(IfTest, RunsTheBranchTheConditionSelects) {
  const ir::Graph g = Guarded();
  // x = 2: p = 0.88 >= 0.5 -> then: x * w.
  auto then = RunReference(g, {{"x", F32({1, 2}, {2, 3})}});
  ASSERT_TRUE(then.ok()) << then.status().ToString();
  ExpectTensor(then->at("y"), {1, 2}, {20, 300});
  // x = -1: p = 0.27 < 0.5 -> else: p.
  auto other = RunReference(g, {{"x", F32({1, 2}, {-1, -2})}});
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  ExpectTensor(other->at("y"), {1, 2}, {1 / (1 + std::exp(1.0f)), 1 / (1 + std::exp(2.0f))});
}

TEST(IfTest, ImplicitInputsAreBoundByPositionAfterARename) {
  // A pass renamed the initializer the then branch reads as "w": the branch still sees it.
  ir::Graph g = Guarded();
  g.AddInitializer("w2", F32({2}, {-1, 1}));
  for (ir::Node& n : g.nodes) {
    for (std::string& in : n.inputs) {
      if (in == "w") in = "w2";
    }
  }
  g.initializers.erase("w");
  auto out = RunReference(g, {{"x", F32({1, 2}, {2, 3})}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ExpectTensor(out->at("y"), {1, 2}, {-2, 3});
}

TEST(IfTest, NestedIfReadsTheOutermostScope) {
  // then: If(cond) { x * w } else { p } again, one level down.
  ir::Graph then;
  ir::Node& n = then.AddNode(
      "If", {"cond"}, {"z"},
      {{"then_branch", Body(ThenBranch())}, {"else_branch", Body(ElseBranch())}}, "inner");
  for (const std::string& v : ir::ImplicitInputs(n)) n.inputs.push_back(v);
  then.AddOutput("z");
  ir::Graph g = Guarded();
  ir::Node& outer = *std::find_if(g.nodes.begin(), g.nodes.end(),
                                  [](const ir::Node& m) { return m.name == "guard"; });
  outer.attributes["then_branch"] = Body(then);
  outer.inputs = {"cond"};
  for (const std::string& v : ir::ImplicitInputs(outer)) outer.inputs.push_back(v);
  EXPECT_EQ(ir::ImplicitInputs(outer), (std::vector<std::string>{"p", "cond", "x", "w"}));
  auto out = RunReference(g, {{"x", F32({1, 2}, {1, 1})}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ExpectTensor(out->at("y"), {1, 2}, {10, 100});
}

TEST(IfTest, SurvivesTheOnnxRoundTrip) {
  // Exported as ONNX (If with one input and GRAPH attributes), imported back: the importer
  // appends the implicit inputs again.
  Result<std::string> bytes = ExportOnnxBytes(Guarded());
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  Result<ir::Graph> g = ImportOnnxBytes(*bytes, "guarded.onnx");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  const ir::Node* n = g->FindNode("guard");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->inputs, (std::vector<std::string>{"cond", "p", "x", "w"}));
  auto out = RunReference(*g, {{"x", F32({1, 2}, {2, 3})}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ExpectTensor(out->at("y"), {1, 2}, {20, 300});
}

TEST(IfTest, ErrorsNameTheNodeAndTheCause) {
  auto two = RunOp("If", {F32({2}, {1, 0})},
                   {{"then_branch", Body(ElseBranch())}, {"else_branch", Body(ElseBranch())}});
  ASSERT_FALSE(two.ok());
  EXPECT_NE(two.status().message().find("expects 1 input (the condition) and 1 implicit inputs"),
            std::string::npos)
      << two.status().message();
  ir::Graph one_element;
  one_element.AddNode("Identity", {"in0"}, {"y"});
  one_element.AddOutput("y");
  auto cond2 = RunOp("If", {F32({2}, {1, 0}), F32({1}, {5})},
                     {{"then_branch", Body(one_element)}, {"else_branch", Body(one_element)}});
  ASSERT_FALSE(cond2.ok());
  EXPECT_NE(cond2.status().message().find(
                "If node 'node': the condition must hold one element, got shape 2"),
            std::string::npos)
      << cond2.status().message();
  auto missing = RunOp("If", {F32({1}, {0}), F32({1}, {5})}, {{"then_branch", Body(one_element)}});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("missing required attribute 'else_branch'"),
            std::string::npos)
      << missing.status().message();
  // A failure inside the branch names the If and the branch.
  ir::Graph bad;
  bad.AddNode("Add", {"in0", "in0"}, {"y"});
  bad.AddNode("Relu", {"y"}, {"z"});
  bad.AddOutput("z");
  auto inner = RunOp("If", {F32({1}, {1}), I64({1}, {5})},
                     {{"then_branch", Body(bad)}, {"else_branch", Body(one_element)}});
  ASSERT_FALSE(inner.ok());
  EXPECT_NE(inner.status().message().find("If node 'node' then_branch"), std::string::npos)
      << inner.status().message();
  EXPECT_NE(inner.status().message().find("Relu node 'Relu_1'"), std::string::npos)
      << inner.status().message();
}

}  // namespace
}  // namespace aorta::reference::testing
