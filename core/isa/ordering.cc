#include "core/isa/ordering.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <deque>
#include <map>
#include <vector>

#include "core/isa/extents.h"
#include "core/isa/tokens.h"

namespace aorta::isa {
namespace {

constexpr int kQueues = kNumQueues;  // LD, EX, ST
constexpr int64_t kNone = -1;

// Per queue: the index (within the current epoch, in that queue's order) of the latest
// instruction of that queue known to have taken effect before; kNone: none.
using Clock = std::array<int64_t, kQueues>;

Clock Join(const Clock& a, const Clock& b) {
  Clock c;
  for (int q = 0; q < kQueues; ++q) c[q] = std::max(a[q], b[q]);
  return c;
}

// Who last wrote a location and the latest reads since, per queue, in the epoch they happened.
struct Access {
  uint64_t epoch = 0;  // 0: never (epochs count from 1)
  int8_t writer_q = -1;
  int64_t writer_i = kNone;
  size_t writer_pos = 0;
  std::array<int64_t, kQueues> read_i{kNone, kNone, kNone};
  std::array<size_t, kQueues> read_pos{};
};

struct Acting {
  int q;
  int64_t i;  // index in the queue's epoch order
  size_t pos;
  const Clock* clock;
};

// A conflicting earlier access: its position and whether it wrote.
struct Hit {
  size_t pos;
  bool wrote;
};

// Checks one location against the access, then records it; a race is returned, not recorded.
std::optional<Hit> Touch(Access& a, uint64_t epoch, const Acting& x, bool write) {
  if (a.epoch != epoch) {
    a = Access{};
    a.epoch = epoch;
  }
  const Clock& c = *x.clock;
  if (a.writer_q >= 0 && a.writer_q != x.q && c[a.writer_q] < a.writer_i)
    return Hit{a.writer_pos, true};
  if (write) {
    for (int r = 0; r < kQueues; ++r)
      if (r != x.q && a.read_i[r] != kNone && c[r] < a.read_i[r]) return Hit{a.read_pos[r], false};
    a.writer_q = static_cast<int8_t>(x.q);
    a.writer_i = x.i;
    a.writer_pos = x.pos;
    a.read_i = {kNone, kNone, kNone};
  } else if (x.i > a.read_i[x.q]) {
    a.read_i[x.q] = x.i;
    a.read_pos[x.q] = x.pos;
  }
  return std::nullopt;
}

// External bytes of a slot as disjoint intervals, each with its access record.
class ByteMap {
 public:
  // Visits the sub-intervals of [first, end), creating records for the gaps.
  template <typename F>
  std::optional<std::pair<uint64_t, Hit>> Each(uint64_t first, uint64_t end, F&& f) {
    Split(first);
    Split(end);
    uint64_t at = first;
    auto it = map_.lower_bound(first);
    while (at < end) {
      if (it == map_.end() || it->first > at) {
        const uint64_t stop = it == map_.end() ? end : std::min(end, it->first);
        it = map_.emplace_hint(it, at, Span{stop, {}});
      }
      if (auto r = f(it->second.access)) return std::pair{at, *r};
      at = it->second.end;
      ++it;
    }
    return std::nullopt;
  }
  void Clear() { map_.clear(); }

 private:
  struct Span {
    uint64_t end;
    Access access;
  };
  // Makes `at` a boundary of the interval holding it.
  void Split(uint64_t at) {
    auto it = map_.upper_bound(at);
    if (it == map_.begin()) return;
    --it;
    if (it->first < at && at < it->second.end) {
      Span tail{it->second.end, it->second.access};
      it->second.end = at;
      map_.emplace(at, tail);
    }
  }
  std::map<uint64_t, Span> map_;
};

// The external byte ranges a DMA touches, row by row (merged when the rows are contiguous).
template <typename Dma>
std::vector<std::pair<uint64_t, uint64_t>> DmaBytes(const Dma& d) {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  if (d.rows == 0 || d.row_bytes == 0) return out;
  if (d.ext_stride == d.row_bytes || d.rows == 1) {
    out.push_back({d.ext_offset, d.ext_offset + uint64_t{d.rows - 1} * d.ext_stride + d.row_bytes});
    return out;
  }
  for (uint64_t r = 0; r < d.rows; ++r) {
    const uint64_t f = d.ext_offset + r * d.ext_stride;
    out.push_back({f, f + d.row_bytes});
  }
  return out;
}

// The race between the access at `pos` (writing or not) and an earlier-checked one, in fetch
// order.
Race MakeRace(const Hit& hit, size_t pos, bool write, std::string where) {
  Race r;
  r.first = std::min(hit.pos, pos);
  r.second = std::max(hit.pos, pos);
  const bool first_writes = hit.pos < pos ? hit.wrote : write;
  const bool second_writes = hit.pos < pos ? write : hit.wrote;
  r.kind = first_writes && second_writes ? "both write"
           : first_writes                ? "the second reads what the first writes"
                                         : "the second overwrites what the first reads";
  r.where = std::move(where);
  return r;
}

}  // namespace

Result<std::optional<Race>> FindRace(std::span<const Insn> stream, const ChipGeometry& g) {
  // On-chip rows: one record per row of each memory, up to the last row the stream touches
  // (grown on demand: a short program does not pay for the whole memory).
  std::array<std::vector<Access>, 5> rows;
  std::map<uint32_t, ByteMap> ext;

  uint64_t epoch = 1;
  // The instructions of the current epoch waiting in each queue (stream positions), in order.
  std::array<std::deque<size_t>, kQueues> pending;
  std::array<int64_t, kQueues> next_index{};  // per queue: the next instruction's epoch index
  std::array<Clock, kQueues> last{};          // clock of each queue's latest instruction
  // Pushed tokens not yet popped, per direction: the producer's clock (a push from an earlier
  // epoch carries no clock: the barrier ordered it already).
  std::array<std::deque<Clock>, kTokenCounters> tokens;
  const Clock empty{kNone, kNone, kNone};
  for (Clock& c : last) c = empty;

  std::optional<Race> race;
  auto run = [&](size_t pos, int q) -> bool {  // false: waits for a token
    const Insn& insn = stream[pos];
    const TokenUse use = TokenUseOf(q, DepsOf(insn));
    for (int dir : {use.pop_prev, use.pop_next})
      if (dir != kNoCounter && tokens[static_cast<size_t>(dir)].empty()) return false;
    Clock c = last[q];
    for (int dir : {use.pop_prev, use.pop_next}) {
      if (dir == kNoCounter) continue;
      c = Join(c, tokens[static_cast<size_t>(dir)].front());
      tokens[static_cast<size_t>(dir)].pop_front();
    }
    const int64_t index = next_index[q]++;
    c[q] = index;
    last[q] = c;
    const Acting who{q, index, pos, &last[q]};
    const Extents e = ExtentsOf(insn, g);
    for (const ChipExtent& x : e.chip) {
      std::vector<Access>& mem = rows[static_cast<size_t>(x.mem)];
      const uint64_t rows_of_mem = g.Rows(static_cast<unsigned>(x.mem));
      const uint64_t end = std::min<uint64_t>(x.first + x.count, rows_of_mem);
      if (mem.size() < end)
        mem.resize(std::min<uint64_t>(std::max<uint64_t>(end, 2 * mem.size()), rows_of_mem));
      for (uint64_t r = x.first; r < end && !race; ++r) {
        if (auto hit = Touch(mem[r], epoch, who, x.write))
          race = MakeRace(*hit, pos, x.write, fmt::format("{} row {}", MemName(x.mem), r));
      }
    }
    if (e.ext && !race) {
      std::vector<std::pair<uint64_t, uint64_t>> bytes;
      if (const auto* l = std::get_if<DmaLoad>(&insn))
        bytes = DmaBytes(*l);
      else if (const auto* s = std::get_if<DmaStore>(&insn))
        bytes = DmaBytes(*s);
      else
        bytes.push_back({e.ext->first, e.ext->end});
      ByteMap& map = ext[e.ext->slot];
      for (const auto& [f, t] : bytes) {
        if (race) break;
        auto hit = map.Each(f, t, [&](Access& a) { return Touch(a, epoch, who, e.ext->write); });
        if (hit)
          race = MakeRace(hit->second, pos, e.ext->write,
                          fmt::format("slot {} byte {}", e.ext->slot, hit->first));
      }
    }
    for (int dir : {use.push_prev, use.push_next})
      if (dir != kNoCounter) tokens[static_cast<size_t>(dir)].push_back(c);
    return true;
  };
  // Runs every pending instruction whose tokens are there; false if some remain blocked.
  auto drain = [&]() -> Result<bool> {
    bool progress = true;
    while (progress && !race) {
      progress = false;
      for (int q = 0; q < kQueues && !race; ++q) {
        while (!pending[q].empty() && !race && run(pending[q].front(), q)) {
          pending[q].pop_front();
          progress = true;
        }
      }
    }
    for (int q = 0; q < kQueues; ++q)
      if (!pending[q].empty()) return false;
    return true;
  };
  auto blocked = [&]() {
    size_t oldest = stream.size();
    for (int q = 0; q < kQueues; ++q)
      if (!pending[q].empty()) oldest = std::min(oldest, pending[q].front());
    return FailedPrecondition(
        "instruction {} ({}) waits for a token that no instruction before the next barrier pushes",
        oldest, Disassemble(stream[oldest]));
  };

  for (size_t pos = 0; pos < stream.size() && !race; ++pos) {
    const Queue queue = QueueOf(stream[pos]);
    if (queue != Queue::kBarrier) {
      pending[static_cast<int>(queue)].push_back(pos);
      continue;
    }
    // A barrier: everything before it takes effect first, then a new epoch starts.
    AORTA_ASSIGN_OR_RETURN(const bool done, drain());
    if (race) break;
    if (!done) return blocked();
    ++epoch;
    next_index = {};
    for (Clock& c : last) c = empty;
    for (auto& dir : tokens)
      for (Clock& c : dir) c = empty;
    for (auto& [slot, map] : ext) map.Clear();
  }
  if (!race) {
    AORTA_ASSIGN_OR_RETURN(const bool done, drain());
    if (!done && !race) return blocked();
  }
  return race;
}

Status CheckOrdering(std::span<const Insn> stream, const ChipGeometry& g, const std::string& what) {
  Result<std::optional<Race>> r = FindRace(stream, g);
  if (!r.ok()) return r.status().WithContext(what);
  if (!*r) return Status::Ok();
  const Race& x = **r;
  return FailedPrecondition(
      "{}: instructions {} ({}) and {} ({}) race on {} ({}): no queue order, token or barrier "
      "orders them",
      what, x.first, Disassemble(stream[x.first]), x.second, Disassemble(stream[x.second]), x.where,
      x.kind);
}

}  // namespace aorta::isa
