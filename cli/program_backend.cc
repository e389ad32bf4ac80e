#include "cli/program_backend.h"

#include "cli/commands.h"
#include "driver/runtime/pipeline.h"
#include "driver/runtime/tlm_backend.h"
#include "driver/runtime/uri.h"

namespace aorta::cli {

std::unique_ptr<runtime::Backend> OpenProgramBackend(const std::string& backend,
                                                     const std::string& device, const Program& p,
                                                     tlm::BoardOptions tlm_options) {
  std::vector<ChipConfig> chips;
  for (const auto& c : p.chips()) chips.push_back(c.config());
  const std::vector<config::BoardLink> links = Check(runtime::BoardLinksOf(p));
  if (device.empty() && backend == "golden") return Check(runtime::MakeGoldenBackend(chips, links));
  if (device.empty() && backend == "tlm")
    return Check(runtime::MakeTlmBackend(chips, links, tlm_options));
  return Check(runtime::OpenBackend(device.empty() ? runtime::DefaultUri(backend) : device, chips));
}

}  // namespace aorta::cli
