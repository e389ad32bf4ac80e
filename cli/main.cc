// aorta: compile ONNX models to chip programs, run them on a simulated or real board, inspect
// them, and run the fp32 reference. `aorta <command> --help` for each command.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.h"
#include "driver/runtime/rtl_backend.h"
#include "driver/runtime/uri.h"

namespace aorta::cli {

void Fail(const Status& status) {
  std::cerr << "aorta: error: " << status.ToString() << "\n";
  throw CLI::RuntimeError(kExitError);
}

}  // namespace aorta::cli

int main(int argc, char** argv) {
  CLI::App app{
      "aorta: an int8 weight-stationary inference accelerator and its tools.\n"
      "Compile ONNX models to chip programs, run them on the golden model, TLM, RTL or a PCIe "
      "board,\n"
      "and check them against the fp32 reference.",
      "aorta"};
  app.require_subcommand(1);
  aorta::runtime::RegisterRtlSimulator("the aorta CLI");  // rtl:// (driver/runtime/uri.h)
  app.set_version_flag("--version", "aorta 0.1.0");
  aorta::cli::RegisterReferenceCommand(app);
  aorta::cli::RegisterInspectCommand(app);
  aorta::cli::RegisterRunCommand(app);
  aorta::cli::RegisterCompileCommand(app);
  aorta::cli::RegisterBenchCommand(app);
  aorta::cli::RegisterStudyCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}
