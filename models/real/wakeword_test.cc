// The pieces of openWakeWord's audio pipeline (models/real/wakeword.h) on synthetic signals whose
// right answer is known: WAV parsing and its errors, resampling of pure tones, padding, scaling
// and windowing; then espeak-ng and melspectrogram.onnx on one real phrase.
#include "models/real/wakeword.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <numbers>

#include "models/real/model_inputs.h"

namespace aorta::models {
namespace {

// A canonical 44-byte-header PCM WAV.
std::string Wav(int channels, int rate, int bits, const std::vector<int16_t>& samples,
                uint16_t format = 1) {
  auto le = [](std::string& s, uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
  };
  std::string data;
  for (int16_t v : samples) le(data, static_cast<uint16_t>(v), 2);
  std::string w = "RIFF";
  le(w, static_cast<uint32_t>(36 + data.size()), 4);
  w += "WAVEfmt ";
  le(w, 16, 4);
  le(w, format, 2);
  le(w, static_cast<uint32_t>(channels), 2);
  le(w, static_cast<uint32_t>(rate), 4);
  le(w, static_cast<uint32_t>(rate * channels * bits / 8), 4);
  le(w, static_cast<uint32_t>(channels * bits / 8), 2);
  le(w, static_cast<uint32_t>(bits), 2);
  w += "data";
  le(w, static_cast<uint32_t>(data.size()), 4);
  return w + data;
}

TEST(WavTest, ReadsMonoAndAveragesChannels) {
  Result<Audio> mono = ParseWav(Wav(1, 22050, 16, {0, 100, -32768, 32767}), "mono.wav");
  ASSERT_TRUE(mono.ok()) << mono.status().ToString();
  EXPECT_EQ(mono->sample_rate, 22050);
  EXPECT_EQ(mono->samples, (std::vector<float>{0, 100, -32768, 32767}));
  Result<Audio> stereo = ParseWav(Wav(2, 16000, 16, {10, 20, -4, 0}), "stereo.wav");
  ASSERT_TRUE(stereo.ok()) << stereo.status().ToString();
  EXPECT_EQ(stereo->samples, (std::vector<float>{15, -2}));
}

TEST(WavTest, ErrorsNameTheFileAndTheCause) {
  auto error = [](const std::string& bytes) {
    Result<Audio> a = ParseWav(bytes, "x.wav");
    EXPECT_FALSE(a.ok());
    return a.ok() ? std::string() : a.status().message();
  };
  EXPECT_EQ(error("RIFX"), "x.wav: not a RIFF/WAVE file");
  EXPECT_EQ(error(Wav(1, 8000, 16, {1, 2}, 3)), "x.wav: audio format 3 is not PCM (1)");
  EXPECT_EQ(error(Wav(1, 8000, 8, {1, 2})), "x.wav: 8-bit samples; only 16-bit PCM is read");
  const std::string full = Wav(1, 8000, 16, {1, 2, 3});
  EXPECT_EQ(error(full.substr(0, full.size() - 2)),
            "x.wav: chunk 'data' claims 6 bytes, 4 are left (truncated file)");
  EXPECT_EQ(error(full.substr(0, 36)), "x.wav: no 'data' chunk");
}

// Amplitude and phase of the frequency-f component of x (sampled at rate), by correlation.
std::pair<double, double> Tone(const std::vector<float>& x, double f, double rate, size_t from,
                               size_t to) {
  double s = 0, c = 0;
  for (size_t i = from; i < to; ++i) {
    const double w = 2 * std::numbers::pi * f * static_cast<double>(i) / rate;
    s += x[i] * std::sin(w);
    c += x[i] * std::cos(w);
  }
  const auto n = static_cast<double>(to - from);
  return {2 * std::hypot(s, c) / n, std::atan2(c, s)};
}

std::vector<float> Sine(double f, double rate, size_t n, double amplitude) {
  std::vector<float> x(n);
  for (size_t i = 0; i < n; ++i) {
    x[i] = static_cast<float>(amplitude *
                              std::sin(2 * std::numbers::pi * f * static_cast<double>(i) / rate));
  }
  return x;
}

TEST(ResampleTest, KeepsAToneInTheBandAndRemovesOneAboveIt) {
  // espeak-ng's 22050 Hz to openWakeWord's 16 kHz: 1 kHz passes with its amplitude and phase
  // (the output's time axis is the input's); 10 kHz, above the new Nyquist frequency of 8 kHz,
  // is filtered out instead of folding back to 6 kHz.
  const std::vector<float> in = Sine(1000, 22050, 22050, 1000);
  const std::vector<float> out = Resample(in, 22050, 16000);
  ASSERT_EQ(out.size(), 16000u);
  // Away from the ends, where the kernel runs off the signal.
  const auto [amp, phase] = Tone(out, 1000, 16000, 1000, 15000);
  EXPECT_NEAR(amp, 1000, 1.0);
  EXPECT_NEAR(phase, 0, 1e-3);
  const std::vector<float> high = Resample(Sine(10000, 22050, 22050, 1000), 22050, 16000);
  EXPECT_LT(Tone(high, 6000, 16000, 1000, 15000).first, 1.0);  // alias would be 1000
  EXPECT_EQ(Resample(in, 16000, 16000), in);
}

TEST(FeaturesTest, PaddingScalingAndWindows) {
  Audio a{16000, {1, 2, 3}};
  Result<Tensor> clip = PaddedClip(a);
  ASSERT_TRUE(clip.ok());
  ASSERT_EQ(clip->shape(), (Shape{1, 32003}));
  EXPECT_EQ(clip->at<float>(15999), 0);
  EXPECT_EQ(clip->at<float>(16000), 1);
  EXPECT_EQ(clip->at<float>(16002), 3);
  EXPECT_EQ(clip->at<float>(16003), 0);
  EXPECT_FALSE(PaddedClip(Audio{22050, {1}}).ok());

  // 100 frames: frame f, bin b holds 10 * (f * 32 + b) before scaling.
  Tensor mel(DType::kF32, {1, 1, 100, 32});
  for (int64_t i = 0; i < mel.element_count(); ++i) {
    mel.data<float>()[static_cast<size_t>(i)] = 10.0f * static_cast<float>(i);
  }
  Result<Tensor> scaled = ScaleMel(mel);
  ASSERT_TRUE(scaled.ok());
  ASSERT_EQ(scaled->shape(), (Shape{100, 32}));
  EXPECT_EQ(scaled->at<float>(33), 35.0f);  // 330 / 10 + 2
  // Windows start at frames 0, 8, 16, 24: (100 - 76) / 8 + 1 = 4.
  Result<Tensor> w = MelWindows(*scaled);
  ASSERT_TRUE(w.ok());
  ASSERT_EQ(w->shape(), (Shape{4, 76, 32, 1}));
  EXPECT_EQ(w->at<float>(76 * 32 * 3), scaled->at<float>(24 * 32));  // window 3 starts at frame 24
  EXPECT_EQ(w->at<float>(76 * 32 * 4 - 1), scaled->at<float>(100 * 32 - 1));
  Tensor short_mel(DType::kF32, {75, 32});
  EXPECT_FALSE(MelWindows(short_mel).ok());
  EXPECT_FALSE(ScaleMel(Tensor(DType::kF32, {4, 31})).ok());
}

TEST(FeaturesTest, ClassifierWindowsSlideByOneEmbedding) {
  Tensor e(DType::kF32, {18, 1, 1, 96});
  for (int64_t i = 0; i < e.element_count(); ++i) {
    e.data<float>()[static_cast<size_t>(i)] = static_cast<float>(i / 96);  // embedding index
  }
  Result<std::vector<Tensor>> w = ClassifierWindows(e);
  ASSERT_TRUE(w.ok());
  ASSERT_EQ(w->size(), 3u);
  EXPECT_EQ((*w)[2].shape(), (Shape{1, 16, 96}));
  EXPECT_EQ((*w)[2].at<float>(0), 2);
  EXPECT_EQ((*w)[2].at<float>(16 * 96 - 1), 17);
  EXPECT_FALSE(ClassifierWindows(Tensor(DType::kF32, {15, 96})).ok());
  EXPECT_FALSE(ClassifierWindows(Tensor(DType::kF32, {16, 95})).ok());
}

TEST(FeaturesTest, CosineOfVectors) {
  const std::vector<double> a = {1, 0, 1}, b = {2, 0, 2}, c = {0, 1, 0}, z = {0, 0, 0};
  EXPECT_NEAR(Cosine(a, b), 1.0, 1e-12);
  EXPECT_NEAR(Cosine(a, c), 0.0, 1e-12);
  EXPECT_EQ(Cosine(z, z), 1.0);
}

TEST(SpeechTest, EspeakNgThroughTheMelSpectrogram) {
  const std::string dir = ::testing::TempDir() + "/wakeword_test_" + std::to_string(getpid());
  struct Cleanup {
    std::string dir;
    ~Cleanup() { std::filesystem::remove_all(dir); }
  } cleanup{dir};
  const std::string mel_model = ModelsDir(AORTA_TEST_SOURCE_DIR) + "/oww_melspectrogram.onnx";
  ASSERT_TRUE(std::filesystem::exists(mel_model))
      << mel_model << " is missing: run scripts/setup-deps (it runs scripts/fetch-models)";
  Result<SpeechFeatures> f = SpeechToFeatures("alexa", dir, mel_model);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  // About 0.77 s of speech plus 2 s of silence, 10 ms frames.
  const double seconds = static_cast<double>(f->clip.dim(1)) / kWakeWordSampleRate;
  EXPECT_GT(seconds, 2.5);
  EXPECT_LT(seconds, 3.5);
  const int64_t frames = f->mel.element_count() / kMelBins;
  EXPECT_NEAR(static_cast<double>(frames), seconds * 100, 5);
  EXPECT_EQ(f->windows.dim(0), (frames - 76) / 8 + 1);
  // Speech is louder than the padding: the middle frames have more energy than the first.
  const auto mel = f->mel.data<float>();
  double first = 0, middle = 0;
  for (int64_t b = 0; b < kMelBins; ++b) {
    first += mel[static_cast<size_t>(b)];
    middle += mel[static_cast<size_t>(frames / 2 * kMelBins + b)];
  }
  EXPECT_GT(middle, first + 100) << "speech frames are not louder than the silence";
  Result<SpeechFeatures> missing = SpeechToFeatures("alexa", dir, dir + "/none.onnx");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("none.onnx"), std::string::npos);
}

}  // namespace
}  // namespace aorta::models
