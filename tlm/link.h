// A chip-to-chip link in the TLM model: one direction of a link port, with the config's
// bandwidth (bytes are serialized at the link rate) and one-way latency. SEND hands bytes to
// the channel at the sender's time; they become visible to the receiver's RECV when the last of
// them has arrived. Used inside the SystemC simulation only (one thread of control).
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <systemc>
#include <vector>

#include "tlm/memory.h"

namespace aorta::tlm {

class LinkChannel {
 public:
  LinkChannel(double bytes_per_s, double latency_ps);
  // Queues bytes sent at time `at` (>= now).
  void Send(std::span<const uint8_t> bytes, const sc_core::sc_time& at);
  // Bytes that have arrived by now.
  uint64_t Arrived() const;
  // Bytes sent that have not all arrived yet (0: nothing is on the way).
  uint64_t InFlight() const { return total_ - popped_ - Arrived(); }
  // Removes out.size() arrived bytes; false (nothing removed) if fewer have arrived.
  bool Pop(std::span<uint8_t> out);
  // The arrival time of the first chunk that has not arrived yet (call only if InFlight() > 0).
  sc_core::sc_time NextArrival() const;
  // Notified when bytes sent while nothing else was on the way arrive (a receiver with bytes
  // in flight waits for NextArrival() instead).
  const sc_core::sc_event& arrival() const { return arrival_; }
  uint64_t bytes_sent() const { return timing_.bytes(); }

 private:
  struct Chunk {
    sc_core::sc_time arrive;
    uint64_t end;  // cumulative byte count at the end of the chunk
  };
  BandwidthModel timing_;
  std::deque<uint8_t> fifo_;
  std::deque<Chunk> chunks_;
  uint64_t total_ = 0;   // bytes ever sent
  uint64_t popped_ = 0;  // bytes ever popped
  sc_core::sc_event arrival_;
};

}  // namespace aorta::tlm
