#include "tlm/link.h"

#include <algorithm>

#include "tlm/sim_time.h"

namespace aorta::tlm {

LinkChannel::LinkChannel(double bytes_per_s, double latency_ps)
    : timing_(bytes_per_s, latency_ps) {}

void LinkChannel::Send(std::span<const uint8_t> bytes, const sc_core::sc_time& at) {
  if (bytes.empty()) return;
  const sc_core::sc_time arrive = timing_.Transfer(at, bytes.size());
  fifo_.insert(fifo_.end(), bytes.begin(), bytes.end());
  total_ += bytes.size();
  chunks_.push_back({arrive, total_});
  arrival_.notify(arrive - SimTime());
}

uint64_t LinkChannel::Arrived() const {
  const sc_core::sc_time now = SimTime();
  uint64_t end = popped_;
  for (const Chunk& c : chunks_) {
    if (c.arrive > now) break;
    end = c.end;
  }
  return end - popped_;
}

sc_core::sc_time LinkChannel::NextArrival() const {
  const sc_core::sc_time now = SimTime();
  for (const Chunk& c : chunks_)
    if (c.arrive > now) return c.arrive;
  return now;
}

bool LinkChannel::Pop(std::span<uint8_t> out) {
  if (Arrived() < out.size()) return false;
  std::copy_n(fifo_.begin(), out.size(), out.begin());
  fifo_.erase(fifo_.begin(), fifo_.begin() + static_cast<std::ptrdiff_t>(out.size()));
  popped_ += out.size();
  while (!chunks_.empty() && chunks_.front().end <= popped_) chunks_.pop_front();
  return true;
}

}  // namespace aorta::tlm
