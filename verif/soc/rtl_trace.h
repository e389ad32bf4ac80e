// Instrumented RTL devices: the SoC with FST waveforms (--trace-fst) or with line and toggle
// coverage (--coverage-line --coverage-toggle), behind the same RtlDevice (rtl_device.h).
//
//   auto dev = MakeTracedRtlDevice(config, &host, {}, {.path = "run.fst", .from = 100, .to = 500});
//   auto dev = MakeCoverageRtlDevice(config, &host, {}, "cov/soc_tiny_0.dat");
//
// The trace builds (Vsoc_<config>_trace, for the configs in AORTA_RTL_TRACE_CONFIGS) are part of
// a build tree configured with -DAORTA_RTL_TRACE=ON only (they verilate the SoC once more per
// config); without them MakeTracedRtlDevice refuses with that reason. The coverage builds
// (Vsoc_<config>_cov, AORTA_RTL_COVERAGE_CONFIGS) are built by the rtl_coverage target only
// (aorta_rtl_coverage, not part of `all`). Both builds keep the
// SystemVerilog assertions. Trace time: 4 units per cycle, cycle c's rising edge at 4c
// (soc_instrumented.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "verif/soc/rtl_device.h"

namespace aorta::verif {

struct RtlTraceOptions {
  std::string path;  // the .fst file (written as the device runs, closed when it is destroyed)
  uint64_t from = 0, to = UINT64_MAX;  // device cycles dumped: [from, to)
};

// The bundled config ("tiny" or "sim16") with the fingerprint of `config`: the configs the
// instrumented builds exist for. An error names them.
Result<std::string> BundledSocConfig(const ChipConfig& config);

// Whether this program links the trace builds (-DAORTA_RTL_TRACE=ON).
bool RtlTraceBuilt();

// A device of the trace build for `config`. Errors: no trace build in this program, no trace
// build for the config (by fingerprint), an empty window, a path that cannot be written.
Result<std::unique_ptr<RtlDevice>> MakeTracedRtlDevice(const ChipConfig& config, DeviceMemory* host,
                                                       const RtlDeviceOptions& options,
                                                       const RtlTraceOptions& trace);

// Whether this program has a coverage build for `config` (aorta_rtl_coverage,
// AORTA_RTL_COVERAGE_CONFIGS).
bool RtlCoverageBuilt(const ChipConfig& config);

// A device of the coverage build for `config` (aorta_rtl_coverage); its coverage counts go to
// `dat_path` (verilator_coverage's format) when it is destroyed.
Result<std::unique_ptr<RtlDevice>> MakeCoverageRtlDevice(const ChipConfig& config,
                                                         DeviceMemory* host,
                                                         const RtlDeviceOptions& options,
                                                         const std::string& dat_path);

}  // namespace aorta::verif
