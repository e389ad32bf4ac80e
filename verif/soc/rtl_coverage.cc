// MakeCoverageRtlDevice (rtl_trace.h): the coverage builds, linked by aorta_rtl_coverage only.
#include "verif/soc/rtl_trace.h"
#include "verif/soc/soc_instrumented.h"

namespace aorta::verif {

// The per-model factories (soc_device_<config>_cov.cc) of the configs built
// (AORTA_RTL_COVERAGE_CONFIGS).
#ifdef AORTA_RTL_COV_TINY
std::unique_ptr<RtlDevice> MakeSocDevice_tiny_cov(const ChipConfig&, DeviceMemory*, uint64_t,
                                                  CoverageState*);
#endif
#ifdef AORTA_RTL_COV_SIM16
std::unique_ptr<RtlDevice> MakeSocDevice_sim16_cov(const ChipConfig&, DeviceMemory*, uint64_t,
                                                   CoverageState*);
#endif

namespace {

using Make = std::unique_ptr<RtlDevice> (*)(const ChipConfig&, DeviceMemory*, uint64_t,
                                            CoverageState*);
Make CoverageFactory(const std::string& name) {
#ifdef AORTA_RTL_COV_TINY
  if (name == "tiny") return &MakeSocDevice_tiny_cov;
#endif
#ifdef AORTA_RTL_COV_SIM16
  if (name == "sim16") return &MakeSocDevice_sim16_cov;
#endif
  (void)name;
  return nullptr;
}

}  // namespace

bool RtlCoverageBuilt(const ChipConfig& config) {
  Result<std::string> name = BundledSocConfig(config);
  return name.ok() && CoverageFactory(*name) != nullptr;
}

Result<std::unique_ptr<RtlDevice>> MakeCoverageRtlDevice(const ChipConfig& config,
                                                         DeviceMemory* host,
                                                         const RtlDeviceOptions& options,
                                                         const std::string& dat_path) {
  AORTA_ASSIGN_OR_RETURN(std::string name, BundledSocConfig(config));
  const Make make = CoverageFactory(name);
  if (make == nullptr)
    return Unsupported("no coverage build of the SoC for config '{}' (AORTA_RTL_COVERAGE_CONFIGS)",
                       name);
  CoverageState state{dat_path};
  return make(config, host, options.max_wait_cycles, &state);
}

}  // namespace aorta::verif
