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

ir::Graph DemoCnn() {
  op_cases::Rng rng(7);
  ir::Graph g = op_cases::NewGraph();
  g.name = "demo_cnn";
  g.AddInput("input", DType::kF32, ir::StaticDims({1, 16, 16, 16}));
  auto conv = [&](const std::string& name, const std::string& in, int64_t cin, int64_t cout,
                  int64_t k, int64_t group) {
    g.AddInitializer(name + "_w", op_cases::GridWeights(rng, {cout, cin / group, k, k}, cout,
                                                        std::sqrt(3.0 / (cin / group * k * k))));
    g.AddInitializer(name + "_b", op_cases::RandomTensor(rng, {cout}, -0.1, 0.1));
    const int64_t p = k / 2;
    g.AddNode("Conv", {in, name + "_w", name + "_b"}, {name},
              {{"kernel_shape", Ints{k, k}}, {"pads", Ints{p, p, p, p}}, {"group", group}}, name);
  };
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
  g.AddNode("GlobalAveragePool", {"add4"}, {"gap5"}, {}, "gap5");
  g.AddNode("Flatten", {"gap5"}, {"flat"}, {}, "flat");
  g.AddInitializer("fc6_w", op_cases::RandomTensor(rng, {10, 32}, -0.3, 0.3));
  g.AddInitializer("fc6_b", op_cases::RandomTensor(rng, {10}, -0.1, 0.1));
  g.AddNode("Gemm", {"flat", "fc6_w", "fc6_b"}, {"logits"}, {{"transB", int64_t{1}}}, "fc6");
  g.AddOutput("logits");
  return g;
}

}  // namespace aorta::multichip::testing
