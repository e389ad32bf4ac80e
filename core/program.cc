#include "core/program.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <cmath>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <tuple>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "aorta/regs_gen.h"
#include "core/isa/extents.h"
#include "core/isa/isa.h"
#include "core/isa/ordering.h"

namespace aorta {
namespace {

using program::Buffer;
using program::ChipProgram;
using program::TensorBinding;

void PutU32(std::vector<uint8_t>& out, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[at + i] = static_cast<uint8_t>(v >> (8 * i));
}
void PutU64(std::vector<uint8_t>& out, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) out[at + i] = static_cast<uint8_t>(v >> (8 * i));
}
uint32_t GetU32(std::span<const uint8_t> in, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t{in[at + i]} << (8 * i);
  return v;
}
uint64_t GetU64(std::span<const uint8_t> in, size_t at) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t{in[at + i]} << (8 * i);
  return v;
}

size_t ElemBytes(program::DType t) {
  switch (t) {
    case program::DTYPE_F32:
      return 4;
    case program::DTYPE_I8:
      return 1;
    case program::DTYPE_U8:
      return 1;
    case program::DTYPE_I32:
      return 4;
    case program::DTYPE_I64:
      return 8;
    default:
      return 0;
  }
}

// Checks one instruction stream of a chip; `what` names it in messages.
Status CheckStream(const std::string& bytes, const std::string& what, const ChipGeometry& g,
                   const std::map<uint32_t, const Buffer*>& slots, bool must_halt) {
  std::span<const uint8_t> s(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  Result<std::vector<isa::Insn>> decoded = isa::DecodeStream(s);
  if (!decoded.ok()) return decoded.status().WithContext(what);
  const std::vector<isa::Insn>& insns = *decoded;
  if (must_halt && (insns.empty() || isa::OpcodeOf(insns.back()) != isa::Opcode::kHalt))
    return InvalidArgument("{}: does not end with HALT", what);
  for (size_t i = 0; i < insns.size(); ++i) {
    const isa::Insn& insn = insns[i];
    // Formatted only for a message (once per instruction it cost more than the checks).
    auto where = [&] {
      return fmt::format("{}, instruction {} ({})", what, i, isa::Disassemble(insn));
    };
    if (isa::OpcodeOf(insn) == isa::Opcode::kHalt && i + 1 != insns.size())
      return InvalidArgument("{}: HALT before the end of the stream", where());
    isa::Extents e = isa::ExtentsOf(insn, g);
    if (auto bad = isa::FirstOutOfRange(e, g)) {
      return InvalidArgument("{}: rows {}..{} of {} are outside its {} rows", where(), bad->first,
                             bad->first + bad->count - 1, isa::MemName(bad->mem),
                             g.Rows(static_cast<unsigned>(bad->mem)));
    }
    if (const auto* d = std::get_if<isa::DmaLoad>(&insn);
        d && d->row_bytes > g.RowBytes(static_cast<unsigned>(d->mem)))
      return InvalidArgument("{}: row_bytes {} exceeds the {}-byte row", where(), d->row_bytes,
                             g.RowBytes(static_cast<unsigned>(d->mem)));
    if (const auto* d = std::get_if<isa::DmaStore>(&insn);
        d && d->row_bytes > g.RowBytes(static_cast<unsigned>(d->mem)))
      return InvalidArgument("{}: row_bytes {} exceeds the {}-byte row", where(), d->row_bytes,
                             g.RowBytes(static_cast<unsigned>(d->mem)));
    if (e.ext) {
      auto it = slots.find(e.ext->slot);
      if (it == slots.end())
        return InvalidArgument("{}: slot {} has no buffer", where(), e.ext->slot);
      const Buffer& b = *it->second;
      if (e.ext->end > b.size())
        return InvalidArgument("{}: bytes {}..{} are outside buffer '{}' ({} bytes)", where(),
                               e.ext->first, e.ext->end - 1, b.name(), b.size());
      if (e.ext->write && b.kind() == program::BUFFER_CONSTANT)
        return InvalidArgument("{}: writes constant buffer '{}'", where(), b.name());
    }
    if (const auto* r = std::get_if<isa::Recv>(&insn); r && r->link >= g.link_ports)
      return InvalidArgument("{}: link {} does not exist (the chip has {})", where(), r->link,
                             g.link_ports);
    if (const auto* r = std::get_if<isa::Send>(&insn); r && r->link >= g.link_ports)
      return InvalidArgument("{}: link {} does not exist (the chip has {})", where(), r->link,
                             g.link_ports);
  }
  // Every order the result depends on is in the program (tokens, barriers), so every device
  // computes the same bytes whatever its timing.
  return isa::CheckOrdering(insns, g, what);
}

// What a stream's check depends on besides its bytes: the chip's config (its deterministic
// serialization: the geometry comes from it), the slots' buffers (size, constant or not) and
// whether the stream must end in HALT. Names only appear in messages.
struct StreamContext {
  std::string config;
  std::vector<std::tuple<uint32_t, uint64_t, bool>> slots;  // slot, size, constant
  bool must_halt = false;
  bool operator==(const StreamContext&) const = default;
};

// The streams CheckStream accepted, each with its context, byte for byte (no digest to trust): a
// program validated when read (ReadProgram) and again when loaded (Session::Load) has its
// streams decoded and ordering-checked once. Only accepted streams are kept (a refused one is
// checked, and named, every time); the oldest are dropped past kMaxBytes of streams or
// kMaxEntries. Shared by threads.
class CheckedStreams {
 public:
  static CheckedStreams& Instance() {
    static CheckedStreams memo;
    return memo;
  }
  bool Contains(const std::string& stream, const StreamContext& context) {
    std::vector<std::shared_ptr<const Entry>> candidates;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& e : entries_)
        if (e->stream.size() == stream.size()) candidates.push_back(e);
    }
    for (const auto& e : candidates)
      if (e->context == context && e->stream == stream) return true;
    return false;
  }
  void Add(const std::string& stream, const StreamContext& context) {
    if (stream.size() > kMaxBytes) return;
    auto e = std::make_shared<const Entry>(Entry{stream, context});
    std::lock_guard<std::mutex> lock(mu_);
    entries_.push_back(std::move(e));
    bytes_ += stream.size();
    while (bytes_ > kMaxBytes || entries_.size() > kMaxEntries) {
      bytes_ -= entries_.front()->stream.size();
      entries_.pop_front();
    }
  }

 private:
  static constexpr size_t kMaxBytes = size_t{64} << 20;
  static constexpr size_t kMaxEntries = 1024;
  struct Entry {
    std::string stream;
    StreamContext context;
  };
  std::mutex mu_;
  std::deque<std::shared_ptr<const Entry>> entries_;
  size_t bytes_ = 0;
};

// CheckStream, skipped for a stream it accepted before in the same context.
Status ValidateStream(const std::string& bytes, const std::string& what, const ChipGeometry& g,
                      const std::map<uint32_t, const Buffer*>& slots, bool must_halt,
                      const std::string& config) {
  StreamContext context{config, {}, must_halt};
  for (const auto& [slot, b] : slots)
    context.slots.emplace_back(slot, b->size(), b->kind() == program::BUFFER_CONSTANT);
  CheckedStreams& memo = CheckedStreams::Instance();
  if (memo.Contains(bytes, context)) return Status::Ok();
  AORTA_RETURN_IF_ERROR(CheckStream(bytes, what, g, slots, must_halt));
  memo.Add(bytes, context);
  return Status::Ok();
}

// A wide output's per-channel dequantization (program.proto, ChannelQuant): int32 elements, one
// positive finite scale and one bias per channel, and channels that tile the tensor.
Status ValidateChannelQuant(const TensorBinding& t) {
  const program::ChannelQuant& cq = t.channel_quant();
  if (t.dtype() != program::DTYPE_I32)
    return InvalidArgument("per-channel dequantization needs dtype I32, the binding has {}",
                           program::DType_Name(t.dtype()));
  if (t.quant().scale() != 0 || t.quant().zero_point() != 0)
    return InvalidArgument("both per-tensor quantization and per-channel dequantization are set");
  const auto c = static_cast<int64_t>(cq.scale_size());
  if (c == 0) return InvalidArgument("per-channel dequantization without channels");
  if (cq.bias_size() != cq.scale_size())
    return InvalidArgument("per-channel dequantization has {} scales and {} biases",
                           cq.scale_size(), cq.bias_size());
  for (int i = 0; i < cq.scale_size(); ++i)
    if (!(cq.scale(i) > 0 && std::isfinite(cq.scale(i))))
      return InvalidArgument("channel {}: scale {} is not positive", i, cq.scale(i));
  int64_t count = 1;
  for (int64_t d : t.shape()) count *= d;
  if (t.layout() == program::LAYOUT_ROW_MAJOR) {
    if (count % c != 0)
      return InvalidArgument("{} channels do not divide the {} elements of the row-major tensor", c,
                             count);
    return Status::Ok();
  }
  AORTA_ASSIGN_OR_RETURN(
      BlockedDims d, BlockedDimsOf(std::span<const int64_t>(t.shape().data(),
                                                            static_cast<size_t>(t.shape_size()))));
  if (d.c != c) return InvalidArgument("{} per-channel scales for a tensor of {} channels", c, d.c);
  return Status::Ok();
}

// Packed input rows (program.proto, PackedRows): an int8 / uint8 image with per-tensor
// quantization whose rows, at least W pixels apart, all lie inside the binding's bytes.
Status ValidatePackedRows(const TensorBinding& t) {
  const bool packed = t.layout() == program::LAYOUT_PACKED_ROWS;
  if (packed && !t.has_packed_rows())
    return InvalidArgument("layout PACKED_ROWS without its packed_rows geometry");
  if (!packed && t.has_packed_rows())
    return InvalidArgument("packed_rows geometry with layout {}", program::Layout_Name(t.layout()));
  if (!packed) return Status::Ok();
  const program::PackedRows& pr = t.packed_rows();
  if (t.dtype() != program::DTYPE_I8 && t.dtype() != program::DTYPE_U8)
    return InvalidArgument("packed rows need dtype I8 or U8, the binding has {}",
                           program::DType_Name(t.dtype()));
  if (t.has_channel_quant()) return InvalidArgument("packed rows with per-channel dequantization");
  if (t.shape_size() != 3 && t.shape_size() != 4)
    return InvalidArgument("packed rows of a rank-{} tensor (need [1, C, H, W] or [C, H, W])",
                           t.shape_size());
  AORTA_ASSIGN_OR_RETURN(
      BlockedDims d, BlockedDimsOf(std::span<const int64_t>(t.shape().data(),
                                                            static_cast<size_t>(t.shape_size()))));
  if (pr.interleave() == 0) return InvalidArgument("packed rows interleave 0 input rows");
  if (pr.pitch() < static_cast<uint64_t>(d.w))
    return InvalidArgument("packed rows: pitch {} is narrower than the image's {} columns",
                           pr.pitch(), d.w);
  const uint64_t r = pr.interleave();
  const auto rows = (static_cast<uint64_t>(d.h) + r - 1) / r;
  const uint64_t end = pr.origin() + ((rows - 1) * pr.pitch() + static_cast<uint64_t>(d.w)) * r *
                                         static_cast<uint64_t>(d.c);
  if (end > pr.size())
    return InvalidArgument("packed rows: the image ends at byte {}, past the binding's {} bytes",
                           end, pr.size());
  return Status::Ok();
}

Status ValidateBinding(const TensorBinding& t, const std::string& role, const Program& p,
                       program::BufferKind want) {
  std::string what = fmt::format("{} '{}'", role, t.name());
  if (t.name().empty()) return InvalidArgument("{} has no name", role);
  if (t.chip() >= static_cast<uint32_t>(p.chips_size()))
    return InvalidArgument("{}: chip {} does not exist", what, t.chip());
  for (int64_t d : t.shape())
    if (d <= 0) return InvalidArgument("{}: dimension {} is not positive", what, d);
  if (ElemBytes(t.dtype()) == 0)
    return InvalidArgument("{}: unsupported dtype {}", what, static_cast<int>(t.dtype()));
  if (t.has_channel_quant()) {
    AORTA_RETURN_IF_ERROR(ValidateChannelQuant(t).WithContext(what));
  } else if ((t.dtype() == program::DTYPE_I8 || t.dtype() == program::DTYPE_U8 ||
              t.dtype() == program::DTYPE_I32) &&
             !(t.quant().scale() > 0 && std::isfinite(t.quant().scale()))) {
    return InvalidArgument("{}: quantization scale {} is not positive", what, t.quant().scale());
  }
  AORTA_RETURN_IF_ERROR(ValidatePackedRows(t).WithContext(what));
  const ChipProgram& chip = p.chips(static_cast<int>(t.chip()));
  const Buffer* buf = nullptr;
  for (const Buffer& b : chip.buffers())
    if (b.name() == t.buffer()) buf = &b;
  if (buf == nullptr)
    return InvalidArgument("{}: buffer '{}' not found on chip {}", what, t.buffer(), t.chip());
  if (want != program::BUFFER_KIND_UNSPECIFIED && buf->kind() != want)
    return InvalidArgument("{}: buffer '{}' has the wrong kind", what, t.buffer());
  AORTA_ASSIGN_OR_RETURN(uint64_t bytes, BindingBytes(t, chip.config().array_rows()));
  if (t.offset() + bytes > buf->size())
    return InvalidArgument("{}: {} bytes at offset {} overrun buffer '{}' ({} bytes)", what, bytes,
                           t.offset(), buf->name(), buf->size());
  return Status::Ok();
}

}  // namespace

uint64_t Fnv1a64(std::span<const uint8_t> bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (uint8_t c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

Result<std::vector<uint8_t>> SerializeProgram(const Program& p) {
  std::string body;
  {
    google::protobuf::io::StringOutputStream sos(&body);
    google::protobuf::io::CodedOutputStream cos(&sos);
    cos.SetSerializationDeterministic(true);
    if (!p.SerializeToCodedStream(&cos)) return Internal("cannot serialize the program");
  }
  std::vector<uint8_t> out(kProgramHeaderBytes + body.size());
  std::memcpy(out.data(), kProgramMagic, sizeof(kProgramMagic));
  PutU32(out, 8, kProgramFormatVersion);
  PutU32(out, 12, kProgramHeaderBytes);
  PutU64(out, 16, body.size());
  std::memcpy(out.data() + kProgramHeaderBytes, body.data(), body.size());
  PutU64(out, 24, Fnv1a64(std::span<const uint8_t>(out).subspan(kProgramHeaderBytes)));
  return out;
}

Status WriteProgram(const Program& p, const std::string& path) {
  AORTA_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, SerializeProgram(p));
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    if (!out) return InvalidArgument("cannot write {}", tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    return InvalidArgument("cannot rename {} to {}", tmp, path);
  return Status::Ok();
}

Result<Program> ParseProgram(std::span<const uint8_t> bytes, const std::string& source) {
  if (bytes.size() < kProgramHeaderBytes)
    return DataLoss("{}: {} bytes is shorter than the {}-byte program header (truncated?)", source,
                    bytes.size(), kProgramHeaderBytes);
  if (std::memcmp(bytes.data(), kProgramMagic, sizeof(kProgramMagic)) != 0)
    return InvalidArgument("{}: not an aorta program (magic bytes differ from \"AORTAPRG\")",
                           source);
  uint32_t version = GetU32(bytes, 8);
  if (version != kProgramFormatVersion)
    return FailedPrecondition("{}: program format version {}, this aorta reads version {}", source,
                              version, kProgramFormatVersion);
  if (GetU32(bytes, 12) != kProgramHeaderBytes)
    return DataLoss("{}: header length {} (expected {})", source, GetU32(bytes, 12),
                    kProgramHeaderBytes);
  uint64_t body_bytes = GetU64(bytes, 16);
  if (bytes.size() - kProgramHeaderBytes != body_bytes)
    return DataLoss("{}: body is {} bytes, the header says {} (truncated or padded file)", source,
                    bytes.size() - kProgramHeaderBytes, body_bytes);
  std::span<const uint8_t> body = bytes.subspan(kProgramHeaderBytes);
  uint64_t hash = Fnv1a64(body);
  if (hash != GetU64(bytes, 24))
    return DataLoss("{}: body checksum {:016x} does not match the header's {:016x} (corrupt file)",
                    source, hash, GetU64(bytes, 24));
  Program p;
  if (!p.ParseFromArray(body.data(), static_cast<int>(body.size())))
    return DataLoss("{}: the body is not a valid Program message", source);
  AORTA_RETURN_IF_ERROR(ValidateProgram(p).WithContext(source));
  return p;
}

Result<Program> ReadProgram(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return InvalidArgument("program {} is a directory", path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open program {}", path);
  // In blocks (its size reserved when it is a regular file), not byte by byte.
  std::vector<uint8_t> bytes;
  if (const uintmax_t size = std::filesystem::file_size(path, ec); !ec) bytes.reserve(size);
  try {
    constexpr size_t kBlock = size_t{1} << 20;
    for (size_t got = 0; in; got = bytes.size()) {
      bytes.resize(got + kBlock);
      in.read(reinterpret_cast<char*>(bytes.data() + got), kBlock);
      bytes.resize(got + static_cast<size_t>(in.gcount()));
    }
  } catch (const std::ios_base::failure& e) {
    return DataLoss("cannot read program {}: {}", path, e.what());
  }
  if (in.bad()) return DataLoss("cannot read program {}", path);
  return ParseProgram(bytes, path);
}

Status ValidateProgram(const Program& p) {
  if (p.isa_version_major() != isa::kVersionMajor || p.isa_version_minor() > isa::kVersionMinor)
    return FailedPrecondition("built for ISA {}.{}; this aorta implements ISA {}.{}",
                              p.isa_version_major(), p.isa_version_minor(), isa::kVersionMajor,
                              isa::kVersionMinor);
  if (p.chips_size() == 0) return InvalidArgument("the program has no chips");
  for (int ci = 0; ci < p.chips_size(); ++ci) {
    const ChipProgram& c = p.chips(ci);
    std::string chip = fmt::format("chip {}", ci);
    if (c.chip() != static_cast<uint32_t>(ci))
      return InvalidArgument("{}: index field says {}", chip, c.chip());
    AORTA_RETURN_IF_ERROR(ValidateChipConfig(c.config()).WithContext(chip));
    uint64_t fp = Fingerprint(c.config());
    if (fp != c.config_fingerprint())
      return InvalidArgument("{}: config_fingerprint {} does not match its config ({})", chip,
                             FingerprintHex(c.config_fingerprint()), FingerprintHex(fp));
    if (p.chips_size() == 1 && p.board_fingerprint() != fp)
      return InvalidArgument("single-chip program: board_fingerprint {} differs from the chip's {}",
                             FingerprintHex(p.board_fingerprint()), FingerprintHex(fp));
    ChipGeometry g = GeometryOf(c.config());
    std::map<uint32_t, const Buffer*> slots;
    std::set<std::string> names;
    uint64_t dram = 0;
    for (const Buffer& b : c.buffers()) {
      std::string what = fmt::format("{}, buffer '{}'", chip, b.name());
      if (b.name().empty() || !names.insert(b.name()).second)
        return InvalidArgument("{}: empty or duplicate buffer name", what);
      if (b.slot() >= regs::kSlotCount)
        return InvalidArgument("{}: slot {} >= {}", what, b.slot(), regs::kSlotCount);
      if (!slots.emplace(b.slot(), &b).second)
        return InvalidArgument("{}: slot {} used twice", what, b.slot());
      if (b.size() == 0) return InvalidArgument("{}: size 0", what);
      if (b.kind() == program::BUFFER_KIND_UNSPECIFIED) return InvalidArgument("{}: no kind", what);
      if (b.location() == program::LOCATION_UNSPECIFIED)
        return InvalidArgument("{}: no location", what);
      if (b.kind() == program::BUFFER_CONSTANT && b.data().size() != b.size())
        return InvalidArgument("{}: holds {} bytes of data, size says {}", what, b.data().size(),
                               b.size());
      if (b.kind() != program::BUFFER_CONSTANT && !b.data().empty())
        return InvalidArgument("{}: only constant buffers carry data", what);
      if (b.location() == program::LOCATION_DRAM) dram += b.size();
    }
    if (dram > g.dram_bytes)
      return InvalidArgument("{}: buffers in board DRAM need {} bytes, the chip has {}", chip, dram,
                             g.dram_bytes);
    std::string config;
    if (!c.config().SerializeToString(&config))
      return Internal("{}: cannot serialize its config", chip);
    AORTA_RETURN_IF_ERROR(ValidateStream(c.init_stream(), chip + " init stream", g, slots,
                                         !c.init_stream().empty(), config));
    if (c.run_segments_size() == 0) return InvalidArgument("{}: no run segment", chip);
    for (int s = 0; s < c.run_segments_size(); ++s)
      AORTA_RETURN_IF_ERROR(ValidateStream(
          c.run_segments(s), fmt::format("{} run segment {}", chip, s), g, slots, true, config));
    if (c.run_segments_size() != p.chips(0).run_segments_size())
      return InvalidArgument("{}: {} run segments, chip 0 has {}", chip, c.run_segments_size(),
                             p.chips(0).run_segments_size());
  }
  std::set<std::string> tensors;
  for (const auto& t : p.inputs()) {
    AORTA_RETURN_IF_ERROR(ValidateBinding(t, "input", p, program::BUFFER_INPUT));
    tensors.insert(t.name());
  }
  if (p.outputs_size() == 0) return InvalidArgument("the program has no outputs");
  for (const auto& t : p.outputs()) {
    AORTA_RETURN_IF_ERROR(ValidateBinding(t, "output", p, program::BUFFER_OUTPUT));
    tensors.insert(t.name());
  }
  for (const auto& t : p.intermediates()) {
    AORTA_RETURN_IF_ERROR(ValidateBinding(t, "intermediate", p, program::BUFFER_KIND_UNSPECIFIED));
    tensors.insert(t.name());
  }
  std::set<std::string> host_op_names, host_written;
  for (const auto& h : p.host_ops()) {
    if (h.name().empty() || !host_op_names.insert(h.name()).second)
      return InvalidArgument("host op '{}': empty or duplicate name", h.name());
    if (h.onnx_model().empty()) return InvalidArgument("host op '{}': no model", h.name());
    for (const auto& n : h.outputs()) {
      for (const auto& in : p.inputs())
        if (in.name() == n)
          return InvalidArgument("host op '{}': output '{}' is a program input", h.name(), n);
      if (!host_written.insert(n).second)
        return InvalidArgument("host op '{}': output '{}' is written by another host op", h.name(),
                               n);
    }
    if (h.after_segment() >= static_cast<uint32_t>(p.chips(0).run_segments_size()))
      return InvalidArgument("host op '{}': after_segment {} does not exist", h.name(),
                             h.after_segment());
    for (const auto& n : h.inputs())
      if (!tensors.count(n))
        return InvalidArgument("host op '{}': input '{}' is not a bound tensor", h.name(), n);
    for (const auto& n : h.outputs())
      if (!tensors.count(n))
        return InvalidArgument("host op '{}': output '{}' is not a bound tensor", h.name(), n);
  }
  std::set<std::pair<uint32_t, uint32_t>> tags;
  for (const auto& l : p.layers()) {
    if (l.chip() >= static_cast<uint32_t>(p.chips_size()))
      return InvalidArgument("layer '{}': chip {} does not exist", l.name(), l.chip());
    if (l.segment() >= static_cast<uint32_t>(p.chips(0).run_segments_size()))
      return InvalidArgument("layer '{}': segment {} does not exist", l.name(), l.segment());
    if (!tags.insert({l.chip(), l.perf_tag()}).second)
      return InvalidArgument("layer '{}': perf tag {} used twice on chip {}", l.name(),
                             l.perf_tag(), l.chip());
  }
  return Status::Ok();
}

Status CheckProgramTarget(const Program& p, uint32_t chip, uint64_t device_fingerprint) {
  if (chip >= static_cast<uint32_t>(p.chips_size()))
    return InvalidArgument("the program has no chip {}", chip);
  uint64_t want = p.chips(static_cast<int>(chip)).config_fingerprint();
  if (want != device_fingerprint)
    return FailedPrecondition(
        "program chip {} was built for config '{}' (fingerprint {}), the device has config "
        "fingerprint {}",
        chip, p.chips(static_cast<int>(chip)).config().name(), FingerprintHex(want),
        FingerprintHex(device_fingerprint));
  return Status::Ok();
}

program::Buffer* AddBuffer(program::ChipProgram* chip, const std::string& name,
                           program::BufferKind kind, program::Location location, uint32_t slot,
                           uint64_t size) {
  program::Buffer* b = chip->add_buffers();
  b->set_name(name);
  b->set_kind(kind);
  b->set_location(location);
  b->set_slot(slot);
  b->set_size(size);
  return b;
}

program::TensorBinding Int8BlockedBinding(const std::string& name, std::span<const int64_t> shape,
                                          double scale, int32_t zero_point,
                                          const std::string& buffer) {
  program::TensorBinding b;
  b.set_name(name);
  for (int64_t d : shape) b.add_shape(d);
  b.set_dtype(program::DTYPE_I8);
  b.set_layout(program::LAYOUT_CHANNEL_BLOCKED);
  b.mutable_quant()->set_scale(static_cast<float>(scale));
  b.mutable_quant()->set_zero_point(zero_point);
  b.set_chip(0);
  b.set_buffer(buffer);
  b.set_offset(0);
  return b;
}

Result<BlockedDims> BlockedDimsOf(std::span<const int64_t> s) {
  switch (s.size()) {
    case 1:
      return BlockedDims{s[0], 1, 1};
    case 2:
      return BlockedDims{s[1], 1, s[0]};
    case 3:
      return BlockedDims{s[0], s[1], s[2]};
    case 4:
      if (s[0] != 1) return Unsupported("channel-blocked layout needs batch 1, got {}", s[0]);
      return BlockedDims{s[1], s[2], s[3]};
    default:
      return Unsupported("channel-blocked layout of a rank-{} tensor", s.size());
  }
}

Result<uint64_t> BindingBytes(const TensorBinding& b, uint32_t n) {
  size_t eb = ElemBytes(b.dtype());
  if (eb == 0) return InvalidArgument("tensor '{}': unsupported dtype", b.name());
  if (b.layout() == program::LAYOUT_ROW_MAJOR) {
    uint64_t count = 1;
    for (int64_t d : b.shape()) count *= static_cast<uint64_t>(d);
    return count * eb;
  }
  if (b.layout() == program::LAYOUT_PACKED_ROWS) return b.packed_rows().size();
  if (b.layout() != program::LAYOUT_CHANNEL_BLOCKED)
    return InvalidArgument("tensor '{}': no layout", b.name());
  AORTA_ASSIGN_OR_RETURN(
      BlockedDims d, BlockedDimsOf(std::span<const int64_t>(b.shape().data(),
                                                            static_cast<size_t>(b.shape_size()))));
  uint64_t blocks = static_cast<uint64_t>((d.c + n - 1) / n);
  return blocks * static_cast<uint64_t>(d.h * d.w) * n * eb;
}

namespace {

// std::nearbyint in the default rounding mode (half to even), without the library call: for
// |x| < 2^51, x + 1.5 * 2^52 lies where doubles are integers, so the addition rounds x to one.
double RoundHalfEven(double x) {
  constexpr double kShift = 6755399441055744.0;  // 1.5 * 2^52
  if (std::fabs(x) < 2251799813685248.0)         // 2^51
    return (x + kShift) - kShift;
  return std::nearbyint(x);
}

// std::clamp without branches (maxsd / minsd where SSE2 is there): inputs beyond the int8 range
// are common and would be mispredicted half the time. NaN gives lo.
double ClampBranchless(double q, double lo, double hi) {
#if defined(__SSE2__)
  return _mm_cvtsd_f64(_mm_min_sd(_mm_max_sd(_mm_set_sd(q), _mm_set_sd(lo)), _mm_set_sd(hi)));
#else
  return q > lo ? (q < hi ? q : hi) : lo;
#endif
}

// Byte offset, in a binding's buffer image, of every logical element (C order over the shape).
Result<std::vector<uint64_t>> ElementOffsets(const TensorBinding& b, uint32_t n) {
  uint64_t count = 1;
  for (int64_t d : b.shape()) count *= static_cast<uint64_t>(d);
  std::vector<uint64_t> off(count);
  size_t eb = ElemBytes(b.dtype());
  if (b.layout() == program::LAYOUT_ROW_MAJOR) {
    for (uint64_t i = 0; i < count; ++i) off[i] = i * eb;
    return off;
  }
  AORTA_ASSIGN_OR_RETURN(
      BlockedDims d, BlockedDimsOf(std::span<const int64_t>(b.shape().data(),
                                                            static_cast<size_t>(b.shape_size()))));
  const auto C = static_cast<uint64_t>(d.c), H = static_cast<uint64_t>(d.h),
             W = static_cast<uint64_t>(d.w);
  uint64_t i = 0;  // the logical element, in C order: loops instead of a division per element
  if (b.layout() == program::LAYOUT_PACKED_ROWS) {
    // (c, h, w) at origin + ((h / r) * pitch + w) * r * C + (h % r) * C + c.
    const program::PackedRows& pr = b.packed_rows();
    const uint64_t r = std::max<uint64_t>(pr.interleave(), 1);
    for (uint64_t ch = 0; ch < C; ++ch)
      for (uint64_t h = 0; h < H; ++h) {
        const uint64_t row = pr.origin() + (h / r) * pr.pitch() * r * C + (h % r) * C + ch;
        for (uint64_t w = 0; w < W; ++w) off[i++] = row + w * r * C;
      }
    return off;
  }
  // Logical C order: (c, h, w) for rank 3/4 and [K]; for [M, K], (m, k) = (w, c). Element
  // ((c / n) * H + h) * W + w) * n + c % n of the image.
  if (b.shape_size() == 2) {
    for (uint64_t w = 0; w < W; ++w)
      for (uint64_t c = 0; c < C; ++c) off[i++] = (((c / n) * H) * W + w) * n * eb + (c % n) * eb;
    return off;
  }
  for (uint64_t c = 0; c < C; ++c)
    for (uint64_t h = 0; h < H; ++h) {
      const uint64_t row = (((c / n) * H + h) * W) * n + c % n;
      for (uint64_t w = 0; w < W; ++w) off[i++] = (row + w * n) * eb;
    }
  return off;
}

// The channel of every logical element (C order over the shape) of a binding with per-channel
// dequantization (program.proto, ChannelQuant).
Result<std::vector<size_t>> ElementChannels(const TensorBinding& b) {
  uint64_t count = 1;
  for (int64_t d : b.shape()) count *= static_cast<uint64_t>(d);
  const auto c = static_cast<uint64_t>(b.channel_quant().scale_size());
  std::vector<size_t> ch(count);
  if (b.layout() == program::LAYOUT_ROW_MAJOR) {
    for (uint64_t i = 0; i < count; ++i) ch[i] = i % c;
    return ch;
  }
  AORTA_ASSIGN_OR_RETURN(
      BlockedDims d, BlockedDimsOf(std::span<const int64_t>(b.shape().data(),
                                                            static_cast<size_t>(b.shape_size()))));
  const bool matrix = b.shape_size() == 2;
  const auto plane = static_cast<uint64_t>(d.h * d.w);
  for (uint64_t i = 0; i < count; ++i) ch[i] = matrix ? i % c : i / plane;
  return ch;
}

}  // namespace

Result<std::vector<uint8_t>> PackTensor(const Tensor& t, const TensorBinding& b, uint32_t n) {
  if (t.shape() != Shape(b.shape().begin(), b.shape().end()))
    return InvalidArgument("tensor '{}': shape {} does not match the program's {}", b.name(),
                           ShapeToString(t.shape()),
                           ShapeToString(Shape(b.shape().begin(), b.shape().end())));
  AORTA_ASSIGN_OR_RETURN(uint64_t bytes, BindingBytes(b, n));
  AORTA_ASSIGN_OR_RETURN(std::vector<uint64_t> off, ElementOffsets(b, n));
  // Packed rows: the margins hold the zero point (the padding the packed loads read).
  const auto fill =
      static_cast<uint8_t>(b.layout() == program::LAYOUT_PACKED_ROWS ? b.quant().zero_point() : 0);
  std::vector<uint8_t> out(bytes, fill);
  // The values as doubles: a float tensor is read in place (float -> double is exact), any
  // other dtype converted once.
  std::vector<double> converted;
  if (t.dtype() != DType::kF32) converted = t.ToDoubles();
  const std::span<const float> f32 =
      t.dtype() == DType::kF32 ? t.data<float>() : std::span<const float>();
  const size_t count = off.size();
  auto value = [&](size_t i) { return f32.empty() ? converted[i] : static_cast<double>(f32[i]); };
  std::vector<size_t> ch;
  if (b.has_channel_quant()) {
    AORTA_ASSIGN_OR_RETURN(ch, ElementChannels(b));
  }
  const program::ChannelQuant& cq = b.channel_quant();
  const double scale = b.quant().scale(), zp = b.quant().zero_point();
  // round(v / scale) + zp (or the channel's), clamped to [lo, hi]; the dtype and the kind of
  // quantization are decided once per tensor, not per element.
  auto store = [&]<typename T>(double lo, double hi) {
    for (size_t i = 0; i < count; ++i) {
      const double q = ch.empty() ? RoundHalfEven(value(i) / scale) + zp
                                  : RoundHalfEven(value(i) / cq.scale(static_cast<int>(ch[i]))) -
                                        cq.bias(static_cast<int>(ch[i]));
      const auto x = static_cast<T>(ClampBranchless(q, lo, hi));
      std::memcpy(out.data() + off[i], &x, sizeof(T));
    }
  };
  switch (b.dtype()) {
    case program::DTYPE_F32:
      for (size_t i = 0; i < count; ++i) {
        const auto x = static_cast<float>(value(i));
        std::memcpy(out.data() + off[i], &x, 4);
      }
      break;
    case program::DTYPE_I8:
      store.operator()<int8_t>(-128, 127);
      break;
    case program::DTYPE_U8:
      store.operator()<uint8_t>(0, 255);
      break;
    case program::DTYPE_I32:
      store.operator()<int32_t>(INT32_MIN, INT32_MAX);
      break;
    case program::DTYPE_I64:
      for (size_t i = 0; i < count; ++i) {
        const auto x = static_cast<int64_t>(value(i));
        std::memcpy(out.data() + off[i], &x, 8);
      }
      break;
    default:
      return InvalidArgument("tensor '{}': unsupported dtype", b.name());
  }
  return out;
}

Result<Tensor> UnpackTensor(std::span<const uint8_t> bytes, const TensorBinding& b, uint32_t n) {
  AORTA_ASSIGN_OR_RETURN(uint64_t need, BindingBytes(b, n));
  if (bytes.size() < need)
    return InvalidArgument("tensor '{}': {} bytes, its binding needs {}", b.name(), bytes.size(),
                           need);
  AORTA_ASSIGN_OR_RETURN(std::vector<uint64_t> off, ElementOffsets(b, n));
  Tensor t(DType::kF32, Shape(b.shape().begin(), b.shape().end()));
  auto out = t.data<float>();
  const double scale = b.quant().scale();
  const double zp = b.quant().zero_point();
  if (b.has_channel_quant()) {
    // A wide output: the int32 accumulator plus the channel's bias, exactly, times its scale.
    if (b.dtype() != program::DTYPE_I32)
      return InvalidArgument("tensor '{}': per-channel dequantization of a non-I32 tensor",
                             b.name());
    AORTA_ASSIGN_OR_RETURN(std::vector<size_t> ch, ElementChannels(b));
    const program::ChannelQuant& cq = b.channel_quant();
    for (size_t i = 0; i < off.size(); ++i) {
      int32_t q;
      std::memcpy(&q, bytes.data() + off[i], 4);
      const auto c = static_cast<int>(ch[i]);
      out[i] = static_cast<float>(static_cast<double>(int64_t{q} + cq.bias(c)) * cq.scale(c));
    }
    return t;
  }
  for (size_t i = 0; i < off.size(); ++i) {
    const uint8_t* p = bytes.data() + off[i];
    switch (b.dtype()) {
      case program::DTYPE_F32:
        std::memcpy(&out[i], p, 4);
        break;
      case program::DTYPE_I8:
        out[i] = static_cast<float>((static_cast<int8_t>(*p) - zp) * scale);
        break;
      case program::DTYPE_U8:
        out[i] = static_cast<float>((*p - zp) * scale);
        break;
      case program::DTYPE_I32: {
        int32_t q;
        std::memcpy(&q, p, 4);
        out[i] = static_cast<float>((q - zp) * scale);
        break;
      }
      case program::DTYPE_I64: {
        int64_t q;
        std::memcpy(&q, p, 8);
        out[i] = static_cast<float>(q);
        break;
      }
      default:
        return InvalidArgument("tensor '{}': unsupported dtype", b.name());
    }
  }
  return t;
}

}  // namespace aorta
