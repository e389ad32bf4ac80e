#include "driver/runtime/pipeline.h"

#include <atomic>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

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

}  // namespace aorta::runtime

// ---- Pipeline ----

namespace aorta::runtime {

struct Pipeline::Shared {
  std::mutex board;  // held for every call into the backend
  std::atomic<bool> failed{false};
};

namespace {

// One device of the board, every call under the board lock; CHIP_INDEX writes carry the
// device's index on the board (its Session sees it as device 0).
class LockedDevice : public Device {
 public:
  LockedDevice(Device& d, std::mutex& mu, uint32_t index) : d_(d), mu_(mu), index_(index) {}
  uint32_t ReadReg(uint32_t offset) override {
    std::lock_guard<std::mutex> l(mu_);
    return d_.ReadReg(offset);
  }
  void WriteReg(uint32_t offset, uint32_t value) override {
    std::lock_guard<std::mutex> l(mu_);
    d_.WriteReg(offset, offset == regs::kChipIndex ? index_ : value);
  }
  bool WaitIrq(std::chrono::milliseconds /*timeout*/) override {
    std::lock_guard<std::mutex> l(mu_);
    return d_.WaitIrq(std::chrono::milliseconds(0));
  }
  Status DramWrite(uint64_t addr, std::span<const uint8_t> data) override {
    std::lock_guard<std::mutex> l(mu_);
    return d_.DramWrite(addr, data);
  }
  Status DramRead(uint64_t addr, std::span<uint8_t> out) override {
    std::lock_guard<std::mutex> l(mu_);
    return d_.DramRead(addr, out);
  }

 private:
  Device& d_;
  std::mutex& mu_;
  uint32_t index_;
};

}  // namespace

// Device `index` of the board as a one-device backend for its chip's Session.
class Pipeline::ChipView : public Backend {
 public:
  ChipView(Backend& board, Shared& shared, uint32_t index)
      : board_(board),
        shared_(shared),
        index_(index),
        device_(board.device(index), shared.board, index) {}
  std::string name() const override { return board_.name(); }
  size_t num_devices() const override { return 1; }
  Device& device(size_t /*i*/) override { return device_; }
  HostMemory& host() override { return board_.host(); }
  Result<HostMemory::Buffer> AllocHost(uint64_t bytes) override {
    std::lock_guard<std::mutex> l(shared_.board);
    return board_.AllocHost(bytes);
  }
  Status FreeHost(uint64_t iova) override {
    std::lock_guard<std::mutex> l(shared_.board);
    return board_.FreeHost(iova);
  }
  Status ReserveDram(size_t /*device*/, uint64_t bytes) override {
    std::lock_guard<std::mutex> l(shared_.board);
    return board_.ReserveDram(index_, bytes);
  }
  // Advances the board in short slices (other chips' threads take turns) until this chip raises
  // its interrupt, the timeout passes, or another chip failed (then nothing will arrive).
  bool Wait(size_t /*i*/, std::chrono::milliseconds timeout) override {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      {
        std::lock_guard<std::mutex> l(shared_.board);
        if (board_.Wait(index_, std::chrono::milliseconds(1))) return true;
      }
      if (shared_.failed || std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::yield();
    }
  }
  uint64_t simulated_cycles() const override { return board_.simulated_cycles(); }
  double simulation_seconds() const override { return board_.simulation_seconds(); }

 private:
  Backend& board_;
  Shared& shared_;
  uint32_t index_;
  LockedDevice device_;
};

Pipeline::Pipeline(const Program& program, Backend& backend, Options options)
    : program_(program), backend_(backend), options_(options), shared_(new Shared) {}

Pipeline::~Pipeline() {
  stages_.clear();  // the sessions free their buffers through the views
  views_.clear();
}

Result<std::unique_ptr<Pipeline>> Pipeline::Load(const Program& program, Backend& backend,
                                                 Options options) {
  AORTA_RETURN_IF_ERROR(ValidateProgram(program));
  const auto n = static_cast<uint32_t>(program.chips_size());
  if (n > backend.num_devices())
    return FailedPrecondition("the program needs {} chips, the {} backend has {}", n,
                              backend.name(), backend.num_devices());
  if (program.host_ops_size() > 0)
    return Unsupported(
        "a pipelined program runs on chips only; this one has {} host ops (run it with Session)",
        program.host_ops_size());
  std::unique_ptr<Pipeline> p(new Pipeline(program, backend, options));
  for (uint32_t k = 0; k < n; ++k) {
    // Chip k's share as a one-chip program.
    Program sub;
    sub.set_isa_version_major(program.isa_version_major());
    sub.set_isa_version_minor(program.isa_version_minor());
    sub.set_producer(program.producer());
    sub.set_model_name(program.model_name());
    program::ChipProgram chip = program.chips(static_cast<int>(k));
    if (chip.run_segments_size() != 1)
      return Unsupported("chip {} has {} run segments; a pipelined program has one", k,
                         chip.run_segments_size());
    chip.set_chip(0);
    sub.set_board_fingerprint(chip.config_fingerprint());
    *sub.add_chips() = std::move(chip);
    auto take = [k](const auto& from, auto* to) {
      for (auto b : from) {
        if (b.chip() != k) continue;
        b.set_chip(0);
        *to->Add() = std::move(b);
      }
    };
    take(program.inputs(), sub.mutable_inputs());
    take(program.outputs(), sub.mutable_outputs());
    take(program.intermediates(), sub.mutable_intermediates());
    take(program.layers(), sub.mutable_layers());
    for (const auto& [key, value] : program.metadata()) (*sub.mutable_metadata())[key] = value;
    std::vector<std::string> inputs;
    for (const auto& b : sub.inputs()) inputs.push_back(b.name());
    p->stage_inputs_.push_back(std::move(inputs));
    p->views_.push_back(std::make_unique<ChipView>(backend, *p->shared_, k));
    Session::Options so;
    so.timeout = options.timeout;
    Result<std::unique_ptr<Session>> s = Session::Load(sub, *p->views_.back(), so);
    if (!s.ok()) return s.status().WithContext(fmt::format("chip {}", k));
    p->stages_.push_back(std::move(*s));
  }
  return p;
}

Result<std::vector<TensorMap>> Pipeline::RunAll(const std::vector<TensorMap>& requests,
                                                PipelineReport* report) {
  const size_t n = stages_.size();
  for (size_t r = 0; r < requests.size(); ++r) {
    for (const auto& b : program_.inputs())
      if (!requests[r].count(b.name()))
        return InvalidArgument("request {}: missing input '{}'", r, b.name());
    for (const auto& [name, t] : requests[r]) {
      bool known = false;
      for (const auto& b : program_.inputs()) known |= b.name() == name;
      if (!known) return InvalidArgument("request {}: the program has no input '{}'", r, name);
    }
  }
  const uint32_t window = options_.in_flight > 0 ? options_.in_flight : static_cast<uint32_t>(n);
  std::vector<TensorMap> outputs(requests.size());
  std::vector<ChipUtilization> util(n);
  std::mutex mu;  // outputs, the in-flight count, the first error
  std::condition_variable cv;
  size_t started = 0, finished = 0;
  uint32_t peak = 0;
  Status first_error;
  shared_->failed = false;
  auto fail = [&](Status s) {
    std::lock_guard<std::mutex> l(mu);
    if (first_error.ok()) first_error = std::move(s);
    shared_->failed = true;
    cv.notify_all();
  };
  const auto t0 = std::chrono::steady_clock::now();
  auto chip_loop = [&](size_t k) {
    for (size_t r = 0; r < requests.size(); ++r) {
      if (k == 0) {
        std::unique_lock<std::mutex> l(mu);
        cv.wait(l, [&] { return shared_->failed || started - finished < window; });
        if (shared_->failed) return;
        ++started;
        peak = std::max(peak, static_cast<uint32_t>(started - finished));
      }
      if (shared_->failed) return;
      TensorMap in;
      for (const std::string& name : stage_inputs_[k]) in[name] = requests[r].at(name);
      RunReport rep;
      const auto s0 = std::chrono::steady_clock::now();
      Result<TensorMap> out = stages_[k]->Run(in, &rep);
      util[k].busy_wall_s +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - s0).count();
      if (!out.ok()) {
        if (!shared_->failed)
          fail(out.status().WithContext(fmt::format("chip {}, request {}", k, r)));
        return;
      }
      ++util[k].requests;
      util[k].busy_cycles += rep.cycles;
      util[k].macs += rep.macs;
      std::lock_guard<std::mutex> l(mu);
      for (auto& [name, t] : *out) outputs[r][name] = std::move(t);
      if (k + 1 == n) {
        ++finished;
        cv.notify_all();
      }
    }
  };
  std::vector<std::thread> threads;
  for (size_t k = 0; k < n; ++k) threads.emplace_back(chip_loop, k);
  for (std::thread& t : threads) t.join();
  if (!first_error.ok()) return first_error;
  if (report != nullptr) {
    PipelineReport rp;
    rp.backend = backend_.name();
    rp.chips = static_cast<uint32_t>(n);
    rp.requests = requests.size();
    rp.in_flight_limit = window;
    rp.peak_in_flight = peak;
    rp.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    uint64_t max_cycles = 0;
    double max_wall = 0;
    for (size_t k = 0; k < n; ++k) {
      ChipUtilization& u = util[k];
      u.chip = static_cast<uint32_t>(k);
      const double lanes = program_.chips(static_cast<int>(k)).config().array_rows();
      u.mac_utilization =
          u.busy_cycles > 0
              ? static_cast<double>(u.macs) / (static_cast<double>(u.busy_cycles) * lanes * lanes)
              : 0;
      max_cycles = std::max(max_cycles, u.busy_cycles);
      max_wall = std::max(max_wall, u.busy_wall_s);
    }
    for (ChipUtilization& u : util)
      u.share_of_slowest = max_cycles > 0 ? static_cast<double>(u.busy_cycles) / max_cycles
                           : max_wall > 0 ? u.busy_wall_s / max_wall
                                          : 0;
    rp.per_chip = std::move(util);
    *report = std::move(rp);
  }
  return outputs;
}

std::string PipelineReport::ToString() const {
  std::string s = fmt::format(
      "pipeline on {} chips ({}): {} requests, at most {} in flight (peak {}), {:.3f} s wall\n",
      chips, backend, requests, in_flight_limit, peak_in_flight, wall_s);
  s += fmt::format("{:>4}  {:>8}  {:>12}  {:>14}  {:>8}  {:>10}  {:>9}\n", "chip", "requests",
                   "busy cycles", "MACs", "MAC util", "busy wall", "of slowest");
  for (const ChipUtilization& u : per_chip)
    s += fmt::format("{:>4}  {:>8}  {:>12}  {:>14}  {:>7.1f}%  {:>9.3f}s  {:>8.1f}%\n", u.chip,
                     u.requests, u.busy_cycles, u.macs, 100 * u.mac_utilization, u.busy_wall_s,
                     100 * u.share_of_slowest);
  return s;
}

std::string PipelineReport::ToJson() const {
  nlohmann::json j;
  j["backend"] = backend;
  j["chips"] = chips;
  j["requests"] = requests;
  j["in_flight_limit"] = in_flight_limit;
  j["peak_in_flight"] = peak_in_flight;
  j["wall_s"] = wall_s;
  j["per_chip"] = nlohmann::json::array();
  for (const ChipUtilization& u : per_chip)
    j["per_chip"].push_back({{"chip", u.chip},
                             {"requests", u.requests},
                             {"busy_cycles", u.busy_cycles},
                             {"macs", u.macs},
                             {"mac_utilization", u.mac_utilization},
                             {"busy_wall_s", u.busy_wall_s},
                             {"share_of_slowest", u.share_of_slowest}});
  return j.dump(2);
}

}  // namespace aorta::runtime
