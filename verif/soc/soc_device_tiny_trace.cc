// The trace build of tiny (Vsoc_tiny_trace, --trace-fst): see soc_instrumented.h, rtl_trace.h.
#include "Vsoc_tiny_trace.h"
#include "verif/soc/soc_instrumented.h"

namespace aorta::verif {

std::unique_ptr<RtlDevice> MakeSocDevice_tiny_trace(const ChipConfig& c, DeviceMemory* h,
                                                    uint64_t max_wait, TraceState* s) {
  return MakeInstrumentedSocDevice<TracedModel<Vsoc_tiny_trace>>(c, h, max_wait, s);
}

}  // namespace aorta::verif
