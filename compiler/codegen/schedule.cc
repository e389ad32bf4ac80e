#include "compiler/codegen/schedule.h"

#include <algorithm>
#include <array>
#include <map>

#include "core/isa/extents.h"

namespace aorta::codegen {

size_t RunStream::Add(isa::Insn insn, std::vector<size_t> after, int32_t layer) {
  ops_.push_back(StreamOp{std::move(insn), std::move(after), layer});
  return ops_.size() - 1;
}

std::optional<size_t> AddLayerCode(RunStream& stream, const std::vector<isa::Insn>& insns,
                                   const std::vector<size_t>& after, int32_t layer,
                                   const ChipGeometry& g, AccStores& stores) {
  std::optional<size_t> last_ex;
  std::vector<AccStores::Pending>& pending = stores.pending;
  for (size_t i = 0; i < insns.size(); ++i) {
    std::vector<size_t> deps = i == 0 ? after : std::vector<size_t>{};
    const isa::Extents e = isa::ExtentsOf(insns[i], g);
    if (isa::QueueOf(insns[i]) == isa::Queue::kEx) {
      for (const isa::ChipExtent& c : e.chip) {
        if (c.mem != isa::Mem::kAcc || !c.write) continue;
        std::erase_if(pending, [&](const AccStores::Pending& s) {
          if (s.first >= c.first + c.count || c.first >= s.end) return false;
          deps.push_back(s.pos);
          return true;
        });
      }
      last_ex = stream.Add(insns[i], std::move(deps), layer);
      continue;
    }
    if (last_ex) deps.push_back(*last_ex);
    const size_t pos = stream.Add(insns[i], std::move(deps), -1);
    for (const isa::ChipExtent& c : e.chip)
      if (c.mem == isa::Mem::kAcc && !c.write) pending.push_back({pos, c.first, c.first + c.count});
  }
  return last_ex;
}

RunStream::Inserted RunStream::Insert(
    std::vector<std::pair<std::optional<size_t>, StreamOp>> extra) {
  Inserted r;
  r.renumber.resize(ops_.size());
  r.extra.resize(extra.size());
  // Extras at the front first, then after each position, in the order given.
  std::vector<size_t> order(extra.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  auto key = [&](size_t k) {
    return extra[k].first ? static_cast<int64_t>(*extra[k].first) : int64_t{-1};
  };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key(a) < key(b); });
  std::vector<StreamOp> out;
  out.reserve(ops_.size() + extra.size());
  size_t e = 0;
  auto flush = [&](int64_t pos) {
    for (; e < order.size() && key(order[e]) == pos; ++e) {
      r.extra[order[e]] = out.size();
      out.push_back(std::move(extra[order[e]].second));
    }
  };
  flush(-1);
  for (size_t i = 0; i < ops_.size(); ++i) {
    r.renumber[i] = out.size();
    out.push_back(std::move(ops_[i]));
    flush(static_cast<int64_t>(i));
  }
  // Dependencies of the original ops and of the extras both name original positions.
  for (StreamOp& op : out)
    for (size_t& a : op.after) a = r.renumber[a];
  ops_ = std::move(out);
  return r;
}

namespace {

int QueueIndex(isa::Queue q) { return static_cast<int>(q); }

}  // namespace

Status RunStream::AssignTokens(uint32_t token_capacity) {
  const size_t count = ops_.size();
  std::vector<isa::Queue> queue(count);
  std::vector<size_t> barriers_before(count + 1, 0);
  for (size_t i = 0; i < count; ++i) {
    queue[i] = isa::QueueOf(ops_[i].insn);
    barriers_before[i + 1] = barriers_before[i] + (queue[i] == isa::Queue::kBarrier ? 1 : 0);
    isa::MutableDepsOf(ops_[i].insn) = isa::Deps{};
  }
  // Directions between neighbouring queues: (producer, consumer).
  constexpr std::array<std::pair<isa::Queue, isa::Queue>, 4> kDirs = {
      std::pair{isa::Queue::kLd, isa::Queue::kEx}, std::pair{isa::Queue::kEx, isa::Queue::kLd},
      std::pair{isa::Queue::kEx, isa::Queue::kSt}, std::pair{isa::Queue::kSt, isa::Queue::kEx}};
  auto dir_of = [&](isa::Queue p, isa::Queue c) -> int {
    for (size_t d = 0; d < kDirs.size(); ++d)
      if (kDirs[d].first == p && kDirs[d].second == c) return static_cast<int>(d);
    return -1;
  };
  std::vector<std::vector<std::pair<size_t, size_t>>> pairs(kDirs.size());  // (producer, consumer)
  for (int round = 0; round < 16; ++round) {
    // need[d][c]: the latest producer of direction d that consumer c needs.
    std::vector<std::map<size_t, size_t>> need(kDirs.size());
    for (size_t c = 0; c < count; ++c) {
      if (queue[c] == isa::Queue::kBarrier) continue;
      for (size_t p : ops_[c].after) {
        if (p >= c)
          return Internal("run stream: instruction {} depends on instruction {}, fetched later", c,
                          p);
        if (queue[p] == queue[c] || queue[p] == isa::Queue::kBarrier) continue;
        if (barriers_before[c] > barriers_before[p]) continue;  // a barrier in between
        const int d = dir_of(queue[p], queue[c]);
        if (d < 0)
          return Internal(
              "run stream: instruction {} ({}) depends on instruction {} ({}) with no barrier in "
              "between and no token path",
              c, isa::QueueName(queue[c]), p, isa::QueueName(queue[p]));
        size_t& n = need[static_cast<size_t>(d)][c];
        n = std::max(n, p + 1);  // stored + 1 so that 0 means "none"
      }
    }
    bool added = false;
    for (size_t d = 0; d < kDirs.size(); ++d) {
      pairs[d].clear();
      size_t running = 0;
      for (const auto& [c, p1] : need[d]) {
        if (p1 <= running) continue;
        running = p1;
        pairs[d].push_back({p1 - 1, c});
      }
      // Token capacity: the producer of token k waits for the consumer of token k - capacity.
      for (size_t k = token_capacity; k < pairs[d].size(); ++k) {
        const size_t producer = pairs[d][k].first, consumer = pairs[d][k - token_capacity].second;
        std::vector<size_t>& after = ops_[producer].after;
        if (std::find(after.begin(), after.end(), consumer) != after.end()) continue;
        if (consumer >= producer)
          return Internal(
              "run stream: queue {} runs more than {} tokens ahead of queue {} in fetch order",
              isa::QueueName(kDirs[d].first), token_capacity, isa::QueueName(kDirs[d].second));
        after.push_back(consumer);
        added = true;
      }
    }
    if (!added) break;
    if (round == 15) return Internal("run stream: token capacity constraints do not settle");
  }
  for (size_t d = 0; d < kDirs.size(); ++d) {
    const auto [pq, cq] = kDirs[d];
    for (const auto& [p, c] : pairs[d]) {
      isa::Deps& pd = isa::MutableDepsOf(ops_[p].insn);
      isa::Deps& cd = isa::MutableDepsOf(ops_[c].insn);
      // The consumer is the producer's next queue when the producer comes first in LD, EX, ST.
      const bool forward = QueueIndex(pq) < QueueIndex(cq);
      (forward ? pd.push_next : pd.push_prev) = true;
      (forward ? cd.pop_prev : cd.pop_next) = true;
    }
  }
  return Status::Ok();
}

std::vector<isa::Insn> RunStream::Instructions() const {
  std::vector<isa::Insn> out;
  out.reserve(ops_.size());
  for (const StreamOp& op : ops_) out.push_back(op.insn);
  return out;
}

std::optional<std::pair<uint64_t, uint64_t>> WbRowsRead(const isa::Insn& insn, uint32_t n) {
  if (const auto* l = std::get_if<isa::Loadw>(&insn))
    return std::pair<uint64_t, uint64_t>{l->wb_addr, uint64_t{l->wb_addr} + n};
  if (const auto* d = std::get_if<isa::Dwconv>(&insn))
    return std::pair<uint64_t, uint64_t>{d->wb_addr, uint64_t{d->wb_addr} + d->k_h * d->k_w};
  return std::nullopt;
}

namespace {

template <typename T>
void Move(T& field, int64_t delta) {
  field = static_cast<T>(static_cast<int64_t>(field) + delta);
}

// Whether the instruction reads PARAM rows (POOL MAX does not use its param_addr).
bool ReadsParam(const isa::Insn& insn) {
  if (const auto* p = std::get_if<isa::Pool>(&insn)) return p->op != isa::PoolOp::kMax;
  return std::holds_alternative<isa::Postproc>(insn) ||
         std::holds_alternative<isa::VecEltwise>(insn);
}

}  // namespace

void RelocateConstants(isa::Insn& insn, int64_t wb_delta, int64_t param_delta) {
  if (auto* l = std::get_if<isa::Loadw>(&insn)) Move(l->wb_addr, wb_delta);
  if (auto* d = std::get_if<isa::Dwconv>(&insn)) Move(d->wb_addr, wb_delta);
  if (auto* p = std::get_if<isa::Postproc>(&insn)) Move(p->param_addr, param_delta);
  if (auto* v = std::get_if<isa::VecEltwise>(&insn)) {
    Move(v->param_addr, param_delta);
    if (v->b_src == isa::BSrc::kParam) Move(v->b_addr, param_delta);
  }
  if (auto* p = std::get_if<isa::Pool>(&insn); p != nullptr && p->op != isa::PoolOp::kMax)
    Move(p->param_addr, param_delta);
}

void RemapLut(isa::Insn& insn, const std::vector<uint32_t>& lut_map) {
  if (auto* p = std::get_if<isa::Postproc>(&insn); p != nullptr && p->lut_en)
    p->lut_sel = lut_map.at(p->lut_sel);
}

Result<WeightStreamStats> StreamWeights(RunStream& stream, const std::vector<StreamedLayer>& layers,
                                        const WeightStreamConfig& config) {
  WeightStreamStats stats;
  const uint32_t n = config.n;
  // One kind of chunk (WB or PARAM): the ops that use each chunk, in order.
  struct Chunk {
    size_t first_use = 0, last_use = 0;
    isa::DmaLoad load;
  };
  std::vector<Chunk> wb_chunks, param_chunks;
  int32_t wb_layer = -1, param_layer = -1;
  uint64_t wb_lo = 0, wb_hi = 0;
  for (size_t i = 0; i < stream.size(); ++i) {
    StreamOp& op = stream.op(i);
    if (op.layer < 0) continue;
    const auto s = static_cast<size_t>(op.layer);
    if (s >= layers.size()) return Internal("run stream: op {} names streamed layer {}", i, s);
    const StreamedLayer& l = layers[s];
    int64_t wb_delta = 0, param_delta = 0;
    if (ReadsParam(op.insn)) {
      if (param_layer != op.layer || param_chunks.empty()) {
        param_layer = op.layer;
        Chunk c;
        c.first_use = i;
        c.load.slot = config.slot;
        c.load.mem = isa::Mem::kParam;
        c.load.ext_offset = l.param_offset;
        c.load.ext_stride = 4 * n;
        c.load.chip_addr = static_cast<uint32_t>(config.param_base +
                                                 (param_chunks.size() % 2) * config.param_half);
        c.load.rows = static_cast<uint32_t>(l.param_rows);
        c.load.row_bytes = 4 * n;
        if (l.param_rows == 0 || l.param_rows > config.param_half)
          return Internal("streamed layer {}: {} PARAM rows for a {}-row half", s, l.param_rows,
                          config.param_half);
        param_chunks.push_back(c);
        stats.param_bytes += l.param_rows * 4 * n;
      }
      param_chunks.back().last_use = i;
      param_delta = param_chunks.back().load.chip_addr;
    }
    if (auto rows = WbRowsRead(op.insn, n)) {
      if (rows->second - rows->first > config.wb_half)
        return Internal("streamed layer {}: one instruction reads {} WB rows, the half has {}", s,
                        rows->second - rows->first, config.wb_half);
      if (wb_layer != op.layer || rows->first < wb_lo || rows->second > wb_hi ||
          wb_chunks.empty()) {
        wb_layer = op.layer;
        wb_lo = rows->first;
        wb_hi = std::min(l.wb_rows, wb_lo + config.wb_half);
        Chunk c;
        c.first_use = i;
        c.load.slot = config.slot;
        c.load.mem = isa::Mem::kWb;
        c.load.ext_offset = l.wb_offset + wb_lo * n;
        c.load.ext_stride = n;
        c.load.chip_addr =
            static_cast<uint32_t>(config.wb_base + (wb_chunks.size() % 2) * config.wb_half);
        c.load.rows = static_cast<uint32_t>(wb_hi - wb_lo);
        c.load.row_bytes = n;
        wb_chunks.push_back(c);
        stats.wb_bytes += (wb_hi - wb_lo) * n;
      }
      wb_chunks.back().last_use = i;
      wb_delta =
          static_cast<int64_t>(wb_chunks.back().load.chip_addr) - static_cast<int64_t>(wb_lo);
    }
    RelocateConstants(op.insn, wb_delta, param_delta);
    op.layer = -1;
  }
  // Each load goes right after the last use of the chunk that held its half before (or at the
  // front); the chunk's first use waits for it.
  std::vector<std::pair<std::optional<size_t>, StreamOp>> loads;
  std::vector<std::pair<size_t, size_t>> first_uses;  // (first use, index into loads)
  for (const std::vector<Chunk>* chunks : {&wb_chunks, &param_chunks}) {
    for (size_t k = 0; k < chunks->size(); ++k) {
      const Chunk& c = (*chunks)[k];
      StreamOp op{c.load, {}, -1};
      std::optional<size_t> pos;
      if (k >= 2) {
        pos = (*chunks)[k - 2].last_use;
        op.after.push_back(*pos);
        if (*pos >= c.first_use)
          return Internal("weight stream: chunk {} is used before its half is free", k);
      }
      first_uses.push_back({c.first_use, loads.size()});
      loads.push_back({pos, std::move(op)});
    }
  }
  stats.loads = loads.size();
  const RunStream::Inserted ins = stream.Insert(std::move(loads));
  for (const auto& [use, k] : first_uses)
    stream.op(ins.renumber[use]).after.push_back(ins.extra[k]);
  return stats;
}

namespace {

struct RowRange {
  uint64_t first = 0, count = 0;
  bool Overlaps(uint64_t f, uint64_t c) const { return first < f + c && f < first + count; }
};

// The UB rows an instruction touches (reads or writes; `writes_only`: only the written ones).
std::vector<RowRange> UbRows(const isa::Insn& insn, const ChipGeometry& g, bool writes_only) {
  std::vector<RowRange> out;
  for (const isa::ChipExtent& e : isa::ExtentsOf(insn, g).chip)
    if (e.mem == isa::Mem::kUb && e.count > 0 && (e.write || !writes_only))
      out.push_back({e.first, e.count});
  return out;
}

bool TouchesRows(const std::vector<RowRange>& rows, const RowRange& r) {
  return std::any_of(rows.begin(), rows.end(),
                     [&](const RowRange& x) { return x.Overlaps(r.first, r.count); });
}

// A UB DMA worth splitting: the chunk ranges (relative rows), or nothing.
template <typename Dma>
std::vector<RowRange> ChunksOf(const Dma& d, const TransferSplitConfig& config) {
  std::vector<RowRange> out;
  if (d.mem != isa::Mem::kUb || config.max_chunks < 2) return out;
  const uint64_t chunk = std::max<uint64_t>(config.min_chunk_rows,
                                            (d.rows + config.max_chunks - 1) / config.max_chunks);
  if (d.rows <= 2 * chunk) return out;
  for (uint64_t r = 0; r < d.rows; r += chunk)
    out.push_back({r, std::min<uint64_t>(chunk, d.rows - r)});
  return out;
}

template <typename Dma>
Dma ChunkOf(const Dma& d, const RowRange& r) {
  Dma c = d;
  c.deps = {};
  c.chip_addr = static_cast<uint32_t>(d.chip_addr + r.first);
  c.ext_offset = d.ext_offset + r.first * d.ext_stride;
  c.rows = static_cast<uint32_t>(r.count);
  return c;
}

// One split transfer: where its chunks are (chunk 0 or the last one stays at the original
// position; the rest are inserted) and their absolute UB rows.
struct Split {
  size_t pos = 0;
  bool load = true;
  size_t in_place = 0;         // the chunk that replaces the original op
  std::vector<size_t> extra;   // chunk k (k != in_place) -> index into the extras
  std::vector<RowRange> rows;  // absolute UB rows of chunk k
};

}  // namespace

Result<TransferSplitStats> SplitTransfers(RunStream& stream, const ChipGeometry& g,
                                          const TransferSplitConfig& requested) {
  TransferSplitStats stats;
  // A transfer's chunks may all be fetched before their first consumer: at most half the token
  // capacity of them, so AssignTokens never has to make a producer wait for a later consumer.
  TransferSplitConfig config = requested;
  config.max_chunks = std::min<uint64_t>(config.max_chunks, g.token_capacity / 2);
  const size_t count = stream.size();
  std::vector<Split> splits;
  std::vector<std::pair<std::optional<size_t>, StreamOp>> extras;
  std::vector<int64_t> split_of(count, -1);  // original position -> index into splits

  for (size_t p = 0; p < count; ++p) {
    StreamOp& op = stream.op(p);
    if (const auto* ld = std::get_if<isa::DmaLoad>(&op.insn)) {
      std::vector<RowRange> chunks = ChunksOf(*ld, config);
      if (chunks.empty()) continue;
      const isa::DmaLoad whole = *ld;
      Split sp{.pos = p, .load = true, .in_place = 0, .extra = {}, .rows = {}};
      for (size_t k = 0; k < chunks.size(); ++k) {
        sp.rows.push_back({whole.chip_addr + chunks[k].first, chunks[k].count});
        isa::DmaLoad c = ChunkOf(whole, chunks[k]);
        if (k == 0) {
          op.insn = c;  // keeps the load's dependencies (its WAR waits)
          sp.extra.push_back(0);
          continue;
        }
        sp.extra.push_back(extras.size());
        extras.push_back({p, StreamOp{c, op.after, op.layer}});
      }
      split_of[p] = static_cast<int64_t>(splits.size());
      splits.push_back(std::move(sp));
      ++stats.loads_split;
      stats.chunks += chunks.size();
    } else if (const auto* st = std::get_if<isa::DmaStore>(&op.insn)) {
      std::vector<RowRange> chunks = ChunksOf(*st, config);
      if (chunks.empty() || op.after.empty()) continue;
      const bool ex_deps = std::all_of(op.after.begin(), op.after.end(), [&](size_t a) {
        return isa::QueueOf(stream.op(a).insn) == isa::Queue::kEx;
      });
      if (!ex_deps) continue;
      const isa::DmaStore whole = *st;
      const std::vector<size_t> deps = op.after;
      Split sp{.pos = p, .load = false, .in_place = chunks.size() - 1, .extra = {}, .rows = {}};
      for (size_t k = 0; k < chunks.size(); ++k) {
        const RowRange rows{whole.chip_addr + chunks[k].first, chunks[k].count};
        sp.rows.push_back(rows);
        // The last instruction before the store that writes these rows.
        std::optional<size_t> writer;
        for (size_t w = p; w-- > 0;) {
          if (TouchesRows(UbRows(stream.op(w).insn, g, true), rows)) {
            writer = w;
            break;
          }
        }
        const bool move = writer && isa::QueueOf(stream.op(*writer).insn) == isa::Queue::kEx;
        StreamOp c{ChunkOf(whole, chunks[k]), move ? std::vector<size_t>{*writer} : deps, -1};
        if (k == sp.in_place) {
          op = std::move(c);
          sp.extra.push_back(0);
          continue;
        }
        sp.extra.push_back(extras.size());
        extras.push_back({move ? *writer : p - 1, std::move(c)});
      }
      split_of[p] = static_cast<int64_t>(splits.size());
      splits.push_back(std::move(sp));
      ++stats.stores_split;
      stats.chunks += chunks.size();
    }
  }
  if (splits.empty()) return stats;

  // The UB rows each original EX op touches (for the loads' consumers).
  std::vector<std::vector<RowRange>> touched(count);
  for (size_t i = 0; i < count; ++i)
    if (isa::QueueOf(stream.op(i).insn) == isa::Queue::kEx)
      touched[i] = UbRows(stream.op(i).insn, g, false);

  // Consumers of a split transfer, before the positions change. A load's dependants rely on EX
  // running in order (only the first EX instruction after the loads names them) and on LD running
  // in order (an EX op names only the last of the loads it needs: waiting for it covered every
  // earlier one). So an EX op that waited for a split load stands for all the split loads before
  // it in the LD queue back to the nearest whole LD op (or barrier), which it keeps waiting for
  // instead; every EX instruction from the first such dependant on waits for the chunks whose
  // rows it touches. Anything else that waited for a transfer waits for every chunk.
  struct Wait {
    size_t op;  // original position of the consumer
    size_t split;
    std::vector<size_t> chunks;
  };
  std::vector<Wait> waits;
  std::vector<std::pair<size_t, size_t>> keeps;   // (consumer, whole LD op), original positions
  std::vector<std::pair<size_t, size_t>> direct;  // (EX consumer, split load) it named
  std::vector<size_t> first_ex(splits.size(), count);
  for (size_t i = 0; i < count; ++i) {
    const bool ex = isa::QueueOf(stream.op(i).insn) == isa::Queue::kEx;
    for (size_t a : stream.op(i).after) {
      if (a >= count || split_of[a] < 0) continue;
      const auto si = static_cast<size_t>(split_of[a]);
      const Split& sp = splits[si];
      if (sp.load && ex) {
        direct.push_back({i, si});
        for (size_t j = a + 1; j-- > 0;) {
          const isa::Queue q = isa::QueueOf(stream.op(j).insn);
          if (q == isa::Queue::kBarrier) break;
          if (q != isa::Queue::kLd) continue;
          if (split_of[j] < 0) {
            keeps.push_back({i, j});
            break;
          }
          size_t& f = first_ex[static_cast<size_t>(split_of[j])];
          f = std::min(f, i);
        }
        continue;
      }
      Wait w{i, si, {}};
      for (size_t k = 0; k < sp.rows.size(); ++k) w.chunks.push_back(k);
      waits.push_back(std::move(w));
    }
  }
  // Once an EX op waits for a chunk, every later EX op is ordered after it too (EX runs in
  // order), and a barrier orders everything: the scan of a split stops when all its chunks are
  // waited for or at the next barrier (bounded work and memory on programs of 100k ops).
  for (size_t si = 0; si < splits.size(); ++si) {
    std::vector<bool> covered(splits[si].rows.size(), false);
    size_t left = covered.size();
    for (size_t i = first_ex[si]; i < count && left > 0; ++i) {
      const isa::Queue q = isa::QueueOf(stream.op(i).insn);
      if (q == isa::Queue::kBarrier) break;
      if (q != isa::Queue::kEx) continue;
      Wait w{i, si, {}};
      for (size_t k = 0; k < splits[si].rows.size(); ++k) {
        if (covered[k] || !TouchesRows(touched[i], splits[si].rows[k])) continue;
        w.chunks.push_back(k);
        covered[k] = true;
        --left;
      }
      if (!w.chunks.empty()) waits.push_back(std::move(w));
    }
  }

  RunStream::Inserted ins = stream.Insert(std::move(extras));
  auto chunk_pos = [&](const Split& sp, size_t k) {
    return k == sp.in_place ? ins.renumber[sp.pos] : ins.extra[sp.extra[k]];
  };
  // Drop each consumer's dependency on the original transfer, then add its chunks.
  for (const Wait& w : waits) {
    const Split& sp = splits[w.split];
    std::vector<size_t>& after = stream.op(ins.renumber[w.op]).after;
    std::erase(after, ins.renumber[sp.pos]);
  }
  for (const auto& [op, si] : direct)
    std::erase(stream.op(ins.renumber[op]).after, ins.renumber[splits[si].pos]);
  for (const Wait& w : waits) {
    const Split& sp = splits[w.split];
    std::vector<size_t>& after = stream.op(ins.renumber[w.op]).after;
    for (size_t k : w.chunks) after.push_back(chunk_pos(sp, k));
  }
  for (const auto& [op, whole] : keeps) {
    std::vector<size_t>& after = stream.op(ins.renumber[op]).after;
    if (std::find(after.begin(), after.end(), ins.renumber[whole]) == after.end())
      after.push_back(ins.renumber[whole]);
  }
  // Every dependency must still point backwards in fetch order.
  for (size_t i = 0; i < stream.size(); ++i)
    for (size_t a : stream.op(i).after)
      if (a >= i)
        return Internal("SplitTransfers: instruction {} depends on the later instruction {}", i, a);
  return stats;
}

}  // namespace aorta::codegen
