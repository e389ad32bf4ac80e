// The fp32 reference against ONNX Runtime on the real models of models/models.txt: for each
// model and input, `build/bin/aorta reference` and models/ort_check.js (npm onnxruntime-node)
// run the same .npy input, and every output must agree:
//
//   max_i |aorta_i - ort_i| / max(max_i |ort_i|, 1e-6)  <=  1e-4     (per output tensor)
//
// Plus a sanity check per model that the preprocessing is the model's own (a face is found in
// astronaut.png, upright text is classified 0 degrees and turned text 180 degrees ...).
// Missing models, node or onnxruntime-node are failures that say to run the set-up
// (scripts/test runs it). See docs/models.md.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

#include "compiler/onnx_export.h"
#include "compiler/onnx_import.h"
#include "compiler/reference/executor.h"
#include "core/io/npy.h"
#include "models/real/model_inputs.h"
#include "models/real/wakeword.h"

namespace aorta::models {
namespace {

namespace fs = std::filesystem;

constexpr double kTolerance = 1e-4;
constexpr char kSetup[] =
    "run scripts/setup-deps (scripts/test runs it): it installs node, onnxruntime-node and "
    "espeak-ng from scripts/deps.txt and fetches the models of models/models.txt into "
    ".cache/models";

std::string CachePath(const std::string& file) {
  return ModelsDir(AORTA_TEST_SOURCE_DIR) + "/" + file;
}

// max |got - want| / max(max |want|, 1e-6): the error relative to the reference's largest value.
double MaxRelativeDifference(const Tensor& got, const Tensor& want) {
  const std::vector<double> a = got.ToDoubles(), b = want.ToDoubles();
  double max_diff = 0, max_ref = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    max_diff = std::max(max_diff, std::abs(a[i] - b[i]));
    max_ref = std::max(max_ref, std::abs(b[i]));
  }
  return max_diff / std::max(max_ref, 1e-6);
}

double Sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

// ---- openWakeWord on espeak-ng speech (models/real/wakeword.h) ------------------------------

constexpr char kUnrelated[] = "the weather is nice today";

std::string SpeechDir() {
  return fmt::format("{}/models/ort_check/speech_{}", AORTA_TEST_BUILD_DIR, getpid());
}

Result<SpeechFeatures> Speech(const std::string& text) {
  return SpeechToFeatures(text, SpeechDir(), CachePath("oww_melspectrogram.onnx"));
}

Result<Tensor> SpeechClip(const std::string& text) {
  AORTA_ASSIGN_OR_RETURN(SpeechFeatures f, Speech(text));
  return f.clip;
}

Result<Tensor> SpeechWindows(const std::string& text) {
  AORTA_ASSIGN_OR_RETURN(SpeechFeatures f, Speech(text));
  return f.windows;
}

// The 16 embeddings of `text` (fp32 reference) on which `classifier` (fp32 reference) scores
// highest: where openWakeWord would fire, or come closest to.
Result<Tensor> BestClassifierInput(const std::string& classifier, const std::string& text) {
  AORTA_ASSIGN_OR_RETURN(SpeechFeatures f, Speech(text));
  AORTA_ASSIGN_OR_RETURN(ir::Graph embedding, ImportOnnxFile(CachePath("oww_embedding.onnx")));
  AORTA_ASSIGN_OR_RETURN(TensorMap e, reference::RunReference(embedding, {{"input_1", f.windows}}));
  AORTA_ASSIGN_OR_RETURN(std::vector<Tensor> windows, ClassifierWindows(e.at("conv2d_19")));
  AORTA_ASSIGN_OR_RETURN(ir::Graph cls, ImportOnnxFile(CachePath(classifier)));
  double best = -1;
  Tensor best_input;
  for (const Tensor& w : windows) {
    AORTA_ASSIGN_OR_RETURN(TensorMap out, reference::RunReference(cls, {{cls.inputs[0], w}}));
    const double score = out.at(cls.outputs[0]).ToDoubles()[0];
    if (score > best) {
      best = score;
      best_input = w;
    }
  }
  return best_input;
}

struct Case {
  std::string name;   // test name
  std::string model;  // cache file name
  std::string input;  // the model's input name
  std::function<Result<Tensor>()> make_input;
  // Checks that the outputs make sense for the input (ORT's outputs, by name).
  std::function<void(const TensorMap&)> sanity;
  // A known gap of the fp32 reference: `aorta reference` must fail on this model with an error
  // containing this text (ONNX Runtime and the sanity check still run). When the reference
  // learns the op, this test fails and asks for the gap to be removed, which turns on the
  // comparison.
  std::string known_gap = {};
  // ONNX Runtime's Sigmoid (MLAS's rational approximation) is accurate to about 5e-8 absolute,
  // not relative: at x = -10.84 its result is 2e-3 from the exact value, and below -17 it returns
  // 0 (docs/models.md, "Where ONNX Runtime's error comes from"). A probability output far below 1
  // is therefore compared with the exact sigmoid of ONNX Runtime's own logit. `sigmoid` names the
  // model's top-level Sigmoid: its input (the logit) and output are added as outputs to a copy of
  // the model that both sides run; where ONNX Runtime's value of an output of the model is
  // bit-for-bit that Sigmoid's output (hey_jarvis's If passes its first stage through), the
  // output's reference is 1 / (1 + exp(-logit)) in double on ONNX Runtime's logit. Every tensor,
  // the logit included, is held to the same 1e-4.
  struct SigmoidOutput {
    std::string logit, prob;
  };
  std::optional<SigmoidOutput> sigmoid = {};
};

// BlazeFace: the best anchor's score (a logit) among both score outputs.
double BestFaceScore(const TensorMap& out) {
  double best = -1e30;
  for (const char* name : {"Identity:0", "Identity_1:0"}) {
    for (double v : out.at(name).ToDoubles()) best = std::max(best, v);
  }
  return Sigmoid(best);
}

Case BlazeFace(const std::string& model, int64_t size, const std::string& image) {
  return {model + "_" + image, model + ".onnx", "input:0",
          [=] { return BlazeFaceInput(CachePath(image + ".png"), size); },
          [=](const TensorMap& out) {
            ASSERT_EQ(out.size(), 4u);
            // Both photos show a face: the best anchor passes MediaPipe's detection threshold
            // 0.5 (front: 0.92 and 0.73, back: 0.88 and 0.77; a blank image scores 0.05-0.1).
            EXPECT_GT(BestFaceScore(out), 0.5) << image << ": no face found";
          }};
}

std::vector<Case> Cases() {
  std::vector<Case> cases = {
      BlazeFace("blazeface_front", 128, "astronaut"),
      BlazeFace("blazeface_front", 128, "camera"),
      BlazeFace("blazeface_back", 256, "astronaut"),
      BlazeFace("blazeface_back", 256, "camera"),
  };
  // openWakeWord on real speech (models/real/wakeword.h): espeak-ng's "alexa", "hey jarvis" and an
  // unrelated phrase through melspectrogram.onnx; the embedding of every window of "alexa"; each
  // classifier on the 16 embeddings where the fp32 reference scores the clip highest.
  cases.push_back({"oww_melspectrogram", "oww_melspectrogram.onnx", "input",
                   [] { return SpeechClip("alexa"); },
                   [](const TensorMap& out) {
                     const Tensor& m = out.at("output");
                     ASSERT_EQ(m.rank(), 4);
                     EXPECT_EQ(m.dim(-1), kMelBins);
                     // 10 ms frames: about 100 a second of the 2.8 s clip.
                     EXPECT_GT(m.dim(2), 250);
                     EXPECT_LT(m.dim(2), 320);
                   }});
  cases.push_back({"oww_embedding", "oww_embedding.onnx", "input_1",
                   [] { return SpeechWindows("alexa"); },
                   [](const TensorMap& out) {
                     const Tensor& e = out.at("conv2d_19");
                     ASSERT_EQ(e.rank(), 4);
                     ASSERT_EQ(e.dim(-1), kEmbeddingSize);
                     // Different windows give different embeddings.
                     const std::vector<double> v = e.ToDoubles();
                     EXPECT_FALSE(std::equal(v.begin(), v.begin() + 96, v.begin() + 96 * 10));
                   }});
  // Each classifier on its wake word (it fires: ONNX Runtime's score >= 0.5) and on the unrelated
  // phrase (it does not). hey_jarvis runs its verifier subgraph (the If's then branch) only when
  // its first stage scores above its threshold, so the two inputs take both branches.
  for (const auto& [model, input, output, phrase, fires] :
       {std::tuple{"oww_alexa", "onnx::Flatten_0", "13", "alexa", true},
        std::tuple{"oww_alexa", "onnx::Flatten_0", "13", kUnrelated, false},
        std::tuple{"oww_hey_jarvis", "x.1", "53", "hey jarvis", true},
        std::tuple{"oww_hey_jarvis", "x.1", "53", kUnrelated, false}}) {
    const std::string m = model, out_name = output, text = phrase;
    const bool expect_fire = fires;
    // hey_jarvis scores the unrelated phrase 1.96e-5 (logit -10.84): its first stage's Sigmoid
    // (input.19 -> p1.1), which the If passes through, is where ONNX Runtime's error is.
    std::optional<Case::SigmoidOutput> sigmoid;
    if (m == "oww_hey_jarvis") sigmoid = Case::SigmoidOutput{"input.19", "p1.1"};
    cases.push_back({m + (fires ? "_fires" : "_quiet"), m + ".onnx", input,
                     [m, text] { return BestClassifierInput(m + ".onnx", text); },
                     [out_name, text, expect_fire](const TensorMap& out) {
                       const Tensor& p = out.at(out_name);  // a probability (sigmoid)
                       ASSERT_EQ(p.shape(), (Shape{1, 1}));
                       const double score = p.ToDoubles()[0];
                       EXPECT_EQ(score >= kWakeWordThreshold, expect_fire)
                           << "'" << text << "': score " << score;
                     },
                     "", sigmoid});
  }
  // Text lines of page.png and text.png, upright and turned by 180 degrees; classes are
  // {0 degrees, 180 degrees}.
  const std::string page = CachePath("page.png"), text = CachePath("text.png");
  const std::vector<ImageCrop> crops = {
      {page, 0, 0, 300, 40, false}, {page, 0, 0, 300, 40, true},    {page, 0, 44, 230, 28, false},
      {page, 0, 44, 230, 28, true}, {text, 95, 18, 190, 62, false}, {text, 95, 18, 190, 62, true},
  };
  cases.push_back({"ppocr_cls", "ppocr_cls.onnx", "x",
                   [crops] { return TextDirectionInput(crops); },
                   [crops](const TensorMap& out) {
                     const Tensor& p = out.at("softmax_0.tmp_0");
                     ASSERT_EQ(p.shape(), (Shape{static_cast<int64_t>(crops.size()), 2}));
                     const std::vector<double> v = p.ToDoubles();
                     for (size_t i = 0; i < crops.size(); ++i) {
                       const double p180 = v[2 * i + 1];
                       EXPECT_EQ(p180 > 0.5, crops[i].rotate180)
                           << "crop " << i << " (" << crops[i].image << " at " << crops[i].x << ","
                           << crops[i].y << (crops[i].rotate180 ? ", turned" : "")
                           << "): P(180 degrees) = " << p180;
                     }
                   }});
  return cases;
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class OrtCheckTest : public ::testing::TestWithParam<Case> {};

TEST_P(OrtCheckTest, ReferenceMatchesOnnxRuntime) {
  const Case& c = GetParam();
  const std::string model = CachePath(c.model);
  ASSERT_TRUE(fs::exists(model)) << model << " is missing: " << kSetup;
  const CommandOutcome node = RunCommand("node --version");
  ASSERT_EQ(node.exit_code, 0) << "node is not available (" << node.output << "): " << kSetup;

  const fs::path dir = fs::path(AORTA_TEST_BUILD_DIR) / "models" / "ort_check" / c.name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  Result<Tensor> input = c.make_input();
  fs::remove_all(SpeechDir());  // the speech synthesized for the input, if any
  ASSERT_TRUE(input.ok()) << input.status().ToString() << " (" << kSetup << ")";
  const std::string input_npy = (dir / "input.npy").string();
  ASSERT_TRUE(WriteNpy(input_npy, *input).ok());

  // With `sigmoid`: a copy of the model with the Sigmoid's input and output as extra outputs.
  std::string model_run = model;
  if (c.sigmoid) {
    Result<ir::Graph> g = ImportOnnxFile(model);
    ASSERT_TRUE(g.ok()) << g.status().ToString();
    for (const std::string& v : {c.sigmoid->logit, c.sigmoid->prob}) {
      const ir::Node* p = g->Producer(v);
      ASSERT_NE(p, nullptr) << c.model << " has no top-level value '" << v << "'";
      if (v == c.sigmoid->prob) {
        ASSERT_EQ(p->op_type, "Sigmoid") << v;
      }
      g->outputs.push_back(v);
    }
    Result<std::string> bytes = ExportOnnxBytes(*g);
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    model_run = (dir / "model_with_logit.onnx").string();
    std::ofstream(model_run, std::ios::binary) << *bytes;
  }

  const fs::path ort_dir = dir / "ort";
  const CommandOutcome ort =
      RunCommand("node " + ShellQuote(std::string(AORTA_TEST_SOURCE_DIR) + "/models/ort_check.js") +
                 " " + ShellQuote(model_run) + " --input " + ShellQuote(c.input + "=" + input_npy) +
                 " --out " + ShellQuote(ort_dir.string()));
  ASSERT_EQ(ort.exit_code, 0) << "models/ort_check.js failed:\n" << ort.output;

  // --input-shape: the batch of dynamic-batch models is the .npy's.
  const std::string aorta_npz = (dir / "aorta.npz").string();
  const CommandOutcome ref = RunCommand(
      std::string(AORTA_TEST_BUILD_DIR) + "/bin/aorta reference " + ShellQuote(model_run) +
      " --input-shape " + ShellQuote(c.input + "=" + ShapeToString(input->shape())) + " --input " +
      ShellQuote(c.input + "=" + input_npy) + " --output " + ShellQuote(aorta_npz));
  if (!c.known_gap.empty()) {
    EXPECT_NE(ref.exit_code, 0) << "aorta reference now runs " << c.model
                                << ": remove its known_gap in models/real/ort_check_test.cc "
                                   "(and docs/models.md) to compare it with ONNX Runtime";
    EXPECT_NE(ref.output.find(c.known_gap), std::string::npos)
        << "aorta reference fails on " << c.model << " differently from its known gap '"
        << c.known_gap << "':\n"
        << ref.output;
  } else {
    ASSERT_EQ(ref.exit_code, 0) << "aorta reference failed:\n" << ref.output;
  }

  TensorMap theirs;
  std::ifstream index_file(ort_dir / "outputs.json");
  const nlohmann::json index = nlohmann::json::parse(index_file);
  for (const auto& entry : index) {
    Result<Tensor> t = ReadNpy((ort_dir / entry.at("file").get<std::string>()).string());
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    theirs.emplace(entry.at("name").get<std::string>(), *std::move(t));
  }
  ASSERT_EQ(theirs.size(), index.size()) << "duplicate output names in " << ort_dir;
  c.sanity(theirs);
  if (!c.known_gap.empty()) return;

  Result<TensorMap> mine = ReadNpz(aorta_npz);
  ASSERT_TRUE(mine.ok()) << mine.status().ToString();
  ASSERT_EQ(mine->size(), theirs.size()) << "aorta and ONNX Runtime give different output counts";
  // With `sigmoid`: ONNX Runtime's Sigmoid output recomputed exactly from its logit.
  std::optional<Tensor> exact_prob;
  if (c.sigmoid) {
    const Tensor& logit = theirs.at(c.sigmoid->logit);
    const Tensor& prob = theirs.at(c.sigmoid->prob);
    ASSERT_EQ(logit.shape(), prob.shape());
    std::vector<float> e;
    const std::vector<double> l = logit.ToDoubles(), p = prob.ToDoubles();
    for (size_t i = 0; i < l.size(); ++i) {
      e.push_back(static_cast<float>(Sigmoid(l[i])));
      // ONNX Runtime's Sigmoid is accurate in absolute terms: the premise of the substitution.
      EXPECT_LE(std::abs(p[i] - Sigmoid(l[i])), 1e-7) << "ONNX Runtime's Sigmoid at " << l[i];
      std::printf("%s: ONNX Runtime's Sigmoid(%.6g) = %.7g, exact %.7g\n", c.name.c_str(), l[i],
                  p[i], Sigmoid(l[i]));
    }
    exact_prob = Tensor::FromVector<float>(prob.shape(), e);
  }
  for (const auto& [name, ort_value] : theirs) {
    ASSERT_TRUE(mine->contains(name)) << "aorta has no output '" << name << "'";
    const Tensor& got = mine->at(name);
    ASSERT_EQ(got.shape(), ort_value.shape()) << "output " << name;
    const bool is_prob =
        exact_prob && ort_value.ToDoubles() == theirs.at(c.sigmoid->prob).ToDoubles();
    const Tensor& want = is_prob ? *exact_prob : ort_value;
    const double rel = MaxRelativeDifference(got, want);
    std::printf("%s: output %s %s: max relative difference %.3g%s\n", c.name.c_str(), name.c_str(),
                ShapeToString(got.shape()).c_str(), rel,
                is_prob ? " (against the exact sigmoid of ONNX Runtime's logit)" : "");
    if (is_prob)
      std::printf("%s: output %s against ONNX Runtime's own Sigmoid: %.3g\n", c.name.c_str(),
                  name.c_str(), MaxRelativeDifference(got, ort_value));
    RecordProperty("max_rel_diff_" + name, std::to_string(rel));
    EXPECT_LE(rel, kTolerance) << c.name << ": output " << name;
  }
}

INSTANTIATE_TEST_SUITE_P(RealModels, OrtCheckTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& p) { return p.param.name; });

// The metric itself: relative to the reference's largest magnitude, not element-wise.
TEST(MaxRelativeDifferenceTest, IsRelativeToTheLargestReferenceValue) {
  const Tensor want = Tensor::FromVector<float>({3}, {100.0f, -0.001f, 2.0f});
  const Tensor got = Tensor::FromVector<float>({3}, {100.005f, 0.0f, 2.0f});
  EXPECT_NEAR(MaxRelativeDifference(got, want), 0.005 / 100, 1e-7);
  const Tensor zeros(DType::kF32, {2});
  EXPECT_NEAR(MaxRelativeDifference(Tensor::FromVector<float>({2}, {1e-9f, 0}), zeros), 1e-3, 1e-9);
}

}  // namespace
}  // namespace aorta::models
