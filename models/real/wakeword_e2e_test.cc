// openWakeWord end to end on real speech (docs/models.md, "Wake-word speech"): espeak-ng says
// "alexa", "hey jarvis" and an unrelated phrase; melspectrogram.onnx runs on the fp32 reference
// (host); the embedding model and the two classifiers are compiled for sim16 and run on the
// golden model, and compared with the same models on the fp32 reference:
//   - each clip's embedding output tensor [N, 1, 1, 96] has cosine similarity >= 0.99 with fp32,
//     and every single window >= 0.98 (the worst are the silent padding windows, 0.988);
//   - the classifiers fire (max score >= 0.5) on exactly the clips where fp32 fires, and fp32
//     fires on its own wake word only.
// hey_jarvis's LayerNorm ops and its If run on the host (host fallback), its Gemms, bias adds and
// activations on the chip; the host ops hand their results to each other by name.
// Calibration uses other phrases (the wake words inside longer sentences and unrelated speech),
// never the test clips.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "compiler/compile.h"
#include "compiler/onnx_import.h"
#include "compiler/reference/executor.h"
#include "core/io/npy.h"
#include "driver/runtime/backend.h"
#include "driver/runtime/session.h"
#include "models/real/model_inputs.h"
#include "models/real/wakeword.h"

namespace aorta::models {
namespace {

namespace fs = std::filesystem;

constexpr char kSetup[] =
    "run scripts/setup-deps (scripts/test runs it): it installs espeak-ng and fetches the models "
    "of models/models.txt into .cache/models";

// The test clips and the calibration phrases (different recordings of similar speech).
const std::vector<std::string> kClips = {"alexa", "hey jarvis", "the weather is nice today"};
const std::vector<std::string> kCalibration = {
    "alexa, what time is it", "hey jarvis, open the door", "please call my sister tomorrow",
    "one two three four five six seven", "turn off the kitchen lights"};

std::string Model(const std::string& name) {
  return ModelsDir(AORTA_TEST_SOURCE_DIR) + "/" + name + ".onnx";
}

// A temporary directory per process (ctest runs the cases in parallel), removed at the end.
struct TempDir {
  std::string path = fmt::format("{}/wakeword_e2e_{}", ::testing::TempDir(), getpid());
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

// One model on both sides: the fp32 reference and the compiled program on the golden model.
class TwoSides {
 public:
  // Compiles `model` for sim16 with input shape `shape`, calibrated on `calib` (a stack of
  // samples along dim 0).
  static Result<TwoSides> Make(const std::string& model, const std::string& input,
                               const Shape& shape, const Tensor& calib, const std::string& dir) {
    TwoSides s;
    AORTA_ASSIGN_OR_RETURN(s.graph_, ImportOnnxFile(model));
    s.input_ = input;
    const std::string calib_dir = dir + "/calib_" + fs::path(model).stem().string();
    fs::create_directories(calib_dir);
    AORTA_RETURN_IF_ERROR(WriteNpy(calib_dir + "/samples.npy", calib));
    CompileOptions options;
    options.input_shapes[input] = shape;
    options.calib.dir = calib_dir;
    AORTA_ASSIGN_OR_RETURN(ChipConfig chip, LoadChipConfig("sim16"));
    AORTA_ASSIGN_OR_RETURN(Compiled c, CompileOnnxFile(model, chip, options));
    std::printf("%s compiled in %.2f s\n%s", fs::path(model).filename().c_str(), c.report.seconds,
                FormatSummary(c.report, chip).c_str());
    s.program_ = std::make_unique<Program>(std::move(c.program));
    AORTA_ASSIGN_OR_RETURN(s.backend_, runtime::MakeGoldenBackend({chip}));
    AORTA_ASSIGN_OR_RETURN(s.session_, runtime::Session::Load(*s.program_, *s.backend_));
    return s;
  }

  Result<Tensor> Fp32(const Tensor& x) const {
    AORTA_ASSIGN_OR_RETURN(TensorMap out, reference::RunReference(graph_, {{input_, x}}));
    return out.at(graph_.outputs[0]);
  }
  Result<Tensor> Chip(const Tensor& x) const {
    AORTA_ASSIGN_OR_RETURN(TensorMap out, session_->Run({{input_, x}}));
    return out.at(graph_.outputs[0]);
  }

 private:
  ir::Graph graph_;
  std::string input_;
  std::unique_ptr<Program> program_;
  std::unique_ptr<runtime::Backend> backend_;
  std::unique_ptr<runtime::Session> session_;
};

// Row i of a [N, ...] tensor as a [1, ...] tensor.
Tensor Row(const Tensor& t, int64_t i) {
  Shape shape = t.shape();
  shape[0] = 1;
  Tensor row(t.dtype(), shape);
  const auto size = static_cast<size_t>(row.element_count());
  std::copy_n(t.data<float>().begin() + static_cast<std::ptrdiff_t>(size * i), size,
              row.data<float>().begin());
  return row;
}

// Rows stacked along dim 0.
Tensor Stack(const std::vector<Tensor>& rows) {
  Shape shape = rows.at(0).shape();
  shape[0] = 0;
  for (const Tensor& r : rows) shape[0] += r.dim(0);
  Tensor out(DType::kF32, shape);
  auto dst = out.data<float>().begin();
  for (const Tensor& r : rows) dst = std::copy(r.data<float>().begin(), r.data<float>().end(), dst);
  return out;
}

// Everything the three tests share, built once per process.
struct WakeWord {
  TempDir dir;
  std::vector<SpeechFeatures> clips;
  std::vector<Tensor> fp32_embeddings, chip_embeddings;  // per clip: [N, 1, 1, 96]
  std::vector<Tensor> calib_embeddings;                  // fp32, per calibration phrase
  std::optional<TwoSides> embedding;
  std::string error;  // set when building failed

  WakeWord() {
    const Status s = Build();
    if (!s.ok()) error = s.ToString();
  }

  Status Build() {
    for (const char* m : {"oww_melspectrogram", "oww_embedding", "oww_alexa", "oww_hey_jarvis"}) {
      if (!fs::exists(Model(m))) return NotFound("{} is missing: {}", Model(m), kSetup);
    }
    const std::string mel = Model("oww_melspectrogram");
    std::vector<Tensor> calib_windows;
    std::vector<SpeechFeatures> calib;
    for (const std::string& text : kCalibration) {
      AORTA_ASSIGN_OR_RETURN(SpeechFeatures f, SpeechToFeatures(text, dir.path, mel));
      calib_windows.push_back(f.windows);
      calib.push_back(std::move(f));
    }
    for (const std::string& text : kClips) {
      AORTA_ASSIGN_OR_RETURN(SpeechFeatures f, SpeechToFeatures(text, dir.path, mel));
      clips.push_back(std::move(f));
    }
    AORTA_ASSIGN_OR_RETURN(TwoSides e,
                           TwoSides::Make(Model("oww_embedding"), "input_1", {1, 76, 32, 1},
                                          Stack(calib_windows), dir.path));
    embedding.emplace(std::move(e));
    for (const SpeechFeatures& f : calib) {
      AORTA_ASSIGN_OR_RETURN(Tensor fp32, embedding->Fp32(f.windows));
      calib_embeddings.push_back(std::move(fp32));
    }
    for (const SpeechFeatures& f : clips) {
      AORTA_ASSIGN_OR_RETURN(Tensor fp32, embedding->Fp32(f.windows));
      fp32_embeddings.push_back(std::move(fp32));
      std::vector<Tensor> rows;
      for (int64_t w = 0; w < f.windows.dim(0); ++w) {
        AORTA_ASSIGN_OR_RETURN(Tensor row, embedding->Chip(Row(f.windows, w)));
        rows.push_back(std::move(row));
      }
      chip_embeddings.push_back(Stack(rows));
    }
    return Status::Ok();
  }
};

WakeWord& Shared() {
  static WakeWord w;
  return w;
}

TEST(WakeWordTest, EmbeddingMatchesFp32OnRealSpeech) {
  WakeWord& w = Shared();
  ASSERT_TRUE(w.error.empty()) << w.error;
  for (size_t c = 0; c < w.clips.size(); ++c) {
    const Tensor& fp32 = w.fp32_embeddings[c];
    const Tensor& chip = w.chip_embeddings[c];
    ASSERT_EQ(chip.shape(), fp32.shape()) << w.clips[c].text;
    const std::vector<double> a = chip.ToDoubles(), b = fp32.ToDoubles();
    double worst = 1;
    for (int64_t i = 0; i < fp32.dim(0); ++i) {
      const auto at = static_cast<size_t>(i * kEmbeddingSize);
      const double cos = Cosine(std::span(a).subspan(at, kEmbeddingSize),
                                std::span(b).subspan(at, kEmbeddingSize));
      worst = std::min(worst, cos);
      EXPECT_GE(cos, 0.98) << "'" << w.clips[c].text << "' window " << i;
    }
    EXPECT_GE(Cosine(a, b), 0.99) << "'" << w.clips[c].text << "': the whole embedding output";
    std::printf(
        "embedding '%s': %lld windows, cosine int8 vs fp32: whole %.5f, worst window %.5f\n",
        w.clips[c].text.c_str(), static_cast<long long>(fp32.dim(0)), Cosine(a, b), worst);
  }
}

// A classifier on both sides over every position of every clip: chip scores from chip
// embeddings, fp32 scores from fp32 embeddings.
void CheckClassifier(const std::string& model, const std::string& input, size_t fires_on) {
  WakeWord& w = Shared();
  ASSERT_TRUE(w.error.empty()) << w.error;
  std::vector<Tensor> calib;
  for (const Tensor& e : w.calib_embeddings) {
    Result<std::vector<Tensor>> windows = ClassifierWindows(e);
    ASSERT_TRUE(windows.ok()) << windows.status().ToString();
    calib.insert(calib.end(), windows->begin(), windows->end());
  }
  Result<TwoSides> cls = TwoSides::Make(
      Model(model), input, {1, kClassifierEmbeddings, kEmbeddingSize}, Stack(calib), w.dir.path);
  Result<ir::Graph> graph = ImportOnnxFile(Model(model));
  ASSERT_TRUE(graph.ok()) << graph.status().ToString();
  ASSERT_TRUE(cls.ok()) << model << ": " << cls.status().ToString();
  for (size_t c = 0; c < w.clips.size(); ++c) {
    Result<std::vector<Tensor>> fp32_in = ClassifierWindows(w.fp32_embeddings[c]);
    Result<std::vector<Tensor>> chip_in = ClassifierWindows(w.chip_embeddings[c]);
    ASSERT_TRUE(fp32_in.ok() && chip_in.ok());
    std::vector<double> fp32_scores, chip_scores;
    for (size_t p = 0; p < fp32_in->size(); ++p) {
      Result<TensorMap> f = reference::RunReference(*graph, {{graph->inputs[0], (*fp32_in)[p]}});
      ASSERT_TRUE(f.ok()) << f.status().ToString();
      fp32_scores.push_back(f->at(graph->outputs[0]).ToDoubles().at(0));
      Result<Tensor> q = cls->Chip((*chip_in)[p]);
      ASSERT_TRUE(q.ok()) << q.status().ToString();
      chip_scores.push_back(q->ToDoubles().at(0));
    }
    const double fp32_max = *std::max_element(fp32_scores.begin(), fp32_scores.end());
    const bool fp32_fires = fp32_max >= kWakeWordThreshold;
    EXPECT_EQ(fp32_fires, c == fires_on) << model << " on '" << w.clips[c].text << "' (fp32)";
    const double chip_max = *std::max_element(chip_scores.begin(), chip_scores.end());
    const bool chip_fires = chip_max >= kWakeWordThreshold;
    std::printf(
        "%s on '%s': %zu positions, max score fp32 %.4f, int8 %.4f; fires fp32 %s, int8 %s\n",
        model.c_str(), w.clips[c].text.c_str(), fp32_scores.size(), fp32_max, chip_max,
        fp32_fires ? "yes" : "no", chip_fires ? "yes" : "no");
    EXPECT_EQ(chip_fires, fp32_fires) << model << " on '" << w.clips[c].text << "'";
  }
}

TEST(WakeWordTest, AlexaFiresOnAlexaExactlyAsFp32) {
  CheckClassifier("oww_alexa", "onnx::Flatten_0", 0);
}

TEST(WakeWordTest, HeyJarvisFiresOnHeyJarvisExactlyAsFp32) {
  CheckClassifier("oww_hey_jarvis", "x.1", 1);
}

}  // namespace
}  // namespace aorta::models
