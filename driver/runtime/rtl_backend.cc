#include "driver/runtime/rtl_backend.h"

#include <charconv>
#include <chrono>

#include "verif/multichip/rtl_board.h"
#include "verif/soc/rtl_device.h"
#include "verif/soc/rtl_trace.h"

namespace aorta::runtime {
namespace {

// Chip i's trace file: `path` for chip 0, <path without .fst>.chip<i>.fst for the others.
std::string TracePath(const std::string& path, size_t chip) {
  if (chip == 0) return path;
  const bool fst = path.size() > 4 && path.compare(path.size() - 4, 4, ".fst") == 0;
  return fmt::format("{}.chip{}.fst", fst ? path.substr(0, path.size() - 4) : path, chip);
}

Result<uint64_t> ParseCycle(const std::string& text, uint64_t empty, const std::string& window) {
  if (text.empty()) return empty;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size())
    return InvalidArgument("trace window '{}': '{}' is not a cycle number", window, text);
  return v;
}

class RtlBackend : public Backend {
 public:
  std::string name() const override { return "rtl"; }
  size_t num_devices() const override { return chips_.size(); }
  Device& device(size_t i) override { return *chips_[i]; }
  HostMemory& host() override { return host_; }

  // On a board every cycle of the chip waited for clocks all of them (lock-step).
  bool Wait(size_t i, std::chrono::milliseconds timeout) override {
    return chips_[i]->WaitIrq(timeout);
  }

  uint64_t simulated_cycles() const override {
    uint64_t c = 0;
    for (const auto* d : chips_) c += d->cycles();
    return c;
  }
  double simulation_seconds() const override {
    double s = 0;
    for (const auto* d : chips_) s += d->sim_seconds();
    return s;
  }

  Status Init(const std::vector<ChipConfig>& chips, const std::vector<config::BoardLink>& links,
              RtlBackendOptions options) {
    if (chips.empty()) return InvalidArgument("an rtl backend needs at least one chip");
    verif::RtlDeviceOptions o;
    o.fast = options.fast;
    std::vector<std::unique_ptr<verif::RtlDevice>> devices;
    for (size_t i = 0; i < chips.size(); ++i) {
      const ChipConfig& c = chips[i];
      std::unique_ptr<verif::RtlDevice> d;
      if (options.make_device) {
        AORTA_ASSIGN_OR_RETURN(d, options.make_device(c, &host_));
      } else if (!options.trace_path.empty()) {
        verif::RtlTraceOptions t{TracePath(options.trace_path, i), options.trace_from,
                                 options.trace_to};
        AORTA_ASSIGN_OR_RETURN(d, verif::MakeTracedRtlDevice(c, &host_, o, t));
      } else {
        AORTA_ASSIGN_OR_RETURN(d, verif::MakeRtlDevice(c, &host_, o));
      }
      devices.push_back(std::move(d));
    }
    if (chips.size() == 1 && links.empty()) {
      single_ = std::move(devices[0]);
      chips_.push_back(single_.get());
      return Status::Ok();
    }
    std::vector<verif::LinkTiming> timing;
    for (const auto& l : links) {
      if (l.chip_a() >= chips.size())
        return InvalidArgument("link {}.{}-{}.{} names a chip the board does not have", l.chip_a(),
                               l.port_a(), l.chip_b(), l.port_b());
      verif::LinkTiming t = verif::LinkTimingOf(chips[l.chip_a()], options.link_fifo_rows);
      if (options.link_bytes_per_cycle > 0) t.bytes_per_cycle = options.link_bytes_per_cycle;
      if (options.link_latency_cycles > 0) t.latency_cycles = options.link_latency_cycles;
      timing.push_back(t);
    }
    AORTA_ASSIGN_OR_RETURN(board_, verif::RtlBoard::Create(std::move(devices), links, timing));
    for (size_t i = 0; i < board_->size(); ++i) chips_.push_back(&board_->device(i));
    if (options.on_board) options.on_board(*board_);
    return Status::Ok();
  }

 private:
  HostMemory host_;
  std::unique_ptr<verif::RtlDevice> single_;  // one chip without links
  std::unique_ptr<verif::RtlBoard> board_;    // or a board of them
  std::vector<verif::RtlDevice*> chips_;
};

}  // namespace

Status ParseTraceWindow(const std::string& from_to, RtlBackendOptions& options) {
  const size_t colon = from_to.find(':');
  if (colon == std::string::npos)
    return InvalidArgument("trace window '{}': expected FROM:TO (cycles)", from_to);
  AORTA_ASSIGN_OR_RETURN(uint64_t from, ParseCycle(from_to.substr(0, colon), 0, from_to));
  AORTA_ASSIGN_OR_RETURN(uint64_t to, ParseCycle(from_to.substr(colon + 1), UINT64_MAX, from_to));
  if (from >= to)
    return InvalidArgument("trace window '{}' is empty (FROM must be below TO)", from_to);
  options.trace_from = from;
  options.trace_to = to;
  return Status::Ok();
}

Result<std::unique_ptr<Backend>> MakeRtlBackend(const std::vector<ChipConfig>& chips,
                                                const std::vector<config::BoardLink>& links,
                                                RtlBackendOptions options) {
  auto b = std::make_unique<RtlBackend>();
  AORTA_RETURN_IF_ERROR(b->Init(chips, links, options));
  return std::unique_ptr<Backend>(std::move(b));
}

}  // namespace aorta::runtime
