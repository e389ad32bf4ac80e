// make_demo: writes the bundled demo program for a chip.
//
//   make_demo --chip sim16 --out DIR [--seed S]
//
// writes DIR/demo_cnn.aprog, DIR/demo_cnn_input.npy (the float input, 1x16x16x16) and
// DIR/demo_cnn_expected.npy (the float model's output, 1x10, for comparison with what
// `aorta run` prints).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "core/io/npy.h"
#include "models/demo/demo_program.h"

namespace {

aorta::Status Make(const std::string& chip_name, const std::string& out_dir, uint32_t seed) {
  using namespace aorta;
  AORTA_ASSIGN_OR_RETURN(ChipConfig chip, LoadChipConfig(chip_name));
  AORTA_ASSIGN_OR_RETURN(demo::DemoModel m, demo::BuildDemoModel(chip, seed));
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return InvalidArgument("cannot create {}: {}", out_dir, ec.message());
  const std::string base = out_dir + "/" + demo::kModelName;
  AORTA_RETURN_IF_ERROR(WriteProgram(m.program, base + ".aprog"));
  AORTA_RETURN_IF_ERROR(WriteNpy(base + "_input.npy", m.input));
  std::vector<float> expected(m.reference.fc6.begin(), m.reference.fc6.end());
  AORTA_RETURN_IF_ERROR(
      WriteNpy(base + "_expected.npy", Tensor::FromVector<float>({1, demo::kClasses}, expected)));
  std::cout << "wrote " << base << ".aprog, " << base << "_input.npy, " << base
            << "_expected.npy (chip " << chip.name() << ", seed " << seed << ")\n";
  return Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Writes the bundled demo program demo_cnn, its input and expected output",
               "make_demo"};
  std::string chip = "sim16";
  std::string out = ".";
  uint32_t seed = 1;
  app.add_option("--chip", chip, "Chip config: a bundled name (tiny, sim16) or a .textproto");
  app.add_option("--out", out, "Output directory")->required();
  app.add_option("--seed", seed, "Seed of the weights and the input");
  CLI11_PARSE(app, argc, argv);
  aorta::Status s = Make(chip, out, seed);
  if (!s.ok()) {
    std::cerr << "make_demo: error: " << s.ToString() << "\n";
    return 1;
  }
  return 0;
}
