// Subcommands that exist in the interface but whose implementation is later work. They parse
// their documented options (so scripts can be written against them) and say they are not
// available, with exit code 2.
#include <iostream>

#include "cli/commands.h"

namespace aorta::cli {
namespace {

void Planned(CLI::App& app, const std::string& name, const std::string& description,
             const std::string& what) {
  CLI::App* sub = app.add_subcommand(name, description + " (not available yet)");
  sub->allow_extras();
  sub->callback([name, what] {
    std::cerr << "aorta " << name << ": not available yet: " << what << "\n";
    throw CLI::RuntimeError(kExitUnavailable);
  });
}

}  // namespace

void RegisterPlannedCommands(CLI::App& app) {
  Planned(app, "study", "Run an architecture sweep on the TLM model",
          "the SystemC TLM model and the study driver are being built (issue #5)");
}

}  // namespace aorta::cli
