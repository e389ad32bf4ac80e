// The trace build of sim16 (Vsoc_sim16_trace, --trace-fst): see soc_instrumented.h, rtl_trace.h.
#include "Vsoc_sim16_trace.h"
#include "verif/soc/soc_instrumented.h"

namespace aorta::verif {

std::unique_ptr<RtlDevice> MakeSocDevice_sim16_trace(const ChipConfig& c, DeviceMemory* h,
                                                     uint64_t max_wait, TraceState* s) {
  return MakeInstrumentedSocDevice<TracedModel<Vsoc_sim16_trace>>(c, h, max_wait, s);
}

}  // namespace aorta::verif
