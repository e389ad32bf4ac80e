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

// Who last wrote a location and the latest reads since, per queue (in the current epoch: the
// records are dropped at a barrier).
struct Access {
  int8_t writer_q = -1;
  int64_t writer_i = kNone;
  size_t writer_pos = 0;
  std::array<int64_t, kQueues> read_i{kNone, kNone, kNone};
  std::array<size_t, kQueues> read_pos{};
  bool operator==(const Access& o) const {  // field by field (std::array == calls memcmp)
    return writer_i == o.writer_i && writer_q == o.writer_q && writer_pos == o.writer_pos &&
           read_i[0] == o.read_i[0] && read_i[1] == o.read_i[1] && read_i[2] == o.read_i[2] &&
           read_pos[0] == o.read_pos[0] && read_pos[1] == o.read_pos[1] &&
           read_pos[2] == o.read_pos[2];
  }
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

// Checks the locations of one access record against `x`, then records it; a race is returned,
// not recorded.
std::optional<Hit> Touch(Access& a, const Acting& x, bool write) {
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
    a.read_pos = {};
  } else if (x.i > a.read_i[x.q]) {
    a.read_i[x.q] = x.i;
    a.read_pos[x.q] = x.pos;
  }
  return std::nullopt;
}

// The locations of one space (the rows of an on-chip memory, the external bytes of a slot) as
// disjoint intervals [start, end), each with the record all its locations share; a location in no
// interval has not been touched in this epoch. An access splits the intervals it starts or ends
// inside and merges the neighbours its records make equal, so it costs the intervals it overlaps
// (the distinct histories of its locations), not its rows or bytes.
class IntervalMap {
  struct Span {
    uint64_t end;
    Access access;
  };
  using Map = std::map<uint64_t, Span>;

 public:
  // Where an access in increasing address order continues (the last interval the previous one
  // touched): the next finds its first interval by stepping from there instead of a search.
  using Cursor = std::optional<Map::iterator>;

  // Applies `f` to the records of [first, end) in address order (creating records for the
  // untouched gaps); stops at the first hit and returns it with the first location it covers.
  // `cursor`, if given, is where the previous access of an increasing series ended; it is updated.
  template <typename F>
  std::optional<std::pair<uint64_t, Hit>> Each(uint64_t first, uint64_t end, F&& f,
                                               Cursor* cursor = nullptr) {
    if (first >= end) return std::nullopt;
    auto it = cursor && *cursor ? Seek(**cursor, first) : FirstEndingAfter(first);
    if (it != map_.end() && it->first < first) it = SplitAt(it, first);
    auto prev = it == map_.begin() ? map_.end() : std::prev(it);
    uint64_t at = first;
    while (at < end) {
      if (it == map_.end() || it->first > at) {
        const uint64_t stop = it == map_.end() ? end : std::min(end, it->first);
        it = map_.emplace_hint(it, at, Span{stop, {}});
      } else if (it->second.end > end) {
        SplitAt(it, end);
      }
      if (auto r = f(it->second.access)) return std::pair{at, *r};
      if (MergeInto(prev, it)) {
        it = map_.erase(it);
      } else {
        prev = it++;
      }
      at = prev->second.end;
    }
    if (MergeInto(prev, it)) map_.erase(it);
    if (cursor) *cursor = prev;
    return std::nullopt;
  }
  void Clear() { map_.clear(); }

 private:
  // The first interval that ends after `at` (map end if none).
  Map::iterator FirstEndingAfter(uint64_t at) {
    auto it = map_.upper_bound(at);
    if (it != map_.begin() && std::prev(it)->second.end > at) --it;
    return it;
  }
  // The same from `from`, no interval before which ends after `at`: a few steps, else a search.
  Map::iterator Seek(Map::iterator from, uint64_t at) {
    for (int step = 0; step < 8; ++step, ++from)
      if (from == map_.end() || from->second.end > at) return from;
    return FirstEndingAfter(at);
  }
  // Splits the interval `it` at `at` (inside it); returns the second part.
  Map::iterator SplitAt(Map::iterator it, uint64_t at) {
    Span tail{it->second.end, it->second.access};
    it->second.end = at;
    return map_.emplace_hint(std::next(it), at, tail);
  }
  // Extends `into` over its neighbour `next` if they touch and have equal records.
  bool MergeInto(Map::iterator into, Map::iterator next) {
    if (into == map_.end() || next == map_.end() || into->second.end != next->first ||
        !(into->second.access == next->second.access))
      return false;
    into->second.end = next->second.end;
    return true;
  }
  Map map_;
};

// The external bytes a DMA touches: `count` rows of `bytes` bytes, `stride` apart.
struct ByteRows {
  uint64_t first = 0, bytes = 0, stride = 0, count = 0;
};
template <typename Dma>
ByteRows DmaBytes(const Dma& d) {
  if (d.rows == 0 || d.row_bytes == 0) return {};
  if (d.ext_stride == d.row_bytes || d.rows == 1)  // contiguous: one range
    return {d.ext_offset, uint64_t{d.rows - 1} * d.ext_stride + d.row_bytes, 0, 1};
  return {d.ext_offset, d.row_bytes, d.ext_stride, d.rows};
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
  // On-chip rows per memory, external bytes per slot.
  std::array<IntervalMap, 5> rows;
  std::map<uint32_t, IntervalMap> ext;

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
      if (race) break;
      const uint64_t end =
          std::min<uint64_t>(x.first + x.count, g.Rows(static_cast<unsigned>(x.mem)));
      auto hit = rows[static_cast<size_t>(x.mem)].Each(
          x.first, end, [&](Access& a) { return Touch(a, who, x.write); });
      if (hit)
        race = MakeRace(hit->second, pos, x.write,
                        fmt::format("{} row {}", MemName(x.mem), hit->first));
    }
    if (e.ext && !race) {
      ByteRows bytes{e.ext->first, e.ext->end - e.ext->first, 0, 1};
      if (const auto* l = std::get_if<DmaLoad>(&insn))
        bytes = DmaBytes(*l);
      else if (const auto* s = std::get_if<DmaStore>(&insn))
        bytes = DmaBytes(*s);
      IntervalMap& map = ext[e.ext->slot];
      // Rows that do not overlap come in increasing order: each continues where the last ended.
      IntervalMap::Cursor cursor;
      const bool increasing = bytes.stride >= bytes.bytes;
      for (uint64_t r = 0; r < bytes.count && !race; ++r) {
        const uint64_t f = bytes.first + r * bytes.stride;
        auto hit = map.Each(
            f, f + bytes.bytes, [&](Access& a) { return Touch(a, who, e.ext->write); },
            increasing ? &cursor : nullptr);
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
    next_index = {};
    for (Clock& c : last) c = empty;
    for (auto& dir : tokens)
      for (Clock& c : dir) c = empty;
    for (IntervalMap& m : rows) m.Clear();
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
