// The backend a command runs a program on (aorta run, aorta bench).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/program.h"
#include "driver/runtime/backend.h"
#include "tlm/board.h"

namespace aorta::cli {

// --device URI, or --backend NAME's default URI, with the program's chip configs. Golden and tlm
// boards of a multi-chip program are wired as its metadata says (board.links,
// driver/runtime/pipeline.h); rtl, pcie and explicit URIs are wired as the URI says (?board=,
// ?chips=). Exits with the error on failure.
std::unique_ptr<runtime::Backend> OpenProgramBackend(const std::string& backend,
                                                     const std::string& device, const Program& p,
                                                     tlm::BoardOptions tlm_options = {});

}  // namespace aorta::cli
