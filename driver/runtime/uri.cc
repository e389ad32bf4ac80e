#include "driver/runtime/uri.h"

#include <charconv>
#include <mutex>

#include "driver/runtime/pcie_backend.h"
#if AORTA_HAVE_TLM_BACKEND
#include "driver/runtime/tlm_backend.h"
#endif

namespace aorta::runtime {
namespace {

std::mutex registry_mu;
std::map<std::string, SimulatorFactory>& Registry() {
  static auto* r = new std::map<std::string, SimulatorFactory>();
  return *r;
}

constexpr uint64_t kMaxUriChips = 64;

struct Board {
  std::vector<ChipConfig> chips;
  std::vector<config::BoardLink> links;
};

Result<uint64_t> ParseUint(const std::string& uri, const std::string& key, const std::string& v) {
  uint64_t out = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || end != v.data() + v.size())
    return InvalidArgument("device URI '{}': option {}={} is not a number", uri, key, v);
  return out;
}

Status CheckOptions(const std::string& uri, const DeviceUri& u,
                    std::initializer_list<const char*> allowed) {
  for (const auto& [k, v] : u.options) {
    bool ok = false;
    for (const char* a : allowed) ok |= k == a;
    if (!ok) return InvalidArgument("device URI '{}': unknown option '{}'", uri, k);
  }
  return Status::Ok();
}

// The chips (and links) of CONFIG / ?board= / the program.
Result<Board> BoardOf(const std::string& uri, const std::string& config, const DeviceUri& u,
                      const std::vector<ChipConfig>& program_chips) {
  Board b;
  auto board = u.options.find("board");
  if (board != u.options.end()) {
    if (!config.empty())
      return InvalidArgument("device URI '{}': give a config or a board, not both", uri);
    AORTA_ASSIGN_OR_RETURN(BoardConfig bc, LoadBoardConfig(board->second));
    for (const auto& c : bc.chips()) b.chips.push_back(c.config());
    b.links.assign(bc.links().begin(), bc.links().end());
  } else if (!config.empty()) {
    AORTA_ASSIGN_OR_RETURN(ChipConfig c, LoadChipConfig(config));
    b.chips.push_back(std::move(c));
  } else {
    b.chips = program_chips;
  }
  if (b.chips.empty())
    return InvalidArgument(
        "device URI '{}' names no config and there is no program to take one "
        "from (e.g. golden://tiny)",
        uri);
  // ?chips=K: K copies of the config in a ring, port 1 of chip i to port 0 of chip i + 1 (mod
  // K), as the ring boards and the partitioner's programs wire them.
  if (auto k = u.options.find("chips"); k != u.options.end()) {
    if (config.empty())
      return InvalidArgument("device URI '{}': chips= needs a config (e.g. rtl://sim16?chips=4)",
                             uri);
    AORTA_ASSIGN_OR_RETURN(uint64_t count, ParseUint(uri, k->first, k->second));
    if (count < 1 || count > kMaxUriChips)
      return InvalidArgument("device URI '{}': chips={} is outside 1..{}", uri, count,
                             kMaxUriChips);
    if (count > 1 && b.chips[0].links().count() < 2)
      return InvalidArgument("device URI '{}': a ring needs 2 link ports per chip; {} has {}", uri,
                             b.chips[0].name(), b.chips[0].links().count());
    b.chips.assign(count, b.chips[0]);
    for (uint32_t i = 0; i < count && count > 1; ++i) {
      config::BoardLink l;
      l.set_chip_a(i);
      l.set_port_a(1);
      l.set_chip_b(static_cast<uint32_t>((i + 1) % count));
      l.set_port_b(0);
      b.links.push_back(l);
    }
  }
  return b;
}

Result<std::unique_ptr<Backend>> OpenSimulated(const std::string& uri, const std::string& sim,
                                               const std::string& config, const DeviceUri& u,
                                               const std::vector<ChipConfig>& program_chips) {
  AORTA_ASSIGN_OR_RETURN(Board b, BoardOf(uri, config, u, program_chips));
  if (sim == "golden") return MakeGoldenBackend(b.chips, b.links);
  if (sim == "tlm") {
#if AORTA_HAVE_TLM_BACKEND
    return MakeTlmBackend(b.chips, b.links);
#else
    return Unsupported(
        "device URI '{}': this binary was built without the tlm backend "
        "(driver/runtime/tlm_backend, needs SystemC)",
        uri);
#endif
  }
  SimulatorFactory factory;
  {
    std::lock_guard<std::mutex> lock(registry_mu);
    if (auto it = Registry().find(sim); it != Registry().end()) factory = it->second;
  }
  if (factory) return factory(b.chips, b.links, u.options);
  if (sim == "rtl")
    return Unsupported(
        "device URI '{}': this binary does not link the rtl backend (the verilated "
        "SoC, driver/runtime/rtl_backend.h); the aorta CLI does",
        uri);
  return InvalidArgument("device URI '{}': unknown simulator '{}' (golden, tlm, rtl)", uri, sim);
}

}  // namespace

Result<DeviceUri> ParseDeviceUri(const std::string& uri) {
  DeviceUri u;
  const size_t sep = uri.find("://");
  if (sep == std::string::npos || sep == 0)
    return InvalidArgument(
        "device URI '{}': expected SCHEME://... (golden://, tlm://, rtl://, "
        "pcie:///dev/aorta0, pcie+emu://golden)",
        uri);
  u.scheme = uri.substr(0, sep);
  std::string rest = uri.substr(sep + 3);
  const size_t q = rest.find('?');
  if (q != std::string::npos) {
    std::string query = rest.substr(q + 1);
    rest.resize(q);
    size_t pos = 0;
    while (pos <= query.size()) {
      size_t amp = query.find('&', pos);
      if (amp == std::string::npos) amp = query.size();
      std::string kv = query.substr(pos, amp - pos);
      const size_t eq = kv.find('=');
      if (kv.empty() || eq == std::string::npos || eq == 0)
        return InvalidArgument("device URI '{}': option '{}' is not KEY=VALUE", uri, kv);
      if (!u.options.emplace(kv.substr(0, eq), kv.substr(eq + 1)).second)
        return InvalidArgument("device URI '{}': option '{}' given twice", uri, kv.substr(0, eq));
      pos = amp + 1;
    }
  }
  u.target = rest;
  return u;
}

void RegisterSimulator(const std::string& name, SimulatorFactory factory) {
  std::lock_guard<std::mutex> lock(registry_mu);
  Registry()[name] = std::move(factory);
}

std::string DefaultUri(const std::string& backend_name) {
  if (backend_name == "pcie") return "pcie:///dev/aorta0";
  return backend_name + "://";
}

Result<std::unique_ptr<Backend>> OpenBackend(const std::string& uri,
                                             const std::vector<ChipConfig>& program_chips) {
  AORTA_ASSIGN_OR_RETURN(DeviceUri u, ParseDeviceUri(uri));
  if (u.scheme == "golden" || u.scheme == "tlm" || u.scheme == "rtl") {
    AORTA_RETURN_IF_ERROR(CheckOptions(uri, u, {"board", "asserts", "chips"}));
    if (u.scheme != "rtl" && u.options.count("asserts"))
      return InvalidArgument("device URI '{}': asserts= is an rtl option", uri);
    return OpenSimulated(uri, u.scheme, u.target, u, program_chips);
  }
  if (u.scheme == "pcie") {
    AORTA_RETURN_IF_ERROR(CheckOptions(uri, u, {}));
    if (u.target.empty() || u.target[0] != '/')
      return InvalidArgument("device URI '{}': expected pcie:///dev/aortaN", uri);
    AORTA_ASSIGN_OR_RETURN(std::unique_ptr<DriverFile> f, OpenDriverFile(u.target));
    return MakePcieBackend(std::move(f));
  }
  if (u.scheme == "pcie+emu") {
    AORTA_RETURN_IF_ERROR(CheckOptions(uri, u, {"board", "asserts", "timeout_ms"}));
    const size_t slash = u.target.find('/');
    const std::string sim = u.target.substr(0, slash);
    const std::string config = slash == std::string::npos ? "" : u.target.substr(slash + 1);
    AORTA_ASSIGN_OR_RETURN(
        std::unique_ptr<Backend> simb,
        OpenSimulated(uri, sim.empty() ? "golden" : sim, config, u, program_chips));
    if (simb->num_devices() != 1)
      return InvalidArgument(
          "device URI '{}': the pcie path drives one chip per device file; "
          "the board has {}",
          uri, simb->num_devices());
    EmulatedChip::Options o;
    AORTA_ASSIGN_OR_RETURN(Board board, BoardOf(uri, config, u, program_chips));
    o.dram_bytes = board.chips.at(0).dram().bytes();
    if (auto t = u.options.find("timeout_ms"); t != u.options.end()) {
      AORTA_ASSIGN_OR_RETURN(uint64_t ms, ParseUint(uri, t->first, t->second));
      o.default_timeout_ms = static_cast<uint32_t>(ms);
    }
    auto chip = std::make_shared<EmulatedChip>(std::move(simb), o);
    AORTA_ASSIGN_OR_RETURN(std::unique_ptr<DriverFile> f, OpenEmulatedDriver(chip));
    return MakePcieBackend(std::move(f));
  }
  return InvalidArgument("device URI '{}': unknown scheme '{}' (golden, tlm, rtl, pcie, pcie+emu)",
                         uri, u.scheme);
}

}  // namespace aorta::runtime
