#include "core/testing/test_programs.h"

#include <gtest/gtest.h>

#include "aorta/regs_gen.h"

namespace aorta::testing {

std::string Stream(const std::vector<isa::Insn>& insns) {
  Result<std::string> b = isa::EncodeStreamString(insns);
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  return b.ok() ? *b : std::string();
}

Program CopyProgram(const ChipConfig& cfg, int64_t c, int64_t h, int64_t w) {
  const uint32_t n = cfg.array_rows();
  const uint64_t rows = static_cast<uint64_t>((c + n - 1) / n * h * w);
  Program p;
  p.set_isa_version_major(isa::kVersionMajor);
  p.set_isa_version_minor(isa::kVersionMinor);
  p.set_producer("aorta tests");
  p.set_model_name("copy");
  auto* chip = p.add_chips();
  chip->set_chip(0);
  *chip->mutable_config() = cfg;
  chip->set_config_fingerprint(Fingerprint(cfg));
  p.set_board_fingerprint(Fingerprint(cfg));
  AddBuffer(chip, "in", program::BUFFER_INPUT, program::LOCATION_HOST, 0, rows * n);
  AddBuffer(chip, "out", program::BUFFER_OUTPUT, program::LOCATION_HOST, 1, rows * n);
  AddBuffer(chip, "perf", program::BUFFER_PERF, program::LOCATION_HOST, 2, regs::kSnapshotBytes);
  isa::DmaLoad ld;
  ld.slot = 0;
  ld.mem = isa::Mem::kUb;
  ld.ext_stride = n;
  ld.rows = static_cast<uint32_t>(rows);
  ld.row_bytes = n;
  ld.deps.push_next = true;
  isa::Loadw lw;  // an EX instruction that passes the token on
  lw.deps.pop_prev = true;
  lw.deps.push_next = true;
  isa::DmaStore st;
  st.slot = 1;
  st.mem = isa::Mem::kUb;
  st.ext_stride = n;
  st.rows = static_cast<uint32_t>(rows);
  st.row_bytes = n;
  st.deps.pop_prev = true;
  isa::Perf perf;
  perf.slot = 2;
  perf.tag = 0;
  chip->add_run_segments(Stream({ld, lw, st, perf, isa::Halt{}}));
  const std::vector<int64_t> shape = {1, c, h, w};
  *p.add_inputs() = Int8BlockedBinding("x", shape, 0.5, -3, "in");
  *p.add_outputs() = Int8BlockedBinding("y", shape, 0.5, -3, "out");
  auto* layer = p.add_layers();
  layer->set_name("copy");
  layer->set_op_type("Identity");
  layer->set_perf_tag(0);
  return p;
}

}  // namespace aorta::testing
