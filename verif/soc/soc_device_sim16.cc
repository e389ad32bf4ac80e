// SocDevice over the Vsoc_sim16 model (see soc_device.h, rtl_device.cc).
#include "Vsoc_sim16.h"
#include "verif/soc/soc_device.h"

namespace aorta::verif {

std::unique_ptr<RtlDevice> MakeSocDevice_sim16(const ChipConfig& config, DeviceMemory* host,
                                               uint64_t max_wait_cycles) {
  auto d = std::make_unique<SocDevice<Vsoc_sim16>>(config, host);
  d->set_max_wait_cycles(max_wait_cycles);
  return d;
}

}  // namespace aorta::verif
