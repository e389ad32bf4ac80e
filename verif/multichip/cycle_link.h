// Cycle-level chip-to-chip links for lock-step multi-chip RTL simulation (rtl_board.h).
//
// A CycleLink is one direction of a link between two SoC link ports (valid / ready streams of
// N-byte rows, docs/rtl.md "SoC"). Per cycle of the board clock:
//   - the sender's tx_ready is high while the link is up, not dropped, the rate limiter holds a
//     row's worth of credit (bytes_per_cycle accumulate every cycle, at most one row's worth
//     plus one cycle's carried over) and fewer than fifo_rows rows are in the link (on the way or
//     waiting at the receiver) at the start of the cycle: back-pressure;
//   - a row sent in cycle t reaches the receiver's rx_valid in cycle t + latency_cycles
//     (latency >= 1), in order; the receiver takes it with rx_ready.
// Both ends see the state of the start of the cycle, so the order in which the board clocks its
// chips within a cycle does not matter. Fault injection: Drop() (the link stops delivering and
// accepting: rx_valid and tx_ready stay low, the rows inside are lost; the link stays up, so
// the chips notice by their LINK_TIMEOUT) and set_up(false) (the link is down: link_up_i low,
// as with a peer in reset).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <vector>

#include "core/config.h"
#include "verif/soc/rtl_device.h"

namespace aorta::verif {

struct LinkTiming {
  double bytes_per_cycle = 0;   // link bandwidth in bytes per cycle of the chip clock
  uint32_t latency_cycles = 1;  // one way, >= 1
  uint32_t fifo_rows = 0;       // rows the link holds (in flight + waiting); >= 1
};

// The timing of a link of `chip` from its config (links.bandwidth_gbps, latency_ns at
// clock_mhz): bytes per cycle = Gb/s · 125 / MHz, latency = ceil(ns · MHz / 1000) (at least 1),
// and fifo_rows = the rows the bandwidth carries during the latency (so that a receiver that
// keeps up never stalls the sender) + 8, or `fifo_rows` when non-zero.
LinkTiming LinkTimingOf(const ChipConfig& chip, uint32_t fifo_rows = 0);

struct LinkStats {
  uint64_t rows_sent = 0;       // rows the sender handed over
  uint64_t rows_delivered = 0;  // rows the receiver took
  uint64_t rows_lost = 0;       // rows inside when the link was dropped
  uint64_t blocked_cycles = 0;  // cycles the sender offered a row that was not taken
  uint64_t max_rows = 0;        // most rows inside at once
};

class CycleLink {
 public:
  CycleLink(uint32_t row_bytes, const LinkTiming& timing);

  // Sender side.
  bool tx_ready() const;
  void Send(std::span<const uint8_t> row);
  void Blocked() { ++stats_.blocked_cycles; }
  // Receiver side.
  bool rx_valid() const;
  std::span<const uint8_t> rx_row() const;
  void Take();

  // The end of a board cycle.
  void Tick();

  bool up() const { return up_; }
  void set_up(bool up) { up_ = up; }
  void Drop();
  bool dropped() const { return dropped_; }
  const LinkTiming& timing() const { return timing_; }
  const LinkStats& stats() const { return stats_; }
  uint64_t rows_inside() const { return rows_.size(); }

 private:
  struct Row {
    uint64_t arrive;  // the first cycle the receiver sees it
    std::vector<uint8_t> bytes;
  };
  const uint32_t row_bytes_;
  const LinkTiming timing_;
  uint64_t now_ = 0;
  double credit_ = 0;
  uint64_t rows_at_start_ = 0;  // rows inside at the start of this cycle
  std::deque<Row> rows_;
  bool up_ = true, dropped_ = false;
  LinkStats stats_;
};

// The pins of one SoC link port: it sends on `tx` and receives from `rx`; up while both are.
class PortPins final : public LinkPins {
 public:
  PortPins(std::shared_ptr<CycleLink> tx, std::shared_ptr<CycleLink> rx)
      : tx_(std::move(tx)), rx_(std::move(rx)) {}
  bool up() const override { return tx_->up() && rx_->up(); }
  bool rx_valid() const override { return rx_->rx_valid(); }
  std::span<const uint8_t> rx_row() const override { return rx_->rx_row(); }
  bool tx_ready() const override { return tx_->tx_ready(); }
  void RxTaken() override { rx_->Take(); }
  void TxSent(std::span<const uint8_t> row) override { tx_->Send(row); }
  void TxBlocked() override { tx_->Blocked(); }

 private:
  std::shared_ptr<CycleLink> tx_, rx_;
};

}  // namespace aorta::verif
