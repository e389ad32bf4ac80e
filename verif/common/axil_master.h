// AXI4-lite master bus-functional model: register reads and writes, one transaction at a time,
// with optional random delays on every channel (valid and ready), for a verilated slave.
//
// The model works on AxilWires, plain copies of the port values; AxilCopy binds a verilated top
// whose ports follow the s_axil_<channel><signal>_{i,o} names of aorta_regfile (the SoC top
// exposes the same names). One cycle of a bench:
//
//   master.Drive(wires);            // the master's outputs for this cycle (from its state)
//   AxilCopy::In(model, wires);     // into the model
//   model.eval();
//   AxilCopy::Out(model, wires);    // the slave's outputs (ready may depend on valid)
//   master.Sample(wires);           // handshakes of this clock edge
//   Tick(model);
//
// Writes: AW and W are offered independently after their own random delays; B is accepted after
// a random delay. Reads: AR after a delay, R accepted after a delay. A finished transaction is
// reported once through Done(). Valid signals are held until accepted (AXI rule); the model
// checks that the slave holds its responses likewise and records violations.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace aorta::verif {

struct AxilWires {
  // Master -> slave.
  uint32_t awaddr = 0, wdata = 0, araddr = 0;
  uint8_t awvalid = 0, wstrb = 0, wvalid = 0, bready = 0, arvalid = 0, rready = 0;
  // Slave -> master.
  uint8_t awready = 0, wready = 0, bresp = 0, bvalid = 0, arready = 0, rresp = 0, rvalid = 0;
  uint32_t rdata = 0;
};

// Copies between AxilWires and a verilated top with aorta_regfile's port names.
struct AxilCopy {
  template <class Model>
  static void In(Model& m, const AxilWires& w) {
    m.s_axil_awaddr_i = w.awaddr;
    m.s_axil_awprot_i = 0;
    m.s_axil_awvalid_i = w.awvalid;
    m.s_axil_wdata_i = w.wdata;
    m.s_axil_wstrb_i = w.wstrb;
    m.s_axil_wvalid_i = w.wvalid;
    m.s_axil_bready_i = w.bready;
    m.s_axil_araddr_i = w.araddr;
    m.s_axil_arprot_i = 0;
    m.s_axil_arvalid_i = w.arvalid;
    m.s_axil_rready_i = w.rready;
  }
  template <class Model>
  static void Out(const Model& m, AxilWires& w) {
    w.awready = m.s_axil_awready_o;
    w.wready = m.s_axil_wready_o;
    w.bresp = m.s_axil_bresp_o;
    w.bvalid = m.s_axil_bvalid_o;
    w.arready = m.s_axil_arready_o;
    w.rdata = m.s_axil_rdata_o;
    w.rresp = m.s_axil_rresp_o;
    w.rvalid = m.s_axil_rvalid_o;
  }
};

class AxilMaster {
 public:
  struct Options {
    unsigned max_delay = 0;  // each valid / ready waits 0..max_delay cycles (0: none)
    uint32_t seed = 1;
  };
  struct Result {
    bool write = false;
    uint32_t addr = 0;
    uint32_t data = 0;  // write data, or the data read
    uint8_t strb = 0;
    uint8_t resp = 0;
  };

  explicit AxilMaster(Options opt);

  bool Busy() const { return op_.has_value(); }
  // Start a transaction (only when !Busy()).
  void StartWrite(uint32_t addr, uint32_t data, uint8_t strb = 0xf);
  void StartRead(uint32_t addr);

  void Drive(AxilWires& w);
  void Sample(const AxilWires& w);

  // Handshakes of the last sampled edge.
  bool aw_fire() const { return aw_fire_; }
  bool w_fire() const { return w_fire_; }
  bool ar_fire() const { return ar_fire_; }
  // The transaction that finished at the last sampled edge, if any.
  const std::optional<Result>& Done() const { return done_; }
  const std::vector<std::string>& violations() const { return violations_; }

 private:
  unsigned Delay();

  struct Op {
    Result r;
    bool aw_done = false, w_done = false, a_done = false;  // a_done: AR taken
    unsigned aw_wait = 0, w_wait = 0, ar_wait = 0, resp_wait = 0;
  };
  Options opt_;
  std::mt19937 rng_;
  std::optional<Op> op_;
  std::optional<Result> done_;
  bool aw_fire_ = false, w_fire_ = false, ar_fire_ = false;
  // The slave's response as last seen while not accepted (must hold).
  bool resp_pending_ = false;
  uint32_t held_rdata_ = 0;
  uint8_t held_resp_ = 0;
  std::vector<std::string> violations_;
};

}  // namespace aorta::verif
