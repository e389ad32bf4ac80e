#include "driver/runtime/session.h"

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/isa/isa.h"

namespace aorta::runtime {
namespace {

constexpr uint64_t kDramAlign = 4096;

uint32_t CounterIndex(regs::Counter c) { return static_cast<uint32_t>(c); }

// CPU time of the calling thread, in seconds.
double ThreadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

double Utilization(const Counters& c, uint32_t n) {
  uint64_t cycles = c[CounterIndex(regs::Counter::kCycles)];
  if (cycles == 0 || n == 0) return 0;
  return static_cast<double>(c[CounterIndex(regs::Counter::kMacs)]) /
         (static_cast<double>(cycles) * n * n);
}

nlohmann::json CountersJson(const Counters& c) {
  nlohmann::json j = nlohmann::json::object();
  for (uint32_t i = 0; i < regs::kNumCounters; ++i) j[regs::kCounterNames[i]] = c[i];
  return j;
}

}  // namespace

std::string RunReport::ToJson() const {
  nlohmann::json j;
  j["backend"] = backend;
  j["model"] = model;
  j["array_n"] = array_n;
  j["clock_mhz"] = clock_mhz;
  j["cycles"] = cycles;
  j["macs"] = macs;
  j["mac_utilization"] = mac_utilization;
  j["latency_us"] = latency_us;
  j["wall_s"] = wall_s;
  j["host_wall_s"] = host_wall_s;
  j["runtime_cpu_s"] = runtime_cpu_s;
  j["counters"] = CountersJson(counters);
  j["layers"] = nlohmann::json::array();
  for (const LayerReport& l : layers) {
    if (l.host) {
      // The same keys as a chip layer's: the device spends no cycles on a host op.
      j["layers"].push_back({{"name", l.name},
                             {"op_type", l.op_type},
                             {"host", true},
                             {"segment", l.segment},
                             {"cycles", 0},
                             {"macs", l.macs},
                             {"utilization", 0.0},
                             {"wall_s", l.wall_s}});
      continue;
    }
    j["layers"].push_back({{"name", l.name},
                           {"op_type", l.op_type},
                           {"host", false},
                           {"segment", l.segment},
                           {"chip", l.chip},
                           {"cycles", l.counters[CounterIndex(regs::Counter::kCycles)]},
                           {"macs", l.macs},
                           {"device_macs", l.counters[CounterIndex(regs::Counter::kMacs)]},
                           {"utilization", l.utilization},
                           {"counters", CountersJson(l.counters)}});
  }
  return j.dump(2);
}

Session::Session(std::shared_ptr<const Program> program, Backend& backend, Options options)
    : program_(std::move(program)), backend_(backend), options_(options) {}

Session::~Session() {
  for (const auto& b : owned_) (void)backend_.FreeHost(b.iova);
}

Result<std::unique_ptr<Session>> Session::Load(const Program& program, Backend& backend,
                                               Options options) {
  return Load(std::make_shared<const Program>(program), backend, options);
}

Result<std::unique_ptr<Session>> Session::Load(std::shared_ptr<const Program> shared,
                                               Backend& backend, Options options) {
  if (shared == nullptr) return InvalidArgument("no program to load");
  const Program& program = *shared;
  // Checked here whoever built or read the program (it may have changed since); streams accepted
  // before, byte for byte in the same context, are not decoded and ordering-checked again
  // (ValidateProgram, core/program.h).
  AORTA_RETURN_IF_ERROR(ValidateProgram(program));
  if (static_cast<size_t>(program.chips_size()) > backend.num_devices())
    return FailedPrecondition("the program needs {} chips, the {} backend has {}",
                              program.chips_size(), backend.name(), backend.num_devices());
  std::unique_ptr<Session> s(new Session(std::move(shared), backend, options));
  for (const program::HostOp& op : program.host_ops()) {
    AORTA_ASSIGN_OR_RETURN(std::unique_ptr<HostOpRunner> r, HostOpRunner::Create(op));
    s->host_ops_.push_back(std::move(r));
  }
  AORTA_RETURN_IF_ERROR(s->Setup());
  return s;
}

Status Session::Setup() {
  auto alloc = [&](uint64_t bytes) -> Result<HostMemory::Buffer> {
    AORTA_ASSIGN_OR_RETURN(HostMemory::Buffer b, backend_.AllocHost(std::max<uint64_t>(bytes, 1)));
    owned_.push_back(b);
    return b;
  };
  auto copy_stream = [&](const std::string& words) -> Result<std::pair<uint64_t, uint32_t>> {
    if (words.empty()) return std::pair<uint64_t, uint32_t>{0, 0};
    AORTA_ASSIGN_OR_RETURN(HostMemory::Buffer b, alloc(words.size()));
    std::memcpy(b.span.data(), words.data(), words.size());
    return std::pair<uint64_t, uint32_t>{kHostWindowBase + b.iova,
                                         static_cast<uint32_t>(words.size() / isa::kWordBytes)};
  };
  chips_.resize(static_cast<size_t>(program_->chips_size()));
  for (size_t ci = 0; ci < chips_.size(); ++ci) {
    const program::ChipProgram& cp = program_->chips(static_cast<int>(ci));
    Device& dev = backend_.device(ci);
    ChipState& st = chips_[ci];
    if (dev.ReadReg(regs::kId) != regs::kIdValue)
      return FailedPrecondition(
          "device {} of the {} backend does not identify as an aorta chip (ID {:#010x})", ci,
          backend_.name(), dev.ReadReg(regs::kId));
    uint64_t fp = ReadReg64(dev, regs::kConfigFpLo, regs::kConfigFpHi);
    AORTA_RETURN_IF_ERROR(CheckProgramTarget(*program_, static_cast<uint32_t>(ci), fp));
    dev.WriteReg(regs::kCtrl, regs::kCtrlSoftResetMask);
    dev.WriteReg(regs::kChipIndex, static_cast<uint32_t>(ci));
    dev.WriteReg(regs::kIrqMask, regs::kIrqStatusDoneMask | regs::kIrqStatusErrorMask);
    for (uint32_t s = 0; s < regs::kSlotCount; ++s)
      WriteReg64(dev, regs::kSlotSizeLo(s), regs::kSlotSizeHi(s), 0);
    uint64_t dram_next = 0, dram_bytes = 0;
    for (const program::Buffer& b : cp.buffers())
      if (b.location() == program::LOCATION_DRAM)
        dram_bytes += (b.size() + kDramAlign - 1) / kDramAlign * kDramAlign;
    if (dram_bytes > 0) AORTA_RETURN_IF_ERROR(backend_.ReserveDram(ci, dram_bytes));
    for (const program::Buffer& b : cp.buffers()) {
      uint64_t addr = 0;
      if (b.location() == program::LOCATION_DRAM) {
        addr = dram_next;
        dram_next += (b.size() + kDramAlign - 1) / kDramAlign * kDramAlign;
        if (b.kind() == program::BUFFER_CONSTANT) {
          AORTA_RETURN_IF_ERROR(dev.DramWrite(
              addr, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(b.data().data()),
                                             b.data().size())));
        }
      } else {
        AORTA_ASSIGN_OR_RETURN(HostMemory::Buffer hb, alloc(b.size()));
        if (b.kind() == program::BUFFER_CONSTANT)
          std::memcpy(hb.span.data(), b.data().data(), b.data().size());
        addr = kHostWindowBase + hb.iova;
        st.host_view[b.name()] = hb.span;
      }
      if (b.kind() == program::BUFFER_PERF) st.perf = &b;
      st.buffer_addr[b.name()] = {addr, b.size()};
      WriteReg64(dev, regs::kSlotBaseLo(b.slot()), regs::kSlotBaseHi(b.slot()), addr);
      WriteReg64(dev, regs::kSlotSizeLo(b.slot()), regs::kSlotSizeHi(b.slot()), b.size());
    }
    AORTA_ASSIGN_OR_RETURN(st.init, copy_stream(cp.init_stream()));
    for (const std::string& seg : cp.run_segments()) {
      AORTA_ASSIGN_OR_RETURN(auto s, copy_stream(seg));
      st.segments.push_back(s);
    }
  }
  // Pinned weights: the init streams run once, on every chip, and are waited for (a timed
  // backend runs them only while waited for).
  for (size_t ci = 0; ci < chips_.size(); ++ci) {
    if (chips_[ci].init.second == 0) continue;
    StartStream(ci, chips_[ci].init);
  }
  for (size_t ci = 0; ci < chips_.size(); ++ci) {
    if (chips_[ci].init.second == 0) continue;
    Device& dev = backend_.device(ci);
    const bool irq = backend_.Wait(ci, options_.timeout);
    const uint32_t status = dev.ReadReg(regs::kStatus);
    if (!irq || !(status & regs::kStatusDoneMask)) {
      const auto code = static_cast<regs::ErrCode>(dev.ReadReg(regs::kErrCode));
      dev.WriteReg(regs::kCtrl, regs::kCtrlSoftResetMask);
      return DeviceError(
          "chip {} init stream: {} (STATUS {:#x}, ERR_CODE {}); the device was reset", ci,
          irq ? "ended without DONE" : "did not finish in time", status, regs::ErrCodeName(code));
    }
  }
  return Status::Ok();
}

void Session::StartStream(size_t chip, std::pair<uint64_t, uint32_t> stream) {
  Device& dev = backend_.device(chip);
  dev.WriteReg(regs::kIrqStatus, regs::kIrqStatusDoneMask | regs::kIrqStatusErrorMask);
  WriteReg64(dev, regs::kIqBaseLo, regs::kIqBaseHi, stream.first);
  dev.WriteReg(regs::kIqLen, stream.second);
  dev.WriteReg(regs::kDoorbell, 1);
}

void Session::StartSegment(size_t chip, size_t segment, bool clear_counters) {
  if (clear_counters) backend_.device(chip).WriteReg(regs::kCtrl, regs::kCtrlClearCountersMask);
  StartStream(chip, chips_[chip].segments[segment]);
}

Status Session::FinishSegment(size_t ci, size_t segment) {
  const std::string& words =
      program_->chips(static_cast<int>(ci)).run_segments(static_cast<int>(segment));
  return FinishStream(
      ci, fmt::format("chip {} run segment {}", ci, segment),
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(words.data()), words.size()));
}

Status Session::FinishStream(size_t ci, const std::string& what, std::span<const uint8_t> words) {
  Device& dev = backend_.device(ci);
  if (!backend_.Wait(ci, options_.timeout)) {
    dev.WriteReg(regs::kCtrl, regs::kCtrlSoftResetMask);
    return Timeout("{}: the {} device did not finish within {} ms; it was reset", what,
                   backend_.name(), options_.timeout.count());
  }
  uint32_t status = dev.ReadReg(regs::kStatus);
  if (status & regs::kStatusErrorMask) {
    auto code = static_cast<regs::ErrCode>(dev.ReadReg(regs::kErrCode));
    uint32_t pc = dev.ReadReg(regs::kErrPc);
    uint64_t addr = ReadReg64(dev, regs::kErrAddrLo, regs::kErrAddrHi);
    std::string insn = "?";
    if ((uint64_t{pc} + 1) * isa::kWordBytes <= words.size())
      insn = isa::Disassemble(isa::WordAt(words, pc));
    dev.WriteReg(regs::kCtrl, regs::kCtrlSoftResetMask);
    return DeviceError("{}: {} at instruction {} ({}), address {:#x}; the device was reset", what,
                       regs::ErrCodeName(code), pc, insn, addr);
  }
  if (!(status & regs::kStatusDoneMask))
    return DeviceError("{}: interrupt without DONE or ERROR (STATUS {:#x})", what, status);
  return Status::Ok();
}

Status Session::RunSegment(size_t segment) {
  // Start every chip, then wait for every chip: chips of a pipeline run concurrently.
  for (size_t ci = 0; ci < chips_.size(); ++ci) StartSegment(ci, segment, false);
  Status first_error;
  for (size_t ci = 0; ci < chips_.size(); ++ci) {
    Status st = FinishSegment(ci, segment);
    if (first_error.ok() && !st.ok()) first_error = std::move(st);
  }
  return first_error;
}

Result<std::vector<uint8_t>> Session::ReadBuffer(uint32_t chip, const std::string& name,
                                                 uint64_t offset, uint64_t bytes) {
  ChipState& st = chips_[chip];
  auto [addr, size] = st.buffer_addr.at(name);
  if (offset + bytes > size) return Internal("read past buffer '{}'", name);
  std::vector<uint8_t> out(bytes);
  if (auto it = st.host_view.find(name); it != st.host_view.end()) {
    std::memcpy(out.data(), it->second.data() + offset, bytes);
  } else {
    AORTA_RETURN_IF_ERROR(backend_.device(chip).DramRead(addr + offset, out));
  }
  return out;
}

Status Session::WriteBuffer(uint32_t chip, const std::string& name, uint64_t offset,
                            std::span<const uint8_t> bytes) {
  ChipState& st = chips_[chip];
  auto [addr, size] = st.buffer_addr.at(name);
  if (offset + bytes.size() > size) return Internal("write past buffer '{}'", name);
  if (auto it = st.host_view.find(name); it != st.host_view.end()) {
    std::memcpy(it->second.data() + offset, bytes.data(), bytes.size());
    return Status::Ok();
  }
  return backend_.device(chip).DramWrite(addr + offset, bytes);
}

Status Session::WriteBinding(const program::TensorBinding& b, const Tensor& t) {
  uint32_t n = program_->chips(static_cast<int>(b.chip())).config().array_rows();
  AORTA_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, PackTensor(t, b, n));
  return WriteBuffer(b.chip(), b.buffer(), b.offset(), bytes);
}

Result<Tensor> Session::ReadBinding(const program::TensorBinding& b) {
  uint32_t n = program_->chips(static_cast<int>(b.chip())).config().array_rows();
  AORTA_ASSIGN_OR_RETURN(uint64_t bytes, BindingBytes(b, n));
  AORTA_ASSIGN_OR_RETURN(std::vector<uint8_t> raw,
                         ReadBuffer(b.chip(), b.buffer(), b.offset(), bytes));
  return UnpackTensor(raw, b, n);
}

Counters Session::ReadCounters(size_t chip) {
  Counters c{};
  Device& dev = backend_.device(chip);
  for (uint32_t i = 0; i < regs::kNumCounters; ++i) {
    auto ctr = static_cast<regs::Counter>(i);
    c[i] = ReadReg64(dev, regs::CounterLo(ctr), regs::CounterHi(ctr));
  }
  return c;
}

Status Session::RunHostOps(size_t segment, TensorMap& values,
                           std::vector<LayerReport>& host_reports) {
  for (const std::unique_ptr<HostOpRunner>& runner : host_ops_) {
    const program::HostOp& op = runner->op();
    if (op.after_segment() != segment) continue;
    // Inputs the chip stored: dequantized from their bindings.
    for (const std::string& name : op.inputs()) {
      if (values.count(name)) continue;
      const program::TensorBinding* bound = nullptr;
      for (const auto& b : program_->intermediates())
        if (b.name() == name) bound = &b;
      for (const auto& b : program_->outputs())
        if (b.name() == name && bound == nullptr) bound = &b;
      if (bound == nullptr)
        return Internal("host op '{}': input '{}' has no binding", op.name(), name);
      AORTA_ASSIGN_OR_RETURN(Tensor t, ReadBinding(*bound));
      values[name] = std::move(t);
    }
    const auto t0 = std::chrono::steady_clock::now();
    AORTA_ASSIGN_OR_RETURN(TensorMap out, runner->Run(values));
    LayerReport lr;
    lr.name = op.name();
    lr.op_type = "host";
    lr.host = true;
    lr.segment = static_cast<uint32_t>(segment);
    lr.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    host_reports.push_back(std::move(lr));
    // Outputs: quantized into every binding of that name (the next segment loads them; model
    // outputs are read at the end).
    for (auto& [name, t] : out) {
      for (const auto& b : program_->intermediates())
        if (b.name() == name)
          AORTA_RETURN_IF_ERROR(
              WriteBinding(b, t).WithContext(fmt::format("host op '{}' output", op.name())));
      for (const auto& b : program_->outputs())
        if (b.name() == name)
          AORTA_RETURN_IF_ERROR(
              WriteBinding(b, t).WithContext(fmt::format("host op '{}' output", op.name())));
      values[name] = std::move(t);
    }
  }
  return Status::Ok();
}

Status Session::WriteInputs(const TensorMap& inputs, std::optional<uint32_t> chip) {
  for (const auto& b : program_->inputs()) {
    auto it = inputs.find(b.name());
    if (it == inputs.end()) return InvalidArgument("missing input '{}'", b.name());
    if (chip && b.chip() != *chip) continue;
    AORTA_RETURN_IF_ERROR(
        WriteBinding(b, it->second).WithContext(fmt::format("input '{}'", b.name())));
  }
  for (const auto& [name, t] : inputs) {
    bool known = false;
    for (const auto& b : program_->inputs()) known |= b.name() == name;
    if (!known) return InvalidArgument("the program has no input '{}'", name);
  }
  return Status::Ok();
}

Status Session::ReadOutputs(TensorMap& outputs, std::optional<uint32_t> chip) {
  for (const auto& b : program_->outputs()) {
    if (chip && b.chip() != *chip) continue;
    AORTA_ASSIGN_OR_RETURN(Tensor t, ReadBinding(b));
    outputs[b.name()] = std::move(t);
  }
  return Status::Ok();
}

Status Session::ReadChipReport(size_t ci, Counters& counters, std::vector<LayerReport>& layers) {
  counters = ReadCounters(ci);
  // Per-layer counters from the PERF snapshot records: each record minus the one before.
  const program::Buffer* perf = chips_[ci].perf;
  if (perf == nullptr) return Status::Ok();
  const uint32_t n = program_->chips(static_cast<int>(ci)).config().array_rows();
  AORTA_ASSIGN_OR_RETURN(std::vector<uint8_t> raw,
                         ReadBuffer(static_cast<uint32_t>(ci), perf->name(), 0, perf->size()));
  Counters prev{};
  for (const auto& layer : program_->layers()) {
    if (layer.chip() != ci) continue;
    uint64_t off = uint64_t{layer.perf_tag()} * regs::kSnapshotBytes;
    if (off + regs::kSnapshotBytes > raw.size()) continue;
    auto word = [&](uint64_t k) {
      uint64_t v;
      std::memcpy(&v, raw.data() + off + 8 * k, 8);
      return v;
    };
    LayerReport lr;
    lr.name = layer.name();
    lr.op_type = layer.op_type();
    lr.chip = layer.chip();
    lr.segment = layer.segment();
    lr.macs = layer.macs();
    Counters now{};
    for (uint32_t i = 0; i < regs::kNumCounters; ++i) {
      now[i] = word(1 + i);
      lr.counters[i] = now[i] - prev[i];
    }
    if (word(0) != layer.perf_tag())
      return DeviceError("chip {}: PERF record {} carries tag {} (expected {})", ci,
                         layer.perf_tag(), word(0), layer.perf_tag());
    prev = now;
    lr.utilization = Utilization(lr.counters, n);
    layers.push_back(std::move(lr));
  }
  return Status::Ok();
}

Result<TensorMap> Session::Run(const TensorMap& inputs, RunReport* report) {
  std::lock_guard<std::mutex> lock(run_mu_);
  auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = ThreadCpuSeconds();
  double segments_cpu = 0;  // the calling thread's CPU time inside RunSegment
  AORTA_RETURN_IF_ERROR(WriteInputs(inputs));
  for (size_t ci = 0; ci < chips_.size(); ++ci)
    backend_.device(ci).WriteReg(regs::kCtrl, regs::kCtrlClearCountersMask);
  TensorMap values = inputs;  // what the host side has, by name
  std::vector<LayerReport> host_reports;
  for (size_t seg = 0; seg < chips_[0].segments.size(); ++seg) {
    const double seg0 = ThreadCpuSeconds();
    const Status st = RunSegment(seg);
    segments_cpu += ThreadCpuSeconds() - seg0;
    AORTA_RETURN_IF_ERROR(st);
    AORTA_RETURN_IF_ERROR(RunHostOps(seg, values, host_reports));
  }
  TensorMap outputs;
  AORTA_RETURN_IF_ERROR(ReadOutputs(outputs));
  if (report != nullptr) {
    RunReport r;
    r.backend = backend_.name();
    r.model = program_->model_name();
    const ChipConfig& cfg0 = program_->chips(0).config();
    r.array_n = cfg0.array_rows();
    r.clock_mhz = cfg0.clock_mhz();
    for (size_t ci = 0; ci < chips_.size(); ++ci) {
      Counters c{};
      AORTA_RETURN_IF_ERROR(ReadChipReport(ci, c, r.layers));
      for (uint32_t i = 0; i < regs::kNumCounters; ++i) r.counters[i] += c[i];
      r.cycles = std::max(r.cycles, c[CounterIndex(regs::Counter::kCycles)]);
    }
    // Execution order: the chip layers of each segment, then the host ops after it.
    for (LayerReport& h : host_reports) r.host_wall_s += h.wall_s;
    r.layers.insert(r.layers.end(), host_reports.begin(), host_reports.end());
    std::stable_sort(r.layers.begin(), r.layers.end(),
                     [](const LayerReport& a, const LayerReport& b) {
                       return a.segment != b.segment ? a.segment < b.segment : !a.host && b.host;
                     });
    r.macs = r.counters[CounterIndex(regs::Counter::kMacs)];
    r.mac_utilization =
        r.cycles ? static_cast<double>(r.macs) / (static_cast<double>(r.cycles) * r.array_n *
                                                  r.array_n * static_cast<double>(chips_.size()))
                 : 0;
    r.latency_us = r.clock_mhz > 0 ? static_cast<double>(r.cycles) / r.clock_mhz : 0;
    r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.runtime_cpu_s = ThreadCpuSeconds() - cpu0 - segments_cpu;
    *report = std::move(r);
  }
  return outputs;
}

}  // namespace aorta::runtime
