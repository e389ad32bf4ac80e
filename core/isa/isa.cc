#include "core/isa/isa.h"

#include <array>
#include <bit>

namespace aorta::isa {
namespace {

constexpr size_t kMaxFields = 32;

// Field values of an instruction in descriptor order.
std::array<int64_t, kMaxFields> ValuesOf(const Insn& insn) {
  std::array<int64_t, kMaxFields> v{};
  std::visit([&](const auto& x) { gen::FieldValues(x, v.data()); }, insn);
  return v;
}

std::string EnumValueName(const char* enum_type, int64_t v) {
  std::string t = enum_type;
  auto u = static_cast<uint64_t>(v);
  const char* name = nullptr;
  if (t == "Mem" && IsValidMem(u)) name = MemName(static_cast<Mem>(u));
  if (t == "EltOp" && IsValidEltOp(u)) name = EltOpName(static_cast<EltOp>(u));
  if (t == "BSrc" && IsValidBSrc(u)) name = BSrcName(static_cast<BSrc>(u));
  if (t == "PoolOp" && IsValidPoolOp(u)) name = PoolOpName(static_cast<PoolOp>(u));
  return name ? name : fmt::format("{}?{}", t, v);
}

bool IsValidEnum(const char* enum_type, uint64_t v) {
  std::string t = enum_type;
  if (t == "Mem") return IsValidMem(v);
  if (t == "EltOp") return IsValidEltOp(v);
  if (t == "BSrc") return IsValidBSrc(v);
  if (t == "PoolOp") return IsValidPoolOp(v);
  return false;
}

// Checks one field value (as the struct holds it) against its descriptor.
Status CheckField(const InsnDesc& d, const FieldDesc& f, int64_t v) {
  if (f.is_signed) {
    if (!FitsSigned(v, f.width))
      return InvalidArgument("{}.{} = {} does not fit a signed {}-bit field", d.name, f.name, v,
                             f.width);
    return Status::Ok();
  }
  auto u = static_cast<uint64_t>(v);
  if (!FitsUnsigned(u, f.width))
    return InvalidArgument("{}.{} = {} does not fit an unsigned {}-bit field", d.name, f.name, u,
                           f.width);
  if (u < f.min)
    return InvalidArgument("{}.{} = {} is below its minimum {}", d.name, f.name, u, f.min);
  if (f.enum_type && !IsValidEnum(f.enum_type, u))
    return InvalidArgument("{}.{} = {} is not a valid {}", d.name, f.name, u, f.enum_type);
  return Status::Ok();
}

// What decoding checks per field, from the generated descriptors. A field read from `width` bits
// always fits them, so of CheckField's checks only two can fail on a word: an unsigned field's
// minimum and an enum field's value (a signed field has neither). Per opcode, the fields that
// have one, in descriptor order, so that the first failing check is CheckField's.
struct FieldCheck {
  const FieldDesc* field;
  uint64_t valid;  // an enum of at most 6 bits: bit v set when v is a valid value
  bool by_mask;    // `valid` decides (else: not an enum, or a wider one, by IsValidEnum)
};
struct DecodeTable {
  std::array<const InsnDesc*, 256> desc{};
  std::array<Word, 256> reserved{};  // the reserved bits (used_bits and up) of each opcode
  std::array<std::vector<FieldCheck>, 256> checks;
};

DecodeTable BuildDecodeTable() {
  DecodeTable t;
  for (uint64_t op = 0; op < t.desc.size(); ++op) {
    const InsnDesc* d = FindInsnDesc(op);
    t.desc[op] = d;
    if (d == nullptr) continue;
    for (unsigned b = d->used_bits; b < kWordBits; ++b)
      t.reserved[op][b / 64] |= uint64_t{1} << (b % 64);
    for (size_t i = 0; i < d->num_fields; ++i) {
      const FieldDesc& f = d->fields[i];
      if (f.is_signed || (f.min == 0 && f.enum_type == nullptr)) continue;
      FieldCheck c{&f, 0, false};
      if (f.enum_type != nullptr && f.width <= 6) {
        c.by_mask = true;
        for (uint64_t v = 0; v < (uint64_t{1} << f.width); ++v)
          if (IsValidEnum(f.enum_type, v)) c.valid |= uint64_t{1} << v;
      }
      t.checks[op].push_back(c);
    }
  }
  return t;
}

const DecodeTable& TheDecodeTable() {
  static const DecodeTable t = BuildDecodeTable();
  return t;
}

}  // namespace

const InsnDesc& DescOf(Opcode op) {
  const InsnDesc* d = FindInsnDesc(static_cast<uint64_t>(op));
  assert(d != nullptr);
  return *d;
}

const char* QueueName(Queue q) {
  switch (q) {
    case Queue::kLd:
      return "LD";
    case Queue::kEx:
      return "EX";
    case Queue::kSt:
      return "ST";
    case Queue::kBarrier:
      return "BARRIER";
  }
  return "?";
}

Status CheckDeps(Queue queue, const Deps& deps) {
  bool any = deps.pop_prev || deps.pop_next || deps.push_prev || deps.push_next;
  if (queue == Queue::kBarrier && any)
    return InvalidArgument("barrier instructions carry no dependency flags");
  if (queue == Queue::kLd && (deps.pop_prev || deps.push_prev))
    return InvalidArgument("the LD queue has no previous queue (pop_prev / push_prev set)");
  if (queue == Queue::kSt && (deps.pop_next || deps.push_next))
    return InvalidArgument("the ST queue has no next queue (pop_next / push_next set)");
  return Status::Ok();
}

Result<Word> Encode(const Insn& insn) {
  const InsnDesc& d = DescOf(OpcodeOf(insn));
  AORTA_RETURN_IF_ERROR(CheckDeps(d.queue, DepsOf(insn)).WithContext(d.name));
  auto values = ValuesOf(insn);
  for (size_t i = 0; i < d.num_fields; ++i)
    AORTA_RETURN_IF_ERROR(CheckField(d, d.fields[i], values[i]));
  return std::visit([](const auto& x) { return gen::Pack(x); }, insn);
}

Result<Insn> Decode(const Word& word) {
  const DecodeTable& t = TheDecodeTable();
  const uint64_t opcode = word[0] & 0xff;
  const InsnDesc* d = t.desc[opcode];
  if (d == nullptr) return InvalidArgument("undefined opcode {:#04x}", opcode);
  // The lowest reserved bit set, if any.
  const Word& reserved = t.reserved[opcode];
  if (((word[0] & reserved[0]) | (word[1] & reserved[1]) | (word[2] & reserved[2]) |
       (word[3] & reserved[3])) != 0) {
    for (unsigned i = 0; i < 4; ++i) {
      if (const uint64_t set = word[i] & reserved[i]; set != 0)
        return InvalidArgument("{}: reserved bit {} is set", d->name,
                               64 * i + static_cast<unsigned>(std::countr_zero(set)));
    }
  }
  if (Status st = CheckDeps(d->queue, gen::UnpackDeps(word)); !st.ok())
    return st.WithContext(d->name);
  for (const FieldCheck& c : t.checks[opcode]) {
    const FieldDesc& f = *c.field;
    const uint64_t u = GetBits(word, f.lsb, f.width);
    if (u < f.min)
      return InvalidArgument("{}.{} = {} is below its minimum {}", d->name, f.name, u, f.min);
    if (f.enum_type != nullptr && !(c.by_mask ? (c.valid >> u) & 1 : IsValidEnum(f.enum_type, u)))
      return InvalidArgument("{}.{} = {} is not a valid {}", d->name, f.name, u, f.enum_type);
  }
  return gen::UnpackAny(word);
}

Result<Insn> DecodePlain(const Word& word) {
  uint64_t opcode = GetBits(word, 0, 8);
  const InsnDesc* d = FindInsnDesc(opcode);
  if (d == nullptr) return InvalidArgument("undefined opcode {:#04x}", opcode);
  // The lowest set bit at or above used_bits, a 64-bit word at a time.
  for (unsigned b = d->used_bits; b < kWordBits; b = (b / 64 + 1) * 64) {
    if (const uint64_t rest = word[b / 64] >> (b % 64); rest != 0)
      return InvalidArgument("{}: reserved bit {} is set", d->name,
                             b + static_cast<unsigned>(std::countr_zero(rest)));
  }
  Insn insn = gen::UnpackAny(word);
  AORTA_RETURN_IF_ERROR(CheckDeps(d->queue, DepsOf(insn)).WithContext(d->name));
  auto values = ValuesOf(insn);
  for (size_t i = 0; i < d->num_fields; ++i)
    AORTA_RETURN_IF_ERROR(CheckField(*d, d->fields[i], values[i]));
  return insn;
}

std::string Disassemble(const Insn& insn) {
  const InsnDesc& d = DescOf(OpcodeOf(insn));
  const Deps& deps = DepsOf(insn);
  std::string out = d.name;
  std::string flags;
  auto flag = [&](bool on, const char* name) {
    if (on) flags += flags.empty() ? name : std::string(",") + name;
  };
  flag(deps.pop_prev, "pop_prev");
  flag(deps.pop_next, "pop_next");
  flag(deps.push_prev, "push_prev");
  flag(deps.push_next, "push_next");
  if (!flags.empty()) out += " [" + flags + "]";
  auto values = ValuesOf(insn);
  for (size_t i = 0; i < d.num_fields; ++i) {
    const FieldDesc& f = d.fields[i];
    if (f.enum_type) {
      out += fmt::format(" {}={}", f.name, EnumValueName(f.enum_type, values[i]));
    } else if (f.is_signed) {
      out += fmt::format(" {}={}", f.name, values[i]);
    } else {
      out += fmt::format(" {}={}", f.name, static_cast<uint64_t>(values[i]));
    }
  }
  return out;
}

std::string Disassemble(const Word& word) {
  Result<Insn> insn = Decode(word);
  if (insn.ok()) return Disassemble(*insn);
  return fmt::format(".word 0x{:016x}{:016x}{:016x}{:016x} ; invalid: {}", word[3], word[2],
                     word[1], word[0], insn.status().message());
}

Result<std::vector<uint8_t>> EncodeStream(std::span<const Insn> insns) {
  std::vector<uint8_t> out(insns.size() * kWordBytes);
  for (size_t i = 0; i < insns.size(); ++i) {
    Result<Word> w = Encode(insns[i]);
    if (!w.ok()) return w.status().WithContext(fmt::format("instruction {}", i));
    StoreWord(*w, std::span<uint8_t, kWordBytes>(out.data() + i * kWordBytes, kWordBytes));
  }
  return out;
}

Result<std::string> EncodeStreamString(std::span<const Insn> insns) {
  AORTA_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, EncodeStream(insns));
  return std::string(bytes.begin(), bytes.end());
}

Word WordAt(std::span<const uint8_t> stream, size_t index) {
  return LoadWord(
      std::span<const uint8_t, kWordBytes>(stream.data() + index * kWordBytes, kWordBytes));
}

Result<std::vector<Insn>> DecodeStream(std::span<const uint8_t> bytes) {
  if (bytes.size() % kWordBytes != 0)
    return DataLoss("instruction stream of {} bytes is not a whole number of {}-byte words",
                    bytes.size(), kWordBytes);
  std::vector<Insn> out;
  out.reserve(bytes.size() / kWordBytes);
  for (size_t i = 0; i < bytes.size() / kWordBytes; ++i) {
    Result<Insn> insn = Decode(WordAt(bytes, i));
    if (!insn.ok()) return insn.status().WithContext(fmt::format("instruction {}", i));
    out.push_back(std::move(insn).value());
  }
  return out;
}

}  // namespace aorta::isa
