#include "driver/runtime/rtl_backend.h"

#include <chrono>

#include "verif/soc/rtl_device.h"

namespace aorta::runtime {
namespace {

class RtlBackend : public Backend {
 public:
  std::string name() const override { return "rtl"; }
  size_t num_devices() const override { return devices_.size(); }
  Device& device(size_t i) override { return *devices_[i]; }
  HostMemory& host() override { return host_; }

  bool Wait(size_t i, std::chrono::milliseconds timeout) override {
    if (devices_.size() == 1) return devices_[i]->WaitIrq(timeout);
    // Every chip advances: a chip may wait for link data another one sends.
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!devices_[i]->irq()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      for (auto& d : devices_) d->Run(kSlice);
    }
    return true;
  }

  uint64_t simulated_cycles() const override {
    uint64_t c = 0;
    for (const auto& d : devices_) c += d->cycles();
    return c;
  }
  double simulation_seconds() const override {
    double s = 0;
    for (const auto& d : devices_) s += d->sim_seconds();
    return s;
  }

  Status Init(const std::vector<ChipConfig>& chips, const std::vector<config::BoardLink>& links,
              RtlBackendOptions options) {
    verif::RtlDeviceOptions o;
    o.fast = options.fast;
    for (const ChipConfig& c : chips) {
      AORTA_ASSIGN_OR_RETURN(std::unique_ptr<verif::RtlDevice> d,
                             verif::MakeRtlDevice(c, &host_, o));
      devices_.push_back(std::move(d));
    }
    for (const auto& l : links) {
      if (l.chip_a() >= devices_.size() || l.chip_b() >= devices_.size())
        return InvalidArgument("link {}.{}-{}.{} names a chip the board does not have", l.chip_a(),
                               l.port_a(), l.chip_b(), l.port_b());
      auto [ea, eb] = MakeLink();
      AORTA_RETURN_IF_ERROR(devices_[l.chip_a()]->AttachLink(l.port_a(), ea));
      AORTA_RETURN_IF_ERROR(devices_[l.chip_b()]->AttachLink(l.port_b(), eb));
    }
    return Status::Ok();
  }

 private:
  static constexpr uint64_t kSlice = 256;  // cycles per chip per round of a multi-chip wait
  HostMemory host_;
  std::vector<std::unique_ptr<verif::RtlDevice>> devices_;
};

}  // namespace

Result<std::unique_ptr<Backend>> MakeRtlBackend(const std::vector<ChipConfig>& chips,
                                                const std::vector<config::BoardLink>& links,
                                                RtlBackendOptions options) {
  auto b = std::make_unique<RtlBackend>();
  AORTA_RETURN_IF_ERROR(b->Init(chips, links, options));
  return std::unique_ptr<Backend>(std::move(b));
}

}  // namespace aorta::runtime
