// soc_params: the parameters of rtl/aorta_soc.sv for one hardware config, so that the RTL is
// built from the same ChipConfig as every other model (one source; docs/rtl.md "SoC").
//
//   soc_params --config tiny|sim16|FILE.textproto --out PARAMS.vc [--memories-only]
//
// writes Verilator / Yosys parameter options, one per line (-GN=8, -GUbRows=8192, ...,
// -GConfigFp=64'h..., -GDramBytes=64'h..., -GDmaDataWidth=256). The DMA data width is the
// smallest power of two of at least 256 bits (one instruction word) that carries the config's
// DRAM bandwidth at its clock. --memories-only: just N and the memories' rows (the parameters
// of the blocks below the top, e.g. aorta_range_check).
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "core/config.h"

namespace {

[[noreturn]] void Die(const std::string& msg) {
  fmt::print(stderr, "soc_params: {}\n", msg);
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  std::string config, out;
  bool memories_only = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--memories-only") {
      memories_only = true;
      continue;
    }
    if (i + 1 >= argc) Die("missing value after " + a);
    if (a == "--config") {
      config = argv[i + 1];
    } else if (a == "--out") {
      out = argv[i + 1];
    } else {
      Die("unknown argument " + a);
    }
    ++i;
  }
  if (config.empty() || out.empty()) Die("usage: soc_params --config NAME|FILE --out PARAMS.vc");
  aorta::Result<aorta::ChipConfig> c = aorta::LoadChipConfig(config);
  if (!c.ok()) Die(c.status().ToString());
  const aorta::ChipGeometry g = aorta::GeometryOf(*c);
  const double bytes_per_cycle = c->dram().bandwidth_gbps() * 1e3 / c->clock_mhz();
  unsigned dma_bits = 256;
  while (dma_bits / 8 < bytes_per_cycle && dma_bits < 4096) dma_bits *= 2;
  std::string text;
  text += fmt::format("-GN={}\n", g.n);
  text += fmt::format("-GUbRows={}\n", g.ub_rows);
  text += fmt::format("-GWbRows={}\n", g.wb_rows);
  text += fmt::format("-GAccRows={}\n", g.acc_rows);
  text += fmt::format("-GParamRows={}\n", g.param_rows);
  text += fmt::format("-GLutTables={}\n", g.lut_rows);
  if (!memories_only) {
    text += fmt::format("-GQueueDepth={}\n", g.queue_depth);
    text += fmt::format("-GTokenCapacity={}\n", g.token_capacity);
    text += fmt::format("-GLinkPorts={}\n", g.link_ports);
    text += fmt::format("-GConfigFp=64'h{:016x}\n", aorta::Fingerprint(*c));
    text += fmt::format("-GDramBytes=64'h{:016x}\n", g.dram_bytes);
    text += fmt::format("-GDmaDataWidth={}\n", dma_bits);
  }
  std::ofstream f(out);
  f << text;
  if (!f) Die("cannot write " + out);
  return 0;
}
