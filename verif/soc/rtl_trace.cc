#include "verif/soc/rtl_trace.h"

#include <fstream>

#if defined(AORTA_RTL_TRACE_TINY) || defined(AORTA_RTL_TRACE_SIM16)
#define AORTA_RTL_TRACE_MODELS 1
#include "verif/soc/soc_instrumented.h"
#endif

namespace aorta::verif {

// The per-model factories (soc_device_<config>_trace.cc) of the configs built
// (AORTA_RTL_TRACE_CONFIGS).
#ifdef AORTA_RTL_TRACE_TINY
std::unique_ptr<RtlDevice> MakeSocDevice_tiny_trace(const ChipConfig&, DeviceMemory*, uint64_t,
                                                    TraceState*);
#endif
#ifdef AORTA_RTL_TRACE_SIM16
std::unique_ptr<RtlDevice> MakeSocDevice_sim16_trace(const ChipConfig&, DeviceMemory*, uint64_t,
                                                     TraceState*);
#endif

Result<std::string> BundledSocConfig(const ChipConfig& config) {
  AORTA_RETURN_IF_ERROR(ValidateChipConfig(config));
  const uint64_t fp = Fingerprint(config);
  std::string names;
  for (const char* name : {"tiny", "sim16"}) {
    AORTA_ASSIGN_OR_RETURN(ChipConfig built, LoadChipConfig(name));
    if (Fingerprint(built) == fp) return std::string(name);
    names += fmt::format("{}{} ({})", names.empty() ? "" : ", ", name,
                         FingerprintHex(Fingerprint(built)));
  }
  return Unsupported(
      "no instrumented RTL model is built for config '{}' (fingerprint {}); the built models are "
      "{}",
      config.name(), FingerprintHex(fp), names);
}

bool RtlTraceBuilt() {
#ifdef AORTA_RTL_TRACE_MODELS
  return true;
#else
  return false;
#endif
}

Result<std::unique_ptr<RtlDevice>> MakeTracedRtlDevice(const ChipConfig& config, DeviceMemory* host,
                                                       const RtlDeviceOptions& options,
                                                       const RtlTraceOptions& trace) {
  if (!RtlTraceBuilt())
    return Unsupported(
        "waveform tracing needs the trace builds of the SoC, which this program was built "
        "without: configure the build tree with -DAORTA_RTL_TRACE=ON");
  if (trace.path.empty()) return InvalidArgument("no trace file named");
  if (trace.from >= trace.to)
    return InvalidArgument("trace window {}:{} is empty (FROM must be below TO)", trace.from,
                           trace.to);
  if (!std::ofstream(trace.path, std::ios::binary | std::ios::trunc))
    return InvalidArgument("cannot write the trace file '{}'", trace.path);
  AORTA_ASSIGN_OR_RETURN(std::string name, BundledSocConfig(config));
#ifdef AORTA_RTL_TRACE_MODELS
  using Make =
      std::unique_ptr<RtlDevice> (*)(const ChipConfig&, DeviceMemory*, uint64_t, TraceState*);
  Make make = nullptr;
#ifdef AORTA_RTL_TRACE_TINY
  if (name == "tiny") make = &MakeSocDevice_tiny_trace;
#endif
#ifdef AORTA_RTL_TRACE_SIM16
  if (name == "sim16") make = &MakeSocDevice_sim16_trace;
#endif
  if (make == nullptr)
    return Unsupported(
        "this program has no trace build of the SoC for config '{}' (AORTA_RTL_TRACE_CONFIGS)",
        name);
  auto state = std::make_unique<TraceState>();
  state->path = trace.path;
  state->from = trace.from;
  state->to = trace.to;
  // The model takes the state over; cycle 0 starts where the device's reset ends.
  std::unique_ptr<RtlDevice> d = make(config, host, options.max_wait_cycles, state.get());
  TraceState* s = state.release();
  s->zero = s->edges;
  return d;
#else
  (void)host;
  (void)options;
  return Internal("no trace build for '{}'", name);
#endif
}

}  // namespace aorta::verif
