// The current simulated time without a call into the SystemC library: sc_core::sc_time_stamp()
// is an out-of-line function that returns this same member of the current simulation context,
// and the chip and memory models read the time several times per DMA row.
#pragma once

#include <systemc>

namespace aorta::tlm {

// (sc_get_curr_simcontext is inline too, but large enough to be left out of line: the context
// pointer is read directly once it exists.)
inline const sc_core::sc_time& SimTime() {
  sc_core::sc_simcontext* c = sc_core::sc_curr_simcontext;
  if (c == nullptr) [[unlikely]]
    c = sc_core::sc_get_curr_simcontext();
  return c->time_stamp();
}

}  // namespace aorta::tlm
