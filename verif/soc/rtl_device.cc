#include "verif/soc/rtl_device.h"

#include <string>
#include <vector>

namespace aorta::verif {

// The per-model factories (soc_device_*.cc).
std::unique_ptr<RtlDevice> MakeSocDevice_tiny(const ChipConfig&, DeviceMemory*, uint64_t);
std::unique_ptr<RtlDevice> MakeSocDevice_sim16(const ChipConfig&, DeviceMemory*, uint64_t);
std::unique_ptr<RtlDevice> MakeSocDevice_tiny_fast(const ChipConfig&, DeviceMemory*, uint64_t);
std::unique_ptr<RtlDevice> MakeSocDevice_sim16_fast(const ChipConfig&, DeviceMemory*, uint64_t);

namespace {

struct Built {
  const char* config;
  decltype(&MakeSocDevice_tiny) make;
  decltype(&MakeSocDevice_tiny) make_fast;
};
// aorta_rtl_device (AORTA_RTL_ASSERT_MODELS) has both builds of every model;
// aorta_rtl_device_fast only the speed builds.
#ifdef AORTA_RTL_ASSERT_MODELS
constexpr Built kBuilt[] = {
    {"tiny", &MakeSocDevice_tiny, &MakeSocDevice_tiny_fast},
    {"sim16", &MakeSocDevice_sim16, &MakeSocDevice_sim16_fast},
};
#else
constexpr Built kBuilt[] = {
    {"tiny", nullptr, &MakeSocDevice_tiny_fast},
    {"sim16", nullptr, &MakeSocDevice_sim16_fast},
};
#endif

}  // namespace

Result<std::unique_ptr<RtlDevice>> MakeRtlDevice(const ChipConfig& config, DeviceMemory* host,
                                                 const RtlDeviceOptions& options) {
  AORTA_RETURN_IF_ERROR(ValidateChipConfig(config));
  const uint64_t fp = Fingerprint(config);
  std::string names;
  for (const Built& b : kBuilt) {
    AORTA_ASSIGN_OR_RETURN(ChipConfig built, LoadChipConfig(b.config));
    if (Fingerprint(built) == fp) {
      if (!options.fast && b.make == nullptr)
        return Unsupported(
            "the RTL model of '{}' with assertions is not linked into this program (only the "
            "speed build is; tests link aorta_rtl_device)",
            b.config);
      return (options.fast ? b.make_fast : b.make)(config, host, options.max_wait_cycles);
    }
    names += fmt::format("{}{} ({})", names.empty() ? "" : ", ", b.config,
                         FingerprintHex(Fingerprint(built)));
  }
  return Unsupported(
      "no RTL model is built for config '{}' (fingerprint {}); the built models are {}",
      config.name(), FingerprintHex(fp), names);
}

}  // namespace aorta::verif
