// aorta inspect PROGRAM.aprog: validate a program and show what is in it, with the
// disassembly of its instruction streams.
#include <iostream>

#include "cli/commands.h"
#include "core/isa/isa.h"
#include "core/program.h"

namespace aorta::cli {
namespace {

struct InspectArgs {
  std::string program;
  bool no_disasm = false;
  int chip = -1;
  size_t max_lines = 0;
};

const char* KindName(program::BufferKind k) {
  switch (k) {
    case program::BUFFER_CONSTANT:
      return "constant";
    case program::BUFFER_INPUT:
      return "input";
    case program::BUFFER_OUTPUT:
      return "output";
    case program::BUFFER_SCRATCH:
      return "scratch";
    case program::BUFFER_PERF:
      return "perf";
    case program::BUFFER_LINK:
      return "link";
    default:
      return "?";
  }
}

void PrintStream(const std::string& title, const std::string& words, size_t max_lines) {
  size_t n = words.size() / isa::kWordBytes;
  fmt::print("  {} ({} instructions)\n", title, n);
  std::span<const uint8_t> s(reinterpret_cast<const uint8_t*>(words.data()), words.size());
  for (size_t i = 0; i < n; ++i) {
    if (max_lines && i == max_lines) {
      fmt::print("    ... {} more\n", n - i);
      break;
    }
    fmt::print("    {:6}  {}\n", i, isa::Disassemble(isa::WordAt(s, i)));
  }
}

void PrintBinding(const char* role, const program::TensorBinding& b) {
  std::vector<int64_t> shape(b.shape().begin(), b.shape().end());
  fmt::print("  {:<7} {:<24} {:<14} {} {}  scale {} zp {}  chip {} buffer '{}' +{}\n", role,
             b.name(), ShapeToString(shape), program::DType_Name(b.dtype()),
             program::Layout_Name(b.layout()), b.quant().scale(), b.quant().zero_point(), b.chip(),
             b.buffer(), b.offset());
}

void Inspect(const InspectArgs& a) {
  Program p = Check(ReadProgram(a.program));
  fmt::print("program {}: valid\n", a.program);
  fmt::print("  model '{}', produced by '{}'\n", p.model_name(), p.producer());
  fmt::print("  format {}, ISA {}.{}, board fingerprint {}\n", kProgramFormatVersion,
             p.isa_version_major(), p.isa_version_minor(), FingerprintHex(p.board_fingerprint()));
  for (const auto& [k, v] : p.metadata()) fmt::print("  metadata {} = {}\n", k, v);
  for (const auto& b : p.inputs()) PrintBinding("input", b);
  for (const auto& b : p.outputs()) PrintBinding("output", b);
  for (const auto& b : p.intermediates()) PrintBinding("interm.", b);
  for (const auto& h : p.host_ops())
    fmt::print("  host op '{}' after segment {} ({} bytes of ONNX)\n", h.name(), h.after_segment(),
               h.onnx_model().size());
  if (!p.layers().empty()) {
    fmt::print("  layers:\n    {:>4}  {:<32} {:<20} {:>4} {:>14}\n", "tag", "name", "op", "chip",
               "MACs");
    for (const auto& l : p.layers())
      fmt::print("    {:>4}  {:<32} {:<20} {:>4} {:>14}\n", l.perf_tag(), l.name(), l.op_type(),
                 l.chip(), l.macs());
  }
  for (const auto& c : p.chips()) {
    if (a.chip >= 0 && c.chip() != static_cast<uint32_t>(a.chip)) continue;
    fmt::print("chip {}: config '{}' ({}x{}, fingerprint {})\n", c.chip(), c.config().name(),
               c.config().array_rows(), c.config().array_cols(),
               FingerprintHex(c.config_fingerprint()));
    for (const auto& b : c.buffers())
      fmt::print("  slot {:2}  {:<9} {:<5} {:>12} bytes  '{}'\n", b.slot(), KindName(b.kind()),
                 b.location() == program::LOCATION_DRAM ? "dram" : "host", b.size(), b.name());
    if (a.no_disasm) continue;
    if (!c.init_stream().empty()) PrintStream("init stream", c.init_stream(), a.max_lines);
    for (int s = 0; s < c.run_segments_size(); ++s)
      PrintStream(fmt::format("run segment {}", s), c.run_segments(s), a.max_lines);
  }
}

}  // namespace

void RegisterInspectCommand(CLI::App& app) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* sub = app.add_subcommand(
      "inspect", "Validate a program (.aprog) and print its contents and disassembly");
  sub->add_option("program", args->program, "Program file (.aprog)")->required();
  sub->add_flag("--no-disasm", args->no_disasm, "Do not print the instruction streams");
  sub->add_option("--chip", args->chip, "Only this chip");
  sub->add_option("--max-lines", args->max_lines,
                  "At most this many instructions per stream (0: all)");
  sub->callback([args] { Inspect(*args); });
}

}  // namespace aorta::cli
