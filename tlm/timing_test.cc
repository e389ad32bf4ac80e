#include "tlm/timing.h"

#include <gtest/gtest.h>

namespace aorta::tlm {
namespace {

TEST(TlmTiming, PcieBandwidthFromGenerationAndLanes) {
  // Gen 3: 8 GT/s, 128b/130b -> 984.6 MB/s per lane; gen 1: 2.5 GT/s, 8b/10b -> 250 MB/s.
  EXPECT_NEAR(PcieBytesPerSecond(3, 8), 8 * 984.615e6, 1e4);
  EXPECT_NEAR(PcieBytesPerSecond(1, 1), 250e6, 1);
  EXPECT_NEAR(PcieBytesPerSecond(2, 4), 2000e6, 1);
}

TEST(TlmTiming, ParametersComeFromTheConfig) {
  ChipConfig c;
  c.set_array_rows(16);
  c.set_clock_mhz(250);
  c.mutable_dram()->set_bandwidth_gbps(12.8);
  c.mutable_dram()->set_latency_ns(100);
  c.mutable_pcie()->set_generation(3);
  c.mutable_pcie()->set_lanes(8);
  c.mutable_links()->set_bandwidth_gbps(10);
  c.mutable_links()->set_latency_ns(500);
  ChipTiming t = TimingOf(c);
  EXPECT_DOUBLE_EQ(t.period_ps, 4000);
  EXPECT_DOUBLE_EQ(t.dram_bytes_per_s, 12.8e9);
  EXPECT_DOUBLE_EQ(t.dram_latency_ps, 100e3);
  EXPECT_DOUBLE_EQ(t.link_bytes_per_s, 1.25e9);
  EXPECT_DOUBLE_EQ(t.link_latency_ps, 500e3);
  // 51.2 bytes per cycle need a 512-bit bus (the RTL's DmaDataWidth).
  EXPECT_EQ(t.dma_bus_bytes, 64u);
  c.mutable_dram()->set_bandwidth_gbps(4);
  c.set_clock_mhz(200);
  EXPECT_EQ(TimingOf(c).dma_bus_bytes, 32u);
}

TEST(TlmTiming, VectorUnitCyclesAreTheRtlTable) {
  // docs/rtl.md, "Vector unit" timing: POSTPROC R + 9, VEC_ELTWISE 2R + 7 / R + 7 / R + 8,
  // POOL P*taps + 6 (MAX) / + 7 (AVG), DWCONV P*taps + 6, RESIZE P + 6.
  isa::Postproc pp;
  pp.rows = 10;
  EXPECT_EQ(VectorCycles(pp), 19u);
  isa::VecEltwise ve;
  ve.rows = 10;
  ve.b_src = isa::BSrc::kUbRows;
  EXPECT_EQ(VectorCycles(ve), 27u);
  ve.b_src = isa::BSrc::kUbBcast;
  EXPECT_EQ(VectorCycles(ve), 17u);
  ve.b_src = isa::BSrc::kParam;
  EXPECT_EQ(VectorCycles(ve), 18u);
  isa::Pool po;
  po.out_h = 2;
  po.out_w = 3;
  po.k_h = 3;
  po.k_w = 3;
  po.op = isa::PoolOp::kMax;
  EXPECT_EQ(VectorCycles(po), 60u);
  po.op = isa::PoolOp::kAvgPad;
  EXPECT_EQ(VectorCycles(po), 61u);
  isa::Dwconv dw;
  dw.out_h = 4;
  dw.out_w = 4;
  dw.k_h = 3;
  dw.k_w = 3;
  EXPECT_EQ(VectorCycles(dw), 150u);
  isa::Resize rs;
  rs.in_h = 2;
  rs.in_w = 2;
  rs.scale_h = 2;
  rs.scale_w = 2;
  EXPECT_EQ(VectorCycles(rs), 22u);
  EXPECT_EQ(VectorCycles(isa::Matmul{}), 0u);
}

}  // namespace
}  // namespace aorta::tlm
