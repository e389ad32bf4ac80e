// Where BlazeFace's int8 error comes from (docs/models.md, "Where the error comes from"): the
// model quantized as real_models_test quantizes it (four photographs and their LFW composites,
// min / max, channel equalization), run in the quantization simulation (quant::QuantSimulator)
// on the test photographs, with every value rounded, with one value kept exact, and with only
// one value rounded; the cosine of every output against the fp32 model.
//
//   build/tools/precision_study blazeface_back [--models DIR] [--top N] [--headroom H]
//   [--detections]
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <iostream>

#include "compiler/onnx_import.h"
#include "compiler/pipeline.h"
#include "compiler/quant_sim.h"
#include "compiler/quantize.h"
#include "models/real/blazeface.h"
#include "models/real/model_inputs.h"

namespace aorta {
namespace {

Status Study(const std::string& dir, const std::string& model, size_t top, bool per_value,
             bool bias_correction, double headroom, bool detections) {
  const int64_t size = model == "blazeface_back" ? 256 : 128;
  AORTA_ASSIGN_OR_RETURN(ir::Graph graph, ImportOnnxFile(dir + "/" + model + ".onnx"));
  AORTA_RETURN_IF_ERROR(RunGraphPasses(graph));
  std::vector<std::string> backgrounds;
  for (const char* img : {"chelsea.png", "coffee.png", "motorcycle_left.png", "rocket.jpg"})
    backgrounds.push_back(dir + "/" + img);
  std::vector<TensorMap> calib;
  const std::string in = graph.inputs.at(0);
  for (const std::string& b : backgrounds) {
    AORTA_ASSIGN_OR_RETURN(Tensor x, models::BlazeFaceInput(b, size));
    calib.push_back({{in, x}});
  }
  AORTA_ASSIGN_OR_RETURN(
      Tensor faces, models::BlazeFaceCalibrationSet(backgrounds, dir + "/lfw_subset.npy", size));
  const int64_t per = faces.element_count() / faces.dim(0);
  const std::vector<float> all = faces.ToVector<float>();
  for (int64_t s = 0; s < faces.dim(0); ++s)
    calib.push_back(
        {{in, Tensor::FromVector<float>(
                  {1, size, size, 3},
                  std::vector<float>(all.begin() + s * per, all.begin() + (s + 1) * per))}});
  AORTA_ASSIGN_OR_RETURN(auto ranges,
                         quant::CollectRanges(graph, calib, quant::CalibMethod::kMinMax, 99.99,
                                              /*equalize=*/true, bias_correction));
  AORTA_ASSIGN_OR_RETURN(quant::QuantizedGraph q, quant::QuantizeGraph(graph, ranges));
  // What-if: every activation's range widened by `headroom` around its zero.
  if (headroom != 1.0)
    for (auto& [k, qp] : q.act)
      qp = quant::ChooseQParams(qp.Dequantize(-128) * headroom, qp.Dequantize(127) * headroom);
  std::vector<TensorMap> tests;
  for (const char* img : {"astronaut.png", "camera.png"}) {
    AORTA_ASSIGN_OR_RETURN(Tensor x, models::BlazeFaceInput(dir + "/" + img, size));
    tests.push_back({{in, x}});
  }
  // The float model in the equalized domain (nothing rounded), its every value kept.
  quant::SimOptions exact_opt;
  exact_opt.quantize_weights = false;
  exact_opt.only = {"(nothing)"};
  AORTA_ASSIGN_OR_RETURN(quant::QuantSimulator fp, quant::QuantSimulator::Create(q, exact_opt));
  std::vector<std::map<std::string, std::vector<float>>> ref_values(tests.size());
  std::vector<TensorMap> ref(tests.size());
  for (size_t t = 0; t < tests.size(); ++t) {
    AORTA_ASSIGN_OR_RETURN(ref[t], fp.Run(tests[t], [&](const std::string& v, Tensor& x) {
      if (x.dtype() == DType::kF32) ref_values[t][v] = x.ToVector<float>();
    }));
  }
  const std::vector<std::string>& outs = graph.outputs;
  const models::AnchorOptions anchors =
      model == "blazeface_back" ? models::BackAnchors() : models::FrontAnchors();
  // `det` (when not null): each test image's detections against the float model's, appended.
  auto cosines = [&](const quant::SimOptions& o, std::map<std::string, double>* sqnr,
                     std::string* det = nullptr) -> Result<std::vector<double>> {
    AORTA_ASSIGN_OR_RETURN(quant::QuantSimulator sim, quant::QuantSimulator::Create(q, o));
    std::vector<double> c(outs.size() * tests.size());
    std::map<std::string, std::pair<double, double>> energy;
    for (size_t t = 0; t < tests.size(); ++t) {
      AORTA_ASSIGN_OR_RETURN(TensorMap got, sim.Run(tests[t], [&](const std::string& v, Tensor& x) {
        if (sqnr == nullptr || !sim.key_of().count(v)) return;
        const std::vector<float>& w = ref_values[t][v];
        const std::vector<float> g = x.ToVector<float>();
        auto& [s, n] = energy[sim.key_of().at(v)];
        for (size_t i = 0; i < g.size(); ++i) {
          s += static_cast<double>(w[i]) * w[i];
          n += (static_cast<double>(g[i]) - w[i]) * (static_cast<double>(g[i]) - w[i]);
        }
      }));
      for (size_t o2 = 0; o2 < outs.size(); ++o2)
        c[t * outs.size() + o2] = models::Cosine(got.at(outs[o2]), ref[t].at(outs[o2]));
      if (det != nullptr) {
        AORTA_ASSIGN_OR_RETURN(models::DetectionComparison d,
                               models::CompareDetections(got, ref[t], outs, anchors));
        *det += fmt::format("  | best-box IoU {:.3f}, detections {} / {}, worst match {:.3f}",
                            d.best_iou, d.detections.size(), d.detections_ref.size(),
                            d.worst_match_iou);
      }
    }
    if (sqnr)
      for (const auto& [k, e] : energy)
        (*sqnr)[k] = e.second > 0 ? 10 * std::log10(e.first / e.second) : 999.0;
    return c;
  };
  auto row = [&](const std::vector<double>& c) {
    std::string s;
    for (double x : c) s += fmt::format(" {:.4f}", x);
    return s;
  };
  std::cout << model << ": outputs " << fmt::format("{}", fmt::join(outs, ", "))
            << "; columns: astronaut then camera\n";
  quant::SimOptions all_opt;
  std::map<std::string, double> acc_sqnr;
  std::string det;
  std::string* want_det = detections ? &det : nullptr;
  AORTA_ASSIGN_OR_RETURN(std::vector<double> base, cosines(all_opt, &acc_sqnr, want_det));
  std::cout << "all rounded:           " << row(base) << det << "\n";
  quant::SimOptions w_only;
  w_only.only = {"(nothing)"};
  AORTA_ASSIGN_OR_RETURN(std::vector<double> wc, cosines(w_only, nullptr));
  std::cout << "weights only:          " << row(wc) << "\n";
  quant::SimOptions a_only;
  a_only.quantize_weights = false;
  AORTA_ASSIGN_OR_RETURN(std::vector<double> ac, cosines(a_only, nullptr));
  std::cout << "activations only:      " << row(ac) << "\n";
  for (int bits : {9, 10, 12, 16}) {
    quant::SimOptions b;
    b.bits = bits;
    det.clear();
    AORTA_ASSIGN_OR_RETURN(std::vector<double> bc, cosines(b, nullptr, want_det));
    std::cout << fmt::format("activations {:2d} bits:   ", bits) << row(bc) << det << "\n";
  }
  // Per-channel activation parameters from the calibration set's per-channel min / max.
  AORTA_ASSIGN_OR_RETURN(quant::QuantSimulator sim, quant::QuantSimulator::Create(q, all_opt));
  {
    std::map<std::string, std::vector<quant::Range>> pc;
    for (const TensorMap& c : calib) {
      AORTA_RETURN_IF_ERROR(fp.Run(c, [&](const std::string& v, Tensor& x) {
                                auto k = sim.key_of().find(v);
                                if (k == sim.key_of().end() || x.rank() != 4) return;
                                auto& r = pc[k->second];
                                const auto c_n = static_cast<size_t>(x.dim(1));
                                r.resize(c_n, {1e30, -1e30});
                                const size_t plane = static_cast<size_t>(x.dim(2) * x.dim(3));
                                const std::vector<float> d = x.ToVector<float>();
                                for (size_t i = 0; i < d.size(); ++i) {
                                  quant::Range& rc = r[(i / plane) % c_n];
                                  rc.lo = std::min<double>(rc.lo, d[i]);
                                  rc.hi = std::max<double>(rc.hi, d[i]);
                                }
                              }).status());
    }
    quant::SimOptions o;
    for (const auto& [k, r] : pc)
      for (const quant::Range& rc : r)
        o.per_channel[k].push_back(quant::ChooseQParams(rc.lo, rc.hi));
    AORTA_ASSIGN_OR_RETURN(std::vector<double> pcc, cosines(o, nullptr));
    std::cout << "per-channel activations:" << row(pcc) << "\n";
    o.bits = 10;
    AORTA_ASSIGN_OR_RETURN(pcc, cosines(o, nullptr));
    std::cout << "per-channel, 10 bits:   " << row(pcc) << "\n";
  }
  if (!per_value) return Status::Ok();
  // Per value: its own rounding's SQNR (on the float values), the accumulated SQNR, and the
  // outputs with that value alone exact / alone rounded.
  struct Row {
    std::string key;
    double own = 0, acc = 0, clip = 0, over = 0;
    std::vector<double> exact, alone, clip_alone;
    double gain = 0;  // sum over outputs of (1 - cos all) - (1 - cos exact)
  };
  std::vector<Row> rows;
  for (const std::string& key : sim.keys()) {
    Row r;
    r.key = key;
    double s = 0, n = 0;
    const quant::QParams& qp = q.act.at(key);
    for (size_t t = 0; t < tests.size(); ++t)
      for (const auto& [v, k] : sim.key_of())
        if (k == key)
          for (float x : ref_values[t][v]) {
            const double e = quant::FakeQuantize(x, qp) - x;
            s += static_cast<double>(x) * x;
            n += e * e;
          }
    r.own = n > 0 ? 10 * std::log10(s / n) : 999.0;
    // Clipping alone: the values outside the int8 range, and how far (test max / range max).
    double cn = 0, lo = qp.Dequantize(-128), hi = qp.Dequantize(127), mx = 0;
    for (size_t t = 0; t < tests.size(); ++t)
      for (const auto& [v, k] : sim.key_of())
        if (k == key)
          for (float x : ref_values[t][v]) {
            const double e = std::clamp<double>(x, lo, hi) - x;
            cn += e * e;
            mx = std::max({mx, x / hi, x / lo});
          }
    r.clip = cn > 0 ? 10 * std::log10(s / cn) : 999.0;
    r.over = mx;
    quant::SimOptions cl;
    cl.quantize_weights = false;
    cl.bits = 16;
    cl.only = {key};
    AORTA_ASSIGN_OR_RETURN(r.clip_alone, cosines(cl, nullptr));
    r.acc = acc_sqnr.count(key) ? acc_sqnr[key] : 0;
    quant::SimOptions ex;
    ex.exact = {key};
    AORTA_ASSIGN_OR_RETURN(r.exact, cosines(ex, nullptr));
    quant::SimOptions al;
    al.quantize_weights = false;
    al.only = {key};
    AORTA_ASSIGN_OR_RETURN(r.alone, cosines(al, nullptr));
    for (size_t i = 0; i < base.size(); ++i) r.gain += r.exact[i] - base[i];
    rows.push_back(std::move(r));
  }
  std::cout << "\nper value (graph order): own rounding SQNR on the test photos, accumulated "
               "SQNR, gain (sum of cosine gains when exact); cosines with it exact | alone\n";
  for (const Row& r : rows)
    std::cout << fmt::format(
        "{:28s} own {:5.1f} dB acc {:5.1f} dB clip {:5.1f} dB x{:.2f} gain {:+.4f} |{} |{} |{}\n",
        r.key, r.own, r.acc, r.clip, r.over, r.gain, row(r.exact), row(r.alone), row(r.clip_alone));
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.gain > b.gain; });
  std::cout << "\ntop " << top << " by gain:\n";
  for (size_t i = 0; i < std::min(top, rows.size()); ++i)
    std::cout << fmt::format("{:28s} gain {:+.4f} |{}\n", rows[i].key, rows[i].gain,
                             row(rows[i].exact));
  return Status::Ok();
}

}  // namespace
}  // namespace aorta

int main(int argc, char** argv) {
  CLI::App app{"Where BlazeFace's int8 error comes from (quantization simulation)"};
  std::string model, dir = ".cache/models";
  size_t top = 15;
  bool per_value = false, bias_correction = false, detections = false;
  double headroom = 1.0;
  app.add_option("model", model, "blazeface_front or blazeface_back")->required();
  app.add_option("--models", dir, "the models cache (scripts/fetch-models)");
  app.add_option("--top", top, "how many values to list by gain");
  app.add_flag("--per-value", per_value, "every value kept exact / rounded alone (slow)");
  app.add_flag("--bias-correction", bias_correction,
               "correct the biases for the weights' rounding");
  app.add_option("--headroom", headroom, "what-if: every activation range widened by this factor");
  app.add_flag("--detections", detections,
               "after the rounded rows: each image's best-box IoU, detections at 0.5 and their "
               "worst match against the float model's (issue 3's bars)");
  CLI11_PARSE(app, argc, argv);
  const aorta::Status s =
      aorta::Study(dir, model, top, per_value, bias_correction, headroom, detections);
  if (!s.ok()) {
    std::cerr << "precision_study: " << s.ToString() << "\n";
    return 1;
  }
  return 0;
}
