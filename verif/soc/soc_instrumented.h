// Instrumented builds of the SoC model behind SocDevice (soc_device.h), without changing it:
// SocDevice<Model> is instantiated with a Model that derives from the verilated class and hooks
// its eval().
//
//   TracedModel<Vsoc_tiny_trace>    (Verilator --trace-fst): FST waveforms of a cycle window
//   CoveredModel<Vsoc_tiny_cov>     (--coverage-line --coverage-toggle): the model's coverage
//                                   counts written to a file when it is destroyed (flops
//                                   without reset start at zero, not random)
//
// SocDevice constructs its model with only a VerilatedContext*, so the settings reach the
// constructor through a per-thread slot the factories fill for the duration of the construction
// (InstrumentScope).
//
// Trace time: 4 units per clock cycle. Device cycle c (RtlDevice::cycles(), counted from the end
// of reset) has its rising clock edge at time 4c; an evaluation with the clock high after the edge
// (inputs changed) is dumped at 4c + 1, one with the clock low (SocDevice applies the next edge's
// inputs there) at 4c + 2. Only cycles in [from, to) are dumped (the window's first dump holds
// every signal's value).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "verif/soc/soc_device.h"
#include "verilated.h"
#include "verilated_cov.h"
#include "verilated_fst_c.h"

namespace aorta::verif {

struct TraceState {
  std::string path;
  uint64_t from = 0, to = UINT64_MAX;
  uint64_t edges = 0;            // rising clock edges seen, reset included
  uint64_t zero = UINT64_MAX;    // `edges` when the device finished its reset
  uint64_t dumps = 0;            // time steps written
  uint64_t first = 0, last = 0;  // their first and last time
  bool clk = false;
};

struct CoverageState {
  std::string path;  // the .dat file written when the model is destroyed
};

// The per-thread slot the factories fill while SocDevice constructs its model.
template <class State>
State*& PendingState() {
  thread_local State* p = nullptr;
  return p;
}
template <class State>
class InstrumentScope {
 public:
  explicit InstrumentScope(State* s) { PendingState<State>() = s; }
  ~InstrumentScope() { PendingState<State>() = nullptr; }
  InstrumentScope(const InstrumentScope&) = delete;
  InstrumentScope& operator=(const InstrumentScope&) = delete;
};

template <class M>
class TracedModel : public M {
 public:
  // Takes over the pending TraceState.
  explicit TracedModel(VerilatedContext* ctx) : M(ctx), state_(PendingState<TraceState>()) {
    ctx->traceEverOn(true);
    M::trace(&fst_, 99);
    fst_.open(state_->path.c_str());
  }
  ~TracedModel() { fst_.close(); }
  TracedModel(const TracedModel&) = delete;
  TracedModel& operator=(const TracedModel&) = delete;

  void eval() {
    M::eval();
    TraceState& s = *state_;
    const bool clk = this->clk_i;
    uint64_t phase = clk ? 1 : 2;  // inputs applied after the edge / falling edge
    if (clk && !s.clk) {
      ++s.edges;
      phase = 0;
    }
    s.clk = clk;
    if (s.zero == UINT64_MAX || s.edges < s.zero) return;  // reset
    const uint64_t cycle = s.edges - s.zero;
    if (cycle < s.from || cycle >= s.to) return;
    const uint64_t t = 4 * cycle + phase;
    if (s.dumps > 0 && t <= s.last) return;  // one dump per time step
    fst_.dump(t);
    if (s.dumps++ == 0) s.first = t;
    s.last = t;
  }

 private:
  std::unique_ptr<TraceState> state_;
  VerilatedFstC fst_;
};

template <class M>
class CoveredModel : public M {
 public:
  explicit CoveredModel(VerilatedContext* ctx)
      : M(ZeroInitial(ctx)), ctx_(ctx), path_(PendingState<CoverageState>()->path) {}
  ~CoveredModel() { ctx_->coveragep()->write(path_.c_str()); }
  CoveredModel(const CoveredModel&) = delete;
  CoveredModel& operator=(const CoveredModel&) = delete;

 private:
  // SocDevice starts flops without reset at random values (randReset(2)) to catch a design that
  // depends on them; the coverage build starts them at zero instead, or the initial evaluation
  // and the reset would count a toggle on about half of all bits in every run, and a merged report
  // would show toggle coverage no program exercised. (Set before the model's constructor, which
  // draws the initial values.)
  static VerilatedContext* ZeroInitial(VerilatedContext* ctx) {
    ctx->randReset(0);
    return ctx;
  }

  VerilatedContext* ctx_;
  std::string path_;
};

// SocDevice over the instrumented `Model` (TracedModel<V...> or CoveredModel<V...>), its settings
// in `state` (a TraceState is taken over by the model).
template <class Model, class State>
std::unique_ptr<RtlDevice> MakeInstrumentedSocDevice(const ChipConfig& config, DeviceMemory* host,
                                                     uint64_t max_wait_cycles, State* state) {
  InstrumentScope<State> scope(state);
  auto d = std::make_unique<SocDevice<Model>>(config, host);
  d->set_max_wait_cycles(max_wait_cycles);
  return d;
}

}  // namespace aorta::verif
