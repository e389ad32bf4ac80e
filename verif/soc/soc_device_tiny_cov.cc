// The coverage build of tiny (Vsoc_tiny_cov, line and toggle): see soc_instrumented.h.
#include "Vsoc_tiny_cov.h"
#include "verif/soc/soc_instrumented.h"

namespace aorta::verif {

std::unique_ptr<RtlDevice> MakeSocDevice_tiny_cov(const ChipConfig& c, DeviceMemory* h,
                                                  uint64_t max_wait, CoverageState* s) {
  return MakeInstrumentedSocDevice<CoveredModel<Vsoc_tiny_cov>>(c, h, max_wait, s);
}

}  // namespace aorta::verif
