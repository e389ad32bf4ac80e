// The ordering check (ordering.h) on hand-built streams: each kind of race found and named, each
// way of ordering (queue order, a token, a chain of tokens, a barrier) accepted, a pop that no
// push serves refused. And on random streams against a reference that keeps one record per
// on-chip row and per external byte (the check keeps intervals of them).
#include "core/isa/ordering.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <random>
#include <vector>

#include "core/isa/extents.h"
#include "core/isa/tokens.h"

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

// The reference: the same happens-before rules, followed location by location. Every on-chip row
// and every external byte has its own record (who wrote it last, the latest read per queue since);
// queues run in the check's order (at a barrier or the end: LD, EX, ST, each as far as its tokens
// allow, again until none moves). The result: the first race as FindRace reports it, or the
// position of the instruction left waiting for a token.
struct Reference {
  std::optional<Race> race;
  std::optional<size_t> blocked;
};

Reference ReferenceCheck(const std::vector<Insn>& stream, const ChipGeometry& g) {
  struct Record {
    int writer = -1;  // queue, -1: none since the barrier
    int64_t writer_index = 0;
    size_t writer_pos = 0;
    int64_t read_index[3] = {-1, -1, -1};  // per queue, -1: none
    size_t read_pos[3] = {0, 0, 0};
  };
  using Vc = std::array<int64_t, 3>;  // per queue: the latest index ordered before (-1: none)
  std::map<std::pair<int, uint64_t>, Record> records;  // (memory or 100 + slot, row or byte)
  std::array<std::deque<size_t>, 3> waiting;
  std::array<std::deque<Vc>, kTokenCounters> pushed;
  std::array<Vc, 3> clock;
  std::array<int64_t, 3> count{};
  Reference out;
  auto reset = [&] {
    records.clear();
    for (Vc& c : clock) c = {-1, -1, -1};
    for (auto& d : pushed)
      for (Vc& c : d) c = {-1, -1, -1};
    count = {};
  };
  reset();
  // One location touched by instruction `pos` of queue `q`; false once a race is found.
  auto touch = [&](int space, uint64_t at, size_t pos, int q, bool write, const std::string& name) {
    Record& r = records[{space, at}];
    const Vc& c = clock[static_cast<size_t>(q)];
    std::optional<std::pair<size_t, bool>> other;  // position, wrote
    if (r.writer >= 0 && r.writer != q && c[static_cast<size_t>(r.writer)] < r.writer_index)
      other = {r.writer_pos, true};
    for (int k = 0; k < 3 && write && !other; ++k)
      if (k != q && r.read_index[k] >= 0 && c[static_cast<size_t>(k)] < r.read_index[k])
        other = {r.read_pos[k], false};
    if (other) {
      Race race;
      race.first = other->first;
      race.second = pos;
      race.where = name;
      race.kind = other->second && write ? "both write"
                  : other->second        ? "the second reads what the first writes"
                                         : "the second overwrites what the first reads";
      if (other->first > pos) {
        std::swap(race.first, race.second);
        if (!(other->second && write))
          race.kind = other->second ? "the second overwrites what the first reads"
                                    : "the second reads what the first writes";
      }
      out.race = race;
      return false;
    }
    const int64_t index = c[static_cast<size_t>(q)];
    if (write) {
      r = Record{};
      r.writer = q;
      r.writer_index = index;
      r.writer_pos = pos;
    } else if (index > r.read_index[q]) {
      r.read_index[q] = index;
      r.read_pos[q] = pos;
    }
    return true;
  };
  // Runs instruction `pos` of queue `q` if its tokens are there.
  auto step = [&](size_t pos, int q) {
    const TokenUse use = TokenUseOf(q, DepsOf(stream[pos]));
    for (int dir : {use.pop_prev, use.pop_next})
      if (dir >= 0 && pushed[static_cast<size_t>(dir)].empty()) return false;
    Vc& c = clock[static_cast<size_t>(q)];
    for (int dir : {use.pop_prev, use.pop_next}) {
      if (dir < 0) continue;
      const Vc& t = pushed[static_cast<size_t>(dir)].front();
      for (size_t k = 0; k < 3; ++k) c[k] = std::max(c[k], t[k]);
      pushed[static_cast<size_t>(dir)].pop_front();
    }
    c[static_cast<size_t>(q)] = count[static_cast<size_t>(q)]++;
    const Extents e = ExtentsOf(stream[pos], g);
    for (const ChipExtent& x : e.chip) {
      const uint64_t end = std::min(x.first + x.count, g.Rows(static_cast<unsigned>(x.mem)));
      for (uint64_t row = x.first; row < end; ++row)
        if (!touch(static_cast<int>(x.mem), row, pos, q, x.write,
                   fmt::format("{} row {}", MemName(x.mem), row)))
          return true;
    }
    if (e.ext) {
      uint64_t rows = 1, bytes = e.ext->end - e.ext->first, stride = 0;
      std::visit(
          [&](const auto& d) {
            if constexpr (requires { d.ext_stride; }) {
              rows = d.rows;
              bytes = d.row_bytes;
              stride = d.ext_stride;
            }
          },
          stream[pos]);
      for (uint64_t row = 0; row < rows; ++row)
        for (uint64_t b = 0; b < bytes; ++b) {
          const uint64_t at = e.ext->first + row * stride + b;
          if (!touch(100 + static_cast<int>(e.ext->slot), at, pos, q, e.ext->write,
                     fmt::format("slot {} byte {}", e.ext->slot, at)))
            return true;
        }
    }
    for (int dir : {use.push_prev, use.push_next})
      if (dir >= 0) pushed[static_cast<size_t>(dir)].push_back(c);
    return true;
  };
  // Runs what can run; false if an instruction is left waiting.
  auto settle = [&] {
    for (bool moved = true; moved && !out.race;) {
      moved = false;
      for (int q = 0; q < 3 && !out.race; ++q)
        while (!waiting[q].empty() && !out.race && step(waiting[q].front(), q)) {
          waiting[q].pop_front();
          moved = true;
        }
    }
    if (out.race) return true;
    for (const auto& w : waiting)
      if (!w.empty()) {
        size_t oldest = stream.size();
        for (const auto& v : waiting)
          if (!v.empty()) oldest = std::min(oldest, v.front());
        out.blocked = oldest;
        return false;
      }
    return true;
  };
  for (size_t pos = 0; pos < stream.size(); ++pos) {
    const Queue q = QueueOf(stream[pos]);
    if (q != Queue::kBarrier) {
      waiting[static_cast<size_t>(q)].push_back(pos);
      continue;
    }
    if (!settle() || out.race) return out;
    reset();
  }
  settle();
  return out;
}

// A random stream over a few rows and bytes, so that accesses overlap, split and merge: DMAs of
// every memory (contiguous, strided, overlapping rows), link transfers, window reads, accumulating
// passes, post-processing and element-wise writes, some near the end of their memory (the check
// clips extents to the memory), random tokens and barriers.
std::vector<Insn> RandomStream(std::mt19937& rng, const ChipGeometry& g, size_t length,
                               unsigned tokens, uint32_t spread) {
  auto pick = [&](uint32_t lo, uint32_t hi) {
    return std::uniform_int_distribution<uint32_t>(lo, hi)(rng);
  };
  auto chance = [&](unsigned percent) { return pick(0, 99) < percent; };
  // Tokens: a pop mostly takes a token an earlier instruction of this epoch pushed (so the stream
  // mostly runs), sometimes one nobody pushed (a deadlock).
  std::array<int, kTokenCounters> pushed{};
  auto deps = [&](Queue queue) {
    const int q = static_cast<int>(queue);
    Deps d;
    auto pop = [&](int dir) {
      if (dir == kNoCounter ||
          !(chance(2) || (pushed[static_cast<size_t>(dir)] > 0 && chance(tokens))))
        return false;
      --pushed[static_cast<size_t>(dir)];
      return true;
    };
    auto push = [&](int dir) {
      if (dir == kNoCounter || !chance(tokens)) return false;
      ++pushed[static_cast<size_t>(dir)];
      return true;
    };
    d.pop_prev = pop(PopCounter(q, true));
    d.pop_next = pop(PopCounter(q, false));
    d.push_prev = push(PushCounter(q, true));
    d.push_next = push(PushCounter(q, false));
    return d;
  };
  auto addr = [&](Mem m) {
    const auto rows = static_cast<uint32_t>(g.Rows(static_cast<unsigned>(m)));
    return chance(5) ? rows - pick(1, 3) : pick(0, spread);
  };
  std::vector<Insn> s;
  for (size_t i = 0; i < length; ++i) {
    const uint32_t kind = pick(0, 11);
    if (kind <= 1) {  // DMA, either way
      auto dma = [&](auto d) {
        d.deps = deps(kind == 0 ? Queue::kLd : Queue::kSt);
        d.mem = static_cast<Mem>(chance(60) ? 0 : pick(0, 4));
        d.chip_addr = addr(d.mem);
        d.rows = pick(1, 6);
        d.row_bytes = pick(1, 3) * 4;
        const uint32_t strides[] = {d.row_bytes, d.row_bytes * 2, d.row_bytes + 4, d.row_bytes / 2,
                                    0};
        d.ext_stride = strides[pick(0, 4)];
        d.ext_offset = pick(0, spread + 8);
        // Loads mostly read slot 0, stores mostly write slot 1.
        d.slot = chance(80) ? kind : 1 - kind;
        return Insn{d};
      };
      s.push_back(kind == 0 ? dma(DmaLoad{}) : dma(DmaStore{}));
    } else if (kind == 2) {
      s.push_back(Recv{deps(Queue::kLd), 0, addr(Mem::kUb), pick(1, 8)});
    } else if (kind == 3) {
      s.push_back(Send{deps(Queue::kSt), 0, addr(Mem::kUb), pick(1, 8)});
    } else if (kind == 4) {
      Matmul m;
      m.deps = deps(Queue::kEx);
      m.accumulate = chance(50);
      m.act_addr = addr(Mem::kUb);
      m.in_h = pick(1, 4);
      m.in_w = pick(1, 6);
      m.out_h = pick(1, 4);
      m.out_w = pick(1, 6);
      m.stride_h = pick(1, 2);
      m.stride_w = pick(1, 2);
      m.y_off = static_cast<int32_t>(pick(0, 2)) - 1;
      m.x_off = static_cast<int32_t>(pick(0, 2)) - 1;
      m.acc_addr = addr(Mem::kAcc);
      s.push_back(m);
    } else if (kind == 5) {
      Postproc p;
      p.deps = deps(Queue::kEx);
      p.acc_addr = addr(Mem::kAcc);
      p.ub_addr = addr(Mem::kUb);
      p.rows = pick(1, 12);
      p.param_addr = addr(Mem::kParam);
      s.push_back(p);
    } else if (kind == 6) {
      VecEltwise v;
      v.deps = deps(Queue::kEx);
      v.a_addr = addr(Mem::kUb);
      v.b_addr = addr(Mem::kUb);
      v.out_addr = addr(Mem::kUb);
      v.rows = pick(1, 8);
      s.push_back(v);
    } else if (kind == 7) {
      s.push_back(Loadw{deps(Queue::kEx), false, addr(Mem::kWb)});
    } else if (kind == 8 && chance(40)) {
      s.push_back(Sync{});
      pushed = {};
    } else {
      s.push_back(Read(addr(Mem::kUb), pick(1, 10), deps(Queue::kEx)));
    }
  }
  s.push_back(Halt{});
  return s;
}

TEST(Ordering, IntervalsAgreeWithARecordPerRowAndByteOnRandomStreams) {
  const ChipGeometry g = Geometry();
  std::mt19937 rng(20261122);
  int clean = 0, raced_rows = 0, raced_bytes = 0, blocked = 0;
  size_t clean_insns = 0, race_at = 0;
  for (int n = 0; n < 4000; ++n) {
    // Token density and address spread: dense and narrow streams race early, sparse and wide
    // ones run long and build up many intervals.
    const unsigned tokens[] = {30, 70, 100};
    const uint32_t spread[] = {40, 300, 3000};
    const std::vector<Insn> s =
        RandomStream(rng, g, 4 + static_cast<size_t>(n % 120), tokens[n % 3], spread[(n / 3) % 3]);
    const Reference want = ReferenceCheck(s, g);
    const Result<std::optional<Race>> got = FindRace(s, g);
    const std::string what = fmt::format("stream {}", n);
    if (want.blocked) {
      ASSERT_FALSE(got.ok()) << what;
      EXPECT_NE(got.status().message().find(fmt::format("instruction {} (", *want.blocked)),
                std::string::npos)
          << what << ": " << got.status().message();
      ++blocked;
      continue;
    }
    ASSERT_TRUE(got.ok()) << what << ": " << got.status().message();
    ASSERT_EQ(want.race.has_value(), got->has_value()) << what;
    if (!want.race) {
      ++clean;
      clean_insns += s.size();
      continue;
    }
    const Race& w = *want.race;
    const Race& r = **got;
    EXPECT_EQ(r.first, w.first) << what;
    EXPECT_EQ(r.second, w.second) << what;
    EXPECT_EQ(r.where, w.where) << what;
    EXPECT_EQ(r.kind, w.kind) << what;
    race_at += w.second;
    ++(w.where.starts_with("slot") ? raced_bytes : raced_rows);
  }
  // Every outcome is exercised many times.
  EXPECT_GT(clean, 400);
  EXPECT_GT(clean_insns, 10000u);
  EXPECT_GT(raced_rows, 200);
  EXPECT_GT(raced_bytes, 100);
  EXPECT_GT(blocked, 200);
  RecordProperty("clean", clean);
  RecordProperty("clean_insns", static_cast<int>(clean_insns));
  RecordProperty("mean_race_at",
                 static_cast<int>(race_at / static_cast<size_t>(raced_rows + raced_bytes)));
  RecordProperty("raced_rows", raced_rows);
  RecordProperty("raced_bytes", raced_bytes);
  RecordProperty("blocked", blocked);
}

}  // namespace
}  // namespace aorta::isa
