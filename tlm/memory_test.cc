#include "tlm/memory.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
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

// ---- The board memory against the RTL bench's memory rules ----------------------------------

// tiny's memory: 4 GB/s at 200 MHz (20 bytes per cycle), 32-byte beats, a bucket of two beats,
// 120 ns = 24 cycles.
constexpr double kPeriodPs = 5000;
constexpr uint32_t kBeat = 32;
constexpr uint32_t kLatency = 24;
constexpr double kPerCycle = 20;

std::shared_ptr<MemoryTiming> TinyMemory() {
  return std::make_shared<MemoryTiming>(4e9, kLatency * kPeriodPs, kPeriodPs, kBeat, 2 * kBeat);
}

// One access as the RTL's DMA makes it: a read whose AR is accepted in `cycle`, or a write whose
// first W beat is offered in `cycle`; `beats` full-width beats.
struct Req {
  bool write = false;
  uint64_t cycle = 0;
  uint32_t beats = 1;
};

// The RTL bench's memory (verif/common/axi_mem.cc, Drive / Sample) cycle by cycle, written
// from its rules: the bucket's level at a cycle's start decides for both channels; the R channel
// serves the next beat of the oldest read once its latency has passed, the W channel takes the
// offered beat of the oldest write (held until taken); each beat costs the bus width; the level
// is refilled at the cycle's end, capped at two beats. Results: a read's last beat cycle, a
// write's response cycle (last beat + 1 + latency).
std::vector<uint64_t> RtlBenchMemory(const std::vector<Req>& reqs) {
  std::vector<uint64_t> done(reqs.size());
  std::vector<size_t> reads, writes;  // request order per channel
  for (size_t i = 0; i < reqs.size(); ++i) (reqs[i].write ? writes : reads).push_back(i);
  std::vector<uint32_t> left(reqs.size());
  for (size_t i = 0; i < reqs.size(); ++i) left[i] = reqs[i].beats;
  size_t r = 0, w = 0;
  double level = 2 * kBeat;
  for (uint64_t c = 0; r < reads.size() || w < writes.size(); ++c) {
    const bool w_go = w < writes.size() && reqs[writes[w]].cycle <= c && level >= kBeat;
    const bool r_go =
        r < reads.size() && reqs[reads[r]].cycle + 1 + kLatency <= c && level >= kBeat;
    if (w_go) {
      level -= kBeat;
      if (--left[writes[w]] == 0) done[writes[w++]] = c + 1 + kLatency;
    }
    if (r_go) {
      level -= kBeat;
      if (--left[reads[r]] == 0) done[reads[r++]] = c;
    }
    level = std::min(level + kPerCycle, 2.0 * kBeat);
  }
  return done;
}

// Asks `m` for request `q` (at simulated time `now_cycle`) as the TLM's DMA does; the result in
// cycles.
uint64_t Ask(MemoryTiming& m, const Req& q, uint64_t now_cycle = 0) {
  const sc_time now(static_cast<double>(now_cycle) * kPeriodPs, sc_core::SC_PS);
  // A read starts the cycle after its AR; a write's start is the cycle after its last beat.
  const uint64_t start = q.write ? q.cycle + q.beats : q.cycle + 1;
  const sc_time t = m.Access(now, sc_time(static_cast<double>(start) * kPeriodPs, sc_core::SC_PS),
                             uint64_t{q.beats} * kBeat, q.write);
  return static_cast<uint64_t>(t.to_seconds() * 1e12 / kPeriodPs + 0.5);
}

// Loads of dense narrow rows (a beat every 4 cycles, now and then a 2-beat row) and stores of one
// strobed beat per row, each at the memory's bandwidth alone: together they want 1.25 beats per
// cycle where the memory has 0.625.
std::vector<Req> LoadsAndStores() {
  std::vector<Req> q;
  for (uint64_t i = 0; i < 60; ++i) q.push_back({false, 10 + 4 * i, i % 7 == 3 ? 2u : 1u});
  for (uint64_t i = 0; i < 150; ++i) q.push_back({true, 12 + i, 1});
  return q;
}

TEST(TlmMemoryTiming, OneChannelAloneIsServedAsTheRtlBenchMemoryServesIt) {
  for (bool write : {false, true}) {
    std::vector<Req> q;
    for (const Req& r : LoadsAndStores())
      if (r.write == write) q.push_back(r);
    const std::vector<uint64_t> want = RtlBenchMemory(q);
    auto m = TinyMemory();
    for (size_t i = 0; i < q.size(); ++i) EXPECT_EQ(Ask(*m, q[i]), want[i]) << write << " " << i;
    // Later, only the cycles from now on are held (what is in flight, not the whole run).
    Ask(*m, {write, 1000, 1}, 1000);
    EXPECT_LE(m->cycles_held(), kLatency + 2);
  }
}

TEST(TlmMemoryTiming, ReadsAndWritesShareTheBucketCycleByCycle) {
  // Asked for in the order the RTL memory serves them (by the cycle of the first beat), every
  // access completes in the RTL's cycle: in a cycle whose level covers a beat both channels go,
  // and the level pays for both.
  const std::vector<Req> q = LoadsAndStores();
  const std::vector<uint64_t> want = RtlBenchMemory(q);
  std::vector<size_t> order(q.size());
  for (size_t i = 0; i < q.size(); ++i) order[i] = i;
  auto first_cycle = [&](size_t i) {
    // A single-beat access's first beat is its last (reads) or its response - 1 - latency.
    return q[i].write ? want[i] - 1 - kLatency - (q[i].beats - 1) : want[i] - (q[i].beats - 1);
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return first_cycle(a) < first_cycle(b); });
  auto m = TinyMemory();
  for (size_t i : order)
    EXPECT_EQ(Ask(*m, q[i]), want[i]) << (q[i].write ? "write " : "read ") << i;
}

// Each test that simulates does so in a SystemC context of its own (one simulation per context,
// as tlm/board.cc does for boards); declared first, so the modules go before it. The context is
// not freed (SystemC 2.3's context destructor is not safe to run this way).
class OwnContext {
 public:
  OwnContext()
      : saved_curr_(sc_core::sc_curr_simcontext),
        saved_default_(sc_core::sc_default_global_context) {
    auto* c = new sc_core::sc_simcontext;
    sc_core::sc_curr_simcontext = c;
    sc_core::sc_default_global_context = c;
  }
  ~OwnContext() {
    sc_core::sc_curr_simcontext = saved_curr_;
    sc_core::sc_default_global_context = saved_default_;
  }
  OwnContext(const OwnContext&) = delete;
  OwnContext& operator=(const OwnContext&) = delete;

 private:
  sc_core::sc_simcontext* saved_curr_;
  sc_core::sc_simcontext* saved_default_;
};

// Initiators that run ahead of simulated time (loosely timed, never syncing by themselves), each
// asking a DRAM for its accesses in order as DMA rows (BusBytes), as the chip's LD and ST
// processes do within a quantum.
struct RunAhead : sc_core::sc_module {
  SC_HAS_PROCESS(RunAhead);
  tlm_utils::simple_initiator_socket<RunAhead> socket;
  std::vector<Req> reqs;
  std::vector<uint64_t> done;  // cycles
  RunAhead(sc_core::sc_module_name n, std::vector<Req> q)
      : sc_module(n), socket("socket"), reqs(std::move(q)), done(reqs.size()) {
    SC_THREAD(Run);
  }
  void Run() {
    std::vector<uint8_t> data(2 * kBeat);
    for (size_t i = 0; i < reqs.size(); ++i) {
      const Req& q = reqs[i];
      const uint64_t start = q.write ? q.cycle + q.beats : q.cycle + 1;
      const sc_time at(static_cast<double>(start) * kPeriodPs, sc_core::SC_PS);
      ::tlm::tlm_generic_payload gp;
      BusBytes bus;
      bus.bytes = uint64_t{q.beats} * kBeat;
      gp.set_extension(&bus);
      gp.set_command(q.write ? ::tlm::TLM_WRITE_COMMAND : ::tlm::TLM_READ_COMMAND);
      gp.set_address(4096 * i);
      gp.set_data_ptr(data.data());
      gp.set_data_length(q.beats * kBeat);
      gp.set_streaming_width(q.beats * kBeat);
      sc_time delay = at - sc_core::sc_time_stamp();  // the memory may wait: now moves
      socket->b_transport(gp, delay);
      gp.clear_extension(&bus);
      EXPECT_EQ(gp.get_response_status(), ::tlm::TLM_OK_RESPONSE);
      done[i] = static_cast<uint64_t>(
          (sc_core::sc_time_stamp() + delay).to_seconds() * 1e12 / kPeriodPs + 0.5);
      // After its first access the thread yields once (the chip's queue threads yield between
      // instructions): every initiator is known to the memory before one runs ahead.
      if (i == 0) wait(sc_core::SC_ZERO_TIME);
    }
  }
};

TEST(TlmMemoryTiming, InitiatorsRunningAheadAreServedInTimeOrder) {
  // The loads' and the stores' processes each run ahead of simulated time. A memory served in
  // call order (or a calendar asked for every store first) puts the loads behind every store;
  // Arbitrate makes the one ahead wait while the other is active, so the accesses are asked for in
  // (nearly) time order and come out within a refill or two of the RTL memory's cycles.
  std::vector<Req> q = LoadsAndStores();
  q.insert(q.begin(), {{false, 0, 1}, {true, 0, 1}});  // each makes an access early on
  const std::vector<uint64_t> want = RtlBenchMemory(q);
  std::vector<Req> loads, stores;
  std::vector<uint64_t> want_loads, want_stores;
  for (size_t i = 0; i < q.size(); ++i) {
    (q[i].write ? stores : loads).push_back(q[i]);
    (q[i].write ? want_stores : want_loads).push_back(want[i]);
  }
  OwnContext context;
  auto timing = TinyMemory();
  Dram dram("arb_dram", 1 << 20, timing);
  RunAhead st("arb_st", stores), ld("arb_ld", loads);  // the stores ask first
  st.socket.bind(dram.socket);
  ld.socket.bind(dram.bar2);
  sc_core::sc_start();
  EXPECT_GT(timing->waits(), 0u);
  const auto slack = static_cast<int64_t>(2 * std::ceil(kBeat / kPerCycle));
  for (size_t i = 0; i < loads.size(); ++i) {
    EXPECT_NEAR(static_cast<double>(ld.done[i]), static_cast<double>(want_loads[i]),
                static_cast<double>(slack))
        << "load " << i;
  }
  for (size_t i = 0; i < stores.size(); ++i) {
    EXPECT_NEAR(static_cast<double>(st.done[i]), static_cast<double>(want_stores[i]),
                static_cast<double>(slack))
        << "store " << i;
  }
}

TEST(TlmMemoryTiming, AnInitiatorAloneKeepsItsQuantum) {
  // Nobody else asks: the loads run ahead without waiting, served as the RTL memory serves them.
  std::vector<Req> loads;
  for (const Req& r : LoadsAndStores())
    if (!r.write) loads.push_back(r);
  const std::vector<uint64_t> want = RtlBenchMemory(loads);
  OwnContext context;
  auto timing = TinyMemory();
  Dram dram("alone_dram", 1 << 20, timing);
  RunAhead ld("alone_ld", loads), host("alone_host", {});  // BAR2 has nothing to ask
  ld.socket.bind(dram.socket);
  host.socket.bind(dram.bar2);
  sc_core::sc_start();
  EXPECT_EQ(timing->waits(), 0u);
  EXPECT_EQ(ld.done, want);
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
  OwnContext context;
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
