// SplitTransfers (schedule.h): large UB loads / stores split into chunks with the dependencies
// of the rows they carry; checked on a GEMM-shaped stream (input load, one pass per input block,
// a POSTPROC per output block, the output store) and against the cases that must stay whole.
#include "compiler/codegen/schedule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace aorta::codegen {
namespace {

// sim16: N = 16, 65,536 UB rows, token capacity 255 (max_chunks stays 32).
ChipGeometry Geometry() { return GeometryOf(*LoadChipConfig("sim16")); }

template <typename Dma>
isa::Insn UbTransfer(uint32_t addr, uint32_t rows, uint64_t ext_offset) {
  Dma d;
  d.mem = isa::Mem::kUb;
  d.chip_addr = addr;
  d.rows = rows;
  d.row_bytes = 16;
  d.ext_offset = ext_offset;
  d.ext_stride = 16;
  return isa::Insn{d};
}
isa::Insn UbLoad(uint32_t addr, uint32_t rows) {
  return UbTransfer<isa::DmaLoad>(addr, rows, 1000);
}
isa::Insn UbStore(uint32_t addr, uint32_t rows) { return UbTransfer<isa::DmaStore>(addr, rows, 0); }
// A 1x1 pass over `pixels` UB rows from act into ACC row 0.
isa::Insn Pass(uint32_t act, uint32_t pixels) {
  isa::Matmul m;
  m.act_addr = act;
  m.in_h = 1;
  m.in_w = pixels;
  m.out_h = 1;
  m.out_w = pixels;
  return isa::Insn{m};
}
isa::Insn Post(uint32_t ub, uint32_t rows) {
  isa::Postproc p;
  p.ub_addr = ub;
  p.rows = rows;
  return isa::Insn{p};
}

// Rows [first, first + count) of a UB DMA.
std::pair<uint64_t, uint64_t> RowsOf(const isa::Insn& insn) {
  if (const auto* l = std::get_if<isa::DmaLoad>(&insn)) return {l->chip_addr, l->rows};
  const auto& s = std::get<isa::DmaStore>(insn);
  return {s.chip_addr, s.rows};
}

TEST(SplitTransfers, GemmStreamLoadsAndStoresInChunks) {
  // Input: 8 blocks of 512 rows at 0; output: 4 blocks of 512 rows at 8192 (one POSTPROC each,
  // after the block's 8 passes).
  constexpr uint32_t kBlock = 512, kIn = 8, kOut = 4, kOutBase = 8192;
  RunStream s;
  const size_t load = s.Add(UbLoad(0, kIn * kBlock));
  std::vector<size_t> posts;
  for (uint32_t ob = 0; ob < kOut; ++ob) {
    for (uint32_t ib = 0; ib < kIn; ++ib) s.Add(Pass(ib * kBlock, kBlock), {load});
    posts.push_back(s.Add(Post(kOutBase + ob * kBlock, kBlock), {load}));
  }
  s.Add(UbStore(kOutBase, kOut * kBlock), {posts.back()});
  s.Add(isa::Halt{});
  const size_t before = s.size();

  Result<TransferSplitStats> st =
      SplitTransfers(s, Geometry(), {.min_chunk_rows = 256, .max_chunks = 32});
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_EQ(st->loads_split, 1u);
  EXPECT_EQ(st->stores_split, 1u);
  // 4096 input rows in chunks of max(256, 4096 / 32) = 256; 2048 output rows likewise.
  EXPECT_EQ(st->chunks, 16u + 8u);
  EXPECT_EQ(s.size(), before + 15 + 7);

  // The chunks cover the transfers exactly, with matching external offsets.
  std::set<uint64_t> in_rows, out_rows;
  for (size_t i = 0; i < s.size(); ++i) {
    const isa::Insn& insn = s.op(i).insn;
    if (const auto* l = std::get_if<isa::DmaLoad>(&insn)) {
      EXPECT_EQ(l->ext_offset, 1000u + 16u * l->chip_addr);
      for (uint64_t r = 0; r < l->rows; ++r) EXPECT_TRUE(in_rows.insert(l->chip_addr + r).second);
    } else if (const auto* d = std::get_if<isa::DmaStore>(&insn)) {
      EXPECT_EQ(d->ext_offset, 16u * (d->chip_addr - kOutBase));
      for (uint64_t r = 0; r < d->rows; ++r) EXPECT_TRUE(out_rows.insert(d->chip_addr + r).second);
    }
  }
  EXPECT_EQ(in_rows.size(), kIn * kBlock);
  EXPECT_EQ(out_rows.size(), kOut * kBlock);

  uint32_t passes = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const StreamOp& op = s.op(i);
    for (size_t a : op.after) ASSERT_LT(a, i);
    if (const auto* m = std::get_if<isa::Matmul>(&op.insn)) {
      // A pass of output block 0 waits for exactly the load chunks holding its input block; the
      // passes of later output blocks wait for nothing (EX in order puts them after those).
      for (size_t a : op.after) {
        const auto [first, rows] = RowsOf(s.op(a).insn);
        EXPECT_LT(first, m->act_addr + uint64_t{kBlock});
        EXPECT_LT(m->act_addr, first + rows);
      }
      EXPECT_EQ(op.after.size(), ++passes <= kIn ? kBlock / 256 : 0u);
    } else if (std::holds_alternative<isa::Postproc>(op.insn)) {
      // Its UB rows are outputs, not inputs: no wait for the input load any more.
      EXPECT_TRUE(op.after.empty());
    } else if (std::holds_alternative<isa::DmaStore>(op.insn)) {
      // Each store chunk follows the POSTPROC that wrote its rows, and waits for it only.
      ASSERT_EQ(op.after.size(), 1u);
      const auto& p = std::get<isa::Postproc>(s.op(op.after[0]).insn);
      const auto [first, rows] = RowsOf(op.insn);
      EXPECT_GE(first, p.ub_addr);
      EXPECT_LE(first + rows, uint64_t{p.ub_addr} + p.rows);
      EXPECT_EQ(op.after[0] + 1 + (first - p.ub_addr) / 256, i);
    }
  }
  EXPECT_EQ(passes, kIn * kOut);
  EXPECT_TRUE(s.AssignTokens(15).ok());
}

TEST(SplitTransfers, SmallOrNonUbTransfersAndLdDependentStoresStayWhole) {
  RunStream s;
  const size_t small = s.Add(UbLoad(0, 512));  // <= 2 chunks of 256
  isa::DmaLoad wb;
  wb.mem = isa::Mem::kWb;
  wb.rows = 8192;
  wb.row_bytes = 16;
  const size_t wload = s.Add(isa::Insn{wb});
  const size_t pass = s.Add(Pass(0, 512), {small, wload});
  // A store that also waits for a load (a WAR on external memory) is not moved or split.
  const size_t store = s.Add(UbStore(0, 4096), {pass, small});
  s.Add(isa::Halt{});
  const size_t before = s.size();
  Result<TransferSplitStats> st = SplitTransfers(s, Geometry());
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_EQ(st->chunks, 0u);
  EXPECT_EQ(s.size(), before);
  EXPECT_EQ(s.op(pass).after, (std::vector<size_t>{small, wload}));
  EXPECT_EQ(s.op(store).after, (std::vector<size_t>{pass, small}));
}

TEST(SplitTransfers, ConsumersOutsideEXWaitForEveryChunk) {
  RunStream s;
  const size_t load = s.Add(UbLoad(0, 2048));
  const size_t pass = s.Add(Pass(0, 256), {load});
  // A store of the loaded rows (LD -> ST through a barrier in practice; here only the
  // dependency list matters) waits for every chunk.
  s.Add(isa::Sync{});
  const size_t store = s.Add(UbStore(0, 100), {load});
  Result<TransferSplitStats> st =
      SplitTransfers(s, Geometry(), {.min_chunk_rows = 256, .max_chunks = 32});
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_EQ(st->chunks, 8u);
  // Positions after the load moved by the 7 inserted chunks.
  const StreamOp& p = s.op(pass + 7);
  ASSERT_TRUE(std::holds_alternative<isa::Matmul>(p.insn));
  EXPECT_EQ(p.after, (std::vector<size_t>{0}));  // only the first chunk holds rows 0..255
  const StreamOp& d = s.op(store + 7);
  ASSERT_TRUE(std::holds_alternative<isa::DmaStore>(d.insn));
  EXPECT_EQ(d.after.size(), 8u);
}

// A tile of two channel blocks loaded by two loads, computed by one EX op per block, of which only
// the first names a load, the last one (LD runs in order, so that covered both): after the split,
// the first block's op waits for the chunks of the first load, which nobody named; the op that
// named the split loads also keeps waiting for the whole LD op before them (a weight load).
TEST(SplitTransfers, ConsumerOfTheLastLoadWaitsForTheEarlierSplitLoadsItReads) {
  RunStream s;
  isa::DmaLoad w;
  w.mem = isa::Mem::kWb;
  w.rows = 16;
  w.row_bytes = 16;
  const size_t weights = s.Add(isa::Insn{w});
  const size_t block0 = s.Add(UbLoad(0, 1024));
  const size_t block1 = s.Add(UbLoad(1024, 1024));
  const size_t pass0 = s.Add(Pass(0, 1024), {block1});
  const size_t pass1 = s.Add(Pass(1024, 1024));
  Result<TransferSplitStats> st =
      SplitTransfers(s, Geometry(), {.min_chunk_rows = 256, .max_chunks = 32});
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_EQ(st->loads_split, 2u);
  EXPECT_EQ(st->chunks, 8u);
  // Three chunks inserted after each load.
  ASSERT_EQ(s.size(), pass1 + 7);
  const size_t first0 = block0, first1 = block1 + 3;
  const std::vector<size_t>& a0 = s.op(pass0 + 6).after;
  ASSERT_TRUE(std::holds_alternative<isa::Matmul>(s.op(pass0 + 6).insn));
  EXPECT_EQ(std::set<size_t>(a0.begin(), a0.end()),
            (std::set<size_t>{weights, first0, first0 + 1, first0 + 2, first0 + 3}));
  const std::vector<size_t>& a1 = s.op(pass1 + 6).after;
  EXPECT_EQ(std::set<size_t>(a1.begin(), a1.end()),
            (std::set<size_t>{first1, first1 + 1, first1 + 2, first1 + 3}));
}

}  // namespace
}  // namespace aorta::codegen
