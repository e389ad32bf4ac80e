#include "tlm/timeline.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "driver/runtime/session.h"
#include "driver/runtime/tlm_backend.h"
#include "models/demo/demo_program.h"

namespace aorta::tlm {
namespace {

using nlohmann::json;

// The demo CNN on a chip, through Session on the tlm backend with a Timeline attached; returns
// the parsed trace and the run's counters (per chip: one chip here).
struct Traced {
  json trace;
  runtime::RunReport report;
  Program program;
  std::array<uint64_t, 3> busy{};
};

Traced TraceDemo(const std::string& chip_name) {
  Traced t;
  ChipConfig chip = *LoadChipConfig(chip_name);
  Result<demo::DemoModel> m = demo::BuildDemoModel(chip, 1);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  if (!m.ok()) return t;
  t.program = m->program;
  Timeline timeline({chip});
  timeline.SetLayers(m->program);
  BoardOptions options;
  options.observer = &timeline;
  auto backend = runtime::MakeTlmBackend({chip}, {}, options);
  EXPECT_TRUE(backend.ok());
  auto session = runtime::Session::Load(m->program, **backend);
  EXPECT_TRUE(session.ok()) << session.status().ToString();
  runtime::TensorMap in{{m->program.inputs(0).name(), m->input}};
  auto out = (*session)->Run(in, &t.report);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  t.busy = timeline.BusySinceClear(0);
  t.trace = json::parse(timeline.ToJson());
  return t;
}

uint64_t Counter(const runtime::RunReport& r, regs::Counter c) {
  return r.counters[static_cast<size_t>(c)];
}

class TimelineTest : public ::testing::TestWithParam<const char*> {};

TEST_P(TimelineTest, EventsAreOrderedDisjointAndAddUpToTheBusyCounters) {
  Traced t = TraceDemo(GetParam());
  ASSERT_TRUE(t.trace.contains("traceEvents"));
  const json& events = t.trace["traceEvents"];
  // Track names from the metadata.
  std::map<int, std::string> track;
  for (const json& e : events)
    if (e["ph"] == "M" && e["name"] == "thread_name")
      track[e["tid"].get<int>()] = e["args"]["name"].get<std::string>();
  for (const char* name :
       {"DMA load", "DMA store", "matrix", "vector", "link rx", "link tx", "layers"}) {
    bool found = false;
    for (const auto& [tid, n] : track) found = found || n == name;
    EXPECT_TRUE(found) << name;
  }
  // The last counter clear: the run's counters count from there.
  double clear_ts = -1;
  for (const json& e : events)
    if (e["ph"] == "i" && e["name"] == "counters cleared")
      clear_ts = std::max(clear_ts, e["ts"].get<double>());
  ASSERT_GE(clear_ts, 0) << "Session clears the counters before a run";

  std::map<int, double> last_end;  // per track
  std::map<std::string, uint64_t> cycles;
  std::set<std::string> layer_names;
  for (const auto& l : t.program.layers()) layer_names.insert(l.name());
  size_t matmuls = 0, layers = 0;
  for (const json& e : events) {
    if (e["ph"] != "X") continue;
    const int tid = e["tid"].get<int>();
    const std::string& tr = track.at(tid);
    const double ts = e["ts"].get<double>(), dur = e["dur"].get<double>();
    EXPECT_GT(dur, 0) << e.dump();
    if (tr != "runs") {
      // Ordered and disjoint per track (1 ps of rounding slack in microseconds).
      if (last_end.count(tid)) {
        EXPECT_GE(ts, last_end[tid] - 1e-6) << tr << ": " << e.dump();
      }
      last_end[tid] = ts + dur;
    }
    const std::string name = e["name"].get<std::string>();
    if (tr == "layers") {
      ++layers;
      EXPECT_TRUE(layer_names.count(name)) << name;
    }
    if (name.rfind("MATMUL ", 0) == 0) {
      ++matmuls;
      EXPECT_EQ(tr, "matrix");
    }
    if (tr != "layers" && tr != "runs" && ts >= clear_ts)
      cycles[tr] += e["args"]["cycles"].get<uint64_t>();
  }
  EXPECT_GT(matmuls, 0u);
  EXPECT_EQ(layers, static_cast<size_t>(t.program.layers_size()));  // one span per PERF
  EXPECT_GT(Counter(t.report, regs::Counter::kExBusy), 0u);
  EXPECT_EQ(cycles["DMA load"] + cycles["link rx"], Counter(t.report, regs::Counter::kLdBusy));
  EXPECT_EQ(cycles["matrix"] + cycles["vector"], Counter(t.report, regs::Counter::kExBusy));
  EXPECT_EQ(cycles["DMA store"] + cycles["link tx"], Counter(t.report, regs::Counter::kStBusy));
  EXPECT_EQ(t.busy[0], Counter(t.report, regs::Counter::kLdBusy));
  EXPECT_EQ(t.busy[1], Counter(t.report, regs::Counter::kExBusy));
  EXPECT_EQ(t.busy[2], Counter(t.report, regs::Counter::kStBusy));
}

INSTANTIATE_TEST_SUITE_P(Chips, TimelineTest, ::testing::Values("tiny", "sim16"));

TEST(Timeline, InstructionsAreNamedAfterTheirLayer) {
  ChipConfig chip = *LoadChipConfig("tiny");
  Timeline t({chip});
  Program p;
  auto* l = p.add_layers();
  l->set_name("conv1");
  l->set_perf_tag(0);
  l = p.add_layers();
  l->set_name("pool");
  l->set_perf_tag(1);
  t.SetLayers(p);
  const uint64_t ns = 1000;  // ps
  auto perf = [](uint32_t tag) {
    isa::Perf insn;
    insn.tag = tag;
    return insn;
  };
  t.OnRunStart(0, 0);
  t.OnInstruction(0, isa::Queue::kEx, isa::Matmul{}, 1, 5 * ns, 40 * ns);
  t.OnInstruction(0, isa::Queue::kEx, isa::Matmul{}, 2, 20 * ns, 60 * ns);  // pipelined
  t.OnBarrier(0, perf(0), 3, 70 * ns);
  t.OnInstruction(0, isa::Queue::kEx, isa::Pool{}, 4, 80 * ns, 100 * ns);
  t.OnBarrier(0, perf(1), 5, 110 * ns);
  t.OnRunEnd(0, 120 * ns, false);
  std::vector<Timeline::Event> ev = t.Events();
  ASSERT_EQ(ev.size(), 6u);
  EXPECT_EQ(ev[0].name, "MATMUL conv1");
  EXPECT_EQ(ev[0].cycles, 7u);  // 35 ns at 200 MHz
  // The second pass starts where the first ends (the queue's busy union).
  EXPECT_EQ(ev[1].begin_ps, 40 * ns);
  EXPECT_EQ(ev[1].cycles, 4u);
  EXPECT_EQ(ev[2].track, Track::kLayers);
  EXPECT_EQ(ev[2].name, "conv1");
  EXPECT_EQ(ev[2].begin_ps, 0u);
  EXPECT_EQ(ev[3].name, "POOL pool");
  EXPECT_EQ(ev[3].track, Track::kVector);
  EXPECT_EQ(ev[4].name, "pool");
  EXPECT_EQ(ev[4].begin_ps, 70 * ns);
  EXPECT_EQ(ev[5].track, Track::kRuns);
  EXPECT_EQ(t.BusySinceClear(0)[1], 7u + 4u + 4u);
  t.OnCountersCleared(0, 130 * ns);
  EXPECT_EQ(t.BusySinceClear(0)[1], 0u);
  EXPECT_FALSE(t.Write("/nonexistent/dir/t.json").ok());
}

}  // namespace
}  // namespace aorta::tlm
