// SocDevice<Model>: RtlDevice (rtl_device.h) over one verilated build of aorta_soc. Included
// only by the per-model files (soc_device_*.cc), which each instantiate it for their model.
#pragma once

#include <algorithm>
#include <chrono>
#include <mutex>
#include <vector>

#include "aorta/regs_gen.h"
#include "core/golden/host_memory.h"
#include "verif/common/axi_mem.h"
#include "verif/common/axil_master.h"
#include "verif/common/bench.h"
#include "verif/soc/rtl_device.h"
#include "verilated.h"

namespace aorta::verif {

template <class Model>
class SocDevice final : public RtlDevice {
 public:
  SocDevice(const ChipConfig& config, DeviceMemory* host)
      : geometry_(GeometryOf(config)),
        host_(host),
        ctx_(std::make_unique<VerilatedContext>()),
        axil_(AxilMaster::Options{}),
        wires_(kDataBytes),
        links_(geometry_.link_ports),
        pins_(geometry_.link_ports),
        rx_buf_(geometry_.link_ports, std::vector<uint8_t>(geometry_.n)),
        rx_full_(geometry_.link_ports, false),
        rx_(geometry_.link_ports * geometry_.n) {
    ctx_->fatalOnError(false);
    ctx_->randReset(2);
    model_ = std::make_unique<Model>(ctx_.get());
    AxiMem::Options mo;
    mo.data_bytes = kDataBytes;
    // The config's DRAM: latency in cycles of the core clock, bandwidth in bytes per cycle.
    mo.read_latency = static_cast<uint32_t>(config.dram().latency_ns() * config.clock_mhz() / 1e3);
    mo.write_latency = mo.read_latency;
    mo.bytes_per_cycle = config.dram().bandwidth_gbps() * 1e3 / config.clock_mhz();
    mem_ = std::make_unique<AxiMem>(
        mo, [this](uint64_t a, std::span<uint8_t> out) { return BusRead(a, out); },
        [this](uint64_t a, std::span<const uint8_t> d) { return BusWrite(a, d); });
    DriveLinks();
    Drive();
    Reset(*model_);
  }

  ~SocDevice() override {
    // The model's scopes unregister from the thread's current context: make it this device's
    // (another device's context may already be gone).
    Verilated::threadContextp(ctx_.get());
    model_.reset();
  }
  SocDevice(const SocDevice&) = delete;
  SocDevice& operator=(const SocDevice&) = delete;

  uint32_t ReadReg(uint32_t offset) override {
    std::lock_guard<std::mutex> lock(*mu_);
    axil_.StartRead(offset);
    return Transact(offset);
  }
  void WriteReg(uint32_t offset, uint32_t value) override {
    std::lock_guard<std::mutex> lock(*mu_);
    axil_.StartWrite(offset, value);
    Transact(offset);
  }

  bool WaitIrq(std::chrono::milliseconds timeout) override {
    std::lock_guard<std::mutex> lock(*mu_);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const uint64_t start = cycles_;
    while (!model_->irq_o) {
      if (max_wait_cycles_ && cycles_ - start >= max_wait_cycles_) break;
      if (std::chrono::steady_clock::now() >= deadline) break;
      Clock(kSlice);
    }
    return model_->irq_o;
  }

  Status DramWrite(uint64_t addr, std::span<const uint8_t> data) override {
    std::lock_guard<std::mutex> lock(*mu_);
    if (addr > geometry_.dram_bytes || data.size() > geometry_.dram_bytes - addr)
      return InvalidArgument("DRAM write of {} bytes at {:#x} exceeds the {} bytes of DRAM",
                             data.size(), addr, geometry_.dram_bytes);
    dram_.Write(addr, data);
    return Status::Ok();
  }
  Status DramRead(uint64_t addr, std::span<uint8_t> out) override {
    std::lock_guard<std::mutex> lock(*mu_);
    if (addr > geometry_.dram_bytes || out.size() > geometry_.dram_bytes - addr)
      return InvalidArgument("DRAM read of {} bytes at {:#x} exceeds the {} bytes of DRAM",
                             out.size(), addr, geometry_.dram_bytes);
    dram_.Read(addr, out);
    return Status::Ok();
  }

  Status AttachLink(uint32_t port, LinkEndpoint endpoint) override {
    std::lock_guard<std::mutex> lock(*mu_);
    if (port >= links_.size())
      return InvalidArgument("link port {} does not exist ({} ports)", port, links_.size());
    if (!endpoint.tx || !endpoint.rx) return InvalidArgument("link endpoint without channels");
    if (pins_[port]) return InvalidArgument("link port {} is already wired to link pins", port);
    links_[port] = std::move(endpoint);
    any_link_ = true;
    return Status::Ok();
  }

  Status AttachLinkPins(uint32_t port, std::shared_ptr<LinkPins> pins) override {
    std::lock_guard<std::mutex> lock(*mu_);
    if (port >= pins_.size())
      return InvalidArgument("link port {} does not exist ({} ports)", port, pins_.size());
    if (!pins) return InvalidArgument("link port {}: no pins", port);
    if (links_[port].rx) return InvalidArgument("link port {} is already wired to a channel", port);
    pins_[port] = std::move(pins);
    any_link_ = true;
    return Status::Ok();
  }
  void JoinBoard(BoardClock* clock, std::shared_ptr<std::mutex> mu) override {
    board_ = clock;
    mu_ = std::move(mu);
  }
  void CycleAlone() override {
    Drive();
    model_->rst_ni = reset_held_ ? 0 : 1;
    model_->clk_i = 0;
    model_->eval();
    Sample();
    model_->clk_i = 1;
    model_->eval();
    ++cycles_;
  }
  void HoldReset(bool hold) override { reset_held_ = hold; }
  bool held_in_reset() const override { return reset_held_; }

  bool Run(uint64_t n) override {
    std::lock_guard<std::mutex> lock(*mu_);
    Clock(n);
    return model_->irq_o;
  }
  bool irq() const override { return model_->irq_o; }
  uint64_t cycles() const override { return cycles_; }
  double sim_seconds() const override { return sim_seconds_; }
  bool assertion_failed() const override { return ctx_->gotError(); }
  std::vector<std::string> bus_errors() const override {
    std::vector<std::string> e = bus_errors_;
    for (const auto& v : axil_.violations()) e.push_back("AXI4-lite: " + v);
    for (const auto& v : mem_->violations()) e.push_back("AXI4: " + v);
    return e;
  }
  const ChipGeometry& geometry() const override { return geometry_; }
  void set_max_wait_cycles(uint64_t c) { max_wait_cycles_ = c; }

 private:
  static constexpr uint32_t kDataBytes = sizeof(Model::m_axi_rdata_i);
  static constexpr uint64_t kSlice = 1024;  // cycles between wall-clock checks
  static constexpr uint64_t kHostWindowBytes = uint64_t{1} << 47;

  // Runs one register transaction to its end (or the budget).
  uint32_t Transact(uint32_t offset) {
    for (uint64_t i = 0; i < kRegCycleBudget; ++i) {
      Clock(1);
      if (axil_.Done()) return axil_.Done()->data;
    }
    bus_errors_.push_back(fmt::format("register access at {:#x}: no answer within {} cycles",
                                      offset, kRegCycleBudget));
    axil_ = AxilMaster(AxilMaster::Options{});
    return 0xffffffffu;
  }

  bool BusRead(uint64_t addr, std::span<uint8_t> out) {
    if (addr < geometry_.dram_bytes && out.size() <= geometry_.dram_bytes - addr)
      return dram_.Read(addr, out);
    if (addr >= kHostWindowBase && addr - kHostWindowBase < kHostWindowBytes && host_)
      return HostRead(addr - kHostWindowBase, out);
    return false;
  }

  // The host window as an IOMMU maps it: whole 4 KiB pages. A beat may cover bytes past a
  // buffer's end (the DMA engine reads whole beats and keeps the row's bytes); they read as
  // zero when their page holds an allocated buffer, and fail (SLVERR) otherwise.
  bool HostRead(uint64_t iova, std::span<uint8_t> out) {
    if (host_->Read(iova, out).ok()) return true;
    auto* hm = dynamic_cast<HostMemory*>(host_);
    for (size_t i = 0; i < out.size(); ++i) {
      if (host_->Read(iova + i, out.subspan(i, 1)).ok()) continue;
      const uint64_t page = (iova + i) & ~(HostMemory::kPageBytes - 1);
      if (hm == nullptr || !hm->Find(page).ok()) return false;
      out[i] = 0;
    }
    return true;
  }
  bool BusWrite(uint64_t addr, std::span<const uint8_t> data) {
    if (addr < geometry_.dram_bytes && data.size() <= geometry_.dram_bytes - addr)
      return dram_.Write(addr, data);
    if (addr >= kHostWindowBase && addr - kHostWindowBase < kHostWindowBytes && host_)
      return host_->Write(addr - kHostWindowBase, data).ok();
    return false;
  }

  // The inputs of one cycle: bus models and link ports.
  void Drive() {
    axil_.Drive(lite_);
    AxilCopy::In(*model_, lite_);
    mem_->Drive(wires_);
    Axi4Copy::In(*model_, wires_);
    // Without an attached link the link inputs stay as set at construction (all zero).
    if (any_link_) DriveLinks();
  }

  // The link ports' inputs of one cycle.
  void DriveLinks() {
    const uint32_t n = geometry_.n;
    std::fill(rx_.begin(), rx_.end(), 0);
    uint64_t up = 0, rx_valid = 0;
    for (size_t p = 0; p < links_.size(); ++p) {
      if (!links_[p].rx) continue;
      up |= uint64_t{1} << p;
      if (!rx_full_[p] && links_[p].rx->Available() >= n)
        rx_full_[p] = links_[p].rx->Pop(rx_buf_[p]);
      if (rx_full_[p]) {
        rx_valid |= uint64_t{1} << p;
        std::copy(rx_buf_[p].begin(), rx_buf_[p].end(), rx_.begin() + p * n);
      }
    }
    uint64_t tx_ready = up;
    for (size_t p = 0; p < pins_.size(); ++p) {
      if (!pins_[p]) continue;
      const LinkPins& pin = *pins_[p];
      const uint64_t bit = uint64_t{1} << p;
      if (pin.up()) up |= bit;
      if (pin.tx_ready()) tx_ready |= bit;
      if (pin.rx_valid()) {
        rx_valid |= bit;
        const std::span<const uint8_t> row = pin.rx_row();
        std::copy(row.begin(), row.end(), rx_.begin() + p * n);
      }
    }
    model_->link_up_i = up;
    model_->link_rx_valid_i = rx_valid;
    model_->link_tx_ready_i = tx_ready;
    PackBytes(model_->link_rx_data_i, rx_);
  }

  // The handshakes of the coming edge, seen after eval.
  void Sample() {
    AxilCopy::Out(*model_, lite_);
    axil_.Sample(lite_);
    Axi4Copy::Out(*model_, wires_);
    mem_->Sample(wires_);
    const uint32_t n = geometry_.n;
    const uint64_t rx_ready = model_->link_rx_ready_o, tx_valid = model_->link_tx_valid_o;
    const uint64_t rx_valid = model_->link_rx_valid_i, tx_ready = model_->link_tx_ready_i;
    if (tx_valid) {
      std::vector<uint8_t> tx(links_.size() * n);
      UnpackBytes(model_->link_tx_data_o, tx);
      for (size_t p = 0; p < links_.size(); ++p) {
        if (!(tx_valid >> p & 1)) continue;
        const std::span<const uint8_t> row = std::span(tx).subspan(p * n, n);
        if (pins_[p]) {
          if (tx_ready >> p & 1) {
            pins_[p]->TxSent(row);
          } else {
            pins_[p]->TxBlocked();
          }
        } else if (links_[p].tx) {
          links_[p].tx->Push(row);
        }
      }
    }
    for (size_t p = 0; p < links_.size(); ++p) {
      if (!(rx_ready >> p & 1)) continue;
      if (pins_[p]) {
        if (rx_valid >> p & 1) pins_[p]->RxTaken();
      } else if (rx_full_[p]) {
        rx_full_[p] = false;
      }
    }
  }

  // Two evaluations per cycle: the cycle's inputs with the clock low (the outputs the bus
  // models sample, which may depend on those inputs), then the rising edge. Verilator
  // re-evaluates all input-dependent logic on every eval(), so a third one (as Tick() after an
  // eval would make) costs a third more of that logic.
  // On a board (JoinBoard) every cycle is the board's: all its devices and links advance.
  void Clock(uint64_t n) {
    const auto t0 = std::chrono::steady_clock::now();
    if (board_ != nullptr) {
      board_->Tick(n);
    } else {
      for (uint64_t i = 0; i < n; ++i) CycleAlone();
    }
    sim_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }

  const ChipGeometry geometry_;
  DeviceMemory* const host_;
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Model> model_;
  AxilMaster axil_;
  AxilWires lite_;
  Axi4Wires wires_;
  std::unique_ptr<AxiMem> mem_;
  SparseMemory dram_;
  std::vector<LinkEndpoint> links_;
  std::vector<std::shared_ptr<LinkPins>> pins_;
  BoardClock* board_ = nullptr;
  bool reset_held_ = false;
  std::vector<std::vector<uint8_t>> rx_buf_;
  std::vector<bool> rx_full_;
  std::vector<uint8_t> rx_;  // the link_rx_data_i image of one cycle
  bool any_link_ = false;
  std::vector<std::string> bus_errors_;
  uint64_t cycles_ = 0;
  double sim_seconds_ = 0;
  uint64_t max_wait_cycles_ = 0;
  std::shared_ptr<std::mutex> mu_ = std::make_shared<std::mutex>();
};

}  // namespace aorta::verif
