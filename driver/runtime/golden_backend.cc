#include "core/golden/golden_device.h"
#include "driver/runtime/backend.h"

namespace aorta::runtime {
namespace {

class GoldenBackend : public Backend {
 public:
  std::string name() const override { return "golden"; }
  size_t num_devices() const override { return devices_.size(); }
  Device& device(size_t i) override { return *devices_[i]; }
  HostMemory& host() override { return host_; }

  bool Wait(size_t i, std::chrono::milliseconds timeout) override {
    // Chips blocked on link data resume once a peer has sent; step every chip until this one
    // finishes or nothing moves any more. Then this chip's link wait can never be satisfied: it
    // expires (LINK_FAULT, when LINK_TIMEOUT != 0), as on a timed board after LINK_TIMEOUT
    // cycles. (Other chips' waits expire when they are waited for.)
    for (;;) {
      if (devices_[i]->WaitIrq(std::chrono::milliseconds(0))) return true;
      bool progress = false;
      for (auto& d : devices_) progress |= d->Step();
      if (progress) continue;
      if (!devices_[i]->ExpireLinkWaits()) return devices_[i]->WaitIrq(timeout);
    }
  }

  Status Init(const std::vector<ChipConfig>& chips, const std::vector<config::BoardLink>& links) {
    for (const ChipConfig& c : chips) {
      AORTA_RETURN_IF_ERROR(ValidateChipConfig(c));
      devices_.push_back(std::make_unique<GoldenDevice>(GeometryOf(c), Fingerprint(c), &host_));
    }
    for (const auto& l : links) {
      if (l.chip_a() >= devices_.size() || l.chip_b() >= devices_.size())
        return InvalidArgument("link {}.{}-{}.{} names a chip the board does not have", l.chip_a(),
                               l.port_a(), l.chip_b(), l.port_b());
      AORTA_RETURN_IF_ERROR(
          ConnectLinks(*devices_[l.chip_a()], l.port_a(), *devices_[l.chip_b()], l.port_b()));
    }
    return Status::Ok();
  }

 private:
  HostMemory host_;
  std::vector<std::unique_ptr<GoldenDevice>> devices_;
};

}  // namespace

Result<std::unique_ptr<Backend>> MakeGoldenBackend(const std::vector<ChipConfig>& chips,
                                                   const std::vector<config::BoardLink>& links) {
  auto b = std::make_unique<GoldenBackend>();
  AORTA_RETURN_IF_ERROR(b->Init(chips, links));
  return std::unique_ptr<Backend>(std::move(b));
}

}  // namespace aorta::runtime
