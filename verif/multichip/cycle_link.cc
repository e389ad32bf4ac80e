#include "verif/multichip/cycle_link.h"

#include <algorithm>
#include <cmath>

namespace aorta::verif {

LinkTiming LinkTimingOf(const ChipConfig& chip, uint32_t fifo_rows) {
  LinkTiming t;
  const double mhz = chip.clock_mhz();
  t.bytes_per_cycle = chip.links().bandwidth_gbps() * 125.0 / mhz;
  t.latency_cycles = std::max<uint32_t>(
      1, static_cast<uint32_t>(std::ceil(chip.links().latency_ns() * mhz / 1e3)));
  const uint32_t n = chip.array_rows();
  t.fifo_rows =
      fifo_rows != 0
          ? fifo_rows
          : static_cast<uint32_t>(std::ceil(t.latency_cycles * t.bytes_per_cycle / n)) + 8;
  return t;
}

CycleLink::CycleLink(uint32_t row_bytes, const LinkTiming& timing)
    : row_bytes_(row_bytes), timing_(timing), credit_(row_bytes) {}

bool CycleLink::tx_ready() const {
  return up_ && !dropped_ && credit_ >= row_bytes_ && rows_at_start_ < timing_.fifo_rows;
}

void CycleLink::Send(std::span<const uint8_t> row) {
  credit_ -= row_bytes_;
  rows_.push_back({now_ + std::max<uint32_t>(1, timing_.latency_cycles),
                   std::vector<uint8_t>(row.begin(), row.end())});
  ++stats_.rows_sent;
  stats_.max_rows = std::max<uint64_t>(stats_.max_rows, rows_.size());
}

bool CycleLink::rx_valid() const {
  return !dropped_ && !rows_.empty() && rows_.front().arrive <= now_;
}

std::span<const uint8_t> CycleLink::rx_row() const { return rows_.front().bytes; }

void CycleLink::Take() {
  rows_.pop_front();
  ++stats_.rows_delivered;
}

void CycleLink::Tick() {
  ++now_;
  credit_ = std::min(credit_ + timing_.bytes_per_cycle, row_bytes_ + timing_.bytes_per_cycle);
  rows_at_start_ = rows_.size();
}

void CycleLink::Drop() {
  dropped_ = true;
  stats_.rows_lost += rows_.size();
  rows_.clear();
  rows_at_start_ = 0;
}

}  // namespace aorta::verif
