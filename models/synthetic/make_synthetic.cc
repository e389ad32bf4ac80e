// make_synthetic --out DIR [--seed S]: writes the synthetic models (resnet50, mobilenetv2, mlp,
// mlp_stratixv, gemm512) as DIR/<name>.onnx. The build runs it into build/models/synthetic/.
#include <CLI/CLI.hpp>
#include <iostream>

#include "models/synthetic/synthetic_models.h"

int main(int argc, char** argv) {
  CLI::App app("Write the synthetic ONNX models (random weights from a fixed seed)");
  std::string out;
  uint64_t seed = 1;
  app.add_option("--out", out, "output directory")->required();
  app.add_option("--seed", seed, "random seed of the weights");
  CLI11_PARSE(app, argc, argv);
  const aorta::Status s = aorta::models::WriteSyntheticModels(out, seed);
  if (!s.ok()) {
    std::cerr << "make_synthetic: " << s.ToString() << "\n";
    return 1;
  }
  return 0;
}
