// The aorta subcommands; each file cmd_<name>.cc registers one on the CLI11 app.
#pragma once

#include <CLI/CLI.hpp>

#include "core/status.h"

namespace aorta::cli {

void RegisterReferenceCommand(CLI::App& app);
void RegisterInspectCommand(CLI::App& app);
void RegisterRunCommand(CLI::App& app);
void RegisterCompileCommand(CLI::App& app);
void RegisterBenchCommand(CLI::App& app);
void RegisterStudyCommand(CLI::App& app);

// Exit codes: 0 success, 1 error (one line on stderr), 2 usage / not available.
inline constexpr int kExitError = 1;
inline constexpr int kExitUnavailable = 2;

// Prints "aorta: error: <status>" on stderr and ends the subcommand with exit code 1.
[[noreturn]] void Fail(const Status& status);
// Ends the subcommand with exit code 1 unless `status` is ok.
inline void Check(const Status& status) {
  if (!status.ok()) Fail(status);
}
template <typename T>
T Check(Result<T> result) {
  if (!result.ok()) Fail(result.status());
  return std::move(result).value();
}

}  // namespace aorta::cli
