// Test helpers: fault injection on one chip of a backend, for the runtime's robustness and
// pipeline tests. FaultyDevice forwards to a real device except that its next `drops`
// DOORBELLs go nowhere (a chip that stopped answering) and its next run can be cut to its first
// `cut` instructions (IQ_LEN: the run stops with FETCH_FAULT part-way); FaultyBackend puts one
// in place of device `faulty` of a backend.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "aorta/regs_gen.h"
#include "core/device.h"
#include "driver/runtime/backend.h"

namespace aorta::runtime::faults {

class FaultyDevice : public Device {
 public:
  explicit FaultyDevice(Device& d) : d_(d) {}
  uint32_t ReadReg(uint32_t o) override { return d_.ReadReg(o); }
  void WriteReg(uint32_t o, uint32_t v) override {
    if (o == regs::kDoorbell && drops > 0) {
      --drops;
      return;
    }
    if (o == regs::kIqLen && cut > 0) {
      v = std::min(v, cut);
      cut = 0;
    }
    d_.WriteReg(o, v);
  }
  bool WaitIrq(std::chrono::milliseconds t) override { return d_.WaitIrq(t); }
  Status DramWrite(uint64_t a, std::span<const uint8_t> b) override { return d_.DramWrite(a, b); }
  Status DramRead(uint64_t a, std::span<uint8_t> b) override { return d_.DramRead(a, b); }
  int drops = 0;
  uint32_t cut = 0;

 private:
  Device& d_;
};

class FaultyBackend : public Backend {
 public:
  FaultyBackend(std::unique_ptr<Backend> b, size_t faulty) : b_(std::move(b)), faulty_(faulty) {
    dev_ = std::make_unique<FaultyDevice>(b_->device(faulty));
  }
  std::string name() const override { return b_->name(); }
  size_t num_devices() const override { return b_->num_devices(); }
  Device& device(size_t i) override { return i == faulty_ ? *dev_ : b_->device(i); }
  HostMemory& host() override { return b_->host(); }
  bool Wait(size_t i, std::chrono::milliseconds t) override { return b_->Wait(i, t); }
  FaultyDevice& faulty() { return *dev_; }

 private:
  std::unique_ptr<Backend> b_;
  size_t faulty_;
  std::unique_ptr<FaultyDevice> dev_;
};

}  // namespace aorta::runtime::faults
