#include "tlm/timeline.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/isa/isa.h"
#include "tlm/timing.h"

namespace aorta::tlm {

const char* TrackName(Track t) {
  switch (t) {
    case Track::kDmaLoad:
      return "DMA load";
    case Track::kDmaStore:
      return "DMA store";
    case Track::kMatrix:
      return "matrix";
    case Track::kVector:
      return "vector";
    case Track::kLinkRx:
      return "link rx";
    case Track::kLinkTx:
      return "link tx";
    case Track::kLayers:
      return "layers";
    case Track::kRuns:
      return "runs";
  }
  return "?";
}

Timeline::Timeline(const std::vector<ChipConfig>& chips) : chips_(chips.size()) {
  for (size_t i = 0; i < chips.size(); ++i) {
    // The chip's clock as SystemC holds it: the period rounded to whole picoseconds.
    chips_[i].period_ps =
        std::max<uint64_t>(1, static_cast<uint64_t>(std::llround(TimingOf(chips[i]).period_ps)));
    chips_[i].name =
        fmt::format("chip {} ({}, {}x{}, {} MHz)", i, chips[i].name(), chips[i].array_rows(),
                    chips[i].array_cols(), chips[i].clock_mhz());
  }
}

void Timeline::SetLayers(const Program& program) {
  layers_.clear();
  for (const auto& l : program.layers()) layers_[{l.chip(), l.perf_tag()}] = l.name();
}

uint64_t Timeline::Cycles(const ChipLog& c, uint64_t ps) const {
  return static_cast<uint64_t>(static_cast<double>(ps) / static_cast<double>(c.period_ps) + 0.5);
}

void Timeline::OnInstruction(uint32_t chip, isa::Queue queue, const isa::Insn& insn, uint32_t pc,
                             uint64_t issue_ps, uint64_t done_ps) {
  if (chip >= chips_.size()) return;
  ChipLog& c = chips_[chip];
  const int q = static_cast<int>(queue);
  if (q < 0 || q > 2) return;
  const uint64_t begin = std::max(issue_ps, c.until[q]);
  c.until[q] = std::max(c.until[q], done_ps);
  if (done_ps <= begin) return;  // hidden entirely behind the queue's previous instruction
  Raw r;
  r.queue = q;
  r.opcode = isa::DescOf(isa::OpcodeOf(insn)).name;
  Event& e = r.event;
  e.chip = chip;
  e.pc = pc;
  e.run = c.run;
  e.begin_ps = begin;
  e.end_ps = done_ps;
  e.cycles = Cycles(c, done_ps - begin);
  const bool link =
      std::holds_alternative<isa::Recv>(insn) || std::holds_alternative<isa::Send>(insn);
  if (queue == isa::Queue::kLd) {
    e.track = link ? Track::kLinkRx : Track::kDmaLoad;
  } else if (queue == isa::Queue::kSt) {
    e.track = link ? Track::kLinkTx : Track::kDmaStore;
  } else {
    const bool matrix =
        std::holds_alternative<isa::Matmul>(insn) || std::holds_alternative<isa::Loadw>(insn);
    e.track = matrix ? Track::kMatrix : Track::kVector;
  }
  c.events.push_back(std::move(r));
}

void Timeline::OnBarrier(uint32_t chip, const isa::Insn& insn, uint32_t pc, uint64_t at_ps) {
  if (chip >= chips_.size()) return;
  ChipLog& c = chips_[chip];
  if (const auto* p = std::get_if<isa::Perf>(&insn)) {
    std::vector<Perf>& perfs = c.perfs[c.run];
    const uint64_t from = perfs.empty() ? c.run_start[c.run] : perfs.back().at_ps;
    perfs.push_back({pc, p->tag, at_ps});
    Raw r;
    r.event = {chip, Track::kLayers, "", from, at_ps, Cycles(c, at_ps - from), pc, c.run};
    auto it = layers_.find({chip, p->tag});
    r.event.name = it != layers_.end() ? it->second : fmt::format("PERF {}", p->tag);
    c.events.push_back(std::move(r));
  }
}

void Timeline::OnRunStart(uint32_t chip, uint64_t at_ps) {
  if (chip >= chips_.size()) return;
  ChipLog& c = chips_[chip];
  ++c.run;
  c.run_start[c.run] = at_ps;
}

void Timeline::OnRunEnd(uint32_t chip, uint64_t at_ps, bool error) {
  if (chip >= chips_.size()) return;
  ChipLog& c = chips_[chip];
  Raw r;
  const uint64_t start = c.run_start.count(c.run) ? c.run_start[c.run] : at_ps;
  r.event = {chip,  Track::kRuns, fmt::format("run {}{}", c.run, error ? " (error)" : ""),
             start, at_ps,        Cycles(c, at_ps - start),
             0,     c.run};
  c.events.push_back(std::move(r));
}

void Timeline::OnCountersCleared(uint32_t chip, uint64_t at_ps) {
  if (chip >= chips_.size()) return;
  ChipLog& c = chips_[chip];
  c.clear_index = c.events.size();
  Raw r;
  r.event = {chip, Track::kRuns, "counters cleared", at_ps, at_ps, 0, 0, c.run};
  c.events.push_back(std::move(r));
}

std::string Timeline::LayerName(uint32_t chip, uint32_t run, uint32_t pc) const {
  const ChipLog& c = chips_[chip];
  auto it = c.perfs.find(run);
  if (it == c.perfs.end() || it->second.empty()) return "init";
  // The first PERF after the instruction ends its layer.
  for (const Perf& p : it->second) {
    if (p.pc > pc) {
      auto l = layers_.find({chip, p.tag});
      return l != layers_.end() ? l->second : fmt::format("PERF {}", p.tag);
    }
  }
  return "epilogue";
}

std::vector<Timeline::Event> Timeline::Events() const {
  std::vector<Event> out;
  for (const ChipLog& c : chips_) {
    for (const Raw& r : c.events) {
      Event e = r.event;
      if (r.queue >= 0) e.name = r.opcode + " " + LayerName(e.chip, e.run, e.pc);
      out.push_back(std::move(e));
    }
  }
  return out;
}

std::array<uint64_t, 3> Timeline::BusySinceClear(uint32_t chip) const {
  std::array<uint64_t, 3> sum{};
  if (chip >= chips_.size()) return sum;
  const ChipLog& c = chips_[chip];
  for (size_t i = c.clear_index; i < c.events.size(); ++i)
    if (c.events[i].queue >= 0)
      sum[static_cast<size_t>(c.events[i].queue)] += c.events[i].event.cycles;
  return sum;
}

std::string Timeline::ToJson() const {
  using nlohmann::json;
  json events = json::array();
  for (size_t chip = 0; chip < chips_.size(); ++chip) {
    events.push_back({{"name", "process_name"},
                      {"ph", "M"},
                      {"pid", chip},
                      {"args", {{"name", chips_[chip].name}}}});
    for (int t = 0; t < kNumTracks; ++t) {
      events.push_back({{"name", "thread_name"},
                        {"ph", "M"},
                        {"pid", chip},
                        {"tid", t + 1},
                        {"args", {{"name", TrackName(static_cast<Track>(t))}}}});
      events.push_back({{"name", "thread_sort_index"},
                        {"ph", "M"},
                        {"pid", chip},
                        {"tid", t + 1},
                        {"args", {{"sort_index", t}}}});
    }
  }
  for (const Event& e : Events()) {
    json j = {{"name", e.name},
              {"pid", e.chip},
              {"tid", static_cast<int>(e.track) + 1},
              {"ts", static_cast<double>(e.begin_ps) / 1e6}};
    if (e.end_ps == e.begin_ps && e.track == Track::kRuns) {
      j["ph"] = "i";
      j["s"] = "t";
    } else {
      j["ph"] = "X";
      j["dur"] = static_cast<double>(e.end_ps - e.begin_ps) / 1e6;
    }
    j["args"] = {{"cycles", e.cycles}, {"run", e.run}};
    if (e.track != Track::kRuns) j["args"]["pc"] = e.pc;
    events.push_back(std::move(j));
  }
  json doc = {{"traceEvents", std::move(events)}, {"displayTimeUnit", "ns"}};
  return doc.dump(1);
}

Status Timeline::Write(const std::string& path) const {
  std::ofstream out(path);
  if (!out) return InvalidArgument("cannot write timeline {}", path);
  out << ToJson() << "\n";
  out.close();
  if (!out) return InvalidArgument("cannot write timeline {}", path);
  return Status::Ok();
}

}  // namespace aorta::tlm
