#include "compiler/quantize.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>
#include <set>

#include "compiler/passes/fold_qdq.h"
#include "compiler/passes/graph_edit.h"
#include "compiler/reference/executor.h"
#include "core/io/npy.h"

namespace aorta::quant {

namespace {

constexpr double kTwo30 = 0x1.0p30;

int32_t ClampI8(double q) { return static_cast<int32_t>(std::clamp(q, -128.0, 127.0)); }

}  // namespace

int32_t QParams::Quantize(double x) const {
  return ClampI8(std::nearbyint(x / scale) + zero_point);
}

QParams ChooseQParams(double lo, double hi) {
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  QParams q;
  if (!(hi > lo)) return q;
  q.scale = static_cast<double>(static_cast<float>((hi - lo) / 255.0));
  q.zero_point = ClampI8(std::round(-128.0 - lo / q.scale));
  return q;
}

Result<Multiplier> QuantizeMultiplier(double real) {
  if (!(real > 0) || real >= kTwo30)
    return InvalidArgument("requantization ratio {} is outside (0, 2^30)", real);
  // real = frac * 2^exp with frac in [0.5, 1): mult = frac * 2^31, real = mult * 2^-(31 - exp).
  int exp = 0;
  const double frac = std::frexp(real, &exp);
  int64_t mult = std::llround(std::ldexp(frac, 31));
  int32_t shift = -exp;
  if (mult == (int64_t{1} << 31)) {  // frac rounded up to 1
    mult /= 2;
    shift -= 1;
  }
  if (shift < intmath::kMinShift)
    return InvalidArgument("requantization ratio {} needs a shift below {}", real,
                           intmath::kMinShift);
  if (shift > intmath::kMaxShift) {
    const int32_t drop = shift - intmath::kMaxShift;
    mult = drop > 62 ? 0 : intmath::RoundShift(mult, static_cast<unsigned>(drop));
    shift = intmath::kMaxShift;
  }
  return Multiplier{static_cast<int32_t>(mult), shift};
}

int64_t RatioAtShift(double ratio, int32_t shift) { return std::llround(std::ldexp(ratio, shift)); }

Result<FixedRatio> QuantizeRatio(double ratio, int32_t max_shift) {
  const double mag = std::abs(ratio);
  if (!std::isfinite(mag) || mag >= 0x1.0p31)
    return InvalidArgument("scale ratio {} does not fit a 31-bit multiplier", ratio);
  int32_t shift = 0;
  while (shift < max_shift && std::ldexp(mag, shift + 1) < kTwo30) ++shift;
  FixedRatio r{RatioAtShift(ratio, shift), shift};
  if (std::abs(r.m) >= (int64_t{1} << 31))
    return InvalidArgument("scale ratio {} does not fit a 31-bit multiplier", ratio);
  return r;
}

ChannelWeights QuantizeWeightsPerChannel(const std::vector<double>& w, int64_t channels) {
  ChannelWeights out;
  const size_t per = channels > 0 ? w.size() / static_cast<size_t>(channels) : 0;
  out.q.resize(w.size());
  for (size_t c = 0; c < static_cast<size_t>(channels); ++c) {
    double max_abs = 0;
    for (size_t i = 0; i < per; ++i) max_abs = std::max(max_abs, std::abs(w[c * per + i]));
    const double s = max_abs > 0 ? max_abs / 127.0 : 1.0;
    for (size_t i = 0; i < per; ++i)
      out.q[c * per + i] =
          static_cast<int8_t>(std::clamp(std::nearbyint(w[c * per + i] / s), -127.0, 127.0));
    out.scale.push_back(s);
  }
  return out;
}

Lut BuildLut(const std::function<double(double)>& f, const QParams& in, const QParams& out) {
  Lut t{};
  for (int q = -128; q <= 127; ++q)
    t[static_cast<size_t>(q + 128)] = static_cast<int8_t>(out.Quantize(f(in.Dequantize(q))));
  return t;
}

std::optional<std::function<double(double)>> LutFunction(const passes::Activation& a) {
  if (a.op == "Sigmoid") return [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
  if (a.op == "Tanh") return [](double x) { return std::tanh(x); };
  if (a.op == "HardSigmoid") {
    const double alpha = a.alpha, beta = a.beta;
    return [alpha, beta](double x) { return std::clamp(alpha * x + beta, 0.0, 1.0); };
  }
  if (a.op == "HardSwish") return [](double x) { return x * std::clamp(x / 6.0 + 0.5, 0.0, 1.0); };
  return std::nullopt;
}

Result<CalibMethod> ParseCalibMethod(const std::string& text) {
  if (text == "minmax") return CalibMethod::kMinMax;
  if (text == "percentile") return CalibMethod::kPercentile;
  if (text == "mse") return CalibMethod::kMse;
  return InvalidArgument("--calib-method: '{}' is not minmax, percentile or mse", text);
}

std::string BaseKey(const std::string& fused_output) { return fused_output + "#base"; }
std::string SumKey(const std::string& fused_output) { return fused_output + "#sum"; }
std::string ActKey(const std::string& fused_node) { return fused_node + "#act"; }

std::string ChannelKey(const std::string& value, int64_t c) {
  return fmt::format("{}#c{}", value, c);
}

std::string MeanKey(const std::string& value, int64_t c) {
  return fmt::format("{}#mean{}", value, c);
}

std::vector<EqualizedPair> FindEqualizedPairs(const ir::Graph& graph) {
  std::vector<EqualizedPair> pairs;
  const std::set<std::string> outputs(graph.outputs.begin(), graph.outputs.end());
  for (const ir::Node& node : graph.nodes) {
    if (node.op_type != "aorta.Conv" || node.outputs.empty() ||
        node.HasInput(passes::kResidualInput))
      continue;
    const std::string& out = node.outputs[0];
    const Tensor* w = node.HasInput(1) ? passes::ConstantValue(graph, node.inputs[1]) : nullptr;
    const Result<int64_t> group = node.GetInt("group", 1);
    const Result<std::optional<passes::Activation>> act = passes::FusedActivation(node);
    if (w == nullptr || w->rank() != 4 || w->dim(1) != 1 || !group.ok() || *group != w->dim(0) ||
        !act.ok() || (act->has_value() && (*act)->op != "Relu") || outputs.count(out))
      continue;
    const std::vector<const ir::Node*> readers = graph.Consumers(out);
    if (readers.size() != 1) continue;
    const ir::Node& next = *readers[0];
    const Tensor* w2 = next.HasInput(1) ? passes::ConstantValue(graph, next.inputs[1]) : nullptr;
    const Result<int64_t> group2 = next.GetInt("group", 1);
    if (next.op_type != "aorta.Conv" || next.inputs[0] != out || w2 == nullptr || w2->rank() != 4 ||
        w2->dim(1) != w->dim(0) || !group2.ok() || *group2 != 1 ||
        (next.HasInput(passes::kResidualInput) && next.inputs[passes::kResidualInput] == out))
      continue;
    pairs.push_back({node.name, next.name, out, w->dim(0)});
  }
  return pairs;
}

std::map<std::string, std::string> RangeKeys(const ir::Graph& fused, const ir::Graph& expanded) {
  // Which expanded value is each fused node's base result: the base op keeps the node's name.
  std::map<std::string, std::string> key_of;
  for (const ir::Node& node : fused.nodes) {
    for (const std::string& out : node.outputs)
      if (!out.empty()) key_of[out] = out;
    if (!passes::IsFusedOp(node)) continue;
    for (const ir::Node& e : expanded.nodes) {
      if (e.outputs.at(0) == node.outputs.at(0)) continue;
      if (e.name == node.name) key_of[e.outputs.at(0)] = BaseKey(node.outputs.at(0));
      if (e.name == node.name + "_residual") key_of[e.outputs.at(0)] = SumKey(node.outputs.at(0));
    }
  }
  for (const std::string& in : fused.inputs) key_of[in] = in;
  return key_of;
}

// ---- Calibration ----------------------------------------------------------------------------

namespace {

Result<Shape> InputShape(const ir::Graph& graph, const std::string& name) {
  const ir::ValueInfo* info = graph.FindValue(name);
  std::optional<Shape> shape = info ? info->StaticShape() : std::nullopt;
  if (!shape) return InvalidArgument("graph input '{}' has no static shape", name);
  if (info->dtype && *info->dtype != DType::kF32)
    return Unsupported("graph input '{}' is {}: only f32 inputs are quantized", name,
                       DTypeName(*info->dtype));
  return *shape;
}

}  // namespace

Result<std::vector<TensorMap>> SyntheticSamples(const ir::Graph& graph, int count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto uniform = [&rng] { return (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53; };
  std::vector<TensorMap> samples(static_cast<size_t>(count));
  for (TensorMap& sample : samples) {
    for (const std::string& name : graph.inputs) {
      AORTA_ASSIGN_OR_RETURN(Shape shape, InputShape(graph, name));
      std::vector<float> v(static_cast<size_t>(ElementCount(shape)));
      for (float& x : v) {  // Box-Muller
        const double g = std::sqrt(-2.0 * std::log(uniform())) * std::cos(2 * M_PI * uniform());
        x = static_cast<float>(std::clamp(g, -3.0, 3.0));
      }
      sample[name] = Tensor::FromVector<float>(shape, v);
    }
  }
  return samples;
}

Result<std::vector<TensorMap>> LoadCalibrationDir(const ir::Graph& graph, const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return NotFound("--calib: '{}' is not a directory", dir);
  std::vector<fs::path> files;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    const std::string ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".npy" || ext == ".npz")) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) return NotFound("--calib: no .npy or .npz files in '{}'", dir);
  std::map<std::string, Shape> shapes;
  for (const std::string& name : graph.inputs) {
    AORTA_ASSIGN_OR_RETURN(shapes[name], InputShape(graph, name));
  }
  auto check = [&](const std::string& file, const std::string& input, const Tensor& t) -> Status {
    if (t.shape() != shapes[input])
      return InvalidArgument("--calib: {} has shape {}, input '{}' is {}", file,
                             ShapeToString(t.shape()), input, ShapeToString(shapes[input]));
    return Status::Ok();
  };
  std::vector<TensorMap> samples;
  const NpyReadOptions f32{.to_f32 = true};
  for (const fs::path& path : files) {
    const std::string file = path.string();
    if (path.extension() == ".npz") {
      AORTA_ASSIGN_OR_RETURN(TensorMap m, ReadNpz(file, f32));
      TensorMap sample;
      for (const std::string& name : graph.inputs) {
        auto it = m.find(name);
        if (it == m.end()) return InvalidArgument("--calib: {} has no array '{}'", file, name);
        AORTA_RETURN_IF_ERROR(check(file, name, it->second));
        sample[name] = it->second;
      }
      samples.push_back(std::move(sample));
      continue;
    }
    if (graph.inputs.size() != 1)
      return InvalidArgument(
          "--calib: {} is an .npy but the model has {} inputs: use one .npz per sample", file,
          graph.inputs.size());
    const std::string& name = graph.inputs[0];
    AORTA_ASSIGN_OR_RETURN(Tensor t, ReadNpy(file, f32));
    const Shape& want = shapes[name];
    // A stack of samples along the batch dim.
    if (!want.empty() && t.rank() == static_cast<int64_t>(want.size()) && want[0] > 0 &&
        t.dim(0) > want[0] && t.dim(0) % want[0] == 0 &&
        std::equal(want.begin() + 1, want.end(), t.shape().begin() + 1)) {
      const int64_t per = ElementCount(want);
      const std::vector<float> all = t.ToVector<float>();
      for (int64_t s = 0; s < t.dim(0) / want[0]; ++s)
        samples.push_back({{name, Tensor::FromVector<float>(
                                      want, std::vector<float>(all.begin() + s * per,
                                                               all.begin() + (s + 1) * per))}});
      continue;
    }
    AORTA_RETURN_IF_ERROR(check(file, name, t));
    samples.push_back({{name, std::move(t)}});
  }
  return samples;
}

Histogram::Histogram(double lo_, double hi_, int bins)
    : lo(lo_),
      hi(hi_),
      n(static_cast<size_t>(bins)),
      sum(static_cast<size_t>(bins)),
      sq(static_cast<size_t>(bins)) {}

void Histogram::Add(double x) {
  const auto bins = static_cast<double>(n.size());
  const double at = hi > lo ? (x - lo) / (hi - lo) * bins : 0.0;
  const auto b = static_cast<size_t>(std::clamp(at, 0.0, bins - 1));
  n[b] += 1;
  sum[b] += x;
  sq[b] += x * x;
}

Range MseRange(const Histogram& h, int grid) {
  const double lo = std::min(h.lo, 0.0), hi = std::max(h.hi, 0.0);
  if (!(hi > lo) || h.n.empty()) return {h.lo, h.hi};
  // Prefix sums over the bins: the values below a bin boundary.
  const size_t bins = h.n.size();
  std::vector<double> pn(bins + 1), ps(bins + 1), pq(bins + 1);
  for (size_t b = 0; b < bins; ++b) {
    pn[b + 1] = pn[b] + h.n[b];
    ps[b + 1] = ps[b] + h.sum[b];
    pq[b + 1] = pq[b] + h.sq[b];
  }
  // A candidate bound moves to a bin edge, so that every bin is wholly clipped or wholly
  // inside: the lower one down (bins [0, b) below it), the upper one up (bins [b, bins) above).
  const double width = (h.hi - h.lo) / static_cast<double>(bins);
  auto snap = [&](double x, bool up) -> std::pair<double, size_t> {
    if (!(width > 0) || x <= h.lo) return {x, 0};
    if (x >= h.hi) return {x, bins};
    const double at = (x - h.lo) / width;
    const auto b = static_cast<size_t>(
        std::clamp(up ? std::ceil(at) : std::floor(at), 0.0, static_cast<double>(bins)));
    return {h.lo + static_cast<double>(b) * width, b};
  };
  double best = std::numeric_limits<double>::infinity();
  Range r{lo, hi};
  const int lo_steps = lo < 0 ? grid : 1, hi_steps = hi > 0 ? grid : 1;
  for (int i = 1; i <= lo_steps; ++i) {
    const auto [l, bl] = snap(lo * i / lo_steps, false);
    // Clipped below l: sum (x - l)^2.
    const double below = pq[bl] - 2 * l * ps[bl] + l * l * pn[bl];
    for (int j = 1; j <= hi_steps; ++j) {
      auto [u, bu] = snap(hi * j / hi_steps, true);
      bu = std::max(bu, bl);
      const double above =
          (pq[bins] - pq[bu]) - 2 * u * (ps[bins] - ps[bu]) + u * u * (pn[bins] - pn[bu]);
      const double step = (u - l) / 255.0;
      const double err = below + above + (pn[bu] - pn[bl]) * step * step / 12.0;
      if (err < best) {
        best = err;
        r = {l, u};
      }
    }
  }
  // Never wider than the values themselves.
  return {std::max(r.lo, h.lo), std::min(r.hi, h.hi)};
}

namespace {

// Min / max; all samples for a percentile; a histogram for kMse (second pass).
struct Recorder {
  bool keep_all = false;
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  std::vector<float> all;
  std::optional<Histogram> hist;

  void Add(const Tensor& t) {
    if (t.dtype() != DType::kF32) return;
    if (hist) {
      for (float x : t.data<float>()) hist->Add(x);
      return;
    }
    for (float x : t.data<float>()) {
      lo = std::min<double>(lo, x);
      hi = std::max<double>(hi, x);
      if (keep_all) all.push_back(x);
    }
  }
  Range Get(double percentile) {
    if (hist && lo <= hi) return MseRange(*hist, kMseGrid);
    if (!keep_all || all.empty() || !(lo <= hi)) return lo <= hi ? Range{lo, hi} : Range{};
    auto at = [&](double p) {
      const auto k =
          static_cast<size_t>(std::llround(p / 100.0 * static_cast<double>(all.size() - 1)));
      std::nth_element(all.begin(), all.begin() + static_cast<ptrdiff_t>(k), all.end());
      return static_cast<double>(all[k]);
    };
    return {at(100.0 - percentile), at(percentile)};
  }
};

}  // namespace

Result<std::map<std::string, Range>> CollectRanges(const ir::Graph& graph,
                                                   const std::vector<TensorMap>& samples,
                                                   CalibMethod method, double percentile,
                                                   bool equalize, bool means) {
  if (samples.empty()) return InvalidArgument("calibration needs at least one sample");
  if (!(percentile > 50 && percentile <= 100))
    return InvalidArgument("calibration percentile {} is not in (50, 100]", percentile);
  AORTA_ASSIGN_OR_RETURN(ir::Graph expanded, passes::ExpandFusedOps(graph));
  const std::map<std::string, std::string> key_of = RangeKeys(graph, expanded);
  std::set<std::string> outputs(expanded.outputs.begin(), expanded.outputs.end());
  for (const ir::Node& node : expanded.nodes)
    for (const std::string& out : node.outputs)
      if (!out.empty() && key_of.count(out) && !outputs.count(out)) {
        expanded.outputs.push_back(out);
        outputs.insert(out);
      }
  AORTA_ASSIGN_OR_RETURN(reference::Executor exec, reference::Executor::Create(expanded));
  const reference::ScopedReferenceThreads one_thread(1);
  // Per channel min / max of the equalized pairs' values ([1, C, H, W]).
  std::map<std::string, std::vector<Range>> channels;
  for (const EqualizedPair& p : equalize ? FindEqualizedPairs(graph) : std::vector<EqualizedPair>{})
    channels[p.value].assign(
        static_cast<size_t>(p.channels),
        {std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()});
  auto record_channels = [&](const std::string& name, const Tensor& t) {
    auto it = channels.find(name);
    if (it == channels.end() || t.dtype() != DType::kF32 || t.rank() != 4 ||
        t.dim(1) != static_cast<int64_t>(it->second.size()))
      return;
    const auto v = t.data<float>();
    const auto plane = static_cast<size_t>(t.dim(2) * t.dim(3));
    for (size_t i = 0; i < v.size(); ++i) {
      Range& r = it->second[(i / plane) % it->second.size()];
      r.lo = std::min<double>(r.lo, v[i]);
      r.hi = std::max<double>(r.hi, v[i]);
    }
  };
  // Per channel sums of the matrix ops' inputs (bias correction).
  std::map<std::string, std::pair<std::vector<double>, double>> sums;  // value -> sums, count
  if (means)
    for (const ir::Node& node : graph.nodes)
      if (passes::IsFusedOp(node) && node.HasInput(0)) sums[node.inputs[0]];
  auto record_sums = [&](const std::string& name, const Tensor& t) {
    auto it = sums.find(name);
    if (it == sums.end() || t.dtype() != DType::kF32 || t.rank() < 2) return;
    const auto c_n = static_cast<size_t>(t.dim(1));
    auto& [sum, count] = it->second;
    if (sum.empty()) sum.assign(c_n, 0.0);
    if (sum.size() != c_n) return;
    const auto v = t.data<float>();
    const size_t plane = v.size() / c_n / static_cast<size_t>(std::max<int64_t>(t.dim(0), 1));
    for (size_t i = 0; i < v.size(); ++i) sum[(i / plane) % c_n] += v[i];
    count += static_cast<double>(v.size() / c_n);
  };
  std::map<std::string, Recorder> rec;
  for (const auto& [value, key] : key_of) rec[key].keep_all = method == CalibMethod::kPercentile;
  // One pass for min / max (and the percentile's values); kMse bins the values between them in
  // a second.
  for (int pass = 0; pass < (method == CalibMethod::kMse ? 2 : 1); ++pass) {
    if (pass == 1)
      for (auto& [key, r] : rec)
        if (r.lo <= r.hi) r.hist.emplace(r.lo, r.hi, kMseBins);
    for (const TensorMap& sample : samples) {
      AORTA_ASSIGN_OR_RETURN(TensorMap got, exec.Run(sample));
      for (const auto& [name, t] : sample) {
        rec[name].Add(t);
        if (pass == 0) record_sums(name, t);
      }
      for (const auto& [name, t] : got) {
        auto it = key_of.find(name);
        if (it != key_of.end()) rec[it->second].Add(t);
        if (pass == 0) {
          record_channels(name, t);
          record_sums(name, t);
        }
      }
    }
  }
  std::map<std::string, Range> ranges;
  for (auto& [key, r] : rec) ranges[key] = r.Get(percentile);
  for (const auto& [value, per] : channels)
    for (size_t c = 0; c < per.size(); ++c)
      if (per[c].lo <= per[c].hi) ranges[ChannelKey(value, static_cast<int64_t>(c))] = per[c];
  for (const auto& [value, sc] : sums)
    for (size_t c = 0; c < sc.first.size() && sc.second > 0; ++c) {
      const double mean = sc.first[c] / sc.second;
      ranges[MeanKey(value, static_cast<int64_t>(c))] = {mean, mean};
    }
  return ranges;
}

// ---- Quantizing the graph --------------------------------------------------------------------

namespace {

class GraphQuantizer {
 public:
  GraphQuantizer(const ir::Graph& graph, const std::map<std::string, Range>& ranges)
      : graph_(graph), ranges_(ranges) {}

  Result<QuantizedGraph> Run() {
    q_.graph = graph_;
    // Pre-quantized graphs: the parameters the graph fixes (FoldQdq) instead of calibrated ones.
    AORTA_ASSIGN_OR_RETURN(fixed_, passes::FixedActivationParams(graph_));
    // Channel equalization changes weights and ranges: only where the graph fixes neither.
    if (fixed_.empty()) Equalize();
    for (const std::string& in : graph_.inputs) AORTA_RETURN_IF_ERROR(FromRange(in, in));
    AORTA_ASSIGN_OR_RETURN(std::vector<size_t> order, graph_.TopologicalOrder());
    for (size_t i : order) {
      const ir::Node& node = graph_.nodes[i];
      AORTA_RETURN_IF_ERROR(QuantizeNode(node).WithContext(node.Describe()));
    }
    return std::move(q_);
  }

 private:
  // s_c of every pair whose channel ranges were calibrated (FindEqualizedPairs).
  void Equalize() {
    for (const EqualizedPair& p : FindEqualizedPairs(graph_)) {
      const ir::Node* next = graph_.FindNode(p.consumer);
      const ir::Node* dw = graph_.FindNode(p.depthwise);
      // Pre-quantized weights keep the graph's scales.
      if (next->HasAttribute(passes::kQWeight) || dw->HasAttribute(passes::kQWeight)) continue;
      const Tensor* w2 = passes::ConstantValue(graph_, next->inputs[1]);
      const std::vector<double> w = w2->ToDoubles();
      const auto c_n = static_cast<size_t>(p.channels);
      const auto taps = static_cast<size_t>(w2->dim(2) * w2->dim(3));
      std::vector<double> r2(c_n, 0.0);
      for (size_t i = 0; i < w.size(); ++i)
        r2[(i / taps) % c_n] = std::max(r2[(i / taps) % c_n], std::abs(w[i]));
      std::vector<double> s(c_n, 1.0);
      Range all{std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
      bool complete = true;
      for (size_t c = 0; c < c_n; ++c) {
        auto it = ranges_.find(ChannelKey(p.value, static_cast<int64_t>(c)));
        if (it == ranges_.end()) {
          complete = false;
          break;
        }
        const double r1 = std::max(std::abs(it->second.lo), std::abs(it->second.hi));
        if (r1 > 0 && r2[c] > 0) s[c] = std::sqrt(r1 / r2[c]);
        all.lo = std::min(all.lo, it->second.lo / s[c]);
        all.hi = std::max(all.hi, it->second.hi / s[c]);
      }
      if (!complete) continue;
      q_.equalized[p.value] = s;
      consumer_scale_[p.consumer] = s;
      equalized_range_[p.value] = all;
    }
  }

  Status FromRange(const std::string& key, const std::string& what) {
    if (auto e = equalized_range_.find(key); e != equalized_range_.end()) {
      q_.act[key] = ChooseQParams(e->second.lo, e->second.hi);
      return Status::Ok();
    }
    if (auto f = fixed_.find(key); f != fixed_.end()) {
      q_.act[key] = QParams{f->second.scale, f->second.zero_point};
      return Status::Ok();
    }
    auto it = ranges_.find(key);
    if (it == ranges_.end()) return Internal("no calibration range for '{}'", what);
    q_.act[key] = ChooseQParams(it->second.lo, it->second.hi);
    return Status::Ok();
  }

  Result<QParams> Act(const std::string& value) {
    auto it = q_.act.find(value);
    if (it == q_.act.end()) return Internal("value '{}' has no quantization parameters", value);
    return it->second;
  }

  Status QuantizeNode(const ir::Node& node) {
    if (node.outputs.empty() || node.outputs[0].empty()) return Status::Ok();
    const std::string& out = node.outputs[0];
    const std::string& op = node.op_type;
    // Ops whose output has the input's parameters: max pooling commutes with quantization, and
    // layout ops move bytes.
    // Nearest resizing and padding copy bytes too (Pad: a 1x1 depthwise copy, the pad value
    // quantized with the input's parameters).
    if (op == "MaxPool" || op == "Reshape" || op == "Flatten" || op == "Squeeze" ||
        op == "Unsqueeze" || op == "Identity" || op == "Resize" || op == "Upsample" ||
        op == "Pad") {
      AORTA_ASSIGN_OR_RETURN(q_.act[out], Act(node.inputs.at(0)));
      if (auto f = fixed_.find(out);
          f != fixed_.end() &&
          !(q_.act[out].scale == f->second.scale && q_.act[out].zero_point == f->second.zero_point))
        q_.warnings.push_back(fmt::format(
            "{}: the graph quantizes its output '{}' differently from its input; the chip keeps "
            "the input's parameters",
            node.Describe(), out));
      const ir::ValueInfo* info = graph_.FindValue(out);
      std::optional<Shape> shape = info ? info->StaticShape() : std::nullopt;
      if (op == "Pad" && shape && shape->size() >= 2)
        q_.ops[node.name] = CopyOp(q_.act[out], (*shape)[1]);
      return Status::Ok();
    }
    AORTA_RETURN_IF_ERROR(FromRange(out, out));
    if (passes::IsFusedOp(node)) return Matrix(node);
    if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div" || op == "Max" || op == "Min")
      return Binary(node);
    if (op == "Relu" || op == "Clip" || op == "LeakyRelu" || op == "Sigmoid" || op == "Tanh" ||
        op == "HardSigmoid" || op == "HardSwish")
      return Unary(node);
    if (op == "AveragePool" || op == "GlobalAveragePool") {
      AORTA_ASSIGN_OR_RETURN(QParams in, Act(node.inputs[0]));
      const QParams& o = q_.act[out];
      AORTA_ASSIGN_OR_RETURN(FixedRatio r, QuantizeRatio(in.scale / o.scale, 40));
      QuantizedAvgPool p;
      p.p.m = static_cast<int32_t>(r.m);
      p.p.shift = r.shift;
      p.p.zi = in.zero_point;
      p.p.zo = o.zero_point;
      q_.ops[node.name] = p;
    }
    return Status::Ok();
  }

  const Tensor* Const(const std::string& value) { return passes::ConstantValue(graph_, value); }

  // Weights as [out_c][in_c / group][k_h][k_w] doubles and a bias per output channel.
  struct FloatMatrix {
    int64_t out_c = 0, in_per_group = 0, group = 1, k_h = 1, k_w = 1;
    std::vector<double> w, b;
  };

  Result<FloatMatrix> MatrixWeights(const ir::Node& node) {
    FloatMatrix m;
    const std::string base = passes::BaseOpType(node);
    const Tensor* w = node.HasInput(1) ? Const(node.inputs[1]) : nullptr;
    if (w == nullptr) return Unsupported("the weights ('{}') are not a constant", node.inputs[1]);
    const Tensor* b = node.HasInput(2) ? Const(node.inputs[2]) : nullptr;
    if (node.HasInput(2) && b == nullptr)
      return Unsupported("the bias ('{}') is not a constant", node.inputs[2]);
    const std::vector<double> wv = w->ToDoubles();
    if (base == "ConvTranspose") {
      // Lowered as a convolution of the zero-inserted input: W [C, M/g, kh, kw] becomes the
      // convolution weights [M, C/g, kh, kw], the kernel flipped.
      if (w->rank() != 4)
        return Unsupported("only 2-D transposed convolutions (weights {})",
                           ShapeToString(w->shape()));
      AORTA_ASSIGN_OR_RETURN(m.group, node.GetInt("group", 1));
      const int64_t c = w->dim(0), mg = w->dim(1), kh = w->dim(2), kw = w->dim(3);
      const int64_t cg = c / m.group;
      m.out_c = mg * m.group;
      m.in_per_group = cg;
      m.k_h = kh;
      m.k_w = kw;
      m.w.resize(wv.size());
      for (int64_t o = 0; o < m.out_c; ++o)
        for (int64_t i = 0; i < cg; ++i)
          for (int64_t y = 0; y < kh; ++y)
            for (int64_t x = 0; x < kw; ++x) {
              const int64_t src =
                  (((o / mg) * cg + i) * mg + o % mg) * kh * kw + (kh - 1 - y) * kw + (kw - 1 - x);
              m.w[static_cast<size_t>(((o * cg + i) * kh + y) * kw + x)] =
                  wv[static_cast<size_t>(src)];
            }
      m.b.assign(static_cast<size_t>(m.out_c), 0.0);
      if (b != nullptr) {
        if (b->element_count() != m.out_c) return InvalidArgument("bias has the wrong size");
        m.b = b->ToDoubles();
      }
      return m;
    }
    if (base == "Conv") {
      if (w->rank() != 4)
        return Unsupported("only 2-D convolutions (weights {})", ShapeToString(w->shape()));
      AORTA_ASSIGN_OR_RETURN(m.group, node.GetInt("group", 1));
      m.out_c = w->dim(0);
      m.in_per_group = w->dim(1);
      m.k_h = w->dim(2);
      m.k_w = w->dim(3);
      m.w = wv;
      m.b.assign(static_cast<size_t>(m.out_c), 0.0);
      if (b != nullptr) {
        if (b->element_count() != m.out_c) return InvalidArgument("bias has the wrong size");
        m.b = b->ToDoubles();
      }
      return m;
    }
    // Gemm: Y = alpha * A op(B) + beta * C.
    AORTA_ASSIGN_OR_RETURN(int64_t trans_a, node.GetInt("transA", 0));
    AORTA_ASSIGN_OR_RETURN(int64_t trans_b, node.GetInt("transB", 0));
    AORTA_ASSIGN_OR_RETURN(float alpha, node.GetFloat("alpha", 1.0f));
    AORTA_ASSIGN_OR_RETURN(float beta, node.GetFloat("beta", 1.0f));
    if (trans_a != 0) return Unsupported("transA = 1 (the input would need a transpose)");
    if (w->rank() != 2) return InvalidArgument("Gemm weights must be 2-D");
    const int64_t k = trans_b ? w->dim(1) : w->dim(0), n = trans_b ? w->dim(0) : w->dim(1);
    m.out_c = n;
    m.in_per_group = k;
    m.w.resize(static_cast<size_t>(n * k));
    for (int64_t o = 0; o < n; ++o)
      for (int64_t i = 0; i < k; ++i)
        m.w[static_cast<size_t>(o * k + i)] =
            alpha * wv[static_cast<size_t>(trans_b ? o * k + i : i * n + o)];
    m.b.assign(static_cast<size_t>(n), 0.0);
    if (b != nullptr) {
      const std::vector<double> bv = b->ToDoubles();
      const Shape& bs = b->shape();
      const bool per_col =
          bv.size() == static_cast<size_t>(n) && (bs.size() == 1 || (bs.size() == 2 && bs[0] == 1));
      if (!per_col && bv.size() != 1)
        return Unsupported("bias C of shape {} (only [N], [1, N] or a scalar)", ShapeToString(bs));
      for (int64_t o = 0; o < n; ++o)
        m.b[static_cast<size_t>(o)] = beta * bv[per_col ? static_cast<size_t>(o) : 0];
    }
    return m;
  }

  Status Matrix(const ir::Node& node) {
    AORTA_ASSIGN_OR_RETURN(FloatMatrix f, MatrixWeights(node));
    // Channel equalization: a depthwise producer's channel c divided by s_c, a consumer's input
    // channel c multiplied by it.
    if (auto e = q_.equalized.find(node.outputs[0]); e != q_.equalized.end()) {
      const size_t per = f.w.size() / e->second.size();
      for (size_t i = 0; i < f.w.size(); ++i) f.w[i] /= e->second[i / per];
      for (size_t c = 0; c < f.b.size(); ++c) f.b[c] /= e->second[c];
    }
    if (auto e = consumer_scale_.find(node.name); e != consumer_scale_.end()) {
      const size_t taps = static_cast<size_t>(f.k_h * f.k_w), c_n = e->second.size();
      for (size_t i = 0; i < f.w.size(); ++i) f.w[i] *= e->second[(i / taps) % c_n];
    }
    AORTA_ASSIGN_OR_RETURN(std::optional<passes::Activation> act, passes::FusedActivation(node));
    const std::string& out = node.outputs[0];
    QuantizedMatrixOp m;
    m.out_c = f.out_c;
    m.group = f.group;
    m.in_c = f.in_per_group * f.group;
    m.k_h = f.k_h;
    m.k_w = f.k_w;
    AORTA_ASSIGN_OR_RETURN(m.in, Act(node.inputs[0]));
    m.out = q_.act[out];
    const bool residual = node.HasInput(passes::kResidualInput);
    const std::optional<std::function<double(double)>> lut_f =
        act ? LutFunction(*act) : std::nullopt;
    if (residual || lut_f) {
      AORTA_RETURN_IF_ERROR(FromRange(BaseKey(out), out + " (before the activation)"));
      if (residual && act && (act->op == "Relu" || act->op == "Clip"))
        AORTA_RETURN_IF_ERROR(NarrowBase(node, *act));
      m.post = q_.act[BaseKey(out)];
    } else {
      m.post = m.out;
    }
    ChannelWeights cw = QuantizeWeightsPerChannel(f.w, f.out_c);
    const size_t per = static_cast<size_t>(f.in_per_group * f.k_h * f.k_w);
    // Pre-quantized weights (FoldQdq): the graph's scales, the integers recovered exactly.
    AORTA_ASSIGN_OR_RETURN(std::vector<float> fixed_w, node.GetFloats(passes::kQWeight));
    if (fixed_w.size() == static_cast<size_t>(f.out_c)) {
      for (size_t i = 0; i < f.w.size(); ++i)
        cw.q[i] = static_cast<int8_t>(
            std::clamp(std::nearbyint(f.w[i] / fixed_w[i / per]), -128.0, 127.0));
      cw.scale.assign(fixed_w.begin(), fixed_w.end());
    }
    if (fixed_w.empty()) AORTA_RETURN_IF_ERROR(CorrectBias(node, f, cw));
    m.w = std::move(cw.q);
    m.w_scale = std::move(cw.scale);
    AORTA_ASSIGN_OR_RETURN(std::vector<int64_t> fixed_b, node.GetInts(passes::kQBias));
    AORTA_ASSIGN_OR_RETURN(std::vector<float> fixed_bs, node.GetFloats(passes::kQBiasScale));
    for (size_t c = 0; c < static_cast<size_t>(f.out_c); ++c) {
      const double acc_scale = m.in.scale * m.w_scale[c];
      double bias = std::nearbyint(f.b[c] / acc_scale);
      // The graph's int32 bias when its scale is the accumulator's (x_scale * w_scale).
      if (fixed_b.size() == static_cast<size_t>(f.out_c) && fixed_bs.size() == fixed_b.size() &&
          std::abs(fixed_bs[c] - acc_scale) <= 1e-6 * acc_scale)
        bias = static_cast<double>(fixed_b[c]);
      if (std::abs(bias) >= kTwo30)
        return Unsupported("bias of channel {} ({}) overflows at scale {}", c, f.b[c], acc_scale);
      int64_t sum = 0;
      for (size_t i = 0; i < per; ++i) sum += m.w[c * per + i];
      const int64_t folded = static_cast<int64_t>(bias) - int64_t{m.in.zero_point} * sum;
      if (folded < INT32_MIN || folded > INT32_MAX)
        return Unsupported(
            "bias of channel {} with the input zero point folded in ({}) "
            "overflows int32",
            c, folded);
      m.bias.push_back(static_cast<int32_t>(bias));
      m.folded_bias.push_back(static_cast<int32_t>(folded));
      AORTA_ASSIGN_OR_RETURN(Multiplier mult, QuantizeMultiplier(acc_scale / m.post.scale));
      m.mult.push_back(mult);
    }
    // The activation: POSTPROC's clamp, leaky path or LUT; after a residual, VEC_ELTWISE's clamp.
    int32_t lo = -128, hi = 127;
    if (act && act->op == "Relu") lo = m.out.Quantize(0.0);
    if (act && act->op == "Clip") {
      lo = m.out.Quantize(act->clip_min);
      hi = m.out.Quantize(act->clip_max);
    }
    // LeakyRelu or a LUT after a residual add: the add goes to the sum's parameters, and the
    // activation runs as its own pass (ActKey).
    const bool act_after_sum = residual && act && (act->op == "LeakyRelu" || lut_f);
    if (act_after_sum) {
      AORTA_RETURN_IF_ERROR(FromRange(SumKey(out), out + " (before the activation)"));
      const QParams sum = q_.act[SumKey(out)];
      AORTA_ASSIGN_OR_RETURN(QParams r, Act(node.inputs[passes::kResidualInput]));
      AORTA_ASSIGN_OR_RETURN(m.residual,
                             EltParams(intmath::EltKind::kAdd, m.post, r, sum, 1.0, 1.0));
      AORTA_ASSIGN_OR_RETURN(q_.ops[ActKey(node.name)], UnaryOp(*act, sum, m.out, m.out_c));
      q_.ops[node.name] = std::move(m);
      return Status::Ok();
    }
    if (act && act->op == "LeakyRelu") {
      m.leaky = true;
      // alpha = alpha_mult / 2^alpha_shift, alpha_mult a signed 16-bit value, shift <= 31.
      uint32_t s = 0;
      while (s < 31 && std::abs(std::ldexp(act->alpha, static_cast<int>(s) + 1)) < 32767.0) ++s;
      m.alpha_shift = s;
      m.alpha_mult = static_cast<int32_t>(std::lround(std::ldexp(act->alpha, static_cast<int>(s))));
    }
    if (lut_f) {
      m.lut = BuildLut(*lut_f, m.post, m.out);
    }
    if (residual) {
      AORTA_ASSIGN_OR_RETURN(QParams r, Act(node.inputs[passes::kResidualInput]));
      AORTA_ASSIGN_OR_RETURN(intmath::EltwiseParams p,
                             EltParams(intmath::EltKind::kAdd, m.post, r, m.out, 1.0, 1.0));
      p.lo = lo;
      p.hi = hi;
      m.residual = p;
    } else {
      m.lo = lo;
      m.hi = hi;
    }
    q_.ops[node.name] = std::move(m);
    return Status::Ok();
  }

  // Bias correction of the weights' rounding (Nagel et al., ICCV 2019, section 4.2): the output
  // error the rounded weights make on average is sum_i,t (q_w s_w - w)[c, i, t] * mean_i, with
  // mean_i the calibration mean of input channel i (MeanKey; in an equalized input's scaled
  // units); it is subtracted from the float bias. Only when every input channel's mean is known.
  Status CorrectBias(const ir::Node& node, FloatMatrix& f, const ChannelWeights& cw) {
    const std::string& in = node.inputs[0];
    const int64_t in_c = f.in_per_group * f.group;
    std::vector<double> mean(static_cast<size_t>(in_c));
    for (int64_t i = 0; i < in_c; ++i) {
      auto it = ranges_.find(MeanKey(in, i));
      if (it == ranges_.end()) return Status::Ok();
      mean[static_cast<size_t>(i)] = it->second.lo;
    }
    if (auto e = q_.equalized.find(in); e != q_.equalized.end())
      for (size_t i = 0; i < mean.size(); ++i) mean[i] /= e->second[i];
    const auto taps = static_cast<size_t>(f.k_h * f.k_w);
    const size_t per = static_cast<size_t>(f.in_per_group) * taps;
    const int64_t out_per_group = f.out_c / f.group;
    for (int64_t c = 0; c < f.out_c; ++c) {
      const auto first = static_cast<size_t>((c / out_per_group) * f.in_per_group);
      double delta = 0;
      for (size_t k = 0; k < per; ++k) {
        const size_t i = static_cast<size_t>(c) * per + k;
        delta += (cw.q[i] * cw.scale[static_cast<size_t>(c)] - f.w[i]) * mean[first + k / taps];
      }
      f.b[static_cast<size_t>(c)] -= delta;
    }
    return Status::Ok();
  }

  // A residual add followed by Relu or Clip: y = act(base + r) with r within what its int8 holds,
  // [r_lo, r_hi]. A base below act_lo - r_hi gives act_lo whatever r is, one above act_hi - r_lo
  // gives act_hi: the base result's range is narrowed to that, losslessly, for a finer step.
  Status NarrowBase(const ir::Node& node, const passes::Activation& act) {
    const std::string& out = node.outputs[0];
    AORTA_ASSIGN_OR_RETURN(QParams r, Act(node.inputs[passes::kResidualInput]));
    const auto it = ranges_.find(BaseKey(out));
    if (it == ranges_.end() || equalized_range_.count(BaseKey(out))) return Status::Ok();
    const double act_lo = act.op == "Clip" ? act.clip_min : 0.0;
    const double act_hi = act.op == "Clip" ? act.clip_max : std::numeric_limits<double>::infinity();
    const double lo = std::max(it->second.lo, act_lo - r.Dequantize(127));
    const double hi = std::min(it->second.hi, act_hi - r.Dequantize(-128));
    if (lo < hi) q_.act[BaseKey(out)] = ChooseQParams(lo, hi);
    return Status::Ok();
  }

  // The record of a ⊕ b -> o with coefficients ca, cb (ADD / MAX / MIN), or ca * a * b (MUL).
  static Result<intmath::EltwiseParams> EltParams(intmath::EltKind kind, const QParams& a,
                                                  const QParams& b, const QParams& o, double ca,
                                                  double cb) {
    intmath::EltwiseParams p;
    p.za = a.zero_point;
    p.zb = b.zero_point;
    p.zo = o.zero_point;
    if (kind == intmath::EltKind::kMul) {
      AORTA_ASSIGN_OR_RETURN(FixedRatio r, QuantizeRatio(ca * a.scale * b.scale / o.scale, 62));
      p.ma = static_cast<int32_t>(r.m);
      p.shift = r.shift;
      return p;
    }
    const double ra = ca * a.scale / o.scale, rb = cb * b.scale / o.scale;
    AORTA_ASSIGN_OR_RETURN(FixedRatio r, QuantizeRatio(std::abs(ra) > std::abs(rb) ? ra : rb, 62));
    p.shift = r.shift;
    p.ma = static_cast<int32_t>(RatioAtShift(ra, r.shift));
    p.mb = static_cast<int32_t>(RatioAtShift(rb, r.shift));
    return p;
  }

  static intmath::EltKind KindOf(const std::string& op) {
    if (op == "Mul" || op == "Div") return intmath::EltKind::kMul;  // Div: by 1 / constant
    if (op == "Max") return intmath::EltKind::kMax;
    if (op == "Min") return intmath::EltKind::kMin;
    return intmath::EltKind::kAdd;
  }

  Status Binary(const ir::Node& node) {
    if (node.inputs.size() != 2) return Status::Ok();  // codegen reports it
    const std::string& out = node.outputs[0];
    const ir::ValueInfo* oi = graph_.FindValue(out);
    auto shape_of = [&](const std::string& v) -> std::optional<Shape> {
      const ir::ValueInfo* i = graph_.FindValue(v);
      return i ? i->StaticShape() : std::nullopt;
    };
    const std::optional<Shape> os = oi ? oi->StaticShape() : std::nullopt;
    if (!os) return Status::Ok();
    QuantizedEltwise e;
    e.kind = KindOf(node.op_type);
    e.swapped = shape_of(node.inputs[0]) != os && shape_of(node.inputs[1]) == os;
    const std::string& a = node.inputs[e.swapped ? 1 : 0];
    const std::string& b = node.inputs[e.swapped ? 0 : 1];
    if (shape_of(a) != os) return Status::Ok();  // both broadcast: codegen reports it
    double ca = 1, cb = 1;
    if (node.op_type == "Sub") (e.swapped ? ca : cb) = -1;
    AORTA_ASSIGN_OR_RETURN(QParams qa, Act(a));
    QParams qb;
    if (const Tensor* c = Const(b)) {
      std::vector<double> v = c->ToDoubles();
      if (node.op_type == "Div") {
        if (e.swapped) return Status::Ok();  // a constant divided by a tensor: codegen reports it
        for (double& x : v) x = 1.0 / x;
      }
      const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
      qb = ChooseQParams(*lo, *hi);
      std::vector<int32_t> qv;
      for (double x : v) qv.push_back(qb.Quantize(x));
      e.b_const = std::move(qv);
    } else {
      AORTA_ASSIGN_OR_RETURN(qb, Act(b));
    }
    AORTA_ASSIGN_OR_RETURN(e.p, EltParams(e.kind, qa, qb, q_.act[out], ca, cb));
    q_.ops[node.name] = std::move(e);
    return Status::Ok();
  }

  Status Unary(const ir::Node& node) {
    AORTA_ASSIGN_OR_RETURN(std::optional<passes::Activation> act,
                           passes::MatchActivation(graph_, node));
    if (!act) return Status::Ok();  // non-constant Clip bounds: codegen reports it
    AORTA_ASSIGN_OR_RETURN(QParams in, Act(node.inputs[0]));
    const ir::ValueInfo* info = graph_.FindValue(node.inputs[0]);
    std::optional<Shape> shape = info ? info->StaticShape() : std::nullopt;
    if (!shape || shape->size() < 2) return Status::Ok();  // codegen reports it
    AORTA_ASSIGN_OR_RETURN(q_.ops[node.name],
                           UnaryOp(*act, in, q_.act[node.outputs[0]], (*shape)[1]));
    return Status::Ok();
  }

  // An activation of a tensor with C channels from `in` to `out` parameters.
  //   Relu, Clip: VEC_ELTWISE ADD with b = a, mb = 0 and the clamp.
  //   LeakyRelu: max(x, alpha x) for alpha <= 1, min(x, alpha x) above.
  //   LUT activations: a depthwise 1x1 convolution with weight 1 (the accumulator holds the
  //   input), bias -z_in, requantization by 1 to the input's own parameters, and the LUT from
  //   the input's to the output's parameters: exact up to the output rounding.
  // A copy of a tensor of C channels: a 1x1 depthwise convolution by 1, bias -z_in and
  // requantization by 1 (the accumulator holds the input, POSTPROC gives it back exactly).
  static QuantizedMatrixOp CopyOp(const QParams& in, int64_t c) {
    QuantizedMatrixOp m;
    m.out_c = m.in_c = m.group = c;
    m.w.assign(static_cast<size_t>(c), 1);
    m.w_scale.assign(static_cast<size_t>(c), 1.0);
    m.bias.assign(static_cast<size_t>(c), 0);
    m.folded_bias.assign(static_cast<size_t>(c), -in.zero_point);
    m.mult.assign(static_cast<size_t>(c), Multiplier{1 << 30, -1});  // 2^30 * 2^-30 = 1
    m.in = m.post = m.out = in;
    return m;
  }

  static Result<QuantizedOp> UnaryOp(const passes::Activation& act, const QParams& in,
                                     const QParams& out, int64_t c) {
    if (std::optional<std::function<double(double)>> f = LutFunction(act)) {
      QuantizedMatrixOp m = CopyOp(in, c);
      m.out = out;
      m.lut = BuildLut(*f, in, out);
      return QuantizedOp(std::move(m));
    }
    QuantizedEltwise e;
    double cb = 0;
    if (act.op == "LeakyRelu") {
      e.kind = act.alpha <= 1.0f ? intmath::EltKind::kMax : intmath::EltKind::kMin;
      cb = act.alpha;
    }
    AORTA_ASSIGN_OR_RETURN(e.p, EltParams(e.kind, in, in, out, 1.0, cb));
    if (act.op == "Relu") e.p.lo = out.Quantize(0.0);
    if (act.op == "Clip") {
      e.p.lo = out.Quantize(act.clip_min);
      e.p.hi = out.Quantize(act.clip_max);
    }
    return QuantizedOp(std::move(e));
  }

  const ir::Graph& graph_;
  const std::map<std::string, Range>& ranges_;
  std::map<std::string, passes::FixedQParams> fixed_;
  QuantizedGraph q_;
  std::map<std::string, std::vector<double>> consumer_scale_;  // consumer node -> s_c
  std::map<std::string, Range> equalized_range_;               // value -> range after scaling
};

}  // namespace

Result<QuantizedGraph> QuantizeGraph(const ir::Graph& graph,
                                     const std::map<std::string, Range>& ranges) {
  return GraphQuantizer(graph, ranges).Run();
}

Result<QuantizedGraph> Quantize(const ir::Graph& graph, const CalibOptions& options) {
  std::vector<TensorMap> samples;
  std::vector<std::string> warnings;
  if (options.dir.empty()) {
    warnings.push_back(fmt::format(
        "no calibration data (--calib DIR): calibrating on {} synthetic samples of N(0, 1) "
        "clipped to [-3, 3] (seed {}); accuracy on real inputs may suffer",
        options.synthetic_samples, options.seed));
    AORTA_ASSIGN_OR_RETURN(samples,
                           SyntheticSamples(graph, options.synthetic_samples, options.seed));
  } else {
    AORTA_ASSIGN_OR_RETURN(samples, LoadCalibrationDir(graph, options.dir));
  }
  AORTA_ASSIGN_OR_RETURN(auto ranges,
                         CollectRanges(graph, samples, options.method, options.percentile,
                                       options.equalize, options.bias_correction));
  AORTA_ASSIGN_OR_RETURN(QuantizedGraph q, QuantizeGraph(graph, ranges));
  q.warnings.insert(q.warnings.begin(), warnings.begin(), warnings.end());
  return q;
}

}  // namespace aorta::quant
