// The golden device through its registers: register behaviour, DMA, barriers, PERF, counters,
// faults, soft reset and links. Instruction semantics are in datapath_test.cc.
#include "core/golden/golden_device.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/golden/golden_test_util.h"

namespace aorta {
namespace {

using golden_test::Halt;
using golden_test::Rig;
using isa::Mem;
using regs::Counter;
using regs::ErrCode;

// ---- Registers ------------------------------------------------------------------------------

TEST(GoldenRegs, IdentityRegisters) {
  Rig rig;
  EXPECT_EQ(rig.dev.ReadReg(regs::kId), 0x4154524fu);
  EXPECT_EQ(rig.dev.ReadReg(regs::kVersion), (1u << 16) | (1u << 8) | 0u);
  EXPECT_EQ(rig.dev.ReadReg(regs::kConfigFpLo), 0x55667788u);
  EXPECT_EQ(rig.dev.ReadReg(regs::kConfigFpHi), 0x11223344u);
  EXPECT_EQ(rig.dev.ReadReg(regs::kGeometry), 8u | (8u << 16));
  EXPECT_EQ(rig.dev.ReadReg(regs::kStatus), 0u);
  // Read-only registers ignore writes; unmapped offsets read 0.
  rig.dev.WriteReg(regs::kId, 1);
  rig.dev.WriteReg(regs::kStatus, 7);
  rig.dev.WriteReg(regs::kErrCode, 3);
  rig.dev.WriteReg(0x3f0, 5);
  EXPECT_EQ(rig.dev.ReadReg(regs::kId), 0x4154524fu);
  EXPECT_EQ(rig.dev.ReadReg(regs::kStatus), 0u);
  EXPECT_EQ(rig.dev.ReadReg(regs::kErrCode), 0u);
  EXPECT_EQ(rig.dev.ReadReg(0x3f0), 0u);
  EXPECT_EQ(rig.dev.ReadReg(regs::kDoorbell), 0u);
  EXPECT_EQ(rig.dev.ReadReg(regs::kCtrl), 0u);
}

TEST(GoldenRegs, ConstructedFromABundledConfig) {
  Result<ChipConfig> cfg = LoadChipConfig("tiny");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  GoldenDevice dev(*cfg, nullptr);
  uint64_t fp = Fingerprint(*cfg);
  EXPECT_EQ(dev.ReadReg(regs::kConfigFpLo), static_cast<uint32_t>(fp));
  EXPECT_EQ(dev.ReadReg(regs::kConfigFpHi), static_cast<uint32_t>(fp >> 32));
  EXPECT_EQ(dev.ReadReg(regs::kGeometry), cfg->array_rows() | (cfg->array_cols() << 16));
  EXPECT_EQ(dev.geometry().ub_rows, cfg->unified_buffer_bytes() / cfg->array_rows());
}

TEST(GoldenRegs, ReadWriteRegistersHoldTheirValues) {
  Rig rig;
  rig.dev.WriteReg(regs::kChipIndex, 3);
  rig.dev.WriteReg(regs::kIqBaseLo, 0x12345660);
  rig.dev.WriteReg(regs::kIqBaseHi, 0x8000);
  rig.dev.WriteReg(regs::kIqLen, 77);
  rig.dev.WriteReg(regs::kSlotBaseLo(15), 0xdeadbeef);
  rig.dev.WriteReg(regs::kSlotBaseHi(15), 0x1);
  rig.dev.WriteReg(regs::kSlotSizeLo(15), 0x1000);
  rig.dev.WriteReg(regs::kSlotSizeHi(15), 0x2);
  EXPECT_EQ(rig.dev.ReadReg(regs::kChipIndex), 3u);
  EXPECT_EQ(rig.dev.ReadReg(regs::kIqBaseLo), 0x12345660u);
  EXPECT_EQ(rig.dev.ReadReg(regs::kIqBaseHi), 0x8000u);
  EXPECT_EQ(rig.dev.ReadReg(regs::kIqLen), 77u);
  EXPECT_EQ(rig.dev.ReadReg(regs::kSlotBaseLo(15)), 0xdeadbeefu);
  EXPECT_EQ(rig.dev.ReadReg(regs::kSlotBaseHi(15)), 1u);
  EXPECT_EQ(rig.dev.ReadReg(regs::kSlotSizeLo(15)), 0x1000u);
  EXPECT_EQ(rig.dev.ReadReg(regs::kSlotSizeHi(15)), 2u);
  EXPECT_EQ(rig.dev.ReadReg(regs::kSlotBaseLo(14)), 0u);
  rig.dev.WriteReg(regs::kIrqMask, 0xffffffff);
  EXPECT_EQ(rig.dev.ReadReg(regs::kIrqMask), 3u);
}

TEST(GoldenRegs, IrqStatusIsWriteOneToClearAndMasked) {
  Rig rig;
  rig.dev.WriteReg(regs::kIrqMask, 0);
  std::vector<uint8_t> prog = isa::EncodeStream(std::vector<isa::Insn>{Halt()}).value();
  rig.StartRaw(prog, 1);
  rig.dev.WriteReg(regs::kIrqMask, 0);  // StartRaw enabled both; mask them again
  EXPECT_EQ(rig.dev.ReadReg(regs::kStatus), regs::kStatusDoneMask);
  EXPECT_EQ(rig.dev.ReadReg(regs::kIrqStatus), regs::kIrqStatusDoneMask);
  EXPECT_FALSE(rig.dev.WaitIrq(std::chrono::milliseconds(0)));  // masked
  rig.dev.WriteReg(regs::kIrqMask, regs::kIrqStatusErrorMask);
  EXPECT_FALSE(rig.dev.WaitIrq(std::chrono::milliseconds(0)));  // wrong bit enabled
  rig.dev.WriteReg(regs::kIrqMask, regs::kIrqStatusDoneMask);
  EXPECT_TRUE(rig.dev.WaitIrq(std::chrono::milliseconds(0)));
  rig.dev.WriteReg(regs::kIrqStatus, regs::kIrqStatusErrorMask);  // other bit: no effect
  EXPECT_EQ(rig.dev.ReadReg(regs::kIrqStatus), regs::kIrqStatusDoneMask);
  rig.dev.WriteReg(regs::kIrqStatus, regs::kIrqStatusDoneMask);
  EXPECT_EQ(rig.dev.ReadReg(regs::kIrqStatus), 0u);
  EXPECT_FALSE(rig.dev.WaitIrq(std::chrono::milliseconds(0)));
}

TEST(GoldenRegs, CountersAreSixtyFourBitAndClearable) {
  Rig rig;
  rig.RunOk({isa::Sync{}, Halt()});
  EXPECT_EQ(rig.dev.ReadReg(regs::CounterLo(Counter::kFetchBytes)), 64u);
  EXPECT_EQ(rig.dev.ReadReg(regs::CounterHi(Counter::kFetchBytes)), 0u);
  EXPECT_EQ(rig.Counter(Counter::kInsnBarrier), 2u);
  EXPECT_EQ(rig.Counter(Counter::kCycles), 0u);  // instant device: timing counters stay 0
  rig.RunOk({Halt()});
  EXPECT_EQ(rig.Counter(Counter::kFetchBytes), 96u);  // counters accumulate across runs
  rig.dev.WriteReg(regs::kCtrl, regs::kCtrlClearCountersMask);
  EXPECT_EQ(rig.Counter(Counter::kFetchBytes), 0u);
  EXPECT_EQ(rig.Counter(Counter::kInsnBarrier), 0u);
  EXPECT_EQ(rig.dev.ReadReg(regs::kStatus), regs::kStatusDoneMask);  // not a reset
}

// ---- DMA ------------------------------------------------------------------------------------

TEST(GoldenDma, LoadWithStridePartialRowsAndZeroFill) {
  Rig rig;
  auto src = rig.MapSlot(0, 256);
  for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<uint8_t>(i);
  for (uint64_t r = 4; r < 9; ++r) std::memset(rig.chip().Ub(r), 0x55, 8);
  rig.RunOk({golden_test::DmaLoad(0, Mem::kUb, 3, 10, 5, 3, 5), Halt()});
  const uint8_t* ub = reinterpret_cast<const uint8_t*>(rig.chip().Ub(0));
  // Row 4 and 8 untouched; rows 5..7: 5 bytes from offsets 3, 13, 23, then three zeros.
  for (int c = 0; c < 8; ++c) EXPECT_EQ(ub[4 * 8 + c], 0x55);
  for (int c = 0; c < 8; ++c) EXPECT_EQ(ub[8 * 8 + c], 0x55);
  const uint8_t expect[3][8] = {
      {3, 4, 5, 6, 7, 0, 0, 0}, {13, 14, 15, 16, 17, 0, 0, 0}, {23, 24, 25, 26, 27, 0, 0, 0}};
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 8; ++c) EXPECT_EQ(ub[(5 + r) * 8 + c], expect[r][c]) << r << "," << c;
  EXPECT_EQ(rig.Counter(Counter::kInsnDma), 1u);
  EXPECT_EQ(rig.Counter(Counter::kDmaRdBytes), 15u);
  EXPECT_EQ(rig.Counter(Counter::kUbWrBytes), 24u);  // zero fill counts as written
}

TEST(GoldenDma, AccRowsAreLittleEndianInt32AndStoreWritesOnlyItsBytes) {
  Rig rig;
  auto src = rig.MapSlot(0, 64);
  auto dst = rig.MapSlot(1, 64);
  for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<uint8_t>(i);
  std::memset(dst.data(), 0xee, dst.size());
  for (int c = 0; c < 8; ++c) rig.chip().Ub(20)[c] = static_cast<int8_t>(-c);
  for (int c = 0; c < 8; ++c) rig.chip().Ub(21)[c] = static_cast<int8_t>(10 + c);
  rig.RunOk({golden_test::DmaLoad(0, Mem::kAcc, 0, 32, 2, 1, 32),
             golden_test::DmaStore(1, Mem::kUb, 4, 9, 20, 2, 6), Halt()});
  EXPECT_EQ(rig.chip().Acc(2)[0], 0x03020100);
  EXPECT_EQ(rig.chip().Acc(2)[7], 0x1f1e1d1c);
  const std::vector<uint8_t> expect = {0xee, 0xee, 0xee, 0xee, 0,    0xff, 0xfe,
                                       0xfd, 0xfc, 0xfb, 0xee, 0xee, 0xee, 10,
                                       11,   12,   13,   14,   15,   0xee, 0xee};
  EXPECT_EQ(std::vector<uint8_t>(dst.begin(), dst.begin() + 21), expect);
  EXPECT_EQ(rig.Counter(Counter::kInsnDma), 2u);
  EXPECT_EQ(rig.Counter(Counter::kDmaRdBytes), 32u);
  EXPECT_EQ(rig.Counter(Counter::kAccWrBytes), 32u);
  EXPECT_EQ(rig.Counter(Counter::kDmaWrBytes), 12u);
  EXPECT_EQ(rig.Counter(Counter::kUbRdBytes), 12u);
  EXPECT_EQ(rig.Counter(Counter::kFetchBytes), 96u);
}

TEST(GoldenDma, BoardDramThroughBar2AndDma) {
  Rig rig;
  std::vector<uint8_t> data(16);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(200 + i);
  ASSERT_TRUE(rig.dev.DramWrite(0x1000, data).ok());
  rig.SetSlot(2, 0x1000, 0x2000);
  rig.RunOk({golden_test::DmaLoad(2, Mem::kWb, 0, 8, 1, 2, 8),
             golden_test::DmaStore(2, Mem::kWb, 0x1000, 8, 1, 2, 8), Halt()});
  EXPECT_EQ(static_cast<uint8_t>(rig.chip().Wb(2)[7]), 215);
  std::vector<uint8_t> back(16);
  ASSERT_TRUE(rig.dev.DramRead(0x2000, back).ok());
  EXPECT_EQ(back, data);
  EXPECT_EQ(rig.Counter(Counter::kWbWrBytes), 16u);
  EXPECT_EQ(rig.Counter(Counter::kWbRdBytes), 16u);
  // BAR2 accesses are bounds-checked against dram_bytes.
  EXPECT_FALSE(rig.dev.DramWrite((1 << 20) - 8, data).ok());
  EXPECT_FALSE(rig.dev.DramRead(1 << 20, std::span(back).first(1)).ok());
}

TEST(GoldenDma, DramIsSparse) {
  ChipGeometry g = golden_test::SmallGeometry();
  g.dram_bytes = uint64_t{8} << 30;
  Rig rig(g);
  std::vector<uint8_t> data = {1, 2, 3};
  ASSERT_TRUE(rig.dev.DramWrite((uint64_t{7} << 30) + 5, data).ok());
  std::vector<uint8_t> back(5);
  ASSERT_TRUE(rig.dev.DramRead((uint64_t{7} << 30) + 4, back).ok());
  EXPECT_EQ(back, (std::vector<uint8_t>{0, 1, 2, 3, 0}));
  ASSERT_TRUE(rig.dev.DramRead(uint64_t{3} << 30, back).ok());  // never written: zeros
  EXPECT_EQ(back, (std::vector<uint8_t>(5, 0)));
  EXPECT_EQ(rig.dev.dram_pages(), 1u);
}

// ---- Barriers and PERF ------------------------------------------------------------------------

uint64_t Le64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

TEST(GoldenPerf, SnapshotHoldsTagAndCountersAtThatPoint) {
  Rig rig;
  auto src = rig.MapSlot(0, 64);
  auto out = rig.MapSlot(3, 1024);
  (void)src;
  rig.RunOk({golden_test::DmaLoad(0, Mem::kUb, 0, 8, 0, 2, 8),
             isa::Perf{.deps = {}, .slot = 3, .ext_offset = 16, .tag = 7}, Halt()});
  ASSERT_EQ(regs::kSnapshotBytes, 8u * 28u);
  const uint8_t* rec = out.data() + 16;
  auto field = [&](Counter c) { return Le64(rec + 8 * (1 + static_cast<int>(c))); };
  EXPECT_EQ(Le64(rec), 7u);
  EXPECT_EQ(field(Counter::kInsnDma), 1u);
  EXPECT_EQ(field(Counter::kDmaRdBytes), 16u);
  EXPECT_EQ(field(Counter::kUbWrBytes), 16u);
  EXPECT_EQ(field(Counter::kFetchBytes), 64u);  // DMA_LOAD and PERF fetched so far
  EXPECT_EQ(field(Counter::kInsnBarrier), 0u);  // the PERF itself is not yet complete
  EXPECT_EQ(field(Counter::kDmaWrBytes), 0u);
  EXPECT_EQ(field(Counter::kCycles), 0u);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(out[i], 0) << "bytes before the record untouched";
  EXPECT_EQ(out[16 + regs::kSnapshotBytes], 0);
  // After the run: the PERF and HALT completed, the record's bytes were DMA writes.
  EXPECT_EQ(rig.Counter(Counter::kInsnBarrier), 2u);
  EXPECT_EQ(rig.Counter(Counter::kDmaWrBytes), regs::kSnapshotBytes);
  EXPECT_EQ(rig.Counter(Counter::kFetchBytes), 96u);
}

TEST(GoldenPerf, SnapshotIsBoundsChecked) {
  Rig rig;
  auto out = rig.MapSlot(3, 300);
  rig.Run({isa::Perf{.deps = {}, .slot = 3, .ext_offset = 100, .tag = 1}, Halt()});
  rig.ExpectError(ErrCode::kDmaBounds, 0, 300);
  for (uint8_t b : out) ASSERT_EQ(b, 0);
}

}  // namespace
}  // namespace aorta
