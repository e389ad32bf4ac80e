#include "core/config.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/reflection.h>
#include <google/protobuf/text_format.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>

#include "aorta/isa_gen.h"
#include "core/device.h"

namespace aorta {
namespace {

namespace fs = std::filesystem;
namespace pb = google::protobuf;

// Collects text-format parse errors with line and column, for one clear message.
class ErrorCollector : public pb::io::ErrorCollector {
 public:
  void AddError(int line, pb::io::ColumnNumber column, const std::string& message) override {
    if (first_.empty()) first_ = fmt::format("line {}:{}: {}", line + 1, column + 1, message);
  }
  const std::string& first() const { return first_; }

 private:
  std::string first_;
};

Result<std::string> ReadText(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot open {}", path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

template <typename Msg>
Result<Msg> ParseTextProto(const std::string& path) {
  AORTA_ASSIGN_OR_RETURN(std::string text, ReadText(path));
  Msg msg;
  AORTA_RETURN_IF_ERROR(ParseTextFormat(text, path, &msg));
  return msg;
}

bool IsPowerOfTwo(uint64_t v) { return v && !(v & (v - 1)); }

// Canonical text of a message: "path=value\n" for every set field, in field-number order,
// recursing into sub-messages; `skip_top` names top-level fields that are not hardware.
void Canonical(const pb::Message& m, const std::string& prefix, std::string& out,
               const std::set<std::string>& skip) {
  const pb::Descriptor* d = m.GetDescriptor();
  const pb::Reflection* r = m.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    if (prefix.empty() && skip.count(f->name())) continue;
    std::string name = prefix + f->name();
    auto scalar = [&](int index) -> std::string {
      bool rep = f->is_repeated();
      switch (f->cpp_type()) {
        case pb::FieldDescriptor::CPPTYPE_INT32:
          return std::to_string(rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f));
        case pb::FieldDescriptor::CPPTYPE_INT64:
          return std::to_string(rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f));
        case pb::FieldDescriptor::CPPTYPE_UINT32:
          return std::to_string(rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f));
        case pb::FieldDescriptor::CPPTYPE_UINT64:
          return std::to_string(rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f));
        case pb::FieldDescriptor::CPPTYPE_DOUBLE:
          return fmt::format("{}", rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f));
        case pb::FieldDescriptor::CPPTYPE_FLOAT:
          return fmt::format("{}", rep ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f));
        case pb::FieldDescriptor::CPPTYPE_BOOL:
          return (rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f)) ? "true" : "false";
        case pb::FieldDescriptor::CPPTYPE_STRING:
          return rep ? r->GetRepeatedString(m, f, index) : r->GetString(m, f);
        case pb::FieldDescriptor::CPPTYPE_ENUM:
          return std::to_string(rep ? r->GetRepeatedEnumValue(m, f, index) : r->GetEnumValue(m, f));
        case pb::FieldDescriptor::CPPTYPE_MESSAGE:
          break;
      }
      return "";
    };
    if (f->is_repeated()) {
      for (int j = 0; j < r->FieldSize(m, f); ++j) {
        std::string item = fmt::format("{}[{}]", name, j);
        if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
          Canonical(r->GetRepeatedMessage(m, f, j), item + ".", out, skip);
        } else {
          out += item + "=" + scalar(j) + "\n";
        }
      }
      continue;
    }
    if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      if (r->HasField(m, f)) Canonical(r->GetMessage(m, f), name + ".", out, skip);
      continue;
    }
    if (!r->HasField(m, f)) continue;  // proto3 scalars: "has" means non-default
    out += name + "=" + scalar(0) + "\n";
  }
}

uint64_t Fnv1a64(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

}  // namespace

Status ParseTextFormat(const std::string& text, const std::string& origin, pb::Message* msg) {
  pb::TextFormat::Parser parser;
  ErrorCollector errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, msg)) return InvalidArgument("{}: {}", origin, errors.first());
  return Status::Ok();
}

uint32_t ChipGeometry::RowBytes(unsigned mem) const {
  switch (static_cast<isa::Mem>(mem)) {
    case isa::Mem::kUb:
    case isa::Mem::kWb:
      return n;
    case isa::Mem::kAcc:
    case isa::Mem::kParam:
      return 4 * n;
    case isa::Mem::kLut:
      return 256;
  }
  return 0;
}

uint64_t ChipGeometry::Rows(unsigned mem) const {
  switch (static_cast<isa::Mem>(mem)) {
    case isa::Mem::kUb:
      return ub_rows;
    case isa::Mem::kWb:
      return wb_rows;
    case isa::Mem::kAcc:
      return acc_rows;
    case isa::Mem::kParam:
      return param_rows;
    case isa::Mem::kLut:
      return lut_rows;
  }
  return 0;
}

Status ValidateChipConfig(const ChipConfig& c) {
  auto bad = [&](std::string_view field, std::string_view why) {
    return InvalidArgument("chip config '{}': {} {}", c.name(), field, why);
  };
  if (c.array_rows() < 8 || c.array_rows() > 256)
    return bad("array_rows", fmt::format("= {} is outside 8..256", c.array_rows()));
  if (c.array_cols() != c.array_rows())
    return bad("array_cols",
               fmt::format("= {} differs from array_rows = {} (ISA v1 needs a square array)",
                           c.array_cols(), c.array_rows()));
  const uint64_t n = c.array_rows();
  struct Mem {
    const char* name;
    uint64_t bytes;
    uint64_t row;
    uint32_t banks;
    uint64_t max_rows;
  } mems[] = {
      {"unified_buffer_bytes", c.unified_buffer_bytes(), n, c.unified_buffer_banks(), 1ull << 24},
      {"weight_buffer_bytes", c.weight_buffer_bytes(), n, c.weight_buffer_banks(), 1ull << 24},
      {"accumulator_bytes", c.accumulator_bytes(), 4 * n, c.accumulator_banks(), 1ull << 20},
      {"param_buffer_bytes", c.param_buffer_bytes(), 4 * n, 1, 1ull << 16},
  };
  for (const Mem& m : mems) {
    if (m.bytes == 0 || m.bytes % m.row != 0)
      return bad(m.name, fmt::format("= {} is not a positive multiple of its row width {}", m.bytes,
                                     m.row));
    if (m.bytes / m.row > m.max_rows)
      return bad(m.name, fmt::format("= {} gives {} rows; the ISA addresses at most {}", m.bytes,
                                     m.bytes / m.row, m.max_rows));
    if (m.banks == 0 || !IsPowerOfTwo(m.banks) || (m.bytes / m.row) % m.banks != 0)
      return bad(m.name, fmt::format("has {} banks; need a power of two dividing its {} rows",
                                     m.banks, m.bytes / m.row));
  }
  if (c.accumulator_bytes() / (4 * n) < 2)
    return bad("accumulator_bytes", "must hold at least two rows (double buffering)");
  if (c.lut_tables() == 0 || c.lut_tables() > 256) return bad("lut_tables", "must be 1..256");
  if (c.queue_depth() == 0 || c.queue_depth() > 1024) return bad("queue_depth", "must be 1..1024");
  if (c.token_capacity() == 0 || c.token_capacity() > 65535)
    return bad("token_capacity", "must be 1..65535");
  if (!(c.clock_mhz() > 0 && c.clock_mhz() <= 5000))
    return bad("clock_mhz", "must be in (0, 5000]");
  if (c.dram().bytes() == 0 || c.dram().bytes() >= kHostWindowBase)
    return bad("dram.bytes", "must be positive and below 2^47");
  if (!(c.dram().bandwidth_gbps() > 0)) return bad("dram.bandwidth_gbps", "must be positive");
  if (c.pcie().generation() < 1 || c.pcie().generation() > 6)
    return bad("pcie.generation", "must be 1..6");
  if (!IsPowerOfTwo(c.pcie().lanes()) || c.pcie().lanes() > 16)
    return bad("pcie.lanes", "must be 1, 2, 4, 8 or 16");
  if (c.links().count() > 16) return bad("links.count", "must be at most 16 (4-bit link field)");
  if (c.links().count() > 0 && !(c.links().bandwidth_gbps() > 0))
    return bad("links.bandwidth_gbps", "must be positive when links exist");
  return Status::Ok();
}

ChipGeometry GeometryOf(const ChipConfig& c) {
  ChipGeometry g;
  g.n = c.array_rows();
  g.ub_rows = c.unified_buffer_bytes() / g.n;
  g.wb_rows = c.weight_buffer_bytes() / g.n;
  g.acc_rows = c.accumulator_bytes() / (4ull * g.n);
  g.param_rows = c.param_buffer_bytes() / (4ull * g.n);
  g.lut_rows = c.lut_tables();
  g.queue_depth = c.queue_depth();
  g.token_capacity = c.token_capacity();
  g.link_ports = c.links().count();
  g.dram_bytes = c.dram().bytes();
  return g;
}

std::string CanonicalText(const ChipConfig& c) {
  std::string out = "aorta.config.ChipConfig\n";
  Canonical(c, "", out, {"name", "description"});
  return out;
}

uint64_t Fingerprint(const ChipConfig& c) {
  // CanonicalText walks the message by reflection and formats every field; every program load
  // asks again for the few configs a process uses. Remembered by the serialized bytes (the same
  // bytes are the same message, so the same text); a miss only costs the walk.
  std::string key;
  if (!c.SerializeToString(&key)) return Fnv1a64(CanonicalText(c));
  static std::mutex mu;
  static std::unordered_map<std::string, uint64_t> memo;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (const auto it = memo.find(key); it != memo.end()) return it->second;
  }
  const uint64_t fp = Fnv1a64(CanonicalText(c));
  std::lock_guard<std::mutex> lock(mu);
  if (memo.size() >= 64) memo.clear();  // a sweep of many configs: bounded
  memo.emplace(std::move(key), fp);
  return fp;
}

uint64_t Fingerprint(const BoardConfig& b) {
  std::string out = "aorta.config.BoardConfig\n";
  for (int i = 0; i < b.chips_size(); ++i)
    out += fmt::format("chips[{}]={}\n", i, FingerprintHex(Fingerprint(b.chips(i).config())));
  for (int i = 0; i < b.links_size(); ++i) {
    const auto& l = b.links(i);
    out +=
        fmt::format("links[{}]={}.{}-{}.{}\n", i, l.chip_a(), l.port_a(), l.chip_b(), l.port_b());
  }
  return Fnv1a64(out);
}

std::string FingerprintHex(uint64_t fp) { return fmt::format("{:016x}", fp); }

std::string BundledConfigDir() {
  if (const char* env = std::getenv("AORTA_SOURCE_DIR")) return std::string(env) + "/core/configs";
  return AORTA_SOURCE_DIR "/core/configs";
}

namespace {
// `path_or_name` as given when it exists or looks like a path; else the bundled file of that
// name in `dir` (`what`: "chip config", "board"; `hint`: appended to the not-found error).
Result<std::string> ResolveBundled(const std::string& path_or_name, const std::string& dir,
                                   std::string_view what, std::string_view hint) {
  if (fs::exists(path_or_name) || path_or_name.find('/') != std::string::npos ||
      path_or_name.find(".textproto") != std::string::npos)
    return path_or_name;
  std::string path = dir + "/" + path_or_name + ".textproto";
  if (!fs::exists(path))
    return NotFound("no {} file '{}' and no bundled {} of that name in {}{}", what, path_or_name,
                    what, dir, hint);
  return path;
}
}  // namespace

Result<ChipConfig> LoadChipConfig(const std::string& path_or_name) {
  AORTA_ASSIGN_OR_RETURN(std::string path,
                         ResolveBundled(path_or_name, BundledConfigDir(), "chip config", ""));
  AORTA_ASSIGN_OR_RETURN(ChipConfig c, ParseTextProto<ChipConfig>(path));
  AORTA_RETURN_IF_ERROR(ValidateChipConfig(c).WithContext(path));
  return c;
}

namespace {
// The bundled boards with their derived chip configs: the build's gen/fpga_board, written by
// fpga_gen (AORTA_BUILD_DIR overrides the build directory).
std::string BundledBoardDir() {
  if (const char* env = std::getenv("AORTA_BUILD_DIR")) return std::string(env) + "/gen/fpga_board";
  return AORTA_GEN_DIR "/fpga_board";
}
}  // namespace

// `path_or_name`: a board file, or the name of a bundled board (fpga_board/boards/NAME.textproto),
// loaded from its generated copy next to its derived chip configs.
Result<BoardConfig> LoadBoardConfig(const std::string& path_or_name) {
  AORTA_ASSIGN_OR_RETURN(std::string path,
                         ResolveBundled(path_or_name, BundledBoardDir(), "board",
                                        " (written by the fpga_board_configs target)"));
  AORTA_ASSIGN_OR_RETURN(BoardConfig b, ParseTextProto<BoardConfig>(path));
  if (b.chips_size() == 0) return InvalidArgument("{}: board '{}' has no chips", path, b.name());
  for (int i = 0; i < b.chips_size(); ++i) {
    auto* chip = b.mutable_chips(i);
    if (chip->has_config_file()) {
      fs::path p = fs::path(path).parent_path() / chip->config_file();
      if (!fs::exists(p))
        return NotFound(
            "{}: chip {} ('{}'): no config file {} next to the board file (the bundled boards' "
            "chip configs are derived from the FPGA at build time: load the board by name, e.g. "
            "--board {}, or from {})",
            path, i, chip->name(), p.string(), b.name(), BundledBoardDir());
      AORTA_ASSIGN_OR_RETURN(ChipConfig c, LoadChipConfig(p.string()));
      *chip->mutable_config() = c;
    } else if (chip->has_config()) {
      AORTA_RETURN_IF_ERROR(
          ValidateChipConfig(chip->config()).WithContext(fmt::format("{}: chip {}", path, i)));
    } else {
      return InvalidArgument("{}: chip {} ('{}') has neither config nor config_file", path, i,
                             chip->name());
    }
  }
  std::set<std::pair<uint32_t, uint32_t>> used;
  for (int i = 0; i < b.links_size(); ++i) {
    const auto& l = b.links(i);
    for (auto [chip, port] :
         {std::pair{l.chip_a(), l.port_a()}, std::pair{l.chip_b(), l.port_b()}}) {
      if (chip >= static_cast<uint32_t>(b.chips_size()))
        return InvalidArgument("{}: link {} names chip {}, the board has {}", path, i, chip,
                               b.chips_size());
      if (port >= b.chips(static_cast<int>(chip)).config().links().count())
        return InvalidArgument("{}: link {} uses port {} of chip {}, which has {} link ports", path,
                               i, port, chip,
                               b.chips(static_cast<int>(chip)).config().links().count());
      if (!used.insert({chip, port}).second)
        return InvalidArgument("{}: link {} reuses port {} of chip {}", path, i, port, chip);
    }
    if (l.chip_a() == l.chip_b())
      return InvalidArgument("{}: link {} joins chip {} to itself", path, i, l.chip_a());
  }
  return b;
}

}  // namespace aorta
