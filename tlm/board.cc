#include "tlm/board.h"

#include <tlm_utils/simple_initiator_socket.h>

#include <cstdlib>
#include <cstring>
#include <systemc>
#include <tlm>

#include "tlm/link.h"
#include "tlm/memory.h"

namespace aorta::tlm {

using sc_core::sc_time;

// The host's PCIe root: one BAR0 (registers) and one BAR2 (board DRAM) initiator per chip.
struct PcieRoot : sc_core::sc_module {
  using Socket = tlm_utils::simple_initiator_socket<PcieRoot>;
  std::vector<std::unique_ptr<Socket>> bar0, bar2;
  PcieRoot(sc_core::sc_module_name name, size_t chips) : sc_module(name) {
    for (size_t i = 0; i < chips; ++i) {
      bar0.push_back(std::make_unique<Socket>(("bar0_" + std::to_string(i)).c_str()));
      bar2.push_back(std::make_unique<Socket>(("bar2_" + std::to_string(i)).c_str()));
    }
  }
};
using Socket = PcieRoot::Socket;

// One chip with its memories.
struct ChipSlot {
  std::unique_ptr<Chip> chip;
  std::unique_ptr<Dram> dram;
  std::unique_ptr<HostWindow> host;
  std::unique_ptr<Bus> bus;
  Socket* bar0 = nullptr;
  Socket* bar2 = nullptr;
};

struct Board::Impl {
  std::unique_ptr<PcieRoot> root;
  std::vector<ChipSlot> chips;
  std::vector<std::unique_ptr<LinkChannel>> links;
};

namespace {
// The SystemC context to return to when a board is left (the one the process had).
struct ContextSwitch {
  explicit ContextSwitch(sc_core::sc_simcontext* c)
      : saved_curr(sc_core::sc_curr_simcontext), saved_default(sc_core::sc_default_global_context) {
    sc_core::sc_curr_simcontext = c;
    sc_core::sc_default_global_context = c;
  }
  ~ContextSwitch() {
    sc_core::sc_curr_simcontext = saved_curr;
    sc_core::sc_default_global_context = saved_default;
  }
  sc_core::sc_simcontext* saved_curr;
  sc_core::sc_simcontext* saved_default;
};
}  // namespace

Board::Board(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

void Board::Enter() const {
  sc_core::sc_curr_simcontext = context_;
  sc_core::sc_default_global_context = context_;
}

Result<std::unique_ptr<Board>> Board::Make(const std::vector<ChipConfig>& chips,
                                           const std::vector<config::BoardLink>& links,
                                           DeviceMemory* host, BoardOptions options) {
  if (chips.empty()) return InvalidArgument("a board needs at least one chip");
  for (const ChipConfig& c : chips) AORTA_RETURN_IF_ERROR(ValidateChipConfig(c));
  for (const auto& l : links) {
    if (l.chip_a() >= chips.size() || l.chip_b() >= chips.size())
      return InvalidArgument("link {}.{}-{}.{} names a chip the board does not have", l.chip_a(),
                             l.port_a(), l.chip_b(), l.port_b());
    if (l.port_a() >= chips[l.chip_a()].links().count() ||
        l.port_b() >= chips[l.chip_b()].links().count())
      return InvalidArgument("link {}.{}-{}.{} names a link port the chip does not have",
                             l.chip_a(), l.port_a(), l.chip_b(), l.port_b());
  }
  setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 1);

  auto impl = std::make_unique<Impl>();
  std::unique_ptr<Board> board(new Board(std::move(impl)));
  auto* ctx = new sc_core::sc_simcontext;
  board->context_ = ctx;
  ContextSwitch cs(ctx);
  ::tlm::tlm_global_quantum::instance().set(sc_time(options.quantum_ns, sc_core::SC_NS));
  Impl& im = *board->impl_;
  im.root = std::make_unique<PcieRoot>("pcie_root", chips.size());
  im.chips.resize(chips.size());
  for (size_t i = 0; i < chips.size(); ++i) {
    const ChipConfig& c = chips[i];
    const ChipTiming t = TimingOf(c);
    ChipSlot& s = im.chips[i];
    const std::string p = "chip" + std::to_string(i);
    s.chip = std::make_unique<Chip>((p).c_str(), c, host != nullptr);
    // The memories take the DMA's bus beats through a bucket of two beats (the RTL bench's
    // memory model, verif/common/axi_mem, which serves DRAM and the host window as one memory:
    // one bucket for both unless the host window runs at the PCIe rate).
    const double burst = 2.0 * t.dma_bus_bytes;
    auto memory = [&](double bytes_per_s, double latency_ps) {
      return std::make_shared<MemoryTiming>(bytes_per_s, latency_ps, t.period_ps, t.dma_bus_bytes,
                                            burst);
    };
    auto dram_timing = memory(t.dram_bytes_per_s, t.dram_latency_ps);
    s.dram = std::make_unique<Dram>((p + "_dram").c_str(), c.dram().bytes(), dram_timing);
    s.host = std::make_unique<HostWindow>(
        (p + "_host").c_str(), host,
        options.pcie_host_window ? memory(t.host_bytes_per_s, t.host_latency_ps) : dram_timing);
    s.bus = std::make_unique<Bus>((p + "_bus").c_str(), c.dram().bytes(), host != nullptr);
    s.bar0 = im.root->bar0[i].get();
    s.bar2 = im.root->bar2[i].get();
    s.chip->dma.bind(s.bus->in);
    s.chip->SetDramTiming(dram_timing.get());
    s.bus->to_dram.bind(s.dram->socket);
    s.bus->to_host.bind(s.host->socket);
    s.bar0->bind(s.chip->bar0);
    s.bar2->bind(s.dram->bar2);
    s.chip->SetOnRunEnd([] { sc_core::sc_pause(); });
    s.chip->SetObserver(options.observer, static_cast<uint32_t>(i));
  }
  for (const auto& l : links) {
    const ChipTiming ta = TimingOf(chips[l.chip_a()]);
    auto ab = std::make_unique<LinkChannel>(ta.link_bytes_per_s, ta.link_latency_ps);
    const ChipTiming tb = TimingOf(chips[l.chip_b()]);
    auto ba = std::make_unique<LinkChannel>(tb.link_bytes_per_s, tb.link_latency_ps);
    AORTA_RETURN_IF_ERROR(im.chips[l.chip_a()].chip->AttachLink(l.port_a(), ab.get(), ba.get()));
    AORTA_RETURN_IF_ERROR(im.chips[l.chip_b()].chip->AttachLink(l.port_b(), ba.get(), ab.get()));
    im.links.push_back(std::move(ab));
    im.links.push_back(std::move(ba));
  }
  sc_core::sc_start(sc_core::SC_ZERO_TIME);  // elaboration; every process waits for a doorbell
  return board;
}

Board::~Board() {
  if (context_ == nullptr) return;
  {
    ContextSwitch cs(context_);
    impl_.reset();
  }
  // The context is left allocated: SystemC 2.3's sc_simcontext destructor expects to be the
  // process's last context and is not safe to run after its modules are gone.
}

size_t Board::size() const { return impl_->chips.size(); }

Chip& Board::chip(size_t i) { return *impl_->chips[i].chip; }

namespace {
// A 4-byte register access through a BAR0 socket.
uint32_t RegAccess(Socket& s, bool write, uint32_t offset, uint32_t value) {
  uint8_t bytes[4];
  for (int i = 0; i < 4; ++i) bytes[i] = static_cast<uint8_t>(value >> (8 * i));
  // One payload per thread, every field set again (building one allocates its extension array;
  // a run makes dozens of register accesses). A register target never calls back into here.
  thread_local ::tlm::tlm_generic_payload gp;
  gp.set_command(write ? ::tlm::TLM_WRITE_COMMAND : ::tlm::TLM_READ_COMMAND);
  gp.set_address(offset);
  gp.set_data_ptr(bytes);
  gp.set_data_length(4);
  gp.set_streaming_width(4);
  gp.set_byte_enable_ptr(nullptr);
  gp.set_byte_enable_length(0);
  gp.set_dmi_allowed(false);
  gp.set_response_status(::tlm::TLM_INCOMPLETE_RESPONSE);
  sc_time delay = sc_core::SC_ZERO_TIME;
  s->b_transport(gp, delay);
  if (gp.get_response_status() != ::tlm::TLM_OK_RESPONSE) return 0xffffffffu;
  return uint32_t{bytes[0]} | uint32_t{bytes[1]} << 8 | uint32_t{bytes[2]} << 16 |
         uint32_t{bytes[3]} << 24;
}

// BAR2: copies through DMI pages, falling back to debug transport where DMI is refused.
Status DramAccess(Socket& s, uint64_t size, bool write, uint64_t addr, uint8_t* data,
                  uint64_t len) {
  if (addr > size || len > size - addr)
    return InvalidArgument("DRAM {} of {} bytes at {:#x} exceeds the {} bytes of DRAM",
                           write ? "write" : "read", len, addr, size);
  uint64_t done = 0;
  while (done < len) {
    ::tlm::tlm_generic_payload gp;
    ::tlm::tlm_dmi dmi;
    gp.set_address(addr + done);
    gp.set_command(write ? ::tlm::TLM_WRITE_COMMAND : ::tlm::TLM_READ_COMMAND);
    if (s->get_direct_mem_ptr(gp, dmi) && dmi.get_start_address() <= addr + done) {
      const uint64_t off = addr + done - dmi.get_start_address();
      const uint64_t n = std::min<uint64_t>(dmi.get_end_address() - (addr + done) + 1, len - done);
      if (write) {
        std::memcpy(dmi.get_dmi_ptr() + off, data + done, n);
      } else {
        std::memcpy(data + done, dmi.get_dmi_ptr() + off, n);
      }
      done += n;
      continue;
    }
    gp.set_data_ptr(data + done);
    gp.set_data_length(static_cast<unsigned>(len - done));
    if (s->transport_dbg(gp) != len - done) return Internal("DRAM access at {:#x} refused", addr);
    done = len;
  }
  return Status::Ok();
}
}  // namespace

uint32_t Board::ReadReg(size_t chip, uint32_t offset) {
  Enter();
  return RegAccess(*impl_->chips[chip].bar0, false, offset, 0);
}

void Board::WriteReg(size_t chip, uint32_t offset, uint32_t value) {
  Enter();
  RegAccess(*impl_->chips[chip].bar0, true, offset, value);
}

Status Board::DramWrite(size_t chip, uint64_t addr, std::span<const uint8_t> data) {
  Enter();
  ChipSlot& s = impl_->chips[chip];
  return DramAccess(*s.bar2, s.dram->size(), true, addr, const_cast<uint8_t*>(data.data()),
                    data.size());
}

Status Board::DramRead(size_t chip, uint64_t addr, std::span<uint8_t> out) {
  Enter();
  ChipSlot& s = impl_->chips[chip];
  return DramAccess(*s.bar2, s.dram->size(), false, addr, out.data(), out.size());
}

bool Board::Irq(size_t chip) { return impl_->chips[chip].chip->irq(); }

bool Board::RunUntilIrq(size_t chip, std::chrono::milliseconds timeout) {
  Enter();
  const auto t0 = std::chrono::steady_clock::now();
  const auto deadline = t0 + timeout;
  Chip& c = *impl_->chips[chip].chip;
  while (!c.irq()) {
    if (!sc_core::sc_pending_activity()) break;  // nothing can happen any more
    if (std::chrono::steady_clock::now() >= deadline) break;
    // Runs until a chip's run ends (sc_pause) or a slice of simulated time has passed, so the
    // wall-clock budget is checked now and then.
    sc_core::sc_start(sc_time(1, sc_core::SC_MS), sc_core::SC_EXIT_ON_STARVATION);
  }
  sim_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return c.irq();
}

uint64_t Board::simulated_cycles() {
  Enter();
  uint64_t total = 0;
  for (ChipSlot& s : impl_->chips) total += s.chip->Now();
  return total;
}

}  // namespace aorta::tlm

// libsystemc.so carries a main() that calls sc_main, so the library references the symbol.
// aorta's programs have their own main() and drive boards through Board; this definition only
// satisfies the reference and says so if it is ever reached.
int sc_main(int /*argc*/, char* /*argv*/[]) {
  SC_REPORT_ERROR("aorta", "the aorta TLM model is a library: use aorta::tlm::Board");
  return 1;
}
