#include "driver/runtime/pipeline.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>

#include "core/isa/isa.h"

namespace aorta::runtime {

std::string FormatBoardLinks(const std::vector<config::BoardLink>& links) {
  std::string s;
  for (const config::BoardLink& l : links)
    s += fmt::format("{}{}.{}-{}.{}", s.empty() ? "" : ",", l.chip_a(), l.port_a(), l.chip_b(),
                     l.port_b());
  return s;
}

Result<std::vector<config::BoardLink>> ParseBoardLinks(const std::string& text) {
  std::vector<config::BoardLink> links;
  if (!text.empty() && text.back() == ',')
    return InvalidArgument("{} '{}': bad link '' (expected CHIP.PORT-CHIP.PORT)", kBoardLinksKey,
                           text);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(',', pos);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(pos, end - pos);
    uint32_t v[4] = {};
    const char* p = item.data();
    const char* e = item.data() + item.size();
    bool ok = true;
    for (int i = 0; i < 4 && ok; ++i) {
      auto [next, ec] = std::from_chars(p, e, v[i]);
      ok =
          ec == std::errc() && (i == 3 ? next == e : next < e && *next == (i % 2 == 0 ? '.' : '-'));
      p = next + 1;
    }
    if (!ok)
      return InvalidArgument("{} '{}': bad link '{}' (expected CHIP.PORT-CHIP.PORT)",
                             kBoardLinksKey, text, item);
    config::BoardLink l;
    l.set_chip_a(v[0]);
    l.set_port_a(v[1]);
    l.set_chip_b(v[2]);
    l.set_port_b(v[3]);
    links.push_back(l);
    pos = end + 1;
  }
  return links;
}

Result<std::vector<config::BoardLink>> BoardLinksOf(const Program& program) {
  auto it = program.metadata().find(kBoardLinksKey);
  if (it == program.metadata().end()) return std::vector<config::BoardLink>{};
  AORTA_ASSIGN_OR_RETURN(std::vector<config::BoardLink> links, ParseBoardLinks(it->second));
  for (const config::BoardLink& l : links)
    if (l.chip_a() >= static_cast<uint32_t>(program.chips_size()) ||
        l.chip_b() >= static_cast<uint32_t>(program.chips_size()))
      return InvalidArgument("{}: link {}.{}-{}.{} names a chip the program does not have ({})",
                             kBoardLinksKey, l.chip_a(), l.port_a(), l.chip_b(), l.port_b(),
                             program.chips_size());
  return links;
}

namespace {

uint64_t Ctr(const Counters& c, regs::Counter k) { return c[static_cast<size_t>(k)]; }

uint64_t ReadCounter(Device& d, regs::Counter k) {
  return ReadReg64(d, regs::CounterLo(k), regs::CounterHi(k));
}

// Bytes per request a chip RECVs / SENDs on each link port, from its run segments.
Status LinkBytes(const program::ChipProgram& cp, std::map<uint32_t, uint64_t>& rx,
                 std::map<uint32_t, uint64_t>& tx) {
  const uint64_t n = cp.config().array_rows();
  for (int s = 0; s < cp.run_segments_size(); ++s) {
    const std::string& w = cp.run_segments(s);
    auto insns = isa::DecodeStream(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(w.data()), w.size()));
    if (!insns.ok())
      return insns.status().WithContext(fmt::format("chip {} run segment {}", cp.chip(), s));
    for (const isa::Insn& i : *insns) {
      if (const auto* r = std::get_if<isa::Recv>(&i)) rx[r->link] += uint64_t{r->rows} * n;
      if (const auto* t = std::get_if<isa::Send>(&i)) tx[t->link] += uint64_t{t->rows} * n;
    }
  }
  return Status::Ok();
}

}  // namespace

struct Pipeline::Request {
  uint64_t ticket = 0;
  TensorMap inputs;
  Callback done;
  size_t next_chip = 0;  // the chip it starts on next
  size_t ended = 0;      // chips whose run of it ended well (0 .. ended-1)
  size_t running = 0;    // chips running it
  bool finished = false;
  Status error;
  TensorMap outputs;
  RunReport report;
  std::vector<uint64_t> sent, got;  // per chip: LINK_TX / LINK_RX bytes of its run of it
  std::chrono::steady_clock::time_point t0;
};

Result<std::unique_ptr<Pipeline>> Pipeline::Load(const Program& program, Backend& backend,
                                                 PipelineOptions options) {
  if (options.max_in_flight == 0) return InvalidArgument("pipeline: max_in_flight must be >= 1");
  if (program.host_ops_size() > 0)
    return FailedPrecondition(
        "pipeline: the program has {} host op(s) ('{}' first); a pipelined run streams "
        "chip-only programs (Session::Run runs this one)",
        program.host_ops_size(), program.host_ops(0).name());
  const size_t chips = static_cast<size_t>(program.chips_size());
  std::vector<std::map<uint32_t, uint64_t>> rx(chips), tx(chips);
  for (size_t c = 0; c < chips; ++c) {
    AORTA_RETURN_IF_ERROR(LinkBytes(program.chips(static_cast<int>(c)), rx[c], tx[c]));
    if (rx[c].size() > 1 || tx[c].size() > 1)
      return FailedPrecondition(
          "pipeline: chip {} RECVs on {} and SENDs on {} link ports; a pipeline stage receives "
          "on at most one and sends on at most one",
          c, rx[c].size(), tx[c].size());
  }
  AORTA_ASSIGN_OR_RETURN(std::vector<config::BoardLink> links, BoardLinksOf(program));
  auto peer = [&](size_t chip, uint32_t port) -> std::pair<int, uint32_t> {
    for (const config::BoardLink& l : links) {
      if (l.chip_a() == chip && l.port_a() == port)
        return {static_cast<int>(l.chip_b()), l.port_b()};
      if (l.chip_b() == chip && l.port_b() == port)
        return {static_cast<int>(l.chip_a()), l.port_a()};
    }
    return {-1, 0};
  };
  const auto links_text = program.metadata().count(kBoardLinksKey)
                              ? program.metadata().at(kBoardLinksKey)
                              : std::string("none");
  std::vector<ChipPlan> plan(chips);
  for (size_t c = 0; c < chips; ++c) {
    for (const auto& [port, bytes] : rx[c]) {
      auto [src, src_port] = peer(c, port);
      if (src < 0)
        return FailedPrecondition(
            "pipeline: chip {} RECVs on link port {}, which the program's {} ({}) does not wire", c,
            port, kBoardLinksKey, links_text);
      if (static_cast<size_t>(src) >= c)
        return FailedPrecondition(
            "pipeline: chip {} receives from chip {} (not an earlier chip): the stages must be "
            "in chain order",
            c, src);
      const auto sent = tx[static_cast<size_t>(src)].find(src_port);
      const uint64_t sent_bytes = sent == tx[static_cast<size_t>(src)].end() ? 0 : sent->second;
      if (sent_bytes != bytes)
        return FailedPrecondition(
            "pipeline: chip {} SENDs {} bytes per request on port {}, chip {} RECVs {} on port {}",
            src, sent_bytes, src_port, c, bytes, port);
      plan[c].rx_port = static_cast<int>(port);
      plan[c].rx_bytes = bytes;
      plan[c].source = src;
    }
    for (const auto& [port, bytes] : tx[c]) {
      auto [dst, dst_port] = peer(c, port);
      if (dst < 0 || !rx[static_cast<size_t>(dst)].count(dst_port))
        return FailedPrecondition(
            "pipeline: chip {} SENDs {} bytes on link port {}, which no later chip RECVs ({} {})",
            c, bytes, port, kBoardLinksKey, links_text);
      plan[c].tx_port = static_cast<int>(port);
      plan[c].dest = dst;
    }
  }
  Session::Options so;
  so.timeout = options.timeout;
  AORTA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Load(program, backend, so));
  return std::unique_ptr<Pipeline>(new Pipeline(std::move(session), options, std::move(plan)));
}

Pipeline::Pipeline(std::unique_ptr<Session> session, PipelineOptions options,
                   std::vector<ChipPlan> plan)
    : session_(std::move(session)),
      backend_(session_->backend()),
      options_(options),
      plan_(std::move(plan)) {
  const size_t chips = plan_.size();
  running_.assign(chips, nullptr);
  segment_.assign(chips, 0);
  discard_.resize(chips);
  stats_.sim_base = stats_.sim_now = backend_.simulated_cycles();
  ResetReport();
  worker_ = std::thread([this] { Worker(); });
}

Pipeline::~Pipeline() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  changed_.notify_all();
  worker_.join();
}

std::future<Pipeline::Outcome> Pipeline::Submit(TensorMap inputs) {
  auto promise = std::make_shared<std::promise<Outcome>>();
  std::future<Outcome> f = promise->get_future();
  Enqueue(std::move(inputs), [promise](Outcome o) { promise->set_value(std::move(o)); });
  return f;
}

uint64_t Pipeline::Submit(TensorMap inputs, Callback done) {
  return Enqueue(std::move(inputs), std::move(done));
}

std::vector<Pipeline::Outcome> Pipeline::RunAll(std::vector<TensorMap> requests) {
  // Queued at once (no back-pressure on the caller): the worker always finds the next request
  // when a chip frees, whatever the host's thread scheduling.
  std::vector<std::future<Outcome>> futures;
  futures.reserve(requests.size());
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (TensorMap& inputs : requests) {
      auto promise = std::make_shared<std::promise<Outcome>>();
      futures.push_back(promise->get_future());
      auto r = std::make_unique<Request>();
      r->ticket = next_ticket_++;
      r->inputs = std::move(inputs);
      r->done = [promise](Outcome o) { promise->set_value(std::move(o)); };
      pending_.push_back(std::move(r));
    }
  }
  changed_.notify_all();
  std::vector<Outcome> out;
  out.reserve(futures.size());
  for (auto& f : futures) out.push_back(f.get());
  return out;
}

uint64_t Pipeline::Enqueue(TensorMap inputs, Callback done) {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [this] { return pending_.size() < options_.max_in_flight; });
  auto r = std::make_unique<Request>();
  r->ticket = next_ticket_++;
  r->inputs = std::move(inputs);
  r->done = std::move(done);
  const uint64_t ticket = r->ticket;
  pending_.push_back(std::move(r));
  changed_.notify_all();
  return ticket;
}

void Pipeline::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [this] { return delivered_ + 1 == next_ticket_; });
}

void Pipeline::Worker() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      changed_.wait(lock, [this] { return stop_ || !pending_.empty() || !in_flight_.empty(); });
      if (pending_.empty() && in_flight_.empty()) return;  // stopping, everything delivered
      while (in_flight_.size() < options_.max_in_flight && !pending_.empty()) {
        in_flight_.push_back(std::move(pending_.front()));
        pending_.pop_front();
      }
    }
    changed_.notify_all();  // room in the submission queue
    StartReady();
    // Wait for the busy chip furthest down the chain (it holds the oldest request).
    for (size_t c = running_.size(); c-- > 0;) {
      if (running_[c] == nullptr) continue;
      Complete(c);
      break;
    }
    Deliver();
  }
}

void Pipeline::StartReady() {
  const bool streaming = options_.handoff == PipelineOptions::Handoff::kStreaming;
  for (size_t c = 0; c < running_.size(); ++c) {
    if (running_[c] != nullptr) continue;
    // The oldest request whose next chip is c (requests pass every chip in ticket order).
    for (auto& r : in_flight_) {
      if (r->finished || !r->error.ok() || r->next_chip != c) continue;
      if (streaming || r->ended == c) Start(c, *r);
      break;
    }
  }
}

void Pipeline::Start(size_t c, Request& r) {
  if (r.sent.empty()) {
    r.sent.assign(running_.size(), 0);
    r.got.assign(running_.size(), 0);
  }
  r.next_chip = c + 1;
  Status st = Discard(c, r.ticket);
  if (st.ok()) st = session_->WriteInputs(r.inputs, static_cast<uint32_t>(c));
  if (!st.ok()) {
    Fail(c, r, std::move(st));
    return;
  }
  if (c == 0) {
    r.t0 = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> lock(mu_);
    if (!stats_.started) stats_.first_start = r.t0;
    stats_.started = true;
  }
  running_[c] = &r;
  ++r.running;
  segment_[c] = 0;
  session_->StartSegment(c, 0, true);
}

void Pipeline::NoteLinks(size_t c, Request& r) {
  Device& dev = backend_.device(c);
  r.sent[c] = ReadCounter(dev, regs::Counter::kLinkTxBytes);
  r.got[c] = ReadCounter(dev, regs::Counter::kLinkRxBytes);
}

void Pipeline::Complete(size_t c) {
  Request& r = *running_[c];
  Status st = session_->FinishSegment(c, segment_[c]);
  NoteSimulatedTime();
  if (st.ok() && segment_[c] + 1 < session_->num_segments()) {
    session_->StartSegment(c, ++segment_[c], false);
    return;
  }
  running_[c] = nullptr;
  --r.running;
  NoteLinks(c, r);
  Counters ctr{};
  std::vector<LayerReport> layers;
  if (st.ok()) st = session_->ReadChipReport(c, ctr, layers);
  if (st.ok()) st = session_->ReadOutputs(r.outputs, static_cast<uint32_t>(c));
  if (!st.ok()) {
    Fail(c, r, std::move(st));
    return;
  }
  RunReport& rep = r.report;
  for (size_t i = 0; i < ctr.size(); ++i) rep.counters[i] += ctr[i];
  rep.cycles += Ctr(ctr, regs::Counter::kCycles);
  rep.layers.insert(rep.layers.end(), layers.begin(), layers.end());
  {
    std::lock_guard<std::mutex> lock(mu_);
    PipelineChipStats& cs = stats_.chip[c];
    ++cs.runs;
    cs.busy_cycles += Ctr(ctr, regs::Counter::kCycles);
    cs.macs += Ctr(ctr, regs::Counter::kMacs) + Ctr(ctr, regs::Counter::kVecMacs);
    cs.link_tx_bytes += Ctr(ctr, regs::Counter::kLinkTxBytes);
    cs.link_rx_bytes += Ctr(ctr, regs::Counter::kLinkRxBytes);
  }
  if (++r.ended == running_.size()) r.finished = true;
}

void Pipeline::Fail(size_t c, Request& r, Status error) {
  size_t culprit = c;
  if (r.error.ok()) r.error = std::move(error);
  // kStreaming: a chip up the chain still on this request may be the cause (a chip that stopped
  // answering starves the next one's RECVs): its own end, or its timeout, names it instead.
  for (size_t d = 0; d < c; ++d) {
    if (running_[d] != &r) continue;
    Status up = session_->FinishSegment(d, segment_[d]);
    NoteSimulatedTime();
    running_[d] = nullptr;
    --r.running;
    NoteLinks(d, r);
    if (!up.ok() && culprit == c) {
      culprit = d;
      r.error = std::move(up);
    }
  }
  // The chips further down still on it would wait for link data that will not come: reset them
  // (a soft reset aborts the run, no IRQ).
  for (size_t d = c + 1; d < running_.size(); ++d) {
    if (running_[d] != &r) continue;
    backend_.device(d).WriteReg(regs::kCtrl, regs::kCtrlSoftResetMask);
    running_[d] = nullptr;
    --r.running;
    NoteLinks(d, r);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.chip[culprit].failures;
  }
  // What each link still holds of this request: sent by its source minus read by its receiver.
  for (size_t d = 0; d < plan_.size(); ++d) {
    if (plan_[d].source < 0) continue;
    const uint64_t sent = r.sent[static_cast<size_t>(plan_[d].source)];
    if (sent > r.got[d]) discard_[d].emplace_back(r.ticket, sent - r.got[d]);
  }
  r.finished = true;
}

Status Pipeline::Discard(size_t c, uint64_t before_ticket) {
  std::deque<std::pair<uint64_t, uint64_t>>& q = discard_[c];
  uint64_t bytes = 0;
  for (const auto& [ticket, b] : q)
    if (ticket < before_ticket) bytes += b;
  if (bytes == 0) return Status::Ok();
  const ChipConfig& cfg = session_->program().chips(static_cast<int>(c)).config();
  const ChipGeometry g = GeometryOf(cfg);
  const std::string what =
      fmt::format("chip {}: discarding the {} bytes failed requests left on link port {}", c, bytes,
                  plan_[c].rx_port);
  if (bytes % g.n != 0) return Internal("{}: not a whole number of {}-byte rows", what, g.n);
  // RECV into UB rows from 0 (the run segments load the unified buffer anew for every request;
  // the init stream pins WB, PARAM and LUT only), at most a unified buffer at a time.
  const uint64_t max_rows = std::min<uint64_t>(g.ub_rows, (uint64_t{1} << 20) - 1);
  std::vector<isa::Insn> insns;
  for (uint64_t rows = bytes / g.n; rows > 0;) {
    isa::Recv recv;
    recv.link = static_cast<uint32_t>(plan_[c].rx_port);
    recv.ub_addr = 0;
    recv.rows = static_cast<uint32_t>(std::min(rows, max_rows));
    rows -= recv.rows;
    insns.push_back(recv);
  }
  insns.push_back(isa::Halt{});
  AORTA_ASSIGN_OR_RETURN(std::vector<uint8_t> words, isa::EncodeStream(insns));
  AORTA_ASSIGN_OR_RETURN(HostMemory::Buffer buf, backend_.AllocHost(words.size()));
  std::memcpy(buf.span.data(), words.data(), words.size());
  Device& dev = backend_.device(c);
  dev.WriteReg(regs::kCtrl, regs::kCtrlClearCountersMask);
  session_->StartStream(
      c, {kHostWindowBase + buf.iova, static_cast<uint32_t>(words.size() / isa::kWordBytes)});
  Status st = session_->FinishStream(c, what, words);
  NoteSimulatedTime();
  (void)backend_.FreeHost(buf.iova);
  // Whatever the stream read is gone from the link, even if it failed part-way.
  uint64_t got = ReadCounter(dev, regs::Counter::kLinkRxBytes);
  while (got > 0 && !q.empty() && q.front().first < before_ticket) {
    const uint64_t take = std::min(got, q.front().second);
    q.front().second -= take;
    got -= take;
    if (q.front().second == 0) q.pop_front();
  }
  return st;
}

void Pipeline::Deliver() {
  while (!in_flight_.empty() && in_flight_.front()->finished) {
    std::unique_ptr<Request> r = std::move(in_flight_.front());
    in_flight_.pop_front();
    Outcome o{
        r->error.ok() ? Result<TensorMap>(std::move(r->outputs)) : Result<TensorMap>(r->error),
        RunReport{}, r->ticket};
    const auto now = std::chrono::steady_clock::now();
    if (r->error.ok()) {
      RunReport& rep = r->report;
      const ChipConfig& cfg0 = session_->program().chips(0).config();
      rep.backend = backend_.name();
      rep.model = session_->program().model_name();
      rep.array_n = cfg0.array_rows();
      rep.clock_mhz = cfg0.clock_mhz();
      rep.macs = Ctr(rep.counters, regs::Counter::kMacs);
      // One chip at a time works on a request: MACs over its cycles through the chain.
      rep.mac_utilization = rep.cycles
                                ? static_cast<double>(rep.macs) /
                                      (static_cast<double>(rep.cycles) * rep.array_n * rep.array_n)
                                : 0;
      rep.latency_us = rep.clock_mhz > 0 ? static_cast<double>(rep.cycles) / rep.clock_mhz : 0;
      rep.wall_s = std::chrono::duration<double>(now - r->t0).count();
      o.report = std::move(rep);
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (r->error.ok()) {
        ++stats_.requests;
        stats_.latency_cycles_sum += static_cast<double>(o.report.cycles);
      } else {
        ++stats_.failed;
      }
      stats_.last_end = now;
    }
    if (r->done) r->done(std::move(o));
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++delivered_;
    }
    changed_.notify_all();
  }
}

void Pipeline::NoteSimulatedTime() {
  const uint64_t now = backend_.simulated_cycles();
  std::lock_guard<std::mutex> lock(mu_);
  stats_.sim_now = now;
}

void Pipeline::ResetReport() {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t sim_now = stats_.sim_now;
  stats_ = Stats{};
  stats_.sim_base = stats_.sim_now = sim_now;
  const Program& p = session_->program();
  stats_.chip.resize(plan_.size());
  for (size_t c = 0; c < plan_.size(); ++c) {
    stats_.chip[c].chip = static_cast<uint32_t>(c);
    for (const auto& l : p.layers())
      if (l.chip() == c) stats_.chip[c].layers.push_back(l.name());
  }
}

PipelineReport Pipeline::Report() const {
  std::lock_guard<std::mutex> lock(mu_);
  const Program& p = session_->program();
  PipelineReport r;
  r.backend = backend_.name();
  r.model = p.model_name();
  r.chips = static_cast<uint32_t>(plan_.size());
  r.max_in_flight = options_.max_in_flight;
  r.clock_mhz = p.chips(0).config().clock_mhz();
  r.requests = stats_.requests;
  r.failed = stats_.failed;
  r.chip = stats_.chip;
  // Board time: every device of a simulating backend advances together.
  r.elapsed_cycles =
      (stats_.sim_now - stats_.sim_base) / std::max<size_t>(backend_.num_devices(), 1);
  for (PipelineChipStats& c : r.chip) {
    c.stage_cycles = c.runs ? static_cast<double>(c.busy_cycles) / static_cast<double>(c.runs) : 0;
    c.utilization = r.elapsed_cycles
                        ? static_cast<double>(c.busy_cycles) / static_cast<double>(r.elapsed_cycles)
                        : 0;
    if (c.stage_cycles > r.slowest_stage_cycles) {
      r.slowest_stage_cycles = c.stage_cycles;
      r.slowest_chip = c.chip;
    }
  }
  const double hz = r.clock_mhz * 1e6;
  if (r.slowest_stage_cycles > 0) r.stage_throughput = hz / r.slowest_stage_cycles;
  if (r.elapsed_cycles > 0)
    r.measured_throughput =
        static_cast<double>(r.requests) * hz / static_cast<double>(r.elapsed_cycles);
  if (r.requests > 0)
    r.latency_cycles = stats_.latency_cycles_sum / static_cast<double>(r.requests);
  r.latency_us = r.clock_mhz > 0 ? r.latency_cycles / r.clock_mhz : 0;
  if (stats_.started && stats_.last_end > stats_.first_start)
    r.wall_s = std::chrono::duration<double>(stats_.last_end - stats_.first_start).count();
  if (r.wall_s > 0) r.wall_throughput = static_cast<double>(r.requests) / r.wall_s;
  return r;
}

std::string PipelineReport::ToJson() const {
  nlohmann::json j;
  j["backend"] = backend;
  j["model"] = model;
  j["chips"] = chips;
  j["max_in_flight"] = max_in_flight;
  j["clock_mhz"] = clock_mhz;
  j["requests"] = requests;
  j["failed"] = failed;
  j["elapsed_cycles"] = elapsed_cycles;
  j["slowest_stage_cycles"] = slowest_stage_cycles;
  j["slowest_chip"] = slowest_chip;
  j["stage_throughput"] = stage_throughput;
  j["measured_throughput"] = measured_throughput;
  j["latency_cycles"] = latency_cycles;
  j["latency_us"] = latency_us;
  j["wall_s"] = wall_s;
  j["wall_throughput"] = wall_throughput;
  j["per_chip"] = nlohmann::json::array();
  for (const PipelineChipStats& c : chip)
    j["per_chip"].push_back({{"chip", c.chip},
                             {"layers", c.layers},
                             {"runs", c.runs},
                             {"failures", c.failures},
                             {"busy_cycles", c.busy_cycles},
                             {"stage_cycles", c.stage_cycles},
                             {"utilization", c.utilization},
                             {"macs", c.macs},
                             {"link_tx_bytes", c.link_tx_bytes},
                             {"link_rx_bytes", c.link_rx_bytes}});
  return j.dump(2);
}

std::string FormatPipelineTable(const PipelineReport& r) {
  std::string s = fmt::format(
      "pipeline: {} on {} chips ({} backend), {} requests ({} failed), at most {} in flight\n",
      r.model, r.chips, r.backend, r.requests, r.failed, r.max_in_flight);
  s += fmt::format("  {:>4} {:>6}  {:<24} {:>12} {:>7} {:>12} {:>12}\n", "chip", "layers",
                   "first .. last layer", "cycles/req", "util", "link in/req", "link out/req");
  for (const PipelineChipStats& c : r.chip) {
    const double runs = c.runs ? static_cast<double>(c.runs) : 1;
    std::string span = c.layers.empty() ? "-"
                       : c.layers.size() == 1
                           ? c.layers.front()
                           : fmt::format("{} .. {}", c.layers.front(), c.layers.back());
    if (span.size() > 24) span = span.substr(0, 21) + "...";
    s += fmt::format("  {:>4} {:>6}  {:<24} {:>12.0f} {:>6.1f}% {:>12.0f} {:>12.0f}\n", c.chip,
                     c.layers.size(), span, c.stage_cycles, 100 * c.utilization,
                     static_cast<double>(c.link_rx_bytes) / runs,
                     static_cast<double>(c.link_tx_bytes) / runs);
  }
  if (r.slowest_stage_cycles > 0) {
    s += fmt::format(
        "  throughput at {} MHz: {:.1f} requests/s from the slowest stage (chip {}, {:.0f} "
        "cycles), {:.1f} requests/s measured ({} requests in {} device cycles)\n",
        r.clock_mhz, r.stage_throughput, r.slowest_chip, r.slowest_stage_cycles,
        r.measured_throughput, r.requests, r.elapsed_cycles);
    s += fmt::format("  batch-1 latency: {:.0f} cycles = {:.2f} us (sum over chips)\n",
                     r.latency_cycles, r.latency_us);
  } else {
    s += fmt::format(
        "  (the {} backend counts no cycles: throughput at the config clock needs tlm or rtl)\n",
        r.backend);
  }
  s += fmt::format("  host: {:.4g} requests/s over {:.3f} s wall\n", r.wall_throughput, r.wall_s);
  return s;
}

}  // namespace aorta::runtime
