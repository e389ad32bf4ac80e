// The coverage build of sim16 (Vsoc_sim16_cov, line and toggle): see soc_instrumented.h.
#include "Vsoc_sim16_cov.h"
#include "verif/soc/soc_instrumented.h"

namespace aorta::verif {

std::unique_ptr<RtlDevice> MakeSocDevice_sim16_cov(const ChipConfig& c, DeviceMemory* h,
                                                   uint64_t max_wait, CoverageState* s) {
  return MakeInstrumentedSocDevice<CoveredModel<Vsoc_sim16_cov>>(c, h, max_wait, s);
}

}  // namespace aorta::verif
