#include "verif/common/axil_master.h"

namespace aorta::verif {

AxilMaster::AxilMaster(Options opt) : opt_(opt), rng_(opt.seed) {}

unsigned AxilMaster::Delay() {
  if (opt_.max_delay == 0) return 0;
  // Mostly short waits, sometimes the longest.
  unsigned pick = rng_() % 4;
  if (pick == 0) return 0;
  if (pick == 1) return opt_.max_delay;
  return rng_() % (opt_.max_delay + 1);
}

void AxilMaster::StartWrite(uint32_t addr, uint32_t data, uint8_t strb) {
  Op op;
  op.r = {true, addr, data, strb, 0};
  op.aw_wait = Delay();
  op.w_wait = Delay();
  op.resp_wait = Delay();
  op_ = op;
}

void AxilMaster::StartRead(uint32_t addr) {
  Op op;
  op.r = {false, addr, 0, 0, 0};
  op.ar_wait = Delay();
  op.resp_wait = Delay();
  op_ = op;
}

void AxilMaster::Drive(AxilWires& w) {
  w.awvalid = w.wvalid = w.arvalid = w.bready = w.rready = 0;
  if (!op_) return;
  const Op& op = *op_;
  if (op.r.write) {
    if (!op.aw_done && op.aw_wait == 0) {
      w.awvalid = 1;
      w.awaddr = op.r.addr;
    }
    if (!op.w_done && op.w_wait == 0) {
      w.wvalid = 1;
      w.wdata = op.r.data;
      w.wstrb = op.r.strb;
    }
    w.bready = op.aw_done && op.w_done && op.resp_wait == 0;
  } else {
    if (!op.a_done && op.ar_wait == 0) {
      w.arvalid = 1;
      w.araddr = op.r.addr;
    }
    w.rready = op.a_done && op.resp_wait == 0;
  }
}

void AxilMaster::Sample(const AxilWires& w) {
  aw_fire_ = w.awvalid && w.awready;
  w_fire_ = w.wvalid && w.wready;
  ar_fire_ = w.arvalid && w.arready;
  done_.reset();
  // A response seen earlier and not yet accepted must still be there, unchanged.
  const bool resp_valid = w.bvalid || w.rvalid;
  if (resp_pending_) {
    if (!resp_valid)
      violations_.push_back("response valid dropped before ready");
    else if (w.rvalid && (w.rdata != held_rdata_ || w.rresp != held_resp_))
      violations_.push_back("read response changed while waiting for ready");
    else if (w.bvalid && w.bresp != held_resp_)
      violations_.push_back("write response changed while waiting for ready");
  }
  if (!op_) {
    if (resp_valid) violations_.push_back("response without a transaction");
    resp_pending_ = false;
    return;
  }
  Op& op = *op_;
  if (op.r.write) {
    if (w.rvalid) violations_.push_back("read response during a write");
    if (aw_fire_) op.aw_done = true;
    if (w_fire_) op.w_done = true;
    if (!op.aw_done && op.aw_wait > 0) --op.aw_wait;
    if (!op.w_done && op.w_wait > 0) --op.w_wait;
    if (w.bvalid && !(op.aw_done && op.w_done))
      violations_.push_back("write response before address and data");
    if (w.bvalid && w.bready) {
      op.r.resp = w.bresp;
      done_ = op.r;
      op_.reset();
      resp_pending_ = false;
      return;
    }
    if (op.aw_done && op.w_done && op.resp_wait > 0) --op.resp_wait;
    resp_pending_ = w.bvalid;
    held_resp_ = w.bresp;
  } else {
    if (w.bvalid) violations_.push_back("write response during a read");
    if (ar_fire_) op.a_done = true;
    if (!op.a_done && op.ar_wait > 0) --op.ar_wait;
    if (w.rvalid && w.rready) {
      op.r.data = w.rdata;
      op.r.resp = w.rresp;
      done_ = op.r;
      op_.reset();
      resp_pending_ = false;
      return;
    }
    if (op.a_done && op.resp_wait > 0) --op.resp_wait;
    resp_pending_ = w.rvalid;
    held_rdata_ = w.rdata;
    held_resp_ = w.rresp;
  }
}

}  // namespace aorta::verif
