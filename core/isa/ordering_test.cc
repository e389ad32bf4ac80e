// The ordering check (ordering.h) on hand-built streams: each kind of race found and named, each
// way of ordering (queue order, a token, a chain of tokens, a barrier) accepted, a pop that no
// push serves refused.
#include "core/isa/ordering.h"

#include <gtest/gtest.h>

#include <vector>

namespace aorta::isa {
namespace {

ChipGeometry Geometry() { return GeometryOf(*LoadChipConfig("tiny")); }

Deps D(bool pop_prev, bool pop_next, bool push_prev, bool push_next) {
  return Deps{pop_prev, pop_next, push_prev, push_next};
}

template <typename Dma>
Insn Transfer(uint32_t ub, uint32_t rows, uint64_t ext, Deps d, uint32_t stride) {
  Dma x;
  x.deps = d;
  x.mem = Mem::kUb;
  x.chip_addr = ub;
  x.rows = rows;
  x.row_bytes = 8;
  x.ext_offset = ext;
  x.ext_stride = stride;
  return Insn{x};
}
Insn Load(uint32_t ub, uint32_t rows, uint64_t ext, Deps d = {}, uint32_t stride = 8) {
  return Transfer<DmaLoad>(ub, rows, ext, d, stride);
}
Insn Store(uint32_t ub, uint32_t rows, uint64_t ext, Deps d = {}, uint32_t stride = 8) {
  return Transfer<DmaStore>(ub, rows, ext, d, stride);
}
// EX: reads UB rows [act, act + pixels).
Insn Read(uint32_t act, uint32_t pixels, Deps d = {}) {
  Matmul m;
  m.deps = d;
  m.act_addr = act;
  m.in_h = 1;
  m.in_w = pixels;
  m.out_h = 1;
  m.out_w = pixels;
  return Insn{m};
}
// EX: writes UB rows [ub, ub + rows).
Insn Write(uint32_t ub, uint32_t rows, Deps d = {}) {
  Postproc p;
  p.deps = d;
  p.ub_addr = ub;
  p.rows = rows;
  return Insn{p};
}

std::optional<Race> Find(const std::vector<Insn>& s) {
  Result<std::optional<Race>> r = FindRace(s, Geometry());
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::nullopt;
}

TEST(Ordering, ReadBeforeItsLoadArrivesRaces) {
  const std::vector<Insn> s = {Load(0, 16, 0), Read(0, 16), Halt{}};
  const std::optional<Race> r = Find(s);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->first, 0u);
  EXPECT_EQ(r->second, 1u);
  EXPECT_EQ(r->where, "UB row 0");
  EXPECT_EQ(r->kind, "the second reads what the first writes");
  const Status st = CheckOrdering(s, Geometry(), "run segment 0");
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("run segment 0: instructions 0 (DMA_LOAD"), std::string::npos)
      << st.message();
}

TEST(Ordering, TokenOrBarrierOrdersTheRead) {
  EXPECT_FALSE(Find({Load(0, 16, 0, D(false, false, false, true)),
                     Read(0, 16, D(true, false, false, false)), Halt{}}));
  EXPECT_FALSE(Find({Load(0, 16, 0), Sync{}, Read(0, 16), Halt{}}));
  // Disjoint rows need no order.
  EXPECT_FALSE(Find({Load(0, 16, 0), Read(16, 16), Halt{}}));
}

TEST(Ordering, EarlierLoadsOfTheQueueAreCoveredByTheTokenOfALaterOne) {
  // The EX op pops the token of the second load; the first load came before it in the LD queue.
  EXPECT_FALSE(Find({Load(0, 16, 0), Load(16, 16, 128, D(false, false, false, true)),
                     Read(0, 32, D(true, false, false, false)), Halt{}}));
  // Tokens match in order: the read of the second tile pops the first token only.
  const std::optional<Race> r =
      Find({Load(0, 16, 0, D(false, false, false, true)), Load(16, 16, 128),
            Load(32, 16, 256, D(false, false, false, true)),
            Read(16, 16, D(true, false, false, false)), Halt{}});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->first, 1u);
  EXPECT_EQ(r->second, 3u);
}

TEST(Ordering, OverwriteWhileAnotherQueueStillReadsRaces) {
  // EX reads rows 0..15, then LD reloads them with no token back from EX.
  const std::optional<Race> r =
      Find({Load(0, 16, 0, D(false, false, false, true)), Read(0, 16, D(true, false, false, false)),
            Load(0, 16, 128), Halt{}});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->first, 1u);
  EXPECT_EQ(r->second, 2u);
  EXPECT_EQ(r->kind, "the second overwrites what the first reads");
  // With EX -> LD the reload waits.
  EXPECT_FALSE(
      Find({Load(0, 16, 0, D(false, false, false, true)), Read(0, 16, D(true, false, true, false)),
            Load(0, 16, 128, D(false, true, false, false)), Halt{}}));
}

TEST(Ordering, ExternalBytesThroughAChainOfTokens) {
  // ST writes DRAM bytes 0..127 that LD reads back: racing without tokens, ordered by
  // ST -> EX -> LD.
  const std::optional<Race> r = Find(
      {Write(0, 16), Store(0, 16, 0, D(false, false, false, false)), Load(100, 16, 0), Halt{}});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->where.substr(0, 6), "UB row");  // the store reads what EX wrote, unordered
  const std::optional<Race> ext =
      Find({Write(0, 16, D(false, false, false, true)),
            Store(0, 16, 0, D(true, false, false, false)), Load(100, 16, 0), Halt{}});
  ASSERT_TRUE(ext.has_value());
  EXPECT_EQ(ext->where, "slot 0 byte 0");
  EXPECT_EQ(ext->first, 1u);
  EXPECT_EQ(ext->second, 2u);
  EXPECT_FALSE(
      Find({Write(0, 16, D(false, false, false, true)),
            Store(0, 16, 0, D(true, false, true, false)), Read(200, 1, D(false, true, true, false)),
            Load(100, 16, 0, D(false, true, false, false)), Halt{}}));
}

TEST(Ordering, InterleavedStridedRowsDoNotOverlap) {
  // Two loads and a store of every other 8-byte row of the same slot region: the store writes
  // the odd rows, the loads read the even ones.
  EXPECT_FALSE(
      Find({Write(0, 16, D(false, false, false, true)),
            Store(0, 16, 8, D(true, false, false, false), 16), Load(100, 16, 0, {}, 16), Halt{}}));
  const std::optional<Race> r =
      Find({Write(0, 16, D(false, false, false, true)),
            Store(0, 16, 8, D(true, false, false, false), 16), Load(100, 16, 24, {}, 16), Halt{}});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->where, "slot 0 byte 24");
}

TEST(Ordering, PopWithoutPushIsRefused) {
  Result<std::optional<Race>> r =
      FindRace(std::vector<Insn>{Read(0, 4, D(true, false, false, false)), Halt{}}, Geometry());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("instruction 0 (MATMUL"), std::string::npos)
      << r.status().message();
  // A push after a barrier does not serve a pop before it.
  EXPECT_FALSE(FindRace(std::vector<Insn>{Read(0, 4, D(true, false, false, false)), Sync{},
                                          Load(0, 4, 0, D(false, false, false, true)), Halt{}},
                        Geometry())
                   .ok());
}

}  // namespace
}  // namespace aorta::isa
