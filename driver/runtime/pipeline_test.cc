// Multi-chip programs: board-link metadata, and requests pipelined through the chips
// (pipeline.h): in-order outputs bit-identical to sequential runs, per-chip utilization, faults.
#include "driver/runtime/pipeline.h"

#include <gtest/gtest.h>

#include "compiler/multichip/multichip_compile.h"
#include "compiler/multichip/test_models.h"
#include "compiler/testing/op_cases.h"
#include "core/isa/isa.h"
#include "driver/runtime/backend.h"
#include "driver/runtime/fault_injection_test_util.h"
#include "driver/runtime/session.h"
#include "driver/runtime/tlm_backend.h"

namespace aorta::runtime {
namespace {

Program DemoOnChips(uint32_t k) {
  const ChipConfig chip = *LoadChipConfig("sim16");
  CompileOptions o;
  o.calib.synthetic_samples = 2;
  multichip::BoardOptions bo;
  bo.chips = k;
  auto c = multichip::CompileGraphForBoard(multichip::testing::DemoCnn(),
                                           multichip::testing::Ring(chip, k), o, bo);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? c->program : Program();
}

// Compiling is the slow part: each chip count once per test binary.
const Program& Demo(uint32_t k) {
  static std::map<uint32_t, Program> cache;
  auto it = cache.find(k);
  if (it == cache.end()) it = cache.emplace(k, DemoOnChips(k)).first;
  return it->second;
}

std::vector<ChipConfig> Chips(const Program& p) {
  std::vector<ChipConfig> chips;
  for (const auto& c : p.chips()) chips.push_back(c.config());
  return chips;
}

std::vector<TensorMap> Requests(size_t count, uint64_t seed = 11) {
  std::vector<TensorMap> out;
  op_cases::Rng rng(seed);
  for (size_t i = 0; i < count; ++i)
    out.push_back({{"input", op_cases::RandomTensor(rng, {1, 16, 16, 16}, -1.0, 1.0)}});
  return out;
}

std::unique_ptr<Backend> Open(const std::string& kind, const Program& p) {
  auto links = BoardLinksOf(p);
  EXPECT_TRUE(links.ok()) << links.status().ToString();
  Result<std::unique_ptr<Backend>> b =
      kind == "tlm" ? MakeTlmBackend(Chips(p), *links) : MakeGoldenBackend(Chips(p), *links);
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  return std::move(b).value();
}

// The outputs of running the requests one by one (Session::Run) on golden chips.
std::vector<TensorMap> Sequential(const Program& p, const std::vector<TensorMap>& requests) {
  auto backend = Open("golden", p);
  auto session = Session::Load(p, *backend);
  EXPECT_TRUE(session.ok()) << session.status().ToString();
  std::vector<TensorMap> out;
  for (const TensorMap& r : requests) {
    auto o = (*session)->Run(r);
    EXPECT_TRUE(o.ok()) << o.status().ToString();
    out.push_back(o.ok() ? *o : TensorMap{});
  }
  return out;
}

void ExpectSame(const TensorMap& got, const TensorMap& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (const auto& [name, w] : want) {
    auto it = got.find(name);
    ASSERT_NE(it, got.end()) << what << ": no output " << name;
    ASSERT_EQ(it->second.shape(), w.shape()) << what << ": " << name;
    EXPECT_EQ(it->second.ToDoubles(), w.ToDoubles()) << what << ": " << name;
  }
}

TEST(BoardLinks, FormatAndParse) {
  auto links = ParseBoardLinks("0.1-1.0,1.1-2.0");
  ASSERT_TRUE(links.ok()) << links.status().ToString();
  ASSERT_EQ(links->size(), 2u);
  EXPECT_EQ((*links)[1].chip_a(), 1u);
  EXPECT_EQ((*links)[1].port_b(), 0u);
  EXPECT_EQ(FormatBoardLinks(*links), "0.1-1.0,1.1-2.0");
  for (const char* bad : {"0.1-1", "0.1_1.0", "a.1-1.0", "0.1-1.0,", "0.1-1.0x"}) {
    auto r = ParseBoardLinks(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find("bad link"), std::string::npos) << r.status().ToString();
    }
  }
}

// A board program on golden chips wired from its own metadata, through one Session.
TEST(BoardLinks, SessionRunsAFourChipProgramWiredFromItsMetadata) {
  const Program& p = Demo(4);
  ASSERT_EQ(p.chips_size(), 4);
  auto links = BoardLinksOf(p);
  ASSERT_TRUE(links.ok()) << links.status().ToString();
  EXPECT_EQ(links->size(), 3u);
  auto backend = MakeGoldenBackend(Chips(p), *links);
  ASSERT_TRUE(backend.ok());
  auto session = Session::Load(p, **backend);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  for (const TensorMap& r : Requests(3)) {
    auto out = (*session)->Run(r);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(out->at("logits").shape(), (Shape{1, 10}));
  }
  // Unwired: the first SEND finds no peer, an error naming the chip (not a hang).
  auto unwired = MakeGoldenBackend(Chips(p));
  ASSERT_TRUE(unwired.ok());
  auto bad = Session::Load(p, **unwired);
  ASSERT_TRUE(bad.ok()) << bad.status().ToString();
  auto fault = (*bad)->Run(Requests(1)[0]);
  ASSERT_FALSE(fault.ok());
  EXPECT_NE(fault.status().message().find("LINK_FAULT"), std::string::npos)
      << fault.status().ToString();
}

struct Case {
  std::string backend;
  uint32_t chips;
  bool streaming = false;
};

PipelineOptions::Handoff HandoffOf(bool streaming) {
  return streaming ? PipelineOptions::Handoff::kStreaming
                   : PipelineOptions::Handoff::kStoreAndForward;
}

class PipelineRuns : public ::testing::TestWithParam<Case> {};

// 8 requests, 3 in flight: outcomes in submission order, each bit-identical to running the
// requests one by one, and to the one-chip program of the same model.
TEST_P(PipelineRuns, InOrderOutputsEqualSequentialOnes) {
  const Program& p = Demo(GetParam().chips);
  ASSERT_EQ(p.chips_size(), static_cast<int>(GetParam().chips));
  const std::vector<TensorMap> requests = Requests(8);
  const std::vector<TensorMap> want = Sequential(p, requests);
  const std::vector<TensorMap> one_chip = Sequential(Demo(1), requests);
  auto backend = Open(GetParam().backend, p);
  auto pipe =
      Pipeline::Load(p, *backend, {.max_in_flight = 3, .handoff = HandoffOf(GetParam().streaming)});
  ASSERT_TRUE(pipe.ok()) << pipe.status().ToString();
  std::vector<Pipeline::Outcome> got = (*pipe)->RunAll(requests);
  ASSERT_EQ(got.size(), requests.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].ticket, i + 1);
    ASSERT_TRUE(got[i].outputs.ok()) << got[i].outputs.status().ToString();
    ExpectSame(*got[i].outputs, want[i], fmt::format("request {}", i));
    ExpectSame(*got[i].outputs, one_chip[i], fmt::format("request {} vs one chip", i));
    // Every chip's layers are in the request's report.
    EXPECT_EQ(got[i].report.layers.size(), static_cast<size_t>(p.layers_size()));
  }
  // Distinct inputs give distinct outputs (the comparison above could not pass by accident).
  EXPECT_NE(got[0].outputs->at("logits").ToDoubles(), got[1].outputs->at("logits").ToDoubles());
  const PipelineReport r = (*pipe)->Report();
  EXPECT_EQ(r.requests, 8u);
  EXPECT_EQ(r.failed, 0u);
  ASSERT_EQ(r.chip.size(), GetParam().chips);
  for (const PipelineChipStats& c : r.chip) {
    EXPECT_EQ(c.runs, 8u) << "chip " << c.chip;
    EXPECT_FALSE(c.layers.empty()) << "chip " << c.chip;
  }
  // The link bytes every chip sent arrive at the next one.
  for (size_t c = 0; c + 1 < r.chip.size(); ++c) {
    EXPECT_GT(r.chip[c].link_tx_bytes, 0u);
    EXPECT_EQ(r.chip[c].link_tx_bytes, r.chip[c + 1].link_rx_bytes) << "chip " << c;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, PipelineRuns,
                         ::testing::Values(Case{"golden", 2}, Case{"golden", 4}, Case{"tlm", 2},
                                           Case{"golden", 4, true}),
                         [](const auto& test) {
                           return fmt::format("{}_{}chips{}", test.param.backend, test.param.chips,
                                              test.param.streaming ? "_streaming" : "");
                         });

// Per-chip utilization on the timed model: each chip's busy cycles are the CYCLES of its runs;
// the requests overlap on the chips (elapsed < the sum of the busy cycles) but no chip is busy
// longer than the elapsed time, and the measured throughput cannot beat the slowest stage.
TEST(Pipeline, PerChipUtilizationSumsRightOnTheTimedModel) {
  const Program& p = Demo(2);
  const std::vector<TensorMap> requests = Requests(8);
  auto run = [&](size_t in_flight, std::vector<Pipeline::Outcome>* outcomes) {
    auto backend = Open("tlm", p);
    auto pipe = Pipeline::Load(p, *backend, {.max_in_flight = in_flight});
    EXPECT_TRUE(pipe.ok()) << pipe.status().ToString();
    *outcomes = (*pipe)->RunAll(requests);
    return (*pipe)->Report();
  };
  std::vector<Pipeline::Outcome> outcomes;
  const PipelineReport r = run(3, &outcomes);
  ASSERT_EQ(r.requests, 8u);
  uint64_t busy = 0, per_request = 0;
  double max_stage = 0;
  for (const PipelineChipStats& c : r.chip) {
    EXPECT_GT(c.busy_cycles, 0u);
    EXPECT_DOUBLE_EQ(c.utilization,
                     static_cast<double>(c.busy_cycles) / static_cast<double>(r.elapsed_cycles));
    EXPECT_GT(c.utilization, 0.0);
    EXPECT_LE(c.utilization, 1.0);
    EXPECT_DOUBLE_EQ(c.stage_cycles, static_cast<double>(c.busy_cycles) / 8);
    busy += c.busy_cycles;
    max_stage = std::max(max_stage, c.stage_cycles);
  }
  for (const Pipeline::Outcome& o : outcomes) {
    ASSERT_TRUE(o.outputs.ok());
    EXPECT_GT(o.report.cycles, 0u);
    per_request += o.report.cycles;
  }
  // The chips' busy cycles, summed two ways: per chip and per request.
  EXPECT_EQ(busy, per_request);
  EXPECT_DOUBLE_EQ(r.latency_cycles, static_cast<double>(per_request) / 8);
  EXPECT_DOUBLE_EQ(r.slowest_stage_cycles, max_stage);
  EXPECT_LT(r.elapsed_cycles, busy) << "the chips did not overlap";
  // (CYCLES and the simulated time round apart by a cycle or so per run.)
  EXPECT_GE(static_cast<double>(r.elapsed_cycles), 8 * max_stage * 0.999);
  EXPECT_LE(r.measured_throughput, r.stage_throughput * 1.001);
  EXPECT_NEAR(r.stage_throughput, r.clock_mhz * 1e6 / max_stage, 1e-6 * r.stage_throughput);
  // One request at a time: no overlap, the elapsed time is the sum of the runs (to a cycle or
  // two: CYCLES and the simulated time round apart).
  const PipelineReport serial = run(1, &outcomes);
  uint64_t serial_busy = 0;
  for (const PipelineChipStats& c : serial.chip) serial_busy += c.busy_cycles;
  EXPECT_NEAR(static_cast<double>(serial.elapsed_cycles), static_cast<double>(serial_busy),
              1e-3 * static_cast<double>(serial_busy));
  EXPECT_LT(static_cast<double>(r.elapsed_cycles), 0.8 * static_cast<double>(serial_busy));
  EXPECT_GT(r.measured_throughput, serial.measured_throughput);
}

using faults::FaultyBackend;  // fault injection (fault_injection_test_util.h)

struct Fault {
  uint32_t chips;
  size_t chip;
  bool stop_answering;  // else: the run cut part-way
  bool streaming = false;
};

class PipelineFaults : public ::testing::TestWithParam<Fault> {};

// The failing request ends with an error naming the chip; the requests before and after it come
// out right (the links were brought back in step), and the pipeline takes new requests.
TEST_P(PipelineFaults, AFailingChipEndsItsRequestWithAnErrorNamingItAndTheNextRequestsWork) {
  const Fault f = GetParam();
  const Program& p = Demo(f.chips);
  const std::vector<TensorMap> requests = Requests(8, 5);
  const std::vector<TensorMap> want = Sequential(p, requests);
  FaultyBackend backend(Open("golden", p), f.chip);
  auto pipe = Pipeline::Load(p, backend,
                             {.max_in_flight = 3,
                              .timeout = std::chrono::milliseconds(100),
                              .handoff = HandoffOf(f.streaming)});
  ASSERT_TRUE(pipe.ok()) << pipe.status().ToString();
  // The third request meets the fault on chip f.chip.
  std::vector<std::future<Pipeline::Outcome>> futures;
  for (size_t i = 0; i < 2; ++i) futures.push_back((*pipe)->Submit(requests[i]));
  (*pipe)->Drain();
  if (f.stop_answering) {
    backend.faulty().drops = 1;
  } else {
    // Cut the run at its last SEND (or its last instruction), well after its first RECVs.
    const std::string& words = p.chips(static_cast<int>(f.chip)).run_segments(0);
    auto insns = isa::DecodeStream(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(words.data()), words.size()));
    ASSERT_TRUE(insns.ok());
    uint32_t cut = static_cast<uint32_t>(insns->size() - 1);
    for (size_t i = 0; i < insns->size(); ++i)
      if (std::holds_alternative<isa::Send>((*insns)[i])) cut = static_cast<uint32_t>(i);
    backend.faulty().cut = cut;
  }
  for (size_t i = 2; i < requests.size(); ++i) futures.push_back((*pipe)->Submit(requests[i]));
  for (size_t i = 0; i < futures.size(); ++i) {
    Pipeline::Outcome o = futures[i].get();
    EXPECT_EQ(o.ticket, i + 1);
    if (i == 2) {
      ASSERT_FALSE(o.outputs.ok()) << "request 3 should have failed";
      const std::string msg = o.outputs.status().ToString();
      EXPECT_NE(msg.find(fmt::format("chip {}", f.chip)), std::string::npos) << msg;
      EXPECT_NE(msg.find(f.stop_answering ? "did not finish" : "FETCH_FAULT"), std::string::npos)
          << msg;
      continue;
    }
    ASSERT_TRUE(o.outputs.ok()) << "request " << i + 1 << ": " << o.outputs.status().ToString();
    ExpectSame(*o.outputs, want[i], fmt::format("request {}", i + 1));
  }
  // Still usable: one more request, right.
  auto again = (*pipe)->Submit(requests[0]).get();
  ASSERT_TRUE(again.outputs.ok()) << again.outputs.status().ToString();
  ExpectSame(*again.outputs, want[0], "the request after");
  const PipelineReport r = (*pipe)->Report();
  EXPECT_EQ(r.requests, 8u);
  EXPECT_EQ(r.failed, 1u);
  EXPECT_EQ(r.chip[f.chip].failures, 1u);
}

INSTANTIATE_TEST_SUITE_P(Chips, PipelineFaults,
                         ::testing::Values(Fault{2, 1, true}, Fault{4, 2, true}, Fault{4, 1, false},
                                           Fault{2, 0, false}, Fault{4, 2, true, true},
                                           Fault{4, 1, false, true}),
                         [](const auto& test) {
                           return fmt::format("chip{}of{}_{}{}", test.param.chip, test.param.chips,
                                              test.param.stop_answering ? "stops" : "cut",
                                              test.param.streaming ? "_streaming" : "");
                         });

TEST(Pipeline, RefusesWhatItCannotPipeline) {
  Program p = Demo(2);
  p.mutable_metadata()->erase(kBoardLinksKey);
  auto backend = Open("golden", Demo(2));
  auto pipe = Pipeline::Load(p, *backend);
  ASSERT_FALSE(pipe.ok());
  // Chip 0's SEND port is wired to nothing: the message names the chip, the port and the key.
  EXPECT_NE(pipe.status().message().find("chip 0 SENDs 1024 bytes on link port"), std::string::npos)
      << pipe.status().ToString();
  EXPECT_NE(pipe.status().message().find("board.links none"), std::string::npos)
      << pipe.status().ToString();
  auto zero = Pipeline::Load(Demo(2), *backend, {.max_in_flight = 0});
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.status().message().find("max_in_flight"), std::string::npos);
}

}  // namespace
}  // namespace aorta::runtime
