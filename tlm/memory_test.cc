#include "tlm/memory.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/golden/host_memory.h"

namespace aorta::tlm {
namespace {

using sc_core::SC_NS;
using sc_core::sc_time;

TEST(TlmBandwidth, TransfersQueueBehindEachOtherAndAddTheLatency) {
  // 1 GB/s = 1 ns per byte, latency 100 ns.
  BandwidthModel m(1e9, 100e3);
  EXPECT_EQ(m.Transfer(sc_time(0, SC_NS), 64), sc_time(164, SC_NS));
  // The second transfer waits for the first to leave the resource (64 ns), not for its latency.
  EXPECT_EQ(m.Transfer(sc_time(0, SC_NS), 64), sc_time(228, SC_NS));
  // After an idle gap it starts when asked.
  EXPECT_EQ(m.Transfer(sc_time(1000, SC_NS), 10), sc_time(1110, SC_NS));
  EXPECT_EQ(m.bytes(), 138u);
}

// A module that drives a bus from a thread and records what happened.
struct Driver : sc_core::sc_module {
  SC_HAS_PROCESS(Driver);
  tlm_utils::simple_initiator_socket<Driver> socket;
  tlm_utils::simple_initiator_socket<Driver> bar2;  // straight to DRAM, as the host's BAR2
  std::function<void(Driver&)> body;
  explicit Driver(sc_core::sc_module_name n) : sc_module(n), socket("socket"), bar2("bar2") {
    SC_THREAD(Run);
  }
  void Run() { body(*this); }
  ::tlm::tlm_response_status Access(bool write, uint64_t addr, std::vector<uint8_t>& data,
                                    sc_time& delay) {
    ::tlm::tlm_generic_payload gp;
    gp.set_command(write ? ::tlm::TLM_WRITE_COMMAND : ::tlm::TLM_READ_COMMAND);
    gp.set_address(addr);
    gp.set_data_ptr(data.data());
    gp.set_data_length(static_cast<unsigned>(data.size()));
    gp.set_streaming_width(static_cast<unsigned>(data.size()));
    socket->b_transport(gp, delay);
    return gp.get_response_status();
  }
};

TEST(TlmMemory, BusDecodesDramHostAndHolesWithTimingAndDmi) {
  HostMemory host;
  HostMemory::Buffer buf = host.Alloc(4096).value();
  for (size_t i = 0; i < 16; ++i) buf.span[i] = static_cast<uint8_t>(100 + i);

  Driver drv("drv");
  // 1 MiB, 1 GB/s, 100 ns, a 1 GHz clock, 32-byte beats; the host window 2 GB/s, 50 ns.
  Dram dram("dram", 1 << 20, std::make_shared<MemoryTiming>(1e9, 100e3, 1e3, 32, 64));
  HostWindow win("win", &host, std::make_shared<MemoryTiming>(2e9, 50e3, 1e3, 32, 64));
  Bus bus("bus", 1 << 20, true);
  drv.socket.bind(bus.in);
  bus.to_dram.bind(dram.socket);
  bus.to_host.bind(win.socket);
  drv.bar2.bind(dram.bar2);

  std::vector<std::string> log;
  drv.body = [&](Driver& d) {
    std::vector<uint8_t> w(32, 7), r(32, 0);
    sc_time delay = sc_core::SC_ZERO_TIME;
    EXPECT_EQ(d.Access(true, 4096, w, delay), ::tlm::TLM_OK_RESPONSE);
    // One W beat in cycle 0 (a full bucket), its response latency + 1 cycles after it.
    EXPECT_EQ(delay, sc_time(101, SC_NS));
    delay = sc_core::SC_ZERO_TIME;
    EXPECT_EQ(d.Access(false, 4096, r, delay), ::tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(r, w);
    // Its beat is ready after the latency; the bucket has refilled by then.
    EXPECT_EQ(delay, sc_time(100, SC_NS));
    // Host window: one narrow beat after its latency.
    std::vector<uint8_t> h(16);
    delay = sc_core::SC_ZERO_TIME;
    EXPECT_EQ(d.Access(false, kHostWindowBase + buf.iova, h, delay), ::tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(h[0], 100);
    EXPECT_EQ(h[15], 115);
    EXPECT_EQ(delay, sc_time(50, SC_NS));
    // Past DRAM's end, an unmapped host page, a hole in the address map.
    std::vector<uint8_t> x(64);
    delay = sc_core::SC_ZERO_TIME;
    EXPECT_EQ(d.Access(false, (1 << 20) - 32, x, delay), ::tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(d.Access(false, kHostWindowBase + buf.iova + 8192, x, delay),
              ::tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(d.Access(false, uint64_t{1} << 40, x, delay), ::tlm::TLM_ADDRESS_ERROR_RESPONSE);
    // DMI on DRAM: the page holding the written bytes.
    ::tlm::tlm_generic_payload gp;
    ::tlm::tlm_dmi dmi;
    gp.set_address(4100);
    ASSERT_TRUE(d.socket->get_direct_mem_ptr(gp, dmi));
    EXPECT_EQ(dmi.get_start_address(), 0u);
    EXPECT_EQ(dmi.get_end_address(), Dram::kPageBytes - 1);
    EXPECT_EQ(dmi.get_dmi_ptr()[4096], 7);
    EXPECT_TRUE(dmi.is_read_write_allowed());
    gp.set_address(kHostWindowBase + buf.iova);
    EXPECT_FALSE(d.socket->get_direct_mem_ptr(gp, dmi));
    // BAR2 sees the same page; past the end of DRAM there is none.
    gp.set_address(4096);
    ASSERT_TRUE(d.bar2->get_direct_mem_ptr(gp, dmi));
    EXPECT_EQ(dmi.get_dmi_ptr()[4096], 7);
    gp.set_address(1 << 20);
    EXPECT_FALSE(d.bar2->get_direct_mem_ptr(gp, dmi));
    log.push_back("done");
  };
  sc_core::sc_start();
  EXPECT_EQ(log.size(), 1u);
}

}  // namespace
}  // namespace aorta::tlm
