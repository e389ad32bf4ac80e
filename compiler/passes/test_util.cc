#include "compiler/passes/test_util.h"

#include <cmath>

#include "compiler/passes/fused_ops.h"
#include "compiler/reference/executor.h"

namespace aorta::passes::testing {

ir::Graph NewGraph(int64_t opset) {
  ir::Graph g;
  g.name = "test";
  g.opset_imports[""] = opset;
  return g;
}

void F32Input(ir::Graph& graph, const std::string& name, const Shape& shape) {
  graph.AddInput(name, DType::kF32, ir::StaticDims(shape));
}

Tensor I64(const std::vector<int64_t>& values) {
  return Tensor::FromVector<int64_t>({static_cast<int64_t>(values.size())}, values);
}

Tensor RandomTensor(Shape shape, uint32_t seed, float lo, float hi) {
  Tensor t(DType::kF32, std::move(shape));
  uint32_t s = seed * 2654435761u + 12345u;
  for (float& x : t.data<float>()) {
    s = s * 1664525u + 1013904223u;
    x = lo + (hi - lo) * static_cast<float>(s >> 8) / static_cast<float>(1u << 24);
  }
  return t;
}

TensorMap RandomInputs(const ir::Graph& graph, uint32_t seed) {
  TensorMap inputs;
  for (const std::string& name : graph.inputs) {
    const ir::ValueInfo* info = graph.FindValue(name);
    EXPECT_TRUE(info != nullptr && info->StaticShape() && info->dtype) << name;
    if (info == nullptr || !info->StaticShape() || !info->dtype) continue;
    inputs[name] = *info->dtype == DType::kF32 ? RandomTensor(*info->StaticShape(), seed++)
                                               : Tensor(*info->dtype, *info->StaticShape());
  }
  return inputs;
}

void ExpectSameNumerics(const ir::Graph& before, const ir::Graph& after, double tol) {
  auto expanded = ExpandFusedOps(after);
  ASSERT_TRUE(expanded.ok()) << expanded.status().ToString();
  for (uint32_t seed : {1u, 77u}) {
    const TensorMap inputs = RandomInputs(after, seed);
    auto want = reference::RunReference(before, inputs);
    ASSERT_TRUE(want.ok()) << want.status().ToString();
    auto got = reference::RunReference(*expanded, inputs);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    for (const auto& [name, a] : *want) {
      ASSERT_TRUE(got->count(name)) << "output " << name << " is gone";
      const Tensor& b = got->at(name);
      ASSERT_EQ(a.shape(), b.shape()) << name;
      const std::vector<double> va = a.ToDoubles(), vb = b.ToDoubles();
      double range = 0, err = 0;
      for (size_t i = 0; i < va.size(); ++i) {
        range = std::max(range, std::abs(va[i]));
        err = std::max(err, std::abs(va[i] - vb[i]));
      }
      EXPECT_LE(err, tol * std::max(range, 1e-6)) << "output " << name << " (seed " << seed
                                                  << "): max error " << err << ", range " << range;
    }
  }
}

void ExpectShapesMatchReference(const ir::Graph& graph) {
  auto expanded = ExpandFusedOps(graph);
  ASSERT_TRUE(expanded.ok()) << expanded.status().ToString();
  ir::Graph all = *expanded;
  for (const ir::Node& n : graph.nodes) {
    for (const std::string& out : n.outputs) {
      if (!out.empty() && std::find(all.outputs.begin(), all.outputs.end(), out) == all.outputs.end())
        all.outputs.push_back(out);
    }
  }
  auto values = reference::RunReference(all, RandomInputs(graph, 3));
  ASSERT_TRUE(values.ok()) << values.status().ToString();
  for (const ir::Node& n : graph.nodes) {
    for (const std::string& out : n.outputs) {
      if (out.empty()) continue;
      const ir::ValueInfo* info = graph.FindValue(out);
      ASSERT_TRUE(info != nullptr && info->StaticShape() && info->dtype) << out << " not inferred";
      EXPECT_EQ(*info->StaticShape(), values->at(out).shape()) << n.Describe() << " -> " << out;
      EXPECT_EQ(*info->dtype, values->at(out).dtype()) << n.Describe() << " -> " << out;
    }
  }
}

int CountOps(const ir::Graph& graph, const std::string& op_type) {
  int count = 0;
  for (const ir::Node& n : graph.nodes) count += n.op_type == op_type;
  return count;
}

std::vector<std::string> OpTypes(const ir::Graph& graph) {
  std::vector<std::string> ops;
  for (const ir::Node& n : graph.nodes) ops.push_back(n.op_type);
  return ops;
}

Shape ShapeOf(const ir::Graph& graph, const std::string& value) {
  const ir::ValueInfo* info = graph.FindValue(value);
  if (info == nullptr || !info->StaticShape()) {
    ADD_FAILURE() << "no static shape for " << value;
    return {};
  }
  return *info->StaticShape();
}

}  // namespace aorta::passes::testing
