// specgen: turns the contract descriptions (core/spec/isa.textproto, core/spec/regs.textproto)
// into the C++ headers, the SystemVerilog packages and the Markdown tables of the docs.
//
//   specgen --isa ISA.textproto --regs REGS.textproto --out-dir DIR
//
// writes DIR/aorta/isa_gen.h, DIR/aorta/regs_gen.h, DIR/aorta/aorta_regs.h (plain C, for the
// kernel module), DIR/rtl/aorta_isa_pkg.sv, DIR/rtl/aorta_regs_pkg.sv, DIR/docs/isa_tables.md
// and DIR/docs/regs_tables.md. It checks the
// descriptions first (fields fit the word, no overlaps, enum values fit, unique names and
// opcodes) and fails with a message naming the offending entry.
#include <fmt/format.h>
#include <google/protobuf/text_format.h>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/proto/spec.pb.h"

namespace {

namespace fs = std::filesystem;
using aorta::spec::Enum;
using aorta::spec::Field;
using aorta::spec::Instruction;
using aorta::spec::Isa;
using aorta::spec::Register;
using aorta::spec::RegisterMap;

[[noreturn]] void Die(const std::string& msg) {
  fmt::print(stderr, "specgen: {}\n", msg);
  std::exit(1);
}

template <typename Msg>
Msg ReadTextProto(const fs::path& path) {
  std::ifstream in(path);
  if (!in) Die(fmt::format("cannot open {}", path.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  Msg msg;
  if (!google::protobuf::TextFormat::ParseFromString(ss.str(), &msg)) {
    Die(fmt::format("{}: not a valid text proto (see the parser message above)", path.string()));
  }
  return msg;
}

// "DMA_LOAD" / "dma_load" -> "DmaLoad"
std::string Camel(const std::string& s) {
  std::string out;
  bool up = true;
  for (char c : s) {
    if (c == '_') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
              : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    up = false;
  }
  return out;
}
std::string Lower(const std::string& s) {
  std::string out;
  for (char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
// "ErrCode" -> "err_code"
std::string Snake(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (std::isupper(static_cast<unsigned char>(c)) && i) out += '_';
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}
std::string CEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

void WriteFile(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  // Leave an unchanged file untouched so that dependents do not rebuild.
  {
    std::ifstream in(path);
    if (in) {
      std::stringstream ss;
      ss << in.rdbuf();
      if (ss.str() == text) return;
    }
  }
  std::ofstream out(path);
  out << text;
  if (!out) Die(fmt::format("cannot write {}", path.string()));
}

// An enum in C++: the enum class, a name function and a validity check.
std::string CppEnum(const Enum& e, const char* base) {
  std::string o = fmt::format("// {}\nenum class {} : {} {{\n", e.doc(), e.name(), base);
  for (const auto& v : e.values())
    o += fmt::format("  k{} = {},  // {}\n", Camel(v.name()), v.value(), v.doc());
  o += "};\n";
  o += fmt::format("inline constexpr const char* {}Name({} v) {{\n  switch (v) {{\n", e.name(),
                   e.name());
  for (const auto& v : e.values())
    o += fmt::format("    case {}::k{}: return \"{}\";\n", e.name(), Camel(v.name()), v.name());
  o += "  }\n  return \"UNKNOWN\";\n}\n";
  o += fmt::format("inline constexpr bool IsValid{}(uint64_t v) {{\n  switch (v) {{\n", e.name());
  for (const auto& v : e.values()) o += fmt::format("    case {}:\n", v.value());
  o += "      return true;\n    default:\n      return false;\n  }\n}\n\n";
  return o;
}

// An enum in SystemVerilog: typedef enum logic [w-1:0] {...} name_e.
std::string SvEnum(const Enum& e) {
  std::string o = fmt::format("  // {}\n  typedef enum logic [{}:0] {{\n", e.doc(), e.width() - 1);
  for (int i = 0; i < e.values_size(); ++i)
    o += fmt::format("    {}{} = {}'d{}{}\n", e.name(), Camel(e.values(i).name()), e.width(),
                     e.values(i).value(), i + 1 < e.values_size() ? "," : "");
  o += fmt::format("  }} {}_e;\n\n", Snake(e.name()));
  return o;
}

// A Markdown table of an enum's values.
std::string MdEnum(const Enum& e) {
  std::string o = "| value | name | meaning |\n|---|---|---|\n";
  for (const auto& v : e.values())
    o += fmt::format("| {} | `{}` | {} |\n", v.value(), v.name(), v.doc());
  return o;
}

struct Placed {
  const Field* field;
  unsigned lsb;
};

class IsaModel {
 public:
  explicit IsaModel(const Isa& isa) : isa_(isa) {
    for (const Enum& e : isa.enums()) {
      if (!enums_.emplace(e.name(), &e).second) Die("duplicate enum " + e.name());
      std::set<uint32_t> seen;
      for (const auto& v : e.values()) {
        if (v.value() >= (1ull << e.width()))
          Die(fmt::format("enum {}: value {} does not fit {} bits", e.name(), v.name(), e.width()));
        if (!seen.insert(v.value()).second)
          Die(fmt::format("enum {}: duplicate value {}", e.name(), v.value()));
      }
    }
    unsigned lsb = 0;
    for (const Field& f : isa.header()) {
      header_.push_back({&f, lsb});
      lsb += f.width();
    }
    header_bits_ = lsb;
    std::set<std::string> queues;
    for (const auto& q : isa.queues()) queues.insert(q.name());
    std::set<uint32_t> opcodes;
    std::set<std::string> names;
    for (const Instruction& in : isa.instructions()) {
      if (!names.insert(in.name()).second) Die("duplicate instruction " + in.name());
      if (!opcodes.insert(in.opcode()).second)
        Die(fmt::format("{}: duplicate opcode {:#x}", in.name(), in.opcode()));
      if (in.opcode() == 0 || in.opcode() > 0xff)
        Die(fmt::format("{}: opcode must be in 1..255", in.name()));
      if (in.queue() != "BARRIER" && !queues.count(in.queue()))
        Die(fmt::format("{}: unknown queue {}", in.name(), in.queue()));
      std::vector<Placed> fields;
      unsigned at = header_bits_;
      std::set<std::string> fnames;
      for (const Field& f : in.fields()) {
        if (f.width() == 0 || f.width() > 64)
          Die(fmt::format("{}.{}: width must be 1..64", in.name(), f.name()));
        if (!fnames.insert(f.name()).second)
          Die(fmt::format("{}: duplicate field {}", in.name(), f.name()));
        if (!f.enum_type().empty()) {
          auto it = enums_.find(f.enum_type());
          if (it == enums_.end()) Die(fmt::format("{}.{}: unknown enum", in.name(), f.name()));
          if (it->second->width() != f.width())
            Die(fmt::format("{}.{}: width differs from enum {}", in.name(), f.name(),
                            f.enum_type()));
        }
        fields.push_back({&f, at});
        at += f.width();
      }
      if (at > isa.word_bits())
        Die(fmt::format("{}: fields need {} bits, the word has {}", in.name(), at,
                        isa.word_bits()));
      insns_.push_back({&in, fields, at});
    }
  }

  struct Insn {
    const Instruction* desc;
    std::vector<Placed> fields;
    unsigned used_bits;
  };

  std::string CppType(const Field& f) const {
    if (!f.enum_type().empty()) return f.enum_type();
    if (f.is_signed()) return f.width() <= 32 ? "int32_t" : "int64_t";
    if (f.width() == 1) return "bool";
    return f.width() <= 32 ? "uint32_t" : "uint64_t";
  }

  std::string Header() const;
  std::string SvPackage() const;
  std::string SvDecodeCheck() const;
  std::string Markdown() const;

 private:
  const Isa& isa_;
  std::map<std::string, const Enum*> enums_;
  std::vector<Placed> header_;
  unsigned header_bits_ = 0;
  std::vector<Insn> insns_;
};

std::string IsaModel::Header() const {
  std::string o;
  o += "// Generated by core/gen/specgen from core/spec/isa.textproto. Do not edit.\n";
  o += "#pragma once\n\n#include <cstdint>\n#include <variant>\n\n#include \"core/isa/word.h\"\n\n";
  o += "namespace aorta::isa {\n\n";
  o += fmt::format("inline constexpr uint32_t kVersionMajor = {};\n", isa_.version_major());
  o += fmt::format("inline constexpr uint32_t kVersionMinor = {};\n", isa_.version_minor());
  o += fmt::format("inline constexpr uint32_t kWordBits = {};\n", isa_.word_bits());
  o += fmt::format("inline constexpr uint32_t kHeaderBits = {};\n\n", header_bits_);
  // Queues.
  o += "// Instruction queues; kBarrier instructions wait for every queue to drain.\n";
  o += "enum class Queue : uint8_t {\n";
  int qi = 0;
  for (const auto& q : isa_.queues())
    o += fmt::format("  k{} = {},  // {}\n", Camel(q.name()), qi++, q.doc());
  o += fmt::format("  kBarrier = {},\n}};\n", qi);
  o += fmt::format("inline constexpr int kNumQueues = {};\n\n", qi);
  // Enums.
  for (const Enum& e : isa_.enums()) o += CppEnum(e, "uint8_t");
  // Opcodes.
  o += "enum class Opcode : uint8_t {\n";
  for (const auto& in : insns_)
    o += fmt::format("  k{} = {:#04x},\n", Camel(in.desc->name()), in.desc->opcode());
  o += "};\n\n";
  // Header fields.
  o += "// Dependency-token flags carried by every instruction.\nstruct Deps {\n";
  for (const auto& h : header_)
    if (h.field->name() != "opcode")
      o += fmt::format("  bool {} = false;  // {}\n", h.field->name(), h.field->doc());
  o += "  bool operator==(const Deps&) const = default;\n};\n\n";
  // Field descriptors.
  o += "struct FieldDesc {\n  const char* name;\n  uint16_t lsb;\n  uint8_t width;\n"
       "  bool is_signed;\n  const char* enum_type;  // nullptr when not an enum\n"
       "  uint64_t min;\n  const char* doc;\n};\n\n";
  o += "inline constexpr FieldDesc kHeaderFields[] = {\n";
  for (const auto& h : header_)
    o += fmt::format("    {{\"{}\", {}, {}, false, nullptr, 0, \"{}\"}},\n", h.field->name(), h.lsb,
                     h.field->width(), CEscape(h.field->doc()));
  o += "};\n\n";
  for (const auto& in : insns_) {
    if (in.fields.empty()) continue;
    o += fmt::format("inline constexpr FieldDesc k{}Fields[] = {{\n", Camel(in.desc->name()));
    for (const auto& p : in.fields) {
      const Field& f = *p.field;
      o += fmt::format("    {{\"{}\", {}, {}, {}, {}, {}, \"{}\"}},\n", f.name(), p.lsb, f.width(),
                       f.is_signed() ? "true" : "false",
                       f.enum_type().empty() ? "nullptr" : "\"" + f.enum_type() + "\"", f.min(),
                       CEscape(f.doc()));
    }
    o += "};\n";
  }
  o += "\nstruct InsnDesc {\n  Opcode opcode;\n  const char* name;\n  Queue queue;\n"
       "  const FieldDesc* fields;\n  uint8_t num_fields;\n  uint16_t used_bits;\n"
       "  const char* summary;\n};\n\n";
  o += "inline constexpr InsnDesc kInsnDescs[] = {\n";
  for (const auto& in : insns_) {
    std::string c = Camel(in.desc->name());
    std::string q = in.desc->queue() == "BARRIER" ? "kBarrier" : "k" + Camel(in.desc->queue());
    o += fmt::format("    {{Opcode::k{}, \"{}\", Queue::{}, {}, {}, {}, \"{}\"}},\n", c,
                     in.desc->name(), q, in.fields.empty() ? "nullptr" : "k" + c + "Fields",
                     in.fields.size(), in.used_bits, CEscape(in.desc->summary()));
  }
  o += "};\n\n";
  o += "// The descriptor of an opcode, or nullptr if the ISA does not define it.\n";
  o += "inline constexpr const InsnDesc* FindInsnDesc(uint64_t opcode) {\n";
  o += "  for (const InsnDesc& d : kInsnDescs)\n"
       "    if (static_cast<uint64_t>(d.opcode) == opcode) return &d;\n  return nullptr;\n}\n\n";
  // Structs.
  for (const auto& in : insns_) {
    std::string c = Camel(in.desc->name());
    std::string q = in.desc->queue() == "BARRIER" ? "kBarrier" : "k" + Camel(in.desc->queue());
    o += fmt::format("// {}\nstruct {} {{\n", in.desc->summary(), c);
    o += fmt::format("  static constexpr Opcode kOpcode = Opcode::k{};\n", c);
    o += fmt::format("  static constexpr Queue kQueue = Queue::{};\n", q);
    o += "  Deps deps;\n";
    for (const auto& p : in.fields) {
      const Field& f = *p.field;
      std::string init = f.enum_type().empty()
                             ? (CppType(f) == "bool" ? "false" : std::to_string(f.min()))
                             : fmt::format("static_cast<{}>(0)", f.enum_type());
      o += fmt::format("  {} {} = {};  // {}\n", CppType(f), f.name(), init, f.doc());
    }
    o += fmt::format("  bool operator==(const {}&) const = default;\n}};\n\n", c);
  }
  o += "using Insn = std::variant<";
  for (size_t i = 0; i < insns_.size(); ++i) o += (i ? ", " : "") + Camel(insns_[i].desc->name());
  o += ">;\n\n";
  // Pack / unpack. Range checks are done by the hand-written encoder from the descriptors.
  o += "namespace gen {\n\n";
  o += "inline void PackDeps(const Deps& d, Opcode op, Word& w) {\n";
  o += fmt::format("  SetBits(w, 0, {}, static_cast<uint64_t>(op));\n", header_[0].field->width());
  for (size_t i = 1; i < header_.size(); ++i)
    o += fmt::format("  SetBits(w, {}, 1, d.{} ? 1 : 0);\n", header_[i].lsb,
                     header_[i].field->name());
  o += "}\n";
  o += "inline Deps UnpackDeps(const Word& w) {\n  Deps d;\n";
  for (size_t i = 1; i < header_.size(); ++i)
    o +=
        fmt::format("  d.{} = GetBits(w, {}, 1) != 0;\n", header_[i].field->name(), header_[i].lsb);
  o += "  return d;\n}\n\n";
  for (const auto& in : insns_) {
    std::string c = Camel(in.desc->name());
    o += fmt::format(
        "inline Word Pack(const {}& x) {{\n  Word w{{}};\n  PackDeps(x.deps, {}::kOpcode, w);\n", c,
        c);
    for (const auto& p : in.fields)
      o += fmt::format("  SetBits(w, {}, {}, static_cast<uint64_t>(x.{}));\n", p.lsb,
                       p.field->width(), p.field->name());
    o += "  return w;\n}\n";
    // Field values as 64-bit integers, in descriptor order (for range checks and printing).
    o += fmt::format(
        "inline void FieldValues([[maybe_unused]] const {}& x, [[maybe_unused]] int64_t* v) {{\n",
        c);
    for (size_t i = 0; i < in.fields.size(); ++i)
      o += fmt::format("  v[{}] = static_cast<int64_t>(x.{});\n", i, in.fields[i].field->name());
    o += "}\n";
    o += fmt::format("inline {} Unpack{}(const Word& w) {{\n  {} x;\n  x.deps = UnpackDeps(w);\n",
                     c, c, c);
    for (const auto& p : in.fields) {
      const Field& f = *p.field;
      if (f.is_signed())
        o += fmt::format("  x.{} = static_cast<{}>(GetSignedBits(w, {}, {}));\n", f.name(),
                         CppType(f), p.lsb, f.width());
      else if (CppType(f) == "bool")
        o += fmt::format("  x.{} = GetBits(w, {}, {}) != 0;\n", f.name(), p.lsb, f.width());
      else
        o += fmt::format("  x.{} = static_cast<{}>(GetBits(w, {}, {}));\n", f.name(), CppType(f),
                         p.lsb, f.width());
    }
    o += "  return x;\n}\n";
  }
  o += "\n// Unpacks a word whose opcode is known to be valid.\ninline Insn UnpackAny(const Word& "
       "w) {\n";
  o += "  switch (static_cast<Opcode>(GetBits(w, 0, 8))) {\n";
  for (const auto& in : insns_) {
    std::string c = Camel(in.desc->name());
    o += fmt::format("    case Opcode::k{}: return Unpack{}(w);\n", c, c);
  }
  o += "  }\n  return Insn{};\n}\n\n}  // namespace gen\n}  // namespace aorta::isa\n";
  return o;
}

std::string SvField(const std::string& name, unsigned width, const std::string& type = "") {
  if (!type.empty()) return fmt::format("    {} {};\n", type, name);
  if (width == 1) return fmt::format("    logic {};\n", name);
  return fmt::format("    logic [{}:0] {};\n", width - 1, name);
}

std::string IsaModel::SvPackage() const {
  std::string o;
  o += "// Generated by core/gen/specgen from core/spec/isa.textproto. Do not edit.\n";
  o += "package aorta_isa_pkg;\n\n";
  o += "  // The package is the whole contract; a design uses only part of it.\n";
  o += "  /* verilator lint_off UNUSEDPARAM */\n\n";
  o += fmt::format("  localparam int unsigned IsaVersionMajor = {};\n", isa_.version_major());
  o += fmt::format("  localparam int unsigned IsaVersionMinor = {};\n", isa_.version_minor());
  o += fmt::format("  localparam int unsigned InsnWidth = {};\n\n", isa_.word_bits());
  o += "  typedef enum logic [7:0] {\n";
  for (size_t i = 0; i < insns_.size(); ++i)
    o += fmt::format("    Op{} = 8'h{:02x}{}\n", Camel(insns_[i].desc->name()),
                     insns_[i].desc->opcode(), i + 1 < insns_.size() ? "," : "");
  o += "  } opcode_e;\n\n";
  o += "  typedef enum logic [1:0] {\n";
  int qi = 0;
  for (const auto& q : isa_.queues())
    o += fmt::format("    Queue{} = 2'd{},\n", Camel(q.name()), qi++);
  o += fmt::format("    QueueBarrier = 2'd{}\n  }} queue_e;\n\n", qi);
  for (const Enum& e : isa_.enums()) o += SvEnum(e);
  o += "  // Common header, bits [" + std::to_string(header_bits_ - 1) +
       ":0] of every instruction.\n";
  o += "  typedef struct packed {\n";
  for (auto it = header_.rbegin(); it != header_.rend(); ++it)
    o += SvField(it->field->name(), it->field->width(),
                 it->field->name() == "opcode" ? "opcode_e" : "");
  o += "  } insn_hdr_t;\n\n";
  // Queue of each opcode. For Yosys 0.23 (verif/synth/aorta_decode_probe.sv), functions assign
  // their name instead of `return`, which it does not read, and name the package's enum items
  // qualified, which it does not resolve otherwise when another module calls the function.
  o += "  function automatic queue_e queue_of(opcode_e op);\n    unique case (op)\n";
  for (const auto& in : insns_) {
    std::string q = in.desc->queue() == "BARRIER" ? "Barrier" : Camel(in.desc->queue());
    o += fmt::format("      aorta_isa_pkg::Op{}: queue_of = aorta_isa_pkg::Queue{};\n",
                     Camel(in.desc->name()), q);
  }
  o += "      default: queue_of = aorta_isa_pkg::QueueBarrier;\n    endcase\n  endfunction\n\n";
  o += "  function automatic logic is_valid_opcode(logic [7:0] op);\n    unique case (op)\n";
  for (const auto& in : insns_)
    o += fmt::format("      8'h{:02x}: is_valid_opcode = 1'b1;\n", in.desc->opcode());
  o += "      default: is_valid_opcode = 1'b0;\n    endcase\n  endfunction\n\n";
  o += SvDecodeCheck();
  for (const auto& in : insns_) {
    std::string snake = Lower(in.desc->name());
    o += fmt::format("  // {}: {}\n  typedef struct packed {{\n", in.desc->name(),
                     in.desc->summary());
    unsigned reserved = isa_.word_bits() - in.used_bits;
    if (reserved) o += SvField("reserved", reserved);
    for (auto it = in.fields.rbegin(); it != in.fields.rend(); ++it) {
      const Field& f = *it->field;
      std::string type;
      if (!f.enum_type().empty()) {
        type = Snake(f.enum_type()) + "_e";
      } else if (f.is_signed()) {
        type = fmt::format("logic signed [{}:0]", f.width() - 1);
      }
      o += SvField(f.name(), f.width(), type);
    }
    o += "    insn_hdr_t hdr;\n";
    o += fmt::format("  }} {}_t;\n\n", snake);
  }
  o += "endpackage\n";
  return o;
}

// The decoder's checks (core/isa/isa.cc Decode) as SystemVerilog: enum validity functions and
// decode_check(word) -> DecodeOk / DecodeBadOpcode / DecodeBadField, so the RTL's decoder has
// the same single source as the C++ one.
std::string IsaModel::SvDecodeCheck() const {
  std::string o;
  for (const Enum& e : isa_.enums()) {
    o += fmt::format("  function automatic logic is_valid_{}(logic [{}:0] v);\n", Snake(e.name()),
                     e.width() - 1);
    o += "    unique case (v)\n";
    for (const auto& v : e.values())
      o +=
          fmt::format("      {}'d{}: is_valid_{} = 1'b1;\n", e.width(), v.value(), Snake(e.name()));
    o += fmt::format("      default: is_valid_{} = 1'b0;\n    endcase\n  endfunction\n\n",
                     Snake(e.name()));
  }
  auto header_bit = [&](const std::string& name) {
    for (const Placed& p : header_)
      if (p.field->name() == name) return p.lsb;
    Die("the instruction header has no field " + name);
  };
  const unsigned pop_prev = header_bit("pop_prev"), pop_next = header_bit("pop_next");
  const unsigned push_prev = header_bit("push_prev"), push_next = header_bit("push_next");
  o += "  // What the decoder reports for a fetched word (core/isa/isa.cc Decode).\n";
  o += "  typedef enum logic [1:0] {\n    DecodeOk = 2'd0,\n    DecodeBadOpcode = 2'd1,\n"
       "    DecodeBadField = 2'd2\n  } decode_e;\n\n";
  o += fmt::format("  function automatic decode_e decode_check(logic [{}:0] w);\n",
                   isa_.word_bits() - 1);
  o += "    decode_e r;\n    r = aorta_isa_pkg::DecodeOk;\n    unique case (w[7:0])\n";
  for (const auto& in : insns_) {
    o += fmt::format("      8'h{:02x}: begin  // {}\n", in.desc->opcode(), in.desc->name());
    if (in.used_bits < isa_.word_bits())
      o += fmt::format(
          "        if (w[{}:{}] != '0) r = aorta_isa_pkg::DecodeBadField;  // reserved bits\n",
          isa_.word_bits() - 1, in.used_bits);
    std::vector<unsigned> bad_flags;
    const std::string& q = in.desc->queue();
    if (q == "BARRIER") bad_flags = {pop_prev, pop_next, push_prev, push_next};
    if (q == "LD") bad_flags = {pop_prev, push_prev};
    if (q == "ST") bad_flags = {pop_next, push_next};
    for (unsigned b : bad_flags)
      o += fmt::format(
          "        if (w[{}]) r = aorta_isa_pkg::DecodeBadField;  // flag naming no queue\n", b);
    for (const Placed& p : in.fields) {
      const Field& f = *p.field;
      std::string bits = f.width() == 1 ? fmt::format("w[{}]", p.lsb)
                                        : fmt::format("w[{}:{}]", p.lsb + f.width() - 1, p.lsb);
      if (f.min() > 0 && !f.is_signed())
        o += fmt::format("        if ({} < {}'d{}) r = aorta_isa_pkg::DecodeBadField;  // {} min\n",
                         bits, f.width(), f.min(), f.name());
      if (!f.enum_type().empty())
        o +=
            fmt::format("        if (!is_valid_{}({})) r = aorta_isa_pkg::DecodeBadField;  // {}\n",
                        Snake(f.enum_type()), bits, f.name());
    }
    o += "      end\n";
  }
  o += "      default: r = aorta_isa_pkg::DecodeBadOpcode;\n    endcase\n    decode_check = r;\n  "
       "endfunction\n\n";
  return o;
}

std::string IsaModel::Markdown() const {
  std::string o;
  o += "Common header (bits of every instruction):\n\n| bits | field | meaning |\n|---|---|---|\n";
  for (const auto& h : header_)
    o += fmt::format("| {} | `{}` | {} |\n",
                     h.field->width() == 1
                         ? std::to_string(h.lsb)
                         : fmt::format("{}:{}", h.lsb + h.field->width() - 1, h.lsb),
                     h.field->name(), h.field->doc());
  o += "\nOpcodes:\n\n| opcode | mnemonic | queue | summary |\n|---|---|---|---|\n";
  for (const auto& in : insns_)
    o += fmt::format("| `0x{:02x}` | `{}` | {} | {} |\n", in.desc->opcode(), in.desc->name(),
                     in.desc->queue(), in.desc->summary());
  for (const Enum& e : isa_.enums())
    o += fmt::format("\nEnum `{}` ({} bits): {}\n\n{}", e.name(), e.width(), e.doc(), MdEnum(e));
  for (const auto& in : insns_) {
    o += fmt::format("\n#### `{}` (opcode `0x{:02x}`, queue {})\n\n{}\n\n", in.desc->name(),
                     in.desc->opcode(), in.desc->queue(), in.desc->summary());
    if (in.fields.empty()) {
      o += fmt::format("No fields; bits {}:{} are reserved (zero).\n", isa_.word_bits() - 1,
                       header_bits_);
      continue;
    }
    o += "| bits | field | type | min | meaning |\n|---|---|---|---|---|\n";
    for (const auto& p : in.fields) {
      const Field& f = *p.field;
      std::string type = !f.enum_type().empty() ? "`" + f.enum_type() + "`"
                         : f.is_signed()        ? fmt::format("s{}", f.width())
                                                : fmt::format("u{}", f.width());
      std::string bits = f.width() == 1 ? std::to_string(p.lsb)
                                        : fmt::format("{}:{}", p.lsb + f.width() - 1, p.lsb);
      o += fmt::format("| {} | `{}` | {} | {} | {} |\n", bits, f.name(), type, f.min(), f.doc());
    }
    o += fmt::format("| {}:{} | reserved | | | must be zero |\n", isa_.word_bits() - 1,
                     in.used_bits);
  }
  return o;
}

// ---- Register map -------------------------------------------------------------------------

// The bits of field f in its register.
uint64_t FieldMask(const Field& f) {
  return ((f.width() >= 32) ? 0xffffffffull : ((1ull << f.width()) - 1)) << f.lsb();
}

std::string RegsHeader(const RegisterMap& rm) {
  std::string o;
  o += "// Generated by core/gen/specgen from core/spec/regs.textproto. Do not edit.\n";
  o += "#pragma once\n\n#include <cstdint>\n\nnamespace aorta::regs {\n\n";
  o += fmt::format("inline constexpr uint32_t kRegmapVersion = {};\n", rm.version());
  o += fmt::format("inline constexpr uint32_t kIdValue = {:#010x};\n", rm.id_value());
  o += fmt::format("inline constexpr uint32_t kBarBytes = {};\n", rm.bar_bytes());
  o += fmt::format("inline constexpr uint32_t kSlotCount = {};\n\n", rm.slot_count());
  for (const Enum& e : rm.enums()) o += CppEnum(e, "uint32_t");
  for (const Register& r : rm.registers()) {
    std::string c = Camel(r.name());
    o += fmt::format("// {} ({})\n", r.doc(), r.access());
    if (r.count() > 1) {
      o += fmt::format("inline constexpr uint32_t k{}(uint32_t i) {{ return {:#05x} + {} * i; }}\n",
                       c, r.offset(), r.stride());
      o += fmt::format("inline constexpr uint32_t k{}Count = {};\n", c, r.count());
    } else {
      o += fmt::format("inline constexpr uint32_t k{} = {:#05x};\n", c, r.offset());
      if (r.reset() != 0)
        o += fmt::format("inline constexpr uint32_t k{}Reset = {:#010x};\n", c, r.reset());
    }
    for (const Field& f : r.fields()) {
      std::string fc = c + Camel(f.name());
      o += fmt::format("inline constexpr uint32_t k{}Lsb = {};\n", fc, f.lsb());
      o += fmt::format("inline constexpr uint32_t k{}Mask = {:#010x};  // {}\n", fc, FieldMask(f),
                       f.doc());
    }
  }
  // Every register with its access type and reset value (test benches and models walk it).
  o += "\nenum class Access : uint32_t { kRo, kRw, kWo, kW1c, kW1s };\n";
  o += "struct RegInfo {\n  const char* name;\n  uint32_t offset;\n  uint32_t count;\n"
       "  uint32_t stride;\n  Access access;\n  uint32_t reset;\n  uint32_t field_mask;  // 0: no "
       "fields (all 32 bits)\n};\n";
  o += "inline constexpr RegInfo kRegInfo[] = {\n";
  for (const Register& r : rm.registers()) {
    uint64_t fields = 0;
    for (const Field& f : r.fields()) fields |= FieldMask(f);
    std::string acc = r.access() == "RO"    ? "kRo"
                      : r.access() == "RW"  ? "kRw"
                      : r.access() == "WO"  ? "kWo"
                      : r.access() == "W1C" ? "kW1c"
                                            : "kW1s";
    o += fmt::format("    {{\"{}\", {:#05x}, {}, {}, Access::{}, {:#010x}, {:#010x}}},\n", r.name(),
                     r.offset(), std::max(r.count(), 1u), r.stride(), acc, r.reset(), fields);
  }
  o += "};\n";
  o += "\n// Perf counters: 64-bit, LO at kCounterBase + 8 * i, HI at + 4.\n";
  o += fmt::format("inline constexpr uint32_t kCounterBase = {:#05x};\n", rm.counter_base());
  o += "enum class Counter : uint32_t {\n";
  for (int i = 0; i < rm.counters_size(); ++i)
    o += fmt::format("  k{} = {},  // {} ({})\n", Camel(rm.counters(i).name()), i,
                     rm.counters(i).doc(), rm.counters(i).unit());
  o += "};\n";
  o += fmt::format("inline constexpr uint32_t kNumCounters = {};\n", rm.counters_size());
  o += "inline constexpr const char* kCounterNames[] = {";
  for (int i = 0; i < rm.counters_size(); ++i)
    o += fmt::format("{}\"{}\"", i ? ", " : "", rm.counters(i).name());
  o += "};\ninline constexpr const char* kCounterUnits[] = {";
  for (int i = 0; i < rm.counters_size(); ++i)
    o += fmt::format("{}\"{}\"", i ? ", " : "", rm.counters(i).unit());
  o += "};\n";
  o += "inline constexpr uint32_t CounterLo(Counter c) { return kCounterBase + 8 * "
       "static_cast<uint32_t>(c); }\n";
  o += "inline constexpr uint32_t CounterHi(Counter c) { return CounterLo(c) + 4; }\n";
  o += "// Bytes of a PERF snapshot record: the tag word, then every counter.\n";
  o += "inline constexpr uint32_t kSnapshotBytes = 8 * (1 + kNumCounters);\n";
  o += "\n}  // namespace aorta::regs\n";
  return o;
}

std::string RegsSv(const RegisterMap& rm) {
  std::string o;
  o += "// Generated by core/gen/specgen from core/spec/regs.textproto. Do not edit.\n";
  o += "package aorta_regs_pkg;\n\n";
  o += "  // The package is the whole contract; a design uses only part of it.\n";
  o += "  /* verilator lint_off UNUSEDPARAM */\n\n";
  o += fmt::format("  localparam int unsigned RegmapVersion = {};\n", rm.version());
  o += fmt::format("  localparam logic [31:0] IdValue = 32'h{:08x};\n", rm.id_value());
  o += fmt::format("  localparam int unsigned BarBytes = {};\n", rm.bar_bytes());
  o += fmt::format("  localparam int unsigned SlotCount = {};\n\n", rm.slot_count());
  for (const Enum& e : rm.enums()) o += SvEnum(e);
  for (const Register& r : rm.registers()) {
    o += fmt::format("  localparam logic [11:0] {}Offset = 12'h{:03x};\n", Camel(r.name()),
                     r.offset());
    if (r.count() > 1) {
      o += fmt::format("  localparam int unsigned {}Count = {};\n", Camel(r.name()), r.count());
      o += fmt::format("  localparam int unsigned {}Stride = {};\n", Camel(r.name()), r.stride());
    }
    o += fmt::format("  localparam logic [31:0] {}Reset = 32'h{:08x};\n", Camel(r.name()),
                     r.reset());
    for (const Field& f : r.fields()) {
      o += fmt::format("  localparam int unsigned {}{}Lsb = {};\n", Camel(r.name()),
                       Camel(f.name()), f.lsb());
      o += fmt::format("  localparam int unsigned {}{}Width = {};\n", Camel(r.name()),
                       Camel(f.name()), f.width());
      o += fmt::format("  localparam logic [31:0] {}{}Mask = 32'h{:08x};\n", Camel(r.name()),
                       Camel(f.name()), FieldMask(f));
    }
  }
  o += fmt::format("\n  localparam logic [11:0] CounterBase = 12'h{:03x};\n", rm.counter_base());
  o += fmt::format("  localparam int unsigned NumCounters = {};\n", rm.counters_size());
  o += fmt::format("  typedef enum logic [{}:0] {{\n", 7);
  for (int i = 0; i < rm.counters_size(); ++i)
    o += fmt::format("    Ctr{} = 8'd{}{}\n", Camel(rm.counters(i).name()), i,
                     i + 1 < rm.counters_size() ? "," : "");
  o += "  } counter_e;\n\nendpackage\n";
  return o;
}

std::string RegsMarkdown(const RegisterMap& rm) {
  std::string o = "| offset | name | access | reset | meaning |\n|---|---|---|---|---|\n";
  for (const Register& r : rm.registers()) {
    std::string off =
        r.count() > 1 ? fmt::format("`{:#05x} + {}·i` (i < {})", r.offset(), r.stride(), r.count())
                      : fmt::format("`{:#05x}`", r.offset());
    o += fmt::format("| {} | `{}` | {} | `{:#x}` | {} |\n", off, r.name(), r.access(), r.reset(),
                     r.doc());
    for (const Field& f : r.fields()) {
      std::string bits = f.width() == 1 ? std::to_string(f.lsb())
                                        : fmt::format("{}:{}", f.lsb() + f.width() - 1, f.lsb());
      o += fmt::format("| | ↳ `[{}]` `{}` | | | {} |\n", bits, f.name(), f.doc());
    }
  }
  for (const Enum& e : rm.enums())
    o += fmt::format("\n`{}` values: {}\n\n{}", e.name(), e.doc(), MdEnum(e));
  o += fmt::format("\nPerf counters (64-bit; LO at `{:#05x} + 8·i`, HI at `+4`):\n\n",
                   rm.counter_base());
  o += "| i | LO offset | name | unit | meaning |\n|---|---|---|---|---|\n";
  for (int i = 0; i < rm.counters_size(); ++i)
    o += fmt::format("| {} | `{:#05x}` | `{}` | {} | {} |\n", i, rm.counter_base() + 8 * i,
                     rm.counters(i).name(), rm.counters(i).unit(), rm.counters(i).doc());
  return o;
}

// "ErrCode" / "soft_reset" -> "ERR_CODE" / "SOFT_RESET"
std::string MacroName(const std::string& s) {
  std::string out;
  for (char c : Snake(s)) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// The register map (and the ISA facts a driver needs) as a plain C header of #defines, for the
// Linux kernel module (driver/linux/), which cannot include the C++ header.
std::string RegsCHeader(const Isa& isa, const RegisterMap& rm) {
  // A doc string inside a C comment: "*/" would end it.
  auto doc = [](const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      out += s[i];
      if (s[i] == '*' && i + 1 < s.size() && s[i + 1] == '/') out += ' ';
    }
    return out;
  };
  std::string o;
  o += "/* SPDX-License-Identifier: GPL-2.0 OR MIT */\n";
  o += "/* Generated by core/gen/specgen from core/spec/regs.textproto and core/spec/isa.textproto."
       "\n * Do not edit. Plain C (usable in the Linux kernel and in user space). */\n";
  o += "#ifndef AORTA_REGS_H\n#define AORTA_REGS_H\n\n";
  o += fmt::format("#define AORTA_REGMAP_VERSION {}u\n", rm.version());
  o += fmt::format("#define AORTA_ID_VALUE {:#010x}u\n", rm.id_value());
  o += fmt::format("#define AORTA_BAR_BYTES {}u\n", rm.bar_bytes());
  o += fmt::format("#define AORTA_SLOT_COUNT {}u\n", rm.slot_count());
  o += fmt::format("#define AORTA_ISA_VERSION_MAJOR {}u\n", isa.version_major());
  o += fmt::format("#define AORTA_ISA_VERSION_MINOR {}u\n", isa.version_minor());
  o += fmt::format(
      "/* Bytes of one instruction word (IQ_LEN counts words). */\n"
      "#define AORTA_ISA_WORD_BYTES {}u\n\n",
      isa.word_bits() / 8);
  for (const Enum& e : rm.enums()) {
    std::string en = MacroName(e.name());
    o += fmt::format("/* {} */\n", doc(e.doc()));
    for (const auto& v : e.values())
      o += fmt::format("#define AORTA_{}_{} {}u /* {} */\n", en, v.name(), v.value(), doc(v.doc()));
    o += fmt::format("/* Names indexed by value (\"?\" for a gap). */\n#define AORTA_{}_NAMES {{",
                     en);
    uint32_t top = 0;
    for (const auto& v : e.values()) top = std::max(top, v.value());
    for (uint32_t i = 0; i <= top; ++i) {
      std::string name = "?";
      for (const auto& v : e.values())
        if (v.value() == i) name = v.name();
      o += fmt::format("{}\"{}\"", i ? ", " : " ", name);
    }
    o += fmt::format(" }}\n#define AORTA_{}_COUNT {}u\n\n", en, top + 1);
  }
  for (const Register& r : rm.registers()) {
    std::string n = "AORTA_REG_" + r.name();
    o += fmt::format("/* {} ({}) */\n", doc(r.doc()), r.access());
    if (r.count() > 1) {
      o += fmt::format("#define {}(i) ({:#05x}u + {}u * (i))\n", n, r.offset(), r.stride());
      o += fmt::format("#define {}_COUNT {}u\n", n, r.count());
    } else {
      o += fmt::format("#define {} {:#05x}u\n", n, r.offset());
    }
    for (const Field& f : r.fields()) {
      std::string fn = n + "_" + MacroName(f.name());
      o += fmt::format("#define {}_LSB {}u\n#define {}_MASK {:#010x}u /* {} */\n", fn, f.lsb(), fn,
                       FieldMask(f), doc(f.doc()));
    }
  }
  o += "\n/* Perf counters: 64-bit, LO at AORTA_COUNTER_BASE + 8 * i, HI at + 4 (reading LO latches"
       "\n * HI). */\n";
  o += fmt::format("#define AORTA_COUNTER_BASE {:#05x}u\n", rm.counter_base());
  o += fmt::format("#define AORTA_NUM_COUNTERS {}u\n", rm.counters_size());
  for (int i = 0; i < rm.counters_size(); ++i)
    o += fmt::format("#define AORTA_COUNTER_{} {}u /* {} ({}) */\n", rm.counters(i).name(), i,
                     doc(rm.counters(i).doc()), rm.counters(i).unit());
  o += "#define AORTA_REG_COUNTER_LO(i) (AORTA_COUNTER_BASE + 8u * (i))\n";
  o += "#define AORTA_REG_COUNTER_HI(i) (AORTA_REG_COUNTER_LO(i) + 4u)\n";
  o += "\n#endif /* AORTA_REGS_H */\n";
  return o;
}

void CheckRegs(const RegisterMap& rm) {
  std::map<uint32_t, std::string> used;
  auto claim = [&](uint32_t off, const std::string& name) {
    if (off % 4) Die(fmt::format("register {}: offset {:#x} not 4-byte aligned", name, off));
    if (off >= rm.bar_bytes())
      Die(fmt::format("register {}: offset {:#x} outside the BAR", name, off));
    auto [it, fresh] = used.emplace(off, name);
    if (!fresh) Die(fmt::format("register {} overlaps {} at {:#x}", name, it->second, off));
  };
  for (const Register& r : rm.registers()) {
    uint32_t n = std::max<uint32_t>(1, r.count());
    for (uint32_t i = 0; i < n; ++i) claim(r.offset() + i * r.stride(), r.name());
    static const std::set<std::string> kAccess = {"RO", "RW", "WO", "W1C", "W1S"};
    if (!kAccess.count(r.access()))
      Die(fmt::format("register {}: access '{}' is not RO, RW, WO, W1C or W1S", r.name(),
                      r.access()));
    uint32_t bits = 0;
    for (const Field& f : r.fields()) {
      if (f.lsb() + f.width() > 32) Die(fmt::format("{}.{}: beyond bit 31", r.name(), f.name()));
      uint32_t m = static_cast<uint32_t>(((1ull << f.width()) - 1) << f.lsb());
      if (bits & m) Die(fmt::format("{}.{}: overlaps another field", r.name(), f.name()));
      bits |= m;
    }
  }
  for (int i = 0; i < rm.counters_size(); ++i) {
    claim(rm.counter_base() + 8 * i, rm.counters(i).name() + "_LO");
    claim(rm.counter_base() + 8 * i + 4, rm.counters(i).name() + "_HI");
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string isa_path, regs_path, out_dir;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--isa")
      isa_path = argv[i + 1];
    else if (a == "--regs")
      regs_path = argv[i + 1];
    else if (a == "--out-dir")
      out_dir = argv[i + 1];
    else
      Die("unknown argument " + a);
  }
  if (isa_path.empty() || regs_path.empty() || out_dir.empty())
    Die("usage: specgen --isa ISA.textproto --regs REGS.textproto --out-dir DIR");
  Isa isa = ReadTextProto<Isa>(isa_path);
  RegisterMap rm = ReadTextProto<RegisterMap>(regs_path);
  IsaModel model(isa);
  CheckRegs(rm);
  fs::path out(out_dir);
  WriteFile(out / "aorta/isa_gen.h", model.Header());
  WriteFile(out / "rtl/aorta_isa_pkg.sv", model.SvPackage());
  WriteFile(out / "docs/isa_tables.md", model.Markdown());
  WriteFile(out / "aorta/regs_gen.h", RegsHeader(rm));
  WriteFile(out / "rtl/aorta_regs_pkg.sv", RegsSv(rm));
  WriteFile(out / "docs/regs_tables.md", RegsMarkdown(rm));
  WriteFile(out / "aorta/aorta_regs.h", RegsCHeader(isa, rm));
  return 0;
}
