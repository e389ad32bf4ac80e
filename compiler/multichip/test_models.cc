#include "compiler/multichip/test_models.h"

#include <cmath>

#include "compiler/testing/op_cases.h"

namespace aorta::multichip::testing {

using op_cases::Ints;

BoardConfig Ring(const ChipConfig& chip, uint32_t k) {
  BoardConfig b;
  b.set_name(fmt::format("ring{}_{}", k, chip.name()));
  for (uint32_t i = 0; i < k; ++i) {
    config::BoardChip* c = b.add_chips();
    c->set_name(fmt::format("c{}", i));
    *c->mutable_config() = chip;
  }
  for (uint32_t i = 0; i < k && k > 1; ++i) {
    config::BoardLink* l = b.add_links();
    l->set_chip_a(i);
    l->set_port_a(1);
    l->set_chip_b((i + 1) % k);
    l->set_port_b(0);
  }
  return b;
}

namespace {

// A k x k convolution (same padding) `name` of `in` with seeded weights and bias, output `name`.
void AddConv(ir::Graph& g, op_cases::Rng& rng, const std::string& name, const std::string& in,
             int64_t cin, int64_t cout, int64_t k, int64_t group) {
  g.AddInitializer(name + "_w", op_cases::GridWeights(rng, {cout, cin / group, k, k}, cout,
                                                      std::sqrt(3.0 / (cin / group * k * k))));
  g.AddInitializer(name + "_b", op_cases::RandomTensor(rng, {cout}, -0.1, 0.1));
  const int64_t p = k / 2;
  g.AddNode("Conv", {in, name + "_w", name + "_b"}, {name},
            {{"kernel_shape", Ints{k, k}}, {"pads", Ints{p, p, p, p}}, {"group", group}}, name);
}

// AddConv of `in`, then Relu "relu_<suffix>" into `out`.
void AddConvRelu(ir::Graph& g, op_cases::Rng& rng, const std::string& name, const std::string& in,
                 const std::string& out, int64_t cin, int64_t cout, int64_t k) {
  AddConv(g, rng, name, in, cin, cout, k, 1);
  g.AddNode("Relu", {name}, {out}, {}, "relu_" + out);
}

// Global average pool `gap` of `in` (`channels` channels), Flatten "flat", fully connected `fc`
// to 10 classes: the model output "logits".
void AddClassifier(ir::Graph& g, op_cases::Rng& rng, const std::string& in, int64_t channels,
                   const std::string& gap, const std::string& fc) {
  g.AddNode("GlobalAveragePool", {in}, {gap}, {}, gap);
  g.AddNode("Flatten", {gap}, {"flat"}, {}, "flat");
  g.AddInitializer(fc + "_w", op_cases::RandomTensor(rng, {10, channels}, -0.3, 0.3));
  g.AddInitializer(fc + "_b", op_cases::RandomTensor(rng, {10}, -0.1, 0.1));
  g.AddNode("Gemm", {"flat", fc + "_w", fc + "_b"}, {"logits"}, {{"transB", int64_t{1}}}, fc);
  g.AddOutput("logits");
}

}  // namespace

ir::Graph DemoCnn() {
  op_cases::Rng rng(7);
  ir::Graph g = op_cases::NewGraph();
  g.name = "demo_cnn";
  g.AddInput("input", DType::kF32, ir::StaticDims({1, 16, 16, 16}));
  auto conv = [&](const std::string& name, const std::string& in, int64_t cin, int64_t cout,
                  int64_t k, int64_t group) { AddConv(g, rng, name, in, cin, cout, k, group); };
  conv("conv1", "input", 16, 16, 3, 1);
  g.AddNode("Relu", {"conv1"}, {"relu1"}, {}, "relu1");
  g.AddNode("MaxPool", {"relu1"}, {"pool1"},
            {{"kernel_shape", Ints{2, 2}}, {"strides", Ints{2, 2}}}, "pool1");
  conv("conv2", "pool1", 16, 32, 1, 1);
  g.AddNode("Relu", {"conv2"}, {"relu2"}, {}, "relu2");
  conv("dwconv3", "relu2", 32, 32, 3, 32);
  g.AddInitializer("lo", Tensor::Scalar(0.0f));
  g.AddInitializer("hi", Tensor::Scalar(6.0f));
  g.AddNode("Clip", {"dwconv3", "lo", "hi"}, {"relu6"}, {}, "relu6");
  g.AddNode("Add", {"relu6", "relu2"}, {"add4"}, {}, "add4");
  AddClassifier(g, rng, "add4", 32, "gap5", "fc6");
  return g;
}

ir::Graph WideInputCnn() {
  op_cases::Rng rng(11);
  ir::Graph g = op_cases::NewGraph();
  g.name = "wide_input_cnn";
  g.AddInput("input", DType::kF32, ir::StaticDims({1, 16, 32, 32}));
  AddConvRelu(g, rng, "conv_a", "input", "relu_a", 16, 16, 3);
  AddConvRelu(g, rng, "conv_b", "relu_a", "relu_b", 16, 32, 3);
  AddConvRelu(g, rng, "conv_c", "relu_b", "relu_c", 32, 16, 3);
  AddClassifier(g, rng, "relu_c", 16, "gap", "fc");
  return g;
}

ir::Graph ResidualCnn() {
  op_cases::Rng rng(13);
  ir::Graph g = op_cases::NewGraph();
  g.name = "residual_cnn";
  g.AddInput("input", DType::kF32, ir::StaticDims({1, 16, 12, 12}));
  AddConvRelu(g, rng, "conv_x", "input", "x", 16, 24, 3);
  AddConvRelu(g, rng, "conv_a", "x", "a", 24, 16, 1);
  AddConvRelu(g, rng, "conv_b", "a", "b", 16, 16, 3);
  AddConv(g, rng, "conv_c", "b", 16, 24, 1, 1);
  g.AddNode("Add", {"conv_c", "x"}, {"sum"}, {}, "add_c");
  g.AddNode("Relu", {"sum"}, {"y"}, {}, "relu_y");
  AddClassifier(g, rng, "y", 24, "gap", "fc");
  return g;
}

ir::Graph Mlp(int64_t in, int64_t hidden, int64_t out) {
  op_cases::Rng rng(17);
  ir::Graph g = op_cases::NewGraph();
  g.name = "mlp";
  g.AddInput("input", DType::kF32, ir::StaticDims({1, in}));
  auto fc = [&](const std::string& name, const std::string& x, int64_t cin, int64_t cout) {
    g.AddInitializer(name + "_w", op_cases::GridWeights(rng, {cout, cin}, cout,
                                                        std::sqrt(3.0 / static_cast<double>(cin))));
    g.AddInitializer(name + "_b", op_cases::RandomTensor(rng, {cout}, -0.1, 0.1));
    g.AddNode("Gemm", {x, name + "_w", name + "_b"}, {name}, {{"transB", int64_t{1}}}, name);
  };
  fc("fc1", "input", in, hidden);
  g.AddNode("Relu", {"fc1"}, {"h1"}, {}, "relu1");
  fc("fc2", "h1", hidden, hidden);
  g.AddNode("Relu", {"fc2"}, {"h2"}, {}, "relu2");
  fc("fc3", "h2", hidden, out);
  g.AddOutput("fc3");
  return g;
}

}  // namespace aorta::multichip::testing
