#include "fpga_board/resource_model.h"

#include <gtest/gtest.h>

#include <string>

#include "core/config.h"
#include "fpga_board/devices.h"

namespace aorta::fpga {
namespace {

// Every derived resource count stays within the device and within the model's budget.
void ExpectWithin(const Derivation& d, const std::string& what) {
  EXPECT_LE(d.used.dsps, d.budget.dsps) << what;
  EXPECT_LE(d.used.luts, d.budget.luts) << what;
  EXPECT_LE(d.used.ffs, d.budget.ffs) << what;
  EXPECT_LE(d.used.bram, d.budget.bram) << what;
  EXPECT_LE(d.used.uram, d.budget.uram) << what;
  EXPECT_LE(d.budget.dsps, d.available.dsps) << what;
  EXPECT_LE(d.budget.bram, d.available.bram) << what;
  EXPECT_LE(d.budget.uram, d.available.uram) << what;
}

TEST(ResourceModel, EveryCardDerivesAValidConfigWithinItsResources) {
  ASSERT_FALSE(Cards().empty());
  for (const Card& card : Cards()) {
    auto d = Derive(card);
    ASSERT_TRUE(d.ok()) << card.id << ": " << d.status().ToString();
    EXPECT_TRUE(ValidateChipConfig(d->config).ok()) << card.id;
    EXPECT_EQ(d->config.name(), card.id);
    ExpectWithin(*d, card.id);
    // The clock never exceeds any primitive's datasheet Fmax.
    EXPECT_LE(d->config.clock_mhz(), card.fpga->dsp_fmax_mhz) << card.id;
    EXPECT_LE(d->config.clock_mhz(), card.fpga->bram.fmax_mhz) << card.id;
    if (card.fpga->uram.count) {
      EXPECT_LE(d->config.clock_mhz(), card.fpga->uram.fmax_mhz) << card.id;
    }
    // The estimate of the derived config, recomputed independently of Derive's search.
    Resources u = EstimateUsage(*card.fpga, d->config);
    EXPECT_EQ(u.dsps, d->used.dsps) << card.id;
    EXPECT_EQ(u.bram, d->used.bram) << card.id;
    // The board-level figures come from the card.
    EXPECT_EQ(d->config.dram().bytes(), card.dram_bytes);
    EXPECT_EQ(d->config.links().count(), card.link_count);
    EXPECT_EQ(d->config.pcie().lanes(), card.pcie_lanes);
  }
}

// The array is the largest the DSPs allow: one granule more would not fit.
TEST(ResourceModel, ArrayIsTheLargestTheDspBudgetHolds) {
  for (const Card& card : Cards()) {
    auto d = Derive(card);
    ASSERT_TRUE(d.ok()) << card.id;
    const FpgaDevice& f = *card.fpga;
    const uint64_t n = d->config.array_rows() + 8;
    const uint64_t dsps =
        (n * n + f.int8_macs_per_dsp - 1) / f.int8_macs_per_dsp + n * f.dsps_per_vector_lane;
    EXPECT_GT(dsps, d->budget.dsps) << card.id << ": N = " << n << " would also fit";
  }
}

TEST(ResourceModel, StratixVReproducesACatapultClassDesignPoint) {
  const Card* card = FindCard("stratixv_catapult");
  ASSERT_NE(card, nullptr);
  auto d = Derive(*card);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  const ChipConfig& c = d->config;
  // Two int8 MACs per variable-precision block: a 32..64-wide array uses most of the 1,590
  // DSP blocks; the clock is in the 150..250 MHz range Stratix V designs of that size close at;
  // the buffers use most of the 2,014 M20Ks (about 4.9 MB with parity bits): 2..4.5 MB.
  EXPECT_GE(c.array_rows(), 32u);
  EXPECT_LE(c.array_rows(), 64u);
  EXPECT_GE(d->used.dsps, 1590u / 2);
  EXPECT_GE(c.clock_mhz(), 150.0);
  EXPECT_LE(c.clock_mhz(), 250.0);
  const uint64_t on_chip = c.unified_buffer_bytes() + c.weight_buffer_bytes() +
                           c.accumulator_bytes() + c.param_buffer_bytes();
  EXPECT_GE(on_chip, 2'000'000u);
  EXPECT_LE(on_chip, 4'500'000u);
  EXPECT_GT(c.weight_buffer_bytes(), c.unified_buffer_bytes());
  EXPECT_EQ(c.links().count(), 2u);
  EXPECT_DOUBLE_EQ(c.links().bandwidth_gbps(), 10.0);
  EXPECT_EQ(c.pcie().generation(), 3u);
  EXPECT_EQ(c.pcie().lanes(), 8u);
  EXPECT_EQ(c.dram().bytes(), 8ull << 30);
}

// The calibration point of the clock: AWS F1's 250 MHz main clock on the VU9P.
TEST(ResourceModel, ClockDerateReproducesAwsF1MainClock) {
  auto d = Derive(*FindCard("aws_f1"));
  ASSERT_TRUE(d.ok());
  EXPECT_DOUBLE_EQ(d->config.clock_mhz(), 250.0);
}

// Intel blocks and DSP48E2 do two int8 MACs, DSP48E1 one: with the same DSP count the packed
// device gets the larger array.
TEST(ResourceModel, VendorDspPackingDoublesMacsPerBlock) {
  Card card = *FindCard("zynq7020_zedboard");
  FpgaDevice f = *card.fpga;
  f.dsps = 2000;
  f.luts = 1'000'000;
  f.ffs = 2'000'000;
  f.bram.count = 2000;
  card.fpga = &f;
  auto one = Derive(card);
  f.int8_macs_per_dsp = 2;
  auto two = Derive(card);
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_GT(two->config.array_rows(), one->config.array_rows());
  EXPECT_LE(one->used.dsps, one->budget.dsps);
  EXPECT_LE(two->used.dsps, two->budget.dsps);
}

// Monotonic: more DSPs never give a smaller array; more block RAM never gives smaller buffers.
TEST(ResourceModel, MonotonicInEachResource) {
  for (const Card& base : Cards()) {
    uint32_t last_n = 0;
    for (double k : {1.0, 1.25, 1.5, 2.0, 3.0, 4.0}) {
      Card card = base;
      FpgaDevice f = *base.fpga;
      f.dsps = static_cast<uint32_t>(f.dsps * k);
      f.luts = static_cast<uint64_t>(static_cast<double>(f.luts) * k);
      f.ffs = static_cast<uint64_t>(static_cast<double>(f.ffs) * k);
      card.fpga = &f;
      auto d = Derive(card);
      ASSERT_TRUE(d.ok()) << base.id << " x" << k << ": " << d.status().ToString();
      EXPECT_GE(d->config.array_rows(), last_n) << base.id << " x" << k;
      last_n = d->config.array_rows();
      ExpectWithin(*d, base.id);
    }
    uint64_t last_buffers = 0;
    for (double k : {1.0, 1.25, 1.5, 2.0, 3.0, 4.0}) {
      Card card = base;
      FpgaDevice f = *base.fpga;
      f.bram.count = static_cast<uint32_t>(f.bram.count * k);
      f.uram.count = static_cast<uint32_t>(f.uram.count * k);
      card.fpga = &f;
      auto d = Derive(card);
      ASSERT_TRUE(d.ok()) << base.id << " x" << k;
      uint64_t buffers = d->config.unified_buffer_bytes() + d->config.weight_buffer_bytes();
      EXPECT_GE(buffers, last_buffers) << base.id << " memory x" << k;
      last_buffers = buffers;
      ExpectWithin(*d, base.id);
    }
  }
}

TEST(ResourceModel, MemoryBlocksCountsWidthDepthAndBanks) {
  BlockMemory m{"RAMB36E2", 100, 72, 512, 700};
  EXPECT_EQ(MemoryBlocks(m, 9, 512, 1), 1u);   // 72 bits x 512: one block
  EXPECT_EQ(MemoryBlocks(m, 10, 512, 1), 2u);  // 80 bits: two wide
  EXPECT_EQ(MemoryBlocks(m, 9, 513, 1), 2u);   // one row deeper: two deep
  EXPECT_EQ(MemoryBlocks(m, 9, 1024, 4), 4u);  // four banks of 256 rows: a block each
  EXPECT_EQ(MemoryBlocks(m, 9, 0, 4), 0u);
}

TEST(ResourceModel, TooSmallDeviceIsAnErrorNamingTheResource) {
  Card card = *FindCard("zynq7020_zedboard");
  FpgaDevice f = *card.fpga;
  f.dsps = 40;  // below an 8 x 8 array plus its vector lanes
  card.fpga = &f;
  auto d = Derive(card);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("XC7Z020"), std::string::npos) << d.status().message();
  EXPECT_NE(d.status().message().find("DSP"), std::string::npos) << d.status().message();

  f = *FindCard("zynq7020_zedboard")->fpga;
  f.bram.count = 6;
  d = Derive(card);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("block-RAM"), std::string::npos) << d.status().message();
}

TEST(ResourceModel, DmaWidthCarriesTheDramBandwidth) {
  for (const Card& card : Cards()) {
    auto d = Derive(card);
    ASSERT_TRUE(d.ok());
    const double per_cycle = card.dram_gbps * 1e3 / d->config.clock_mhz();
    if (d->dma_data_width < 1024) {
      EXPECT_GE(d->dma_data_width / 8.0, per_cycle) << card.id;
    }
    if (d->dma_data_width > 256) {
      EXPECT_LT(d->dma_data_width / 16.0, per_cycle) << card.id;
    }
  }
}

}  // namespace
}  // namespace aorta::fpga
