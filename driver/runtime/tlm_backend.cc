#include "driver/runtime/tlm_backend.h"

namespace aorta::runtime {
namespace {

// One chip of the board as a Device.
class TlmDevice : public Device {
 public:
  TlmDevice(tlm::Board* board, size_t index) : board_(board), index_(index) {}
  uint32_t ReadReg(uint32_t offset) override { return board_->ReadReg(index_, offset); }
  void WriteReg(uint32_t offset, uint32_t value) override {
    board_->WriteReg(index_, offset, value);
  }
  bool WaitIrq(std::chrono::milliseconds timeout) override {
    return board_->RunUntilIrq(index_, timeout);
  }
  Status DramWrite(uint64_t addr, std::span<const uint8_t> data) override {
    return board_->DramWrite(index_, addr, data);
  }
  Status DramRead(uint64_t addr, std::span<uint8_t> out) override {
    return board_->DramRead(index_, addr, out);
  }

 private:
  tlm::Board* board_;
  size_t index_;
};

class TlmBackend : public Backend {
 public:
  std::string name() const override { return "tlm"; }
  size_t num_devices() const override { return devices_.size(); }
  Device& device(size_t i) override { return *devices_[i]; }
  HostMemory& host() override { return host_; }
  uint64_t simulated_cycles() const override { return board_->simulated_cycles(); }
  double simulation_seconds() const override { return board_->simulation_seconds(); }

  Status Init(const std::vector<ChipConfig>& chips, const std::vector<config::BoardLink>& links,
              tlm::BoardOptions options) {
    AORTA_ASSIGN_OR_RETURN(board_, tlm::Board::Make(chips, links, &host_, options));
    for (size_t i = 0; i < chips.size(); ++i)
      devices_.push_back(std::make_unique<TlmDevice>(board_.get(), i));
    return Status::Ok();
  }

 private:
  HostMemory host_;
  std::unique_ptr<tlm::Board> board_;
  std::vector<std::unique_ptr<TlmDevice>> devices_;
};

}  // namespace

Result<std::unique_ptr<Backend>> MakeTlmBackend(const std::vector<ChipConfig>& chips,
                                                const std::vector<config::BoardLink>& links,
                                                tlm::BoardOptions options) {
  auto b = std::make_unique<TlmBackend>();
  AORTA_RETURN_IF_ERROR(b->Init(chips, links, options));
  return std::unique_ptr<Backend>(std::move(b));
}

}  // namespace aorta::runtime
