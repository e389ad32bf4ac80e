// RtlBoard: several verilated SoCs (verif/soc/rtl_device.h) in one process, clocked in
// lock-step and wired port to port by cycle-level links (cycle_link.h), as the board's links
// say (chip_a.port_a <-> chip_b.port_b: one CycleLink each way).
//
//   auto board = RtlBoard::Create(std::move(devices), links, {timing, timing});
//   board->device(0).WriteReg(...);   // every cycle of any device is a cycle of the whole board
//
// Every clock cycle the board runs (a register access on one chip, WaitIrq, Run) clocks every
// chip once and then every link (RtlDevice::JoinBoard): all chips count the same cycles, and a
// chip waiting for its interrupt keeps the others running. The devices share one lock. Link
// state: up while neither end is held in reset (HoldReset) and it is not set down by hand.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "core/config.h"
#include "core/status.h"
#include "verif/multichip/cycle_link.h"
#include "verif/soc/rtl_device.h"

namespace aorta::verif {

class RtlBoard final : public BoardClock {
 public:
  // `timing[i]` is link i's (both directions). An error names a link whose chip or port does
  // not exist, a port wired twice, or bad timing.
  static Result<std::unique_ptr<RtlBoard>> Create(std::vector<std::unique_ptr<RtlDevice>> devices,
                                                  const std::vector<config::BoardLink>& links,
                                                  const std::vector<LinkTiming>& timing);

  void Tick(uint64_t cycles) override;

  size_t size() const { return devices_.size(); }
  RtlDevice& device(size_t i) { return *devices_[i]; }
  size_t num_links() const { return links_.size(); }
  const config::BoardLink& link(size_t i) const { return links_[i].wiring; }
  // Direction a -> b (chip_a sends) or b -> a of link i.
  CycleLink& channel(size_t i, bool a_to_b) {
    return a_to_b ? *links_[i].a_to_b : *links_[i].b_to_a;
  }
  // Chip `chip` held in reset (its links go down) or released.
  void HoldReset(size_t chip, bool hold);
  // Link i down (both directions; link_up_i low at both ports) or up again.
  void SetLinkUp(size_t i, bool up);
  // Board cycles run so far.
  uint64_t cycles() const { return cycles_; }

 private:
  struct Link {
    config::BoardLink wiring;
    std::shared_ptr<CycleLink> a_to_b, b_to_a;
    bool forced_down = false;
  };
  void UpdateUp(Link& l);

  std::vector<std::unique_ptr<RtlDevice>> devices_;
  std::vector<Link> links_;
  std::shared_ptr<std::mutex> mu_ = std::make_shared<std::mutex>();
  uint64_t cycles_ = 0;
};

}  // namespace aorta::verif
