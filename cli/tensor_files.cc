#include "cli/tensor_files.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace aorta::cli {
namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

const InputSpec* FindSpec(const std::vector<InputSpec>& specs, const std::string& name) {
  for (const auto& s : specs)
    if (s.name == name) return &s;
  return nullptr;
}

// "NAME=PATH" -> {NAME, PATH}; "PATH" -> {"", PATH}.
std::pair<std::string, std::string> SplitInputArg(const std::string& arg) {
  if (auto eq = arg.find('='); eq != std::string::npos && eq > 0)
    return {arg.substr(0, eq), arg.substr(eq + 1)};
  return {"", arg};
}

}  // namespace

Result<ImageInput> ImageInputOf(const std::map<std::string, std::string>& metadata) {
  ImageInput in;
  auto get = [&](const char* key) -> const std::string* {
    auto it = metadata.find(key);
    return it == metadata.end() ? nullptr : &it->second;
  };
  if (const std::string* v = get("image.scale")) {
    AORTA_ASSIGN_OR_RETURN(auto s, ParseTriple(*v, "program metadata image.scale"));
    in.pre.scale = s[0];
  }
  if (const std::string* v = get("image.mean")) {
    AORTA_ASSIGN_OR_RETURN(in.pre.mean, ParseTriple(*v, "program metadata image.mean"));
  }
  if (const std::string* v = get("image.std")) {
    AORTA_ASSIGN_OR_RETURN(in.pre.std, ParseTriple(*v, "program metadata image.std"));
    for (float x : in.pre.std)
      if (x == 0) return InvalidArgument("program metadata image.std '{}': a std of 0", *v);
  }
  if (const std::string* v = get("image.layout")) {
    if (*v != "nchw" && *v != "nhwc")
      return InvalidArgument("program metadata image.layout '{}': expected nchw or nhwc", *v);
    in.pre.nhwc = *v == "nhwc";
    in.layout_known = true;
  }
  return in;
}

std::string FirstImageInput(const std::vector<std::string>& args) {
  for (const std::string& arg : args) {
    const std::string path = SplitInputArg(arg).second;
    if (IsImagePath(path)) return path;
  }
  return "";
}

Result<TensorMap> LoadInputs(const std::vector<std::string>& args,
                             const std::vector<InputSpec>& specs, const ImageInput& image) {
  TensorMap out;
  for (const std::string& arg : args) {
    auto [name, path] = SplitInputArg(arg);
    if (EndsWith(path, ".npz")) {
      AORTA_ASSIGN_OR_RETURN(TensorMap all, ReadNpz(path));
      for (auto& [k, t] : all) out[k] = t.CastTo(DType::kF32);
      continue;
    }
    if (name.empty()) {
      if (specs.size() != 1)
        return InvalidArgument("the model has {} inputs: give each as --input NAME=FILE",
                               specs.size());
      name = specs[0].name;
    }
    const InputSpec* spec = FindSpec(specs, name);
    if (spec == nullptr) return InvalidArgument("the model has no input named '{}'", name);
    if (IsImagePath(path)) {
      ImagePreprocess pre = image.pre;
      if (!image.layout_known) pre.nhwc = LooksNhwc(spec->shape);
      Result<Tensor> t = ImageAsInput(path, spec->shape, pre);
      if (!t.ok()) return t.status().WithContext(fmt::format("input '{}'", name));
      out[name] = std::move(*t);
    } else {
      AORTA_ASSIGN_OR_RETURN(Tensor t, ReadNpy(path));
      out[name] = t.CastTo(DType::kF32);
    }
  }
  for (const InputSpec& s : specs) {
    auto it = out.find(s.name);
    if (it == out.end())
      return InvalidArgument("no file given for input '{}' (shape {})", s.name,
                             ShapeToString(s.shape));
    if (!s.shape.empty() && it->second.shape() != s.shape)
      return InvalidArgument("input '{}' has shape {}, the model expects {}", s.name,
                             ShapeToString(it->second.shape()), ShapeToString(s.shape));
  }
  return out;
}

Status WriteOutputs(const std::string& path, const TensorMap& outputs) {
  if (EndsWith(path, ".npz")) return WriteNpz(path, outputs);
  if (EndsWith(path, ".npy")) {
    if (outputs.size() != 1)
      return InvalidArgument("the model has {} outputs: write them with --output FILE.npz",
                             outputs.size());
    return WriteNpy(path, outputs.begin()->second);
  }
  return InvalidArgument("--output {}: the file name must end in .npy or .npz", path);
}

Result<ErrorStats> Compare(const Tensor& got, const Tensor& want) {
  if (got.shape() != want.shape())
    return InvalidArgument("shape {} differs from the reference's {}", ShapeToString(got.shape()),
                           ShapeToString(want.shape()));
  std::vector<double> g = got.ToDoubles(), w = want.ToDoubles();
  ErrorStats e;
  double signal = 0, noise = 0;
  double lo = w.empty() ? 0 : *std::min_element(w.begin(), w.end());
  double hi = w.empty() ? 0 : *std::max_element(w.begin(), w.end());
  for (size_t i = 0; i < g.size(); ++i) {
    double d = g[i] - w[i];
    e.max_abs = std::max(e.max_abs, std::abs(d));
    signal += w[i] * w[i];
    noise += d * d;
  }
  e.max_abs_rel_range = hi > lo ? e.max_abs / (hi - lo) : 0;
  e.sqnr_db = noise > 0 ? 10 * std::log10(signal / noise) : std::numeric_limits<double>::infinity();
  return e;
}

std::string Summarize(const std::string& name, const Tensor& t) {
  std::vector<double> v = t.ToDoubles();
  if (v.empty()) return fmt::format("{}  {}  (empty)", name, ShapeToString(t.shape()));
  double lo = *std::min_element(v.begin(), v.end());
  double hi = *std::max_element(v.begin(), v.end());
  double sum = 0;
  for (double x : v) sum += x;
  std::string first;
  for (size_t i = 0; i < std::min<size_t>(v.size(), 6); ++i)
    first += fmt::format("{}{:.4g}", i ? ", " : "", v[i]);
  if (v.size() > 6) first += ", ...";
  return fmt::format("{}  {} {}  min {:.4g}  max {:.4g}  mean {:.4g}  [{}]", name,
                     DTypeName(t.dtype()), ShapeToString(t.shape()), lo, hi,
                     sum / static_cast<double>(v.size()), first);
}

}  // namespace aorta::cli
