#include "tlm/study_scalesim.h"

#include <cctype>
#include <cmath>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

namespace aorta::study {
namespace {

constexpr const char* kColumns[] = {"Layer name",   "IFMAP Height", "IFMAP Width", "Filter Height",
                                    "Filter Width", "Channels",     "Num Filter",  "Strides"};
constexpr int kNumColumns = 8;

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The comma-separated fields of a line, trimmed; one empty field after a trailing comma is
// dropped (SCALE-Sim's files end every line with one).
std::vector<std::string> Fields(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string f;
  while (std::getline(ss, f, ',')) out.push_back(Trim(f));
  if (!line.empty() && line.back() == ',') out.push_back("");
  if (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

}  // namespace

Result<std::vector<ScaleSimLayer>> ParseScaleSimCsv(const std::string& text,
                                                    const std::string& origin) {
  std::vector<ScaleSimLayer> layers;
  std::set<std::string> names;
  std::stringstream in(text);
  std::string line;
  int n = 0;
  bool header = false;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (Trim(line).empty()) continue;
    std::vector<std::string> f = Fields(Trim(line));
    if (!header) {
      if (static_cast<int>(f.size()) != kNumColumns)
        return InvalidArgument(
            "{}:{}: the header has {} columns; a SCALE-Sim topology has {}: Layer name, IFMAP "
            "Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides",
            origin, n, f.size(), kNumColumns);
      for (int c = 0; c < kNumColumns; ++c) {
        if (Lower(f[c]) != Lower(kColumns[c]))
          return InvalidArgument("{}:{}: header column {} is '{}', expected '{}'", origin, n, c + 1,
                                 f[c], kColumns[c]);
      }
      header = true;
      continue;
    }
    if (static_cast<int>(f.size()) != kNumColumns)
      return InvalidArgument("{}:{}: {} fields, expected {} (Layer name and 7 numbers)", origin, n,
                             f.size(), kNumColumns);
    ScaleSimLayer l;
    l.line = n;
    l.name = f[0];
    if (l.name.empty()) return InvalidArgument("{}:{}: the layer has no name", origin, n);
    if (!names.insert(l.name).second)
      return InvalidArgument("{}:{}: layer '{}' is named twice", origin, n, l.name);
    int64_t* dst[] = {&l.ifmap_h,  &l.ifmap_w, &l.filter_h, &l.filter_w,
                      &l.channels, &l.filters, &l.stride};
    for (int c = 1; c < kNumColumns; ++c) {
      const std::string& v = f[c];
      char* end = nullptr;
      const long long x = std::strtoll(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || x <= 0 || x > (1ll << 24))
        return InvalidArgument("{}:{}: layer '{}': {} is '{}', not a positive integer", origin, n,
                               l.name, kColumns[c], v);
      *dst[c - 1] = x;
    }
    if (l.filter_h > l.ifmap_h || l.filter_w > l.ifmap_w)
      return InvalidArgument("{}:{}: layer '{}': the {}x{} filter is larger than the {}x{} IFMAP",
                             origin, n, l.name, l.filter_h, l.filter_w, l.ifmap_h, l.ifmap_w);
    layers.push_back(std::move(l));
  }
  if (!header) return InvalidArgument("{}: empty (no header line)", origin);
  if (layers.empty()) return InvalidArgument("{}: the topology has no layers", origin);
  return layers;
}

Result<std::vector<ScaleSimLayer>> ReadScaleSimCsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot open SCALE-Sim topology {}", path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseScaleSimCsv(ss.str(), path);
}

ir::Graph ScaleSimGraph(const std::vector<ScaleSimLayer>& layers, const std::string& name,
                        uint64_t seed) {
  using Ints = std::vector<int64_t>;
  ir::Graph g;
  g.name = name;
  g.opset_imports[""] = 13;
  std::mt19937_64 rng(seed);
  auto weights = [&](const Shape& shape, int64_t fan_in) {
    std::normal_distribution<double> d(0.0, std::sqrt(2.0 / static_cast<double>(fan_in)));
    std::vector<float> v(static_cast<size_t>(ElementCount(shape)));
    for (float& x : v) x = static_cast<float>(d(rng));
    return Tensor::FromVector<float>(shape, v);
  };
  for (const ScaleSimLayer& l : layers) {
    const std::string in = l.name + "_ifmap", out = l.name + "_ofmap", w = l.name + "_w";
    g.AddInput(in, DType::kF32,
               {ir::Dim::Static(1), ir::Dim::Static(l.channels), ir::Dim::Static(l.ifmap_h),
                ir::Dim::Static(l.ifmap_w)});
    const std::string pre = l.name + "_pre";
    if (l.is_gemm()) {
      const int64_t k = l.channels * l.ifmap_h * l.ifmap_w;
      g.AddInitializer(w, weights({l.filters, k}, k));
      g.AddNode("Flatten", {in}, {l.name + "_flat"}, {{"axis", int64_t{1}}}, l.name + "_flatten");
      g.AddNode("Gemm", {l.name + "_flat", w}, {pre}, {{"transB", int64_t{1}}}, l.name);
    } else {
      g.AddInitializer(w, weights({l.filters, l.channels, l.filter_h, l.filter_w},
                                  l.channels * l.filter_h * l.filter_w));
      g.AddNode("Conv", {in, w}, {pre},
                {{"kernel_shape", Ints{l.filter_h, l.filter_w}},
                 {"strides", Ints{l.stride, l.stride}},
                 {"pads", Ints{0, 0, 0, 0}}},
                l.name);
    }
    g.AddNode("Relu", {pre}, {out}, {}, l.name + "_relu");
    g.AddOutput(out);
  }
  return g;
}

}  // namespace aorta::study
