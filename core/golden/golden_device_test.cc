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

TEST(GoldenRegs, CounterHighWordIsLatchedByTheLowRead) {
  // N = 64: an all-zero 1024-pixel pass is 2^22 MACs; 1024 of them make exactly 2^32.
  ChipGeometry g = golden_test::SmallGeometry();
  g.n = 64;
  g.acc_rows = 1024;
  Rig rig(g);
  std::vector<isa::Insn> prog(1024, golden_test::Matmul(0, 1, 1, 32, 32, 0));
  prog.push_back(Halt());
  rig.RunOk(prog);
  EXPECT_EQ(rig.dev.ReadReg(regs::CounterLo(Counter::kMacs)), 0u);
  EXPECT_EQ(rig.dev.ReadReg(regs::CounterHi(Counter::kMacs)), 1u);
  EXPECT_EQ(rig.Counter(Counter::kMacs), uint64_t{1} << 32);
  EXPECT_EQ(rig.Counter(Counter::kInsnMatmul), 1024u);
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
  // After the run: the PERF and HALT completed; the record is not counted as DMA traffic.
  EXPECT_EQ(rig.Counter(Counter::kInsnBarrier), 2u);
  EXPECT_EQ(rig.Counter(Counter::kDmaWrBytes), 0u);
  EXPECT_EQ(rig.Counter(Counter::kFetchBytes), 96u);
}

TEST(GoldenPerf, SnapshotIsBoundsChecked) {
  Rig rig;
  auto out = rig.MapSlot(3, 300);
  rig.Run({isa::Perf{.deps = {}, .slot = 3, .ext_offset = 100, .tag = 1}, Halt()});
  rig.ExpectError(ErrCode::kDmaBounds, 0, 300);
  for (uint8_t b : out) ASSERT_EQ(b, 0);
}

// ---- Faults: each reports ERR_CODE / ERR_PC / ERR_ADDR and changes nothing ----------------

std::vector<uint8_t> Encode(const std::vector<isa::Insn>& program) {
  return isa::EncodeStream(program).value();
}

TEST(GoldenFault, BadOpcodeStopsFetchingBeforeEarlierQueuedWorkRuns) {
  Rig rig;
  rig.MapSlot(0, 64);
  std::vector<uint8_t> prog =
      Encode({golden_test::DmaLoad(0, Mem::kUb, 0, 8, 0, 1, 8), Halt(), Halt()});
  prog[32] = 0x05;  // word 1: an opcode the ISA does not define
  auto ub = golden_test::Snapshot(rig.chip(), Mem::kUb);
  rig.StartRaw(prog, 3);
  rig.ExpectError(ErrCode::kBadOpcode, 1, rig.ProgramAddr() + 32);
  EXPECT_EQ(golden_test::Snapshot(rig.chip(), Mem::kUb), ub);
  EXPECT_TRUE(rig.dev.WaitIrq(std::chrono::milliseconds(0)));
}

TEST(GoldenFault, ReservedBitAndBarrierDependencyFlagAreBadField) {
  Rig rig;
  std::vector<uint8_t> prog = Encode({Halt()});
  prog[25] = 0x01;  // bit 200: reserved in HALT
  rig.StartRaw(prog, 1);
  rig.ExpectError(ErrCode::kBadField, 0, rig.ProgramAddr());
  prog = Encode({isa::Sync{}, Halt()});
  prog[1] = 0x01;  // SYNC with pop_prev
  rig.StartRaw(prog, 2);
  rig.ExpectError(ErrCode::kBadField, 0, rig.ProgramAddr());
}

TEST(GoldenFault, DmaOutsideItsSlot) {
  Rig rig;
  rig.MapSlot(0, 4096);
  rig.SetSlot(0,
              rig.dev.ReadReg(regs::kSlotBaseLo(0)) |
                  (uint64_t{rig.dev.ReadReg(regs::kSlotBaseHi(0))} << 32),
              100);
  auto ub = golden_test::Snapshot(rig.chip(), Mem::kUb);
  // Row 1 covers slot offsets [96, 104): the first offending offset is 100.
  rig.Run({isa::Sync{}, golden_test::DmaLoad(0, Mem::kUb, 0, 96, 0, 2, 8), Halt()});
  rig.ExpectError(ErrCode::kDmaBounds, 1, 100);
  EXPECT_EQ(golden_test::Snapshot(rig.chip(), Mem::kUb), ub);
  EXPECT_EQ(rig.Counter(Counter::kInsnDma), 0u);
  // An unused slot (size 0) faults on every access.
  rig.Run({golden_test::DmaStore(5, Mem::kUb, 12, 8, 0, 1, 8), Halt()});
  rig.ExpectError(ErrCode::kDmaBounds, 0, 12);
}

TEST(GoldenFault, DmaToUnmappedAddresses) {
  Rig rig;
  auto ub = golden_test::Snapshot(rig.chip(), Mem::kUb);
  const uint64_t hole = uint64_t{1} << 46;  // neither DRAM nor host window
  rig.SetSlot(0, hole, 4096);
  rig.Run({golden_test::DmaLoad(0, Mem::kUb, 16, 8, 0, 1, 8), Halt()});
  rig.ExpectError(ErrCode::kDmaFault, 0, hole + 16);
  // A row straddling the end of DRAM: the first unmapped address.
  rig.SetSlot(1, (1 << 20) - 12, 64);
  rig.Run({golden_test::DmaLoad(1, Mem::kUb, 0, 8, 0, 2, 8), Halt()});
  rig.ExpectError(ErrCode::kDmaFault, 0, 1 << 20);
  EXPECT_EQ(golden_test::Snapshot(rig.chip(), Mem::kUb), ub);
  // A store whose second row falls outside the host buffer writes nothing at all.
  HostMemory::Buffer buf = rig.host.Alloc(64).value();
  rig.SetSlot(2, kHostWindowBase + buf.iova, 1 << 20);
  rig.chip().Ub(0)[0] = 42;
  rig.Run({golden_test::DmaStore(2, Mem::kUb, 0, 8192, 0, 2, 8), Halt()});
  rig.ExpectError(ErrCode::kDmaFault, 0, kHostWindowBase + buf.iova + 8192);
  EXPECT_EQ(buf.span[0], 0);
  EXPECT_EQ(rig.Counter(Counter::kDmaWrBytes), 0u);
}

TEST(GoldenFault, OnChipRangeNamesRowAndMemory) {
  Rig rig;
  auto acc = golden_test::Snapshot(rig.chip(), Mem::kAcc);
  // ACC has 64 rows: a 2x4 output at row 60 reaches row 67.
  rig.Run({golden_test::Loadw(0, 0), golden_test::Matmul(0, 2, 4, 2, 4, 60), Halt()});
  rig.ExpectError(ErrCode::kChipRange, 1, (uint64_t{2} << 56) | 64);
  EXPECT_EQ(rig.dev.ReadReg(regs::kErrAddrLo), 64u);
  EXPECT_EQ(rig.dev.ReadReg(regs::kErrAddrHi), 2u << 24);
  EXPECT_EQ(golden_test::Snapshot(rig.chip(), Mem::kAcc), acc);
  // A DMA row wider than the memory's row is a bad field.
  rig.MapSlot(0, 64);
  rig.Run({golden_test::DmaLoad(0, Mem::kUb, 0, 9, 0, 1, 9), Halt()});
  rig.ExpectError(ErrCode::kBadField, 0, rig.ProgramAddr());
  // LUT rows are 256 bytes: one past the last table.
  rig.MapSlot(1, 1024);
  rig.Run({golden_test::DmaLoad(1, Mem::kLut, 0, 256, 1, 2, 256), Halt()});
  rig.ExpectError(ErrCode::kChipRange, 0, (uint64_t{4} << 56) | 2);
}

TEST(GoldenFault, BadParamShift) {
  Rig rig;
  for (int c = 0; c < 8; ++c) rig.chip().Param(6)[c] = 0;
  rig.chip().Param(6)[3] = 32;
  auto ub = golden_test::Snapshot(rig.chip(), Mem::kUb);
  rig.Run({golden_test::Postproc(0, 0, 4, 4), Halt()});
  rig.ExpectError(ErrCode::kBadParam, 0, 6);
  rig.chip().Param(6)[3] = -31;
  rig.Run({golden_test::Postproc(0, 0, 4, 4), Halt()});
  rig.ExpectError(ErrCode::kBadParam, 0, 6);
  rig.chip().Param(6)[3] = 31;  // the extremes are legal
  rig.chip().Param(6)[4] = -30;
  rig.RunOk({golden_test::Postproc(0, 0, 4, 4), Halt()});
  EXPECT_EQ(golden_test::Snapshot(rig.chip(), Mem::kUb), ub);  // ACC was 0: out 0
  // VEC_ELTWISE shift 63, and a PARAM operand outside int8.
  rig.chip().Param(3)[2] = 63;
  isa::VecEltwise e;
  e.param_addr = 3;
  rig.Run({e, Halt()});
  rig.ExpectError(ErrCode::kBadParam, 0, 3);
  rig.chip().Param(3)[2] = 0;
  rig.chip().Param(3)[7] = 127;
  rig.chip().Param(9)[5] = 200;
  e.b_src = isa::BSrc::kParam;
  e.b_addr = 9;
  rig.Run({e, Halt()});
  rig.ExpectError(ErrCode::kBadParam, 0, 9);
  // Zero points must be int8 values (they bound every product to 64 bits).
  e.b_src = isa::BSrc::kUbRows;
  for (int lane : {3, 4, 5}) {
    rig.chip().Param(3)[lane] = 128;
    rig.Run({e, Halt()});
    rig.ExpectError(ErrCode::kBadParam, 0, 3);
    rig.chip().Param(3)[lane] = -128;
    rig.RunOk({e, Halt()});
    rig.chip().Param(3)[lane] = 0;
  }
  isa::Pool avg;
  avg.op = isa::PoolOp::kAvg;
  avg.out_addr = 64;
  avg.param_addr = 5;
  for (int c = 0; c < 8; ++c) rig.chip().Param(5)[c] = 0;
  rig.chip().Param(5)[5] = 127;
  rig.chip().Param(5)[2] = -129;  // zi
  rig.Run({avg, Halt()});
  rig.ExpectError(ErrCode::kBadParam, 0, 5);
  rig.chip().Param(5)[2] = -128;
  rig.RunOk({avg, Halt()});
}

TEST(GoldenFault, ResizeOverlapIsBadField) {
  Rig rig;
  golden_test::FillUb(rig.chip(), 0, 16, 3);
  auto ub = golden_test::Snapshot(rig.chip(), Mem::kUb);
  isa::Resize r;
  r.in_addr = 0;
  r.out_addr = 3;
  r.in_h = 2;
  r.in_w = 2;
  r.scale_h = 2;
  rig.Run({isa::Sync{}, r, Halt()});
  rig.ExpectError(ErrCode::kBadField, 1, rig.ProgramAddr() + 32);
  EXPECT_EQ(golden_test::Snapshot(rig.chip(), Mem::kUb), ub);
}

TEST(GoldenFault, TokenDeadlockNamesTheOldestBlockedInstruction) {
  Rig rig;
  isa::Matmul m = golden_test::Matmul(0, 1, 1, 1, 1, 0);
  m.deps.pop_prev = true;  // no LD instruction ever pushes
  rig.Run({golden_test::Loadw(0, 0), m, Halt()});
  rig.ExpectError(ErrCode::kTokenDeadlock, 1, 0);
  EXPECT_EQ(rig.Counter(Counter::kInsnLoadw), 1u);
  EXPECT_EQ(rig.Counter(Counter::kInsnMatmul), 0u);
}

TEST(GoldenFault, TokenOverflow) {
  Rig rig;  // token_capacity 3
  rig.MapSlot(0, 64)[0] = 9;
  std::vector<isa::Insn> prog;
  for (uint32_t i = 0; i < 4; ++i) {
    isa::DmaLoad d = golden_test::DmaLoad(0, Mem::kUb, 0, 8, i, 1, 8);
    d.deps.push_next = true;
    prog.push_back(d);
  }
  prog.push_back(Halt());
  rig.Run(prog);
  rig.ExpectError(ErrCode::kTokenOverflow, 3, 0);  // counter 0: LD -> EX
  EXPECT_EQ(rig.chip().Ub(2)[0], 9);
  EXPECT_EQ(rig.chip().Ub(3)[0], 0);  // the faulting load had no effect
}

TEST(GoldenFault, MissingHaltAndUnmappedFetch) {
  Rig rig;
  rig.Run({isa::Sync{}});
  rig.ExpectError(ErrCode::kFetchFault, 1, rig.ProgramAddr() + 32);
  EXPECT_EQ(rig.Counter(Counter::kInsnBarrier), 1u);
  const uint64_t hole = uint64_t{1} << 46;
  rig.dev.WriteReg(regs::kIqBaseLo, golden_test::Lo(hole));
  rig.dev.WriteReg(regs::kIqBaseHi, golden_test::Hi(hole));
  rig.dev.WriteReg(regs::kDoorbell, 1);
  rig.ExpectError(ErrCode::kFetchFault, 0, hole);
}

TEST(GoldenFault, UnconnectedOrMissingLinkPort) {
  Rig rig;
  isa::Send snd;
  snd.link = 0;
  rig.Run({snd, Halt()});
  rig.ExpectError(ErrCode::kLinkFault, 0, 0);
  isa::Recv rcv;
  rcv.link = 7;  // the chip has 2 ports
  rig.Run({isa::Sync{}, rcv, Halt()});
  rig.ExpectError(ErrCode::kLinkFault, 1, 7);
  EXPECT_EQ(rig.Counter(Counter::kInsnLink), 0u);
}

TEST(GoldenFault, SoftResetClearsTheErrorAndTheNextRunSucceeds) {
  Rig rig;
  rig.Run({isa::Sync{}});
  ASSERT_EQ(rig.dev.ReadReg(regs::kStatus), regs::kStatusErrorMask);
  rig.chip().Ub(0)[0] = 5;
  rig.dev.WriteReg(regs::kCtrl, regs::kCtrlSoftResetMask);
  EXPECT_EQ(rig.dev.ReadReg(regs::kStatus), 0u);
  EXPECT_EQ(rig.ErrCode(), 0u);
  EXPECT_EQ(rig.ErrPc(), 0u);
  EXPECT_EQ(rig.ErrAddr(), 0u);
  EXPECT_EQ(rig.dev.ReadReg(regs::kIrqStatus), 0u);
  EXPECT_EQ(rig.chip().Ub(0)[0], 5);                  // memories keep their contents
  EXPECT_EQ(rig.Counter(Counter::kInsnBarrier), 1u);  // counters too
  auto out = rig.MapSlot(1, 8);
  rig.RunOk({golden_test::DmaStore(1, Mem::kUb, 0, 8, 0, 1, 8), Halt()});
  EXPECT_EQ(out[0], 5);
}

// ---- Queues and tokens ----------------------------------------------------------------------

// Two 1x1 "convolutions" through LD / EX / ST with tokens, the second load reusing UB row 0
// only after the first MATMUL has freed it (EX -> LD token).
TEST(GoldenQueues, TokenPipelineMatchesNaiveResults) {
  Rig rig;
  auto in = rig.MapSlot(0, 16);
  auto w = rig.MapSlot(1, 64);
  auto out = rig.MapSlot(2, 16);
  for (int i = 0; i < 16; ++i) in[i] = static_cast<uint8_t>(i * 7 - 50);
  for (int i = 0; i < 64; ++i) w[i] = static_cast<uint8_t>((i * 13) % 9 - 4);
  auto& s = rig.chip();
  for (int c = 0; c < 8; ++c) {
    s.Param(0)[c] = c - 3;    // bias
    s.Param(1)[c] = 1 << 30;  // x 1/2
    s.Param(2)[c] = 0;
  }
  auto with = [](auto insn, bool pop_prev, bool pop_next, bool push_prev, bool push_next) {
    insn.deps = {pop_prev, pop_next, push_prev, push_next};
    return insn;
  };
  std::vector<isa::Insn> prog = {
      with(golden_test::DmaLoad(0, Mem::kUb, 0, 8, 0, 1, 8), false, false, false, true),
      with(golden_test::DmaLoad(1, Mem::kWb, 0, 8, 0, 8, 8), false, false, false, true),
      with(golden_test::Loadw(0, 0), true, false, false, false),
      with(golden_test::Matmul(0, 1, 1, 1, 1, 0), true, false, true, false),
      with(golden_test::Postproc(0, 10, 1, 0), false, false, false, true),
      with(golden_test::DmaLoad(0, Mem::kUb, 8, 8, 0, 1, 8), false, true, false, true),
      with(golden_test::Matmul(0, 1, 1, 1, 1, 1), true, false, false, false),
      with(golden_test::Postproc(1, 11, 1, 0), false, false, false, true),
      with(golden_test::DmaStore(2, Mem::kUb, 0, 8, 10, 1, 8), true, false, false, false),
      with(golden_test::DmaStore(2, Mem::kUb, 8, 8, 11, 1, 8), true, false, false, false),
      Halt()};
  rig.RunOk(prog);
  for (int img = 0; img < 2; ++img) {
    for (int n = 0; n < 8; ++n) {
      int64_t acc = 0;
      for (int k = 0; k < 8; ++k)
        acc += int64_t{static_cast<int8_t>(in[img * 8 + k])} * static_cast<int8_t>(w[k * 8 + n]);
      int64_t v = acc + (n - 3);
      int64_t q = v >= 0 ? (v + 1) / 2 : -((-v) / 2);  // v / 2 rounded half up
      q = std::clamp<int64_t>(q, -128, 127);
      EXPECT_EQ(static_cast<int8_t>(out[img * 8 + n]), q) << img << "," << n;
    }
  }
  EXPECT_EQ(rig.Counter(Counter::kInsnDma), 5u);
  EXPECT_EQ(rig.Counter(Counter::kInsnMatmul), 2u);
  EXPECT_EQ(rig.Counter(Counter::kInsnVector), 2u);
  EXPECT_EQ(rig.Counter(Counter::kFetchBytes), 11u * 32u);
}

// ---- Links ----------------------------------------------------------------------------------

// RECV 2 rows on port 1 into UB 50, then (after a barrier: LD has no token path to ST) store
// them to slot 0.
std::vector<isa::Insn> RecvProgram() {
  isa::Recv r;
  r.link = 1;
  r.ub_addr = 50;
  r.rows = 2;
  return {r, isa::Sync{}, golden_test::DmaStore(0, Mem::kUb, 0, 8, 50, 2, 8), Halt()};
}

std::vector<isa::Insn> SendProgram() {
  isa::Send snd;
  snd.link = 0;
  snd.ub_addr = 7;
  snd.rows = 2;
  return {snd, Halt()};
}

TEST(GoldenLink, TwoDevicesSteppedRoundRobin) {
  Rig a, b;
  ASSERT_TRUE(ConnectLinks(a.dev, 0, b.dev, 1).ok());
  golden_test::FillUb(a.chip(), 7, 2, 9);
  auto out = b.MapSlot(0, 16);
  b.Start(RecvProgram());
  EXPECT_TRUE(b.dev.busy());
  EXPECT_TRUE(b.dev.waiting_on_link());
  EXPECT_EQ(b.dev.ReadReg(regs::kStatus), regs::kStatusBusyMask);
  EXPECT_FALSE(b.dev.Step());  // nothing arrived yet
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(b.dev.WaitIrq(std::chrono::milliseconds(30)));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(30));
  a.RunOk(SendProgram());
  EXPECT_TRUE(b.dev.Step());
  EXPECT_FALSE(b.dev.busy());
  EXPECT_EQ(b.dev.ReadReg(regs::kStatus), regs::kStatusDoneMask);
  for (int r = 0; r < 2; ++r)
    for (int c = 0; c < 8; ++c) {
      EXPECT_EQ(b.chip().Ub(50 + r)[c], a.chip().Ub(7 + r)[c]);
      EXPECT_EQ(static_cast<int8_t>(out[r * 8 + c]), a.chip().Ub(7 + r)[c]);
    }
  EXPECT_EQ(a.Counter(Counter::kLinkTxBytes), 16u);
  EXPECT_EQ(a.Counter(Counter::kUbRdBytes), 16u);
  EXPECT_EQ(b.Counter(Counter::kLinkRxBytes), 16u);
  EXPECT_EQ(b.Counter(Counter::kInsnLink), 1u);
  EXPECT_EQ(a.Counter(Counter::kInsnLink), 1u);
}

TEST(GoldenLink, WaitIrqWakesWhenThePeerSendsFromAnotherThread) {
  Rig a, b;
  ASSERT_TRUE(ConnectLinks(a.dev, 0, b.dev, 1).ok());
  golden_test::FillUb(a.chip(), 7, 2, 4);
  b.MapSlot(0, 16);
  b.Start(RecvProgram());
  ASSERT_TRUE(b.dev.waiting_on_link());
  std::thread sender([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    a.Start(SendProgram());
  });
  auto t0 = std::chrono::steady_clock::now();
  bool irq = b.dev.WaitIrq(std::chrono::milliseconds(5000));
  auto waited = std::chrono::steady_clock::now() - t0;
  sender.join();
  EXPECT_TRUE(irq);
  EXPECT_LT(waited, std::chrono::milliseconds(4000));
  EXPECT_EQ(b.dev.ReadReg(regs::kStatus), regs::kStatusDoneMask);
  EXPECT_EQ(b.chip().Ub(51)[3], a.chip().Ub(8)[3]);
}

TEST(GoldenLink, DoorbellWhileBusyIsIgnoredAndSoftResetAborts) {
  Rig a, b;
  ASSERT_TRUE(ConnectLinks(a.dev, 0, b.dev, 1).ok());
  b.MapSlot(0, 16);
  b.Start(RecvProgram());
  ASSERT_TRUE(b.dev.waiting_on_link());
  b.dev.WriteReg(regs::kIqLen, 1);
  b.dev.WriteReg(regs::kDoorbell, 1);  // ignored: still the same run
  EXPECT_TRUE(b.dev.waiting_on_link());
  b.dev.WriteReg(regs::kCtrl, regs::kCtrlSoftResetMask);
  EXPECT_FALSE(b.dev.busy());
  EXPECT_EQ(b.dev.ReadReg(regs::kStatus), regs::kStatusErrorMask);
  EXPECT_EQ(b.ErrCode(), static_cast<uint32_t>(ErrCode::kAborted));
  EXPECT_EQ(b.ErrPc(), 0u);
  EXPECT_EQ(b.dev.ReadReg(regs::kIrqStatus), 0u);
  // A bad port number when connecting.
  EXPECT_FALSE(ConnectLinks(a.dev, 2, b.dev, 0).ok());
}

}  // namespace
}  // namespace aorta
