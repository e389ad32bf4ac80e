#include "compiler/reference/test_util.h"

#include "compiler/reference/executor.h"

namespace aorta::reference::testing {

Result<std::vector<Tensor>> RunOp(const std::string& op, std::vector<std::optional<Tensor>> inputs,
                                  std::map<std::string, ir::Attribute> attributes, int64_t opset,
                                  size_t num_outputs) {
  ir::Graph g;
  g.opset_imports[""] = opset;
  TensorMap feed;
  std::vector<std::string> in_names;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i]) {
      in_names.emplace_back();
      continue;
    }
    const std::string name = fmt::format("in{}", i);
    g.AddInput(name, inputs[i]->dtype(), ir::StaticDims(inputs[i]->shape()));
    feed[name] = *inputs[i];
    in_names.push_back(name);
  }
  std::vector<std::string> out_names;
  for (size_t i = 0; i < num_outputs; ++i) out_names.push_back(fmt::format("out{}", i));
  g.AddNode(op, in_names, out_names, std::move(attributes), "node");
  for (const std::string& o : out_names) g.AddOutput(o);
  AORTA_ASSIGN_OR_RETURN(TensorMap out, RunReference(g, feed));
  std::vector<Tensor> result;
  for (const std::string& o : out_names) result.push_back(out.at(o));
  return result;
}

Tensor RunOne(const std::string& op, std::vector<std::optional<Tensor>> inputs,
              std::map<std::string, ir::Attribute> attributes, int64_t opset) {
  auto r = RunOp(op, std::move(inputs), std::move(attributes), opset, 1);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return Tensor();
  return (*r)[0];
}

void ExpectTensor(const Tensor& actual, const Shape& shape, const std::vector<float>& expected,
                  float tol) {
  ASSERT_EQ(actual.shape(), shape)
      << "got " << ShapeToString(actual.shape()) << ", want " << ShapeToString(shape);
  const std::vector<double> got = actual.ToDoubles();
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i], expected[i], tol) << "at flat index " << i;
  }
}

Tensor Iota(Shape shape, float start) {
  Tensor t(DType::kF32, std::move(shape));
  float v = start;
  for (float& x : t.data<float>()) x = v++;
  return t;
}

}  // namespace aorta::reference::testing
